"""GET /inventory: shape, order, and the summary fields that follow the log."""

from datetime import UTC, datetime

from mockserver import InventoryMock
from mockserver.state.store import Adjustment
from tests.conftest import ORG, Api


def test_list_returns_every_product_of_the_org_in_ascending_p1_id(api: Api) -> None:
    answer = api.inventory()
    assert answer.status == 200
    ids = [item["p1_id"] for item in answer.body["data"]]
    assert ids == [12345, 12346, 12347, 12348, 12349]
    assert 99999 not in ids  # other-org's product


def test_list_item_carries_the_documented_fields(api: Api) -> None:
    item = api.product(12345)
    assert item == {
        "p1_id": 12345,
        "name": "Example Strain",
        "stockquantity": 50,
        "price": 8.99,
        "category": "Blüten",
        "log_entries": 2,
        "last_activity": "2026-06-05T14:00:00Z",
    }


def test_product_without_log_has_zero_entries_and_null_last_activity(api: Api) -> None:
    item = api.product(12347)
    assert item["log_entries"] == 0
    assert item["last_activity"] is None


def test_list_order_is_by_p1_id_even_when_products_are_added_out_of_order(mock: InventoryMock, api: Api) -> None:
    mock.add_product(1, "First")
    mock.add_product(20000, "Last")
    ids = [item["p1_id"] for item in api.inventory().body["data"]]
    assert ids == sorted(ids)
    assert ids[0] == 1
    assert ids[-1] == 20000


def test_log_entries_and_last_activity_follow_each_adjust(mock: InventoryMock, api: Api) -> None:
    mock.clock.set(datetime(2026, 11, 1, 12, 30, 5, tzinfo=UTC))
    assert api.adjust({"p1_id": 12347, "delta_on_hand": 2, "reason": "delivery"}).status == 200
    item = api.product(12347)
    assert item["log_entries"] == 1
    assert item["stockquantity"] == 10
    assert item["last_activity"] == "2026-11-01T12:30:05Z"


def test_log_entries_counts_beyond_the_log_cap(mock: InventoryMock, api: Api) -> None:
    for _ in range(205):
        mock.store.adjust(ORG, Adjustment(p1_id=12346, reason="count"))
    assert api.product(12346)["log_entries"] == 1 + 205


def test_empty_org_lists_nothing() -> None:
    mock = InventoryMock({"orgs": [{"id": "empty", "tokens": [{"token": "t1", "scopes": ["inventory.read"]}]}]})
    answer = Api(mock).inventory(token="t1", org="empty")
    assert answer.status == 200
    assert answer.body == {"data": []}


def test_the_list_read_before_an_adjust_is_not_served_again_after_it(mock: InventoryMock, api: Api) -> None:
    before = api.product(12348)  # the list item is rendered once and kept until the product changes
    assert api.adjust({"p1_id": 12348, "delta_on_hand": -1, "reason": "sale"}).status == 200
    after = api.product(12348)
    assert (before["stockquantity"], before["log_entries"]) == (3, 0)
    assert (after["stockquantity"], after["log_entries"]) == (2, 1)
    assert after["last_activity"] is not None
    api.request("POST", "/_mock/reset", token=None)
    assert api.product(12348) == before
