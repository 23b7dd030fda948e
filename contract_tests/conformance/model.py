"""The kit's own small model of one product's stock, log and history (the oracle of the
stateful test). Written from the API document and docs/design.md, not from the fake.

On-hand stock is known exactly (the list shows it). Incoming stock is not shown
anywhere, so the model knows it only within bounds, narrowed by what the server
accepts and refuses; a refusal or acceptance outside the bounds is a violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemas

LOG_CAP = schemas.documented_limits().log_cap  # "Returns up to 200 recent entries"
# A product of a real inventory never has 10^9 incoming: the upper bound the model
# starts from (see the check incoming_cannot_go_below_zero).
INCOMING_CEILING = 10**9 - 1


@dataclass
class Entry:
    """An adjust the server accepted, as the run sent it."""

    id: str
    delta_on_hand: int
    delta_incoming: int
    reason: str
    shop_id: str | None
    metadata: Any
    created_at: str | None = None  # learnt from the log

    @property
    def day(self) -> str | None:
        return None if self.created_at is None else self.created_at[:10]


@dataclass
class StockModel:
    """One product as the run has seen it and changed it."""

    on_hand: int
    log_entries: int
    log_ids: list[str]  # the log at the start, newest first
    days: dict[str, tuple[int, int, int]]  # history at the start: date -> (on-hand, incoming, entries)
    incoming_low: int = 0  # bounds of incoming stock at the start
    incoming_high: int = INCOMING_CEILING
    incoming_change: int = 0  # the run's net change of incoming stock
    entries: list[Entry] = field(default_factory=list)  # accepted by the run, oldest first
    last_refused: bool = False  # the latest adjust was refused: nothing may have changed since
    below_zero_statuses: set[int] = field(default_factory=set)  # statuses of refusals the model required

    def verdict(self, delta_on_hand: int, delta_incoming: int) -> bool | None:
        """Must the server accept (True) or refuse (False) this adjust? None: either is right."""
        if self.on_hand + delta_on_hand < 0:
            return False
        needed = -(self.incoming_change + delta_incoming)  # incoming at the start must be >= this
        if self.incoming_low >= needed:
            return True
        if self.incoming_high < needed:
            return False
        return None

    def is_below_zero(self, status: int) -> bool:
        """Whether a refusal with ``status`` reads as a below-zero refusal (any status does
        until the server has refused an adjust the model knew goes below zero)."""
        return not self.below_zero_statuses or status in self.below_zero_statuses

    def accepted(self, entry: Entry) -> None:
        self.last_refused = False
        needed = -(self.incoming_change + entry.delta_incoming)
        self.incoming_low = max(self.incoming_low, needed)
        self.on_hand += entry.delta_on_hand
        self.incoming_change += entry.delta_incoming
        self.log_entries += 1
        self.entries.append(entry)

    def refused(self, delta_on_hand: int, delta_incoming: int) -> None:
        """A refusal as a below-zero one: it tells the model about incoming stock."""
        self.last_refused = True
        if self.on_hand + delta_on_hand >= 0:  # then incoming must have been the reason
            self.incoming_high = min(self.incoming_high, -(self.incoming_change + delta_incoming) - 1)

    def refused_anyway(self) -> None:
        """A refusal of an adjust the model deems valid (a limit the server inferred): it
        tells nothing about stock, and nothing changes."""
        self.last_refused = True

    def expected_log(self) -> list[str]:
        """Ids of the log, newest first: the run's entries, then the log at the start."""
        return ([e.id for e in reversed(self.entries)] + self.log_ids)[:LOG_CAP]

    def expected_day(self, day: str) -> tuple[int, int, int] | None:
        """The history item of ``day``: the day at the start plus the run's entries of that day."""
        on_hand, incoming, count = self.days.get(day, (0, 0, 0))
        for entry in self.entries:
            if entry.day == day:
                on_hand += entry.delta_on_hand
                incoming += entry.delta_incoming
                count += 1
        return (on_hand, incoming, count) if count else None

    def last_activity(self) -> str | None:
        """created_at of the newest entry, when the run's newest entry has been seen in the log."""
        return self.entries[-1].created_at if self.entries else None
