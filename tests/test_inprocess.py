"""The in-process transport: requests answered by the app, other hosts untouched."""

import requests
import responses

from mockserver import InventoryMock
from mockserver.transports.inprocess import url_pattern

BASE = "https://inventory.mock"
HEADERS = {"Authorization": "Bearer demo-read-only"}


def test_requests_calls_are_answered_in_process_with_headers_and_query() -> None:
    mock = InventoryMock()
    with mock.intercept(BASE):
        answer = requests.get(
            f"{BASE}/api/v2/public/orgs/demo-org/inventory/12345/history",
            params={"days": "0"},
            headers=HEADERS,
            timeout=5,
        )
    assert answer.status_code == 400
    assert answer.json()["field"] == "days"
    assert answer.headers["Content-Type"] == "application/json"
    assert mock.journal.entries()[-1].query == "days=0"


def test_url_pattern_matches_the_base_url_and_below_but_not_a_longer_host() -> None:
    pattern = url_pattern("https://inventory.mock/")
    assert pattern.match("https://inventory.mock")
    assert pattern.match("https://inventory.mock/api?x=1")
    assert not pattern.match("https://inventory.mock.evil.example/api")
    assert not pattern.match("http://inventory.mock/api")


def test_other_hosts_pass_through_to_the_network_layer() -> None:
    mock = InventoryMock()
    with mock.intercept(BASE):
        server = InventoryMock().serve()  # another fake on a real socket stands in for "another host"
        try:
            answer = requests.get(f"{server.url}/api/v2/public/orgs/demo-org/inventory", headers=HEADERS, timeout=5)
        finally:
            server.stop()
    assert answer.status_code == 200
    assert mock.journal.entries() == []


def test_registering_on_an_active_requests_mock_keeps_its_own_mocks() -> None:
    mock = InventoryMock()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get("https://shop.example/ping", json={"pong": True})
        with mock.intercept(BASE, mock=rsps):
            assert requests.get("https://shop.example/ping", timeout=5).json() == {"pong": True}
            answer = requests.get(f"{BASE}/api/v2/public/orgs/demo-org/inventory", headers=HEADERS, timeout=5)
    assert answer.status_code == 200
    assert len(answer.json()["data"]) == 5


def test_percent_encoded_path_reaches_the_app_decoded() -> None:
    mock = InventoryMock()
    with mock.intercept(BASE):
        answer = requests.get(f"{BASE}/api/v2/public/orgs/demo%2Dorg/inventory", headers=HEADERS, timeout=5)
    assert answer.status_code == 200
