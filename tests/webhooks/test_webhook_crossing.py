"""The crossing rule: which adjust emits low_stock / out_of_stock, exactly once per crossing."""

from __future__ import annotations

import threading

import pytest

import schemas
from mockserver import InventoryMock
from mockserver.alerts.events import crossing
from mockserver.errors import ApiError, MockUsageError
from mockserver.state.store import Adjustment

ORG = "demo-org"


@pytest.mark.parametrize(
    ("before", "after", "threshold", "expected"),
    [
        (10, 5, 5, "low_stock"),  # from above to exactly the threshold
        (10, 2, 5, "low_stock"),  # from above to below
        (6, 5, 5, "low_stock"),
        (5, 4, 5, None),  # starts at the threshold: already low
        (4, 2, 5, None),  # stays below
        (10, 6, 5, None),  # stays above
        (10, 0, 5, "out_of_stock"),  # straight to zero: one event, the more severe
        (3, 0, 5, "out_of_stock"),
        (0, 0, 5, None),
        (0, 3, 5, None),  # restock that stays low is no crossing
        (2, 10, 5, None),  # restock above
        (10, 1, 0, None),  # threshold 0: only out_of_stock exists
        (1, 0, 0, "out_of_stock"),
    ],
)
def test_crossing_rule(before: int, after: int, threshold: int, expected: str | None) -> None:
    assert crossing(before, after, threshold) == expected


def adjust(mock: InventoryMock, p1_id: int, on_hand: int = 0, incoming: int = 0) -> str:
    entry = mock.store.adjust(ORG, Adjustment(p1_id, "test", delta_on_hand=on_hand, delta_incoming=incoming))
    return entry.id


def test_event_carries_the_documented_fields_and_matches_its_schema() -> None:
    mock = InventoryMock()  # 12347 has 8 on hand, threshold 5
    entry_id = adjust(mock, 12347, on_hand=-4)
    event = mock.assert_event("low_stock", p1_id=12347, count=1)
    body = event.body()
    assert schemas.violations("webhook-event", body) == []
    assert body["org_id"] == ORG
    assert body["stockquantity"] == 4
    assert body["threshold"] == 5
    assert body["log_entry_id"] == entry_id
    assert body["occurred_at"] == mock.log(12347)[0]["created_at"]


def test_adjusts_that_stay_below_fire_once() -> None:
    mock = InventoryMock()
    adjust(mock, 12347, on_hand=-3)  # 8 -> 5
    adjust(mock, 12347, on_hand=-1)  # 5 -> 4
    adjust(mock, 12347, on_hand=-2)  # 4 -> 2
    adjust(mock, 12347, on_hand=1)  # 2 -> 3
    mock.assert_event("low_stock", p1_id=12347, count=1)
    mock.assert_no_event("out_of_stock")


def test_crossing_twice_fires_twice() -> None:
    mock = InventoryMock()
    adjust(mock, 12347, on_hand=-4)  # 8 -> 4: low
    adjust(mock, 12347, on_hand=6)  # 4 -> 10: restocked
    adjust(mock, 12347, on_hand=-7)  # 10 -> 3: low again
    adjust(mock, 12347, on_hand=-3)  # 3 -> 0: out
    adjust(mock, 12347, on_hand=2)  # 0 -> 2
    adjust(mock, 12347, on_hand=-2)  # 2 -> 0: out again
    assert [(e.type, e.stockquantity) for e in mock.events] == [
        ("low_stock", 4),
        ("low_stock", 3),
        ("out_of_stock", 0),
        ("out_of_stock", 0),
    ]
    assert len({event.id for event in mock.events}) == 4


def test_incoming_only_adjusts_do_not_fire() -> None:
    mock = InventoryMock()  # 12348: 3 on hand (below 5), 10 incoming
    adjust(mock, 12348, incoming=-10)
    adjust(mock, 12348, incoming=50)
    adjust(mock, 12346, incoming=-40)  # 120 on hand
    adjust(mock, 12349, incoming=-200)  # 0 on hand
    assert mock.events == []


def test_rejected_adjust_fires_nothing() -> None:
    mock = InventoryMock()
    with pytest.raises(ApiError):
        adjust(mock, 12347, on_hand=-9)  # 8 - 9 < 0: 409
    assert mock.events == []


def test_threshold_is_per_product_and_settable() -> None:
    mock = InventoryMock()
    mock.set_low_stock_threshold(12345, 40)  # 50 on hand
    adjust(mock, 12345, on_hand=-10)  # 50 -> 40
    mock.assert_event("low_stock", p1_id=12345, threshold=40)
    with pytest.raises(MockUsageError):
        mock.set_low_stock_threshold(12345, -1)
    with pytest.raises(MockUsageError):
        mock.set_low_stock_threshold(424242, 3)


def test_threshold_from_the_seed_and_back_through_dump() -> None:
    seed = {
        "orgs": [
            {
                "id": "o",
                "products": [
                    {"p1_id": 1, "name": "a", "stockquantity": 20, "low_stock_threshold": 15},
                    {"p1_id": 2, "name": "b", "stockquantity": 20},
                ],
                "webhooks": [{"url": "http://127.0.0.1:9/hook", "events": ["out_of_stock"], "secret": "s"}],
            }
        ]
    }
    mock = InventoryMock(seed)
    dumped = mock.dump()
    assert dumped["orgs"][0]["products"][0]["low_stock_threshold"] == 15
    assert "low_stock_threshold" not in dumped["orgs"][0]["products"][1]  # the default is implied
    assert dumped["orgs"][0]["webhooks"] == seed["orgs"][0]["webhooks"]
    again = InventoryMock(dumped)
    assert again.dump() == dumped
    again.store.adjust("o", Adjustment(1, "sale", delta_on_hand=-5))
    again.assert_event("low_stock", p1_id=1, threshold=15)


def test_concurrent_adjusts_neither_double_fire_nor_miss_a_crossing() -> None:
    mock = InventoryMock()
    mock.add_product(777, stockquantity=40)
    barrier = threading.Barrier(8)

    def sell() -> None:
        barrier.wait()
        for _ in range(5):
            adjust(mock, 777, on_hand=-1)

    threads = [threading.Thread(target=sell) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mock.stock(777) == 0
    mock.assert_event("low_stock", p1_id=777, count=1, stockquantity=5)
    mock.assert_event("out_of_stock", p1_id=777, count=1)


def test_assert_event_explains_what_was_emitted() -> None:
    mock = InventoryMock()
    adjust(mock, 12347, on_hand=-4)
    with pytest.raises(AssertionError, match=r"expected an event out_of_stock p1_id=12347.*low_stock\(p1_id=12347"):
        mock.assert_event("out_of_stock", p1_id=12347)
    with pytest.raises(AssertionError, match="expected no low_stock event"):
        mock.assert_no_event("low_stock")
    with pytest.raises(MockUsageError):
        mock.assert_event("low_stok")


def test_reset_clears_events_and_thresholds() -> None:
    mock = InventoryMock()
    mock.set_low_stock_threshold(12345, 49)
    adjust(mock, 12345, on_hand=-1)
    assert mock.events
    mock.reset()
    assert mock.events == []
    adjust(mock, 12345, on_hand=-1)
    assert mock.events == []
