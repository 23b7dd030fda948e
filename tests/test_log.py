"""GET /inventory/{p1Id}/log: the 200-entry cap, newest first, audit fields, 404s."""

from mockserver import InventoryMock
from tests.conftest import Api


def test_log_keeps_exactly_the_newest_200_of_250_adjusts_newest_first(mock: InventoryMock, api: Api) -> None:
    ids = []
    for n in range(250):
        answer = api.adjust({"p1_id": 12346, "delta_on_hand": 1, "reason": f"count {n}"})
        ids.append(answer.body["id"])
    data = api.log(12346).body["data"]
    assert len(data) == 200
    assert [entry["id"] for entry in data] == list(reversed(ids[-200:]))
    assert data[0]["reason"] == "count 249"
    assert data[-1]["reason"] == "count 50"
    assert api.product(12346)["log_entries"] == 251  # the seed's entry + 250


def test_log_entry_has_the_documented_fields_and_what_the_adjust_sent(api: Api) -> None:
    api.adjust({"p1_id": 12345, "delta_on_hand": -2, "delta_incoming": 3, "reason": "POS sale", "shop_id": "shop7"})
    entry = api.log(12345).body["data"][0]
    assert set(entry) == {
        "id",
        "p1_id",
        "shop_id",
        "delta_on_hand",
        "delta_incoming",
        "reason",
        "created_at",
        "metadata",
    }
    assert (entry["p1_id"], entry["shop_id"], entry["delta_on_hand"], entry["delta_incoming"], entry["reason"]) == (
        12345,
        "shop7",
        -2,
        3,
        "POS sale",
    )
    assert entry["created_at"].endswith("Z")


def test_seeded_backdated_entries_are_in_the_log_newest_first(api: Api) -> None:
    data = api.log(12345).body["data"]
    assert [entry["created_at"] for entry in data] == ["2026-06-05T14:00:00Z", "2026-06-01T09:00:00Z"]


def test_log_of_a_product_with_no_entries_is_empty(api: Api) -> None:
    answer = api.log(12347)
    assert answer.status == 200
    assert answer.body == {"data": []}


def test_log_of_unknown_or_foreign_product_is_404(api: Api) -> None:
    for p1_id in (424242, 99999):
        answer = api.log(p1_id)
        assert answer.status == 404
        assert answer.body["error"] == "not_found"
        assert str(p1_id) in answer.body["message"]


def test_log_with_a_non_numeric_product_id_is_400_naming_the_parameter(api: Api) -> None:
    answer = api.log("abc")
    assert answer.status == 400
    assert answer.body["field"] == "p1Id"
