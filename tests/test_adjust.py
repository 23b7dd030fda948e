"""POST /inventory/adjust: accepted changes, the non-negative rule, optional fields."""

import pytest

from mockserver import InventoryMock
from mockserver.state.store import Adjustment
from tests.conftest import DOCUMENTED_ADJUST, Api


def test_adjust_as_documented_returns_ok_and_a_log_entry_id(mock: InventoryMock, api: Api) -> None:
    answer = api.adjust(DOCUMENTED_ADJUST)
    assert answer.status == 200
    assert answer.body["status"] == "ok"
    assert mock.stock(12345) == 48
    newest = api.log(12345).body["data"][0]
    assert newest["id"] == answer.body["id"]
    assert newest["p1_id"] == 12345  # an integer in responses, whatever the request sent
    assert newest["metadata"] == {"pos_ref": "TX-999"}


@pytest.mark.parametrize("p1_id", [12348, "12348"])
def test_p1_id_may_be_an_integer_or_a_string_of_digits(mock: InventoryMock, api: Api, p1_id: object) -> None:
    assert api.adjust({"p1_id": p1_id, "delta_on_hand": 1, "reason": "count"}).status == 200
    assert mock.stock(12348) == 4


def test_deltas_default_to_zero_and_a_zero_adjust_is_logged(mock: InventoryMock, api: Api) -> None:
    answer = api.adjust({"p1_id": 12347, "reason": "audit only"})
    assert answer.status == 200
    assert mock.stock(12347) == 8
    entry = api.log(12347).body["data"][0]
    assert (entry["delta_on_hand"], entry["delta_incoming"], entry["shop_id"], entry["metadata"]) == (0, 0, None, None)


def test_incoming_changes_independently_of_on_hand(mock: InventoryMock, api: Api) -> None:
    assert api.adjust({"p1_id": 12349, "delta_incoming": -50, "delta_on_hand": 50, "reason": "delivery"}).status == 200
    assert (mock.stock(12349), mock.incoming(12349)) == (50, 150)


def test_taking_on_hand_to_exactly_zero_is_allowed(mock: InventoryMock, api: Api) -> None:
    assert api.adjust({"p1_id": 12348, "delta_on_hand": -3, "reason": "sale"}).status == 200
    assert mock.stock(12348) == 0


def test_on_hand_below_zero_is_rejected_with_409_and_changes_nothing(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    answer = api.adjust({"p1_id": 12348, "delta_on_hand": -4, "reason": "sale"})
    assert answer.status == 409
    assert answer.body["error"] == "insufficient_stock"
    assert answer.body["field"] == "delta_on_hand"
    assert "below zero" in answer.body["message"]
    assert mock.dump() == before
    assert api.product(12348)["log_entries"] == 0


def test_incoming_below_zero_is_rejected_and_changes_nothing(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    answer = api.adjust({"p1_id": 12348, "delta_on_hand": 5, "delta_incoming": -11, "reason": "receive"})
    assert answer.status == 409
    assert answer.body["field"] == "delta_incoming"
    assert mock.dump() == before  # the valid on-hand half was not applied either


def test_unknown_product_is_404_and_changes_nothing(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    answer = api.adjust({"p1_id": 424242, "delta_on_hand": 1, "reason": "count"})
    assert answer.status == 404
    assert answer.body["error"] == "not_found"
    assert mock.dump() == before


def test_product_of_another_org_is_404_for_this_org(mock: InventoryMock, api: Api) -> None:
    answer = api.adjust({"p1_id": 99999, "delta_on_hand": -1, "reason": "sale"})
    assert answer.status == 404
    assert mock.stock(99999, org_id="other-org") == 5


def test_stock_above_the_fakes_limit_is_rejected(mock: InventoryMock, api: Api) -> None:
    for _ in range(999):
        mock.store.adjust("demo-org", Adjustment(p1_id=12347, reason="bulk", delta_on_hand=10**9))
    answer = api.adjust({"p1_id": 12347, "delta_on_hand": 10**9, "reason": "count"})
    assert answer.status == 409
    assert answer.body["error"] == "stock_limit_exceeded"
    assert mock.stock(12347) == 8 + 999 * 10**9


def test_metadata_may_be_any_json_value_and_comes_back_unchanged(api: Api) -> None:
    for metadata in ([1, "two", {"three": 3.5}], "text", 7, None, {"nested": {"deep": [True, None]}}):
        assert api.adjust({"p1_id": 12346, "reason": "meta", "metadata": metadata}).status == 200
        assert api.log(12346).body["data"][0]["metadata"] == metadata
