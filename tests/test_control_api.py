"""The control API under /_mock/: reset, seed, state, products, tokens, clock, journal."""

import json

import pytest

from mockserver import ControlSettings, InventoryMock
from tests.conftest import PREFIX, Api


def _control(api: Api, method: str, path: str, body: object = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return api.request(method, f"/_mock/{path}", token=None, json=body, headers=headers)


def test_reset_returns_to_the_seed_and_real_time(mock: InventoryMock, api: Api) -> None:
    api.adjust({"p1_id": 12345, "delta_on_hand": -5, "reason": "sale"})
    _control(api, "POST", "clock", {"now": "2030-01-01T00:00:00Z"})
    assert _control(api, "POST", "reset").status == 200
    assert mock.stock(12345) == 50
    assert not mock.clock.frozen
    assert mock.journal.entries() == []


def test_put_seed_replaces_the_state_and_becomes_what_reset_returns_to(mock: InventoryMock, api: Api) -> None:
    seed = {
        "orgs": [
            {
                "id": "o2",
                "products": [{"p1_id": 7, "name": "p", "stockquantity": 3}],
                "tokens": [{"token": "o2-rw", "scopes": ["inventory.read", "inventory.write"]}],
            }
        ]
    }
    assert _control(api, "PUT", "seed", seed).status == 200
    assert api.inventory().status == 401  # demo tokens are gone
    api.adjust({"p1_id": 7, "delta_on_hand": -1, "reason": "sale"}, token="o2-rw", org="o2")
    _control(api, "POST", "reset")
    assert mock.stock(7, org_id="o2") == 3


def test_put_bad_seed_is_400_naming_the_path_and_keeps_the_state(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    answer = _control(api, "PUT", "seed", {"orgs": [{"id": "x", "products": [{"p1_id": 1}]}]})
    assert answer.status == 400
    assert "$.orgs[0].products[0].name" in answer.body["message"]
    assert mock.dump() == before


def test_state_is_the_seed_format_and_round_trips(mock: InventoryMock, api: Api) -> None:
    api.adjust({"p1_id": 12345, "delta_on_hand": -5, "reason": "sale", "shop_id": "s"})
    state = _control(api, "GET", "state").body
    other = InventoryMock()
    assert _control(Api(other), "PUT", "seed", state).status == 200
    assert other.dump() == state


def test_add_product_and_token(mock: InventoryMock, api: Api) -> None:
    product = {"org_id": "demo-org", "p1_id": 777, "name": "New", "stockquantity": 4, "price": 2.5}
    assert _control(api, "POST", "products", product).status == 201
    assert _control(api, "POST", "products", product).status == 400  # already exists
    token = {"org_id": "demo-org", "token": "new-reader", "scopes": ["inventory.read"]}
    assert _control(api, "POST", "tokens", token).status == 201
    assert api.product(777)["stockquantity"] == 4
    assert api.inventory(token="new-reader").status == 200


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("products", {"p1_id": 1, "name": "n", "stockquantity": 1}, "org_id"),
        ("products", {"org_id": "demo-org", "p1_id": 1, "stockquantity": 1}, "name"),
        ("tokens", {"org_id": "demo-org", "token": "t"}, "scopes"),
        ("clock", {"now": "tomorrow"}, "now"),
        ("clock", {"advance_seconds": "1"}, "advance_seconds"),
        ("clock", {"speed": 2}, "speed"),
    ],
)
def test_bad_control_requests_are_400_naming_the_field(api: Api, path: str, body: object, words: str) -> None:
    answer = _control(api, "POST", path, body)
    assert answer.status == 400
    assert words in answer.body["message"]


def test_clock_set_advance_and_unfreeze(mock: InventoryMock, api: Api) -> None:
    assert _control(api, "POST", "clock", {"now": "2026-12-31T23:00:00Z"}).body == {
        "now": "2026-12-31T23:00:00Z",
        "frozen": True,
    }
    assert _control(api, "POST", "clock", {"advance_seconds": 7200}).body["now"] == "2027-01-01T01:00:00Z"
    api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "new year"})
    assert api.log(12347).body["data"][0]["created_at"] == "2027-01-01T01:00:00Z"
    running = _control(api, "POST", "clock", {"frozen": False}).body
    assert running["frozen"] is False
    assert running["now"].startswith("2027-01-01T01:00")


def test_journal_lists_api_requests_newest_last_with_violations(api: Api) -> None:
    api.inventory()
    api.adjust({"p1_id": 12345, "delta_onhand": -1, "reason": "typo"})
    data = _control(api, "GET", "journal").body["data"]
    assert [(e["method"], e["path"], e["status"]) for e in data] == [
        ("GET", f"{PREFIX}", 200),
        ("POST", f"{PREFIX}/adjust", 400),
    ]
    assert data[1]["violations"][0]["field"] == "delta_onhand"
    assert data[1]["body"]["delta_onhand"] == -1
    assert _control(api, "DELETE", "journal").status == 200
    assert _control(api, "GET", "journal").body == {"data": []}


def test_control_token_is_required_when_configured() -> None:
    mock = InventoryMock(control=ControlSettings(token="s3cret"))
    api = Api(mock)
    answer = _control(api, "GET", "state")
    assert answer.status == 401
    assert "X-Mock-Control-Token" in answer.body["message"]
    assert _control(api, "GET", "state", headers={"X-Mock-Control-Token": "wrong"}).status == 401
    assert _control(api, "GET", "state", headers={"X-Mock-Control-Token": "s3cret"}).status == 200


def test_control_api_can_be_switched_off() -> None:
    api = Api(InventoryMock(control=ControlSettings(enabled=False)))
    assert _control(api, "POST", "reset").status == 404


def test_control_body_must_be_json(api: Api) -> None:
    answer = api.request("POST", "/_mock/clock", token=None, data=json.dumps({"frozen": True}))
    assert answer.status == 415


def test_openapi_document_is_served(api: Api) -> None:
    answer = api.request("GET", "/openapi.json", token=None)
    assert answer.status == 200
    assert answer.body["openapi"] == "3.1.0"
    assert f"{PREFIX.replace('demo-org', '{orgId}')}/adjust" in answer.body["paths"]
