"""The controllable clock."""

from datetime import UTC, datetime, timedelta, timezone

from mockserver import Clock
from mockserver.clock import format_timestamp, parse_timestamp


def test_real_time_by_default() -> None:
    clock = Clock()
    assert not clock.frozen
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_set_freezes_and_advance_moves_frozen_time() -> None:
    clock = Clock()
    clock.set(datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 1, 1, 12, tzinfo=UTC)
    clock.advance(days=1, seconds=30)
    assert clock.now() == datetime(2026, 1, 2, 12, 0, 30, tzinfo=UTC)


def test_naive_and_offset_datetimes_become_utc() -> None:
    clock = Clock()
    clock.set(datetime(2026, 1, 1, 12))
    assert clock.now().tzinfo is UTC
    clock.set(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_unfreeze_continues_from_the_frozen_moment_and_reset_returns_to_real_time() -> None:
    clock = Clock()
    clock.set(datetime(2030, 5, 5, tzinfo=UTC))
    clock.unfreeze()
    assert not clock.frozen
    assert datetime(2030, 5, 5, tzinfo=UTC) <= clock.now() < datetime(2030, 5, 5, 0, 1, tzinfo=UTC)
    clock.advance(days=2)
    assert clock.now() >= datetime(2030, 5, 7, tzinfo=UTC)
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_timestamps_are_utc_with_z() -> None:
    moment = parse_timestamp("2026-06-05T16:00:00+02:00")
    assert format_timestamp(moment) == "2026-06-05T14:00:00Z"
    assert parse_timestamp("2026-06-05T14:00:00Z") == moment
