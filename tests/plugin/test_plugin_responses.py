"""``inventory_mock`` beside other hosts and beside a test's own ``responses`` mocks."""

import pytest

from mockserver import LiveServer


def pong(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"pong from " + environ["PATH_INFO"].encode()]


@pytest.fixture
def other_host():
    with LiveServer(pong) as server:
        yield server.url


HEADER = """
import pytest
import requests
import responses

LIST = "https://inventory.mock/api/v2/public/orgs/demo-org/inventory"
AUTH = {"Authorization": "Bearer demo-read-write"}
OTHER = "%s"
"""


def run(pytester, other_host, body, **outcomes):
    pytester.makepyfile(test_client=HEADER % other_host + body)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(**outcomes)


def test_other_hosts_pass_through_untouched(pytester, other_host):
    run(
        pytester,
        other_host,
        """
def test_both(inventory_mock):
    assert requests.get(OTHER + "/ping").text == "pong from /ping"
    assert requests.get(LIST, headers=AUTH).status_code == 200
    assert [entry.path for entry in inventory_mock.journal.entries()] == ["/api/v2/public/orgs/demo-org/inventory"]
""",
        passed=1,
    )


def test_responses_activate_keeps_working_and_its_calls_are_its_own(pytester, other_host):
    run(
        pytester,
        other_host,
        """
@responses.activate
def test_activate(inventory_mock):
    responses.add(responses.POST, "https://pay.example/charge", json={"paid": True})
    assert requests.post("https://pay.example/charge").json() == {"paid": True}
    assert requests.get(LIST, headers=AUTH).json()["data"][0]["p1_id"] == 12345
    assert [call.request.url for call in responses.calls] == ["https://pay.example/charge"]
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        requests.get(OTHER + "/ping")  # responses' own rule: unmatched and not passed through
    inventory_mock.assert_calls(list=1)
""",
        passed=1,
    )


def test_a_requests_mock_can_override_an_endpoint_of_the_fake(pytester, other_host):
    run(
        pytester,
        other_host,
        """
def test_outage(inventory_mock):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, LIST, status=503)
        assert requests.get(LIST, headers=AUTH).status_code == 503
        body = {"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}
        assert requests.post(LIST + "/adjust", json=body, headers=AUTH).status_code == 200
        assert len(rsps.calls) == 1
    assert inventory_mock.stock(12345) == 49
    inventory_mock.assert_calls(list=0, adjust=1)

def test_its_own_checks_still_apply(inventory_mock):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "https://pay.example/status")
        requests.get(LIST, headers=AUTH)
""",
        passed=1,
        failed=1,
    )
    assert "Not all requests have been executed" in pytester.runpytest("-k", "own_checks").stdout.str()


def test_responses_started_before_or_after_the_fixture(pytester, other_host):
    run(
        pytester,
        other_host,
        """
@pytest.fixture
def started_before():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, "https://pay.example/before", body="before")
        rsps.add_passthru(OTHER)
        yield

@pytest.fixture
def started_after(inventory_mock):
    responses.start()
    responses.add(responses.GET, "https://pay.example/after", body="after")
    yield
    responses.stop()
    responses.reset()

def test_before(started_before, inventory_mock):
    assert requests.get("https://pay.example/before").text == "before"
    assert requests.get(OTHER + "/x").text == "pong from /x"
    assert requests.get(LIST, headers=AUTH).status_code == 200

def test_after(started_after):
    assert requests.get("https://pay.example/after").text == "after"
    assert requests.get(LIST, headers=AUTH).status_code == 200

def test_no_fixture_afterwards():
    # The fake is gone: responses is back to its own behaviour.
    with responses.RequestsMock() as rsps:
        rsps.add_passthru(OTHER)
        assert requests.get(OTHER + "/y").text == "pong from /y"
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(LIST, headers=AUTH)
""",
        passed=3,
    )
