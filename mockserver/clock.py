"""A controllable UTC clock: real time by default; freeze, set and advance it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# The fake's clock and timestamps stay in this range, so that the history window
# (365 days back) and ``advance`` can never leave what ``datetime`` represents.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class Clock:
    """UTC time that tests can freeze, set and move forward.

    Running: ``now()`` is the real time plus an offset. Frozen: ``now()`` stays put
    until ``set`` or ``advance`` moves it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        """The current (possibly simulated) UTC time."""
        frozen_at = self._frozen_at
        if frozen_at is not None:
            return frozen_at
        return datetime.now(UTC) + self._offset

    @property
    def frozen(self) -> bool:
        """Whether time stands still."""
        return self._frozen_at is not None

    def set(self, moment: datetime) -> None:
        """Freeze the clock at ``moment`` (naive datetimes are taken as UTC)."""
        with self._lock:
            self._frozen_at = as_utc(moment)

    def advance(self, days: float = 0, seconds: float = 0) -> None:
        """Move the clock forward (or back, with negative values), frozen or not."""
        step = timedelta(days=days, seconds=seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += step
            else:
                self._offset += step

    def freeze(self) -> None:
        """Stop time at the current moment."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = datetime.now(UTC) + self._offset

    def unfreeze(self) -> None:
        """Let time run again from where it stands."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.now(UTC)
                self._frozen_at = None

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime, milliseconds: bool = False) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second as the API document shows (or to the millisecond)."""
    utc = as_utc(moment)
    if milliseconds:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 date-time with an offset (``Z`` allowed) into UTC.

    Raises ``ValueError`` for text that is not one, or a moment outside ``in_range``.
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no UTC offset")
    try:
        return in_range(moment.astimezone(UTC))
    except OverflowError:
        raise ValueError(f"timestamp {text!r} is out of range") from None


def in_range(moment: datetime) -> datetime:
    """``moment`` if it lies in [``EARLIEST``, ``LATEST``), else ``ValueError``."""
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{format_timestamp(moment)} is outside {EARLIEST.year}..{LATEST.year - 1}")
    return moment
