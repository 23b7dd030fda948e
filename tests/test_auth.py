"""Bearer tokens, scopes, org isolation, and the order of the checks (401 -> 403 -> 400 -> 404 -> 409)."""

import pytest

from mockserver import InventoryMock
from tests.conftest import OTHER_TOKEN, RO, RW, WO, Api

READS = ["inventory", "log", "history"]


def _read(api: Api, endpoint: str, token: str | None, org: str = "demo-org"):  # type: ignore[no-untyped-def]
    if endpoint == "inventory":
        return api.inventory(token=token, org=org)
    return getattr(api, endpoint)(12345, token=token, org=org)


@pytest.mark.parametrize("endpoint", READS)
def test_reads_without_a_token_are_401_with_www_authenticate(api: Api, endpoint: str) -> None:
    answer = _read(api, endpoint, None)
    assert answer.status == 401
    assert answer.body["error"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_adjust_without_a_token_is_401(mock: InventoryMock, api: Api) -> None:
    assert api.adjust({"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token=None).status == 401
    assert mock.stock(12345) == 50


@pytest.mark.parametrize(
    "header",
    ["Bearer unknown-token", "Basic ZGVtbzpkZW1v", "demo-read-write", "Bearer", "Bearer demo-read-write extra", ""],
)
def test_unknown_or_malformed_authorization_is_401(api: Api, header: str) -> None:
    answer = api.request("GET", "/api/v2/public/orgs/demo-org/inventory", token=None, headers={"Authorization": header})
    assert answer.status == 401


def test_scheme_is_case_insensitive(api: Api) -> None:
    answer = api.request(
        "GET", "/api/v2/public/orgs/demo-org/inventory", token=None, headers={"Authorization": f"bearer {RW}"}
    )
    assert answer.status == 200


@pytest.mark.parametrize("endpoint", READS)
def test_reads_need_inventory_read(api: Api, endpoint: str) -> None:
    answer = _read(api, endpoint, WO)
    assert answer.status == 403
    assert answer.body["error"] == "insufficient_scope"
    assert "inventory.read" in answer.body["message"]
    assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]
    assert _read(api, endpoint, RO).status == 200


def test_adjust_needs_inventory_write(mock: InventoryMock, api: Api) -> None:
    answer = api.adjust({"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token=RO)
    assert answer.status == 403
    assert answer.body["error"] == "insufficient_scope"
    assert "inventory.write" in answer.body["message"]
    assert mock.stock(12345) == 50
    assert api.adjust({"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token=WO).status == 200


@pytest.mark.parametrize("endpoint", READS)
def test_a_token_of_another_org_is_403_forbidden(api: Api, endpoint: str) -> None:
    answer = _read(api, endpoint, OTHER_TOKEN)
    assert answer.status == 403
    assert answer.body["error"] == "forbidden"


def test_another_orgs_token_cannot_adjust_this_org(mock: InventoryMock, api: Api) -> None:
    answer = api.adjust({"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token=OTHER_TOKEN)
    assert answer.status == 403
    assert mock.stock(12345) == 50


@pytest.mark.parametrize("endpoint", [*READS, "adjust"])
def test_unknown_org_looks_exactly_like_another_org(api: Api, endpoint: str) -> None:
    if endpoint == "adjust":
        body = {"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}
        unknown, other = api.adjust(body, org="no-such-org"), api.adjust(body, org="other-org")
    else:
        unknown, other = _read(api, endpoint, RW, org="no-such-org"), _read(api, endpoint, RW, org="other-org")
    assert unknown.status == other.status == 403
    assert unknown.body["error"] == other.body["error"] == "forbidden"
    assert unknown.body["message"].replace("no-such-org", "X") == other.body["message"].replace("other-org", "X")


def test_check_order_401_before_403_before_400_before_404_before_409(api: Api) -> None:
    invalid_and_unknown = {"p1_id": 424242, "delta_on_hand": "x", "reason": "r"}
    assert api.adjust(invalid_and_unknown, token=None).status == 401
    assert api.adjust(invalid_and_unknown, token=RO).status == 403
    assert api.adjust(invalid_and_unknown, token=OTHER_TOKEN).status == 403
    assert api.adjust(invalid_and_unknown).status == 400
    assert api.adjust({"p1_id": 424242, "delta_on_hand": -1000, "reason": "r"}).status == 404
    assert api.adjust({"p1_id": 12345, "delta_on_hand": -1000, "reason": "r"}).status == 409


def test_tokens_added_at_run_time_work_and_are_bound_to_their_org(mock: InventoryMock, api: Api) -> None:
    mock.add_token("late-reader", ["inventory.read"])
    assert api.inventory(token="late-reader").status == 200
    assert api.inventory(token="late-reader", org="other-org").status == 403
