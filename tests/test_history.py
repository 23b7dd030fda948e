"""GET /inventory/{p1Id}/history: daily aggregates of the whole log, `days` bounds."""

from datetime import UTC, datetime

import pytest

from mockserver import InventoryMock
from tests.conftest import Api


@pytest.fixture
def week(mock: InventoryMock, api: Api) -> Api:
    """Product 12346 with adjusts on 2026-11-20 (x2), 11-23, 11-26, 11-27; the clock on 11-27."""
    plan = [
        (datetime(2026, 11, 20, 8, tzinfo=UTC), -1, 0),
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC), -2, 5),
        (datetime(2026, 11, 23, 0, 0, 0, tzinfo=UTC), 10, -5),
        (datetime(2026, 11, 26, 12, tzinfo=UTC), -3, 0),
        (datetime(2026, 11, 27, 1, tzinfo=UTC), -4, 0),
    ]
    for moment, on_hand, incoming in plan:
        mock.clock.set(moment)
        body = {"p1_id": 12346, "delta_on_hand": on_hand, "delta_incoming": incoming, "reason": "r"}
        assert api.adjust(body).status == 200
    mock.clock.set(datetime(2026, 11, 27, 18, tzinfo=UTC))
    return api


def test_history_aggregates_per_utc_day_oldest_first(week: Api) -> None:
    data = week.history(12346, "days=8").body["data"]
    assert data == [
        {"date": "2026-11-20", "delta_on_hand": -3, "delta_incoming": 5, "entries": 2},
        {"date": "2026-11-23", "delta_on_hand": 10, "delta_incoming": -5, "entries": 1},
        {"date": "2026-11-26", "delta_on_hand": -3, "delta_incoming": 0, "entries": 1},
        {"date": "2026-11-27", "delta_on_hand": -4, "delta_incoming": 0, "entries": 1},
    ]


def test_window_is_today_and_the_days_minus_one_before(week: Api) -> None:
    assert [d["date"] for d in week.history(12346, "days=1").body["data"]] == ["2026-11-27"]
    assert [d["date"] for d in week.history(12346, "days=5").body["data"]] == ["2026-11-23", "2026-11-26", "2026-11-27"]
    assert week.history(12346, "days=7").body["data"][0]["date"] == "2026-11-23"


def test_window_moves_with_the_clock(mock: InventoryMock, week: Api) -> None:
    mock.clock.advance(days=3)  # now 2026-11-30
    assert [d["date"] for d in week.history(12346, "days=4").body["data"]] == ["2026-11-27"]


def test_days_defaults_to_30(mock: InventoryMock, api: Api) -> None:
    mock.clock.set(datetime(2026, 10, 1, tzinfo=UTC))
    api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "old"})  # 31 days before 2026-11-01
    mock.clock.set(datetime(2026, 10, 3, tzinfo=UTC))
    api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "inside"})  # 29 days before
    mock.clock.set(datetime(2026, 11, 1, tzinfo=UTC))
    default = api.history(12347).body["data"]
    assert [d["date"] for d in default] == ["2026-10-03"]
    assert api.history(12347, "days=30").body == api.history(12347).body
    assert [d["date"] for d in api.history(12347, "days=32").body["data"]] == ["2026-10-01", "2026-10-03"]


def test_history_covers_the_whole_log_not_only_the_200_the_log_shows(mock: InventoryMock, api: Api) -> None:
    mock.clock.set(datetime(2026, 11, 27, 10, tzinfo=UTC))
    for _ in range(300):
        api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "r"})
    today = api.history(12347, "days=1").body["data"]
    assert today == [{"date": "2026-11-27", "delta_on_hand": 300, "delta_incoming": 0, "entries": 300}]


def test_365_days_reaches_back_a_year_and_no_further(mock: InventoryMock, api: Api) -> None:
    mock.clock.set(datetime(2025, 11, 27, 12, tzinfo=UTC))
    api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "a year ago"})
    mock.clock.set(datetime(2025, 11, 28, 12, tzinfo=UTC))
    api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "364 days ago"})
    mock.clock.set(datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert [d["date"] for d in api.history(12347, "days=365").body["data"]] == ["2025-11-28"]


@pytest.mark.parametrize(
    "days", ["0", "366", "-1", "abc", "1.5", "", "1e2", "30&days=31", "\uff19"]
)  # uff19: a fullwidth nine
def test_days_outside_1_to_365_or_not_an_integer_is_400(api: Api, days: str) -> None:
    answer = api.history(12345, f"days={days}")
    assert answer.status == 400
    assert answer.body["error"] == "invalid_request"
    assert answer.body["field"] == "days"


@pytest.mark.parametrize("days", ["1", "365", "030"])
def test_days_bounds_are_inclusive(api: Api, days: str) -> None:
    assert api.history(12345, f"days={days}").status == 200


def test_history_of_unknown_or_foreign_product_is_404(api: Api) -> None:
    assert api.history(424242).status == 404
    assert api.history(99999).status == 404


def test_memory_per_product_is_bounded_by_the_day_totals_kept(mock: InventoryMock, api: Api) -> None:
    mock.clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    for _ in range(800):
        api.adjust({"p1_id": 12347, "delta_on_hand": 1, "reason": "daily"})
        mock.clock.advance(days=1)
    product = next(p for p in mock.dump()["orgs"][0]["products"] if p["p1_id"] == 12347)
    assert len(product["daily"]) == 366
    assert len(product["log"]) == 200
    assert product["log_entries"] == 800
    mock.clock.advance(days=-1)  # back to the day of the last adjust
    assert len(api.history(12347, "days=365").body["data"]) == 365
