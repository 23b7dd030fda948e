"""Stock alerts (inferred): the crossing rule, event records, subscriptions, the event log.

The API document only says "Subscribe to low_stock / out_of_stock webhooks for alerts";
everything here (threshold, payload, delivery records) is the fake's inference, marked
so in ``schemas/webhook-event.json`` and the README. ``store`` applies ``crossing``
under its lock; ``webhooks`` delivers what ``EventLog`` records.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from mockserver.clock import format_timestamp

LOW_STOCK = "low_stock"
OUT_OF_STOCK = "out_of_stock"
EVENT_TYPES = (LOW_STOCK, OUT_OF_STOCK)
DEFAULT_LOW_STOCK_THRESHOLD = 5
MAX_EVENTS = 10_000
_EVENT_ID_NAMESPACE = uuid.UUID("6f1c3c52-4a7e-4c55-9d0e-7b1f0c2d9a11")

DeliveryState = Literal["pending", "delivered", "failed"]


def crossing(before: int, after: int, threshold: int) -> str | None:
    """The alert an on-hand change from ``before`` to ``after`` causes, or ``None``.

    ``out_of_stock`` when on-hand reaches 0 from above; ``low_stock`` when it goes
    from above ``threshold`` to at or below it and stays above 0. One alert per
    crossing: moves that stay below (or start at or below) the threshold fire nothing,
    and a drop straight from above the threshold to 0 fires only ``out_of_stock``.
    """
    if after == 0 < before:
        return OUT_OF_STOCK
    if 0 < after <= threshold < before:
        return LOW_STOCK
    return None


def event_id(log_entry_id: str, kind: str) -> str:
    """The id of the alert caused by a log entry (derived, so the fake's id stream is untouched)."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{log_entry_id}/{kind}"))


@dataclass(frozen=True, slots=True)
class Event:
    """One stock alert, as the webhook body carries it."""

    id: str
    type: str
    org_id: str
    p1_id: int
    stockquantity: int
    threshold: int
    occurred_at: datetime
    log_entry_id: str

    def body(self) -> dict[str, Any]:
        """The JSON body POSTed to subscribers (``schemas/webhook-event.json``)."""
        return {
            "id": self.id,
            "type": self.type,
            "org_id": self.org_id,
            "p1_id": self.p1_id,
            "stockquantity": self.stockquantity,
            "threshold": self.threshold,
            "occurred_at": format_timestamp(self.occurred_at),
            "log_entry_id": self.log_entry_id,
        }


@dataclass(frozen=True, slots=True)
class Subscription:
    """An org's webhook subscription: where to POST which alerts, signed with ``secret``."""

    url: str
    secret: str
    events: tuple[str, ...] = EVENT_TYPES

    @classmethod
    def from_seed(cls, seed: Mapping[str, Any]) -> Subscription:
        """From a schema-valid seed entry ``{"url", "secret", "events"?}``."""
        return cls(seed["url"], seed["secret"], tuple(seed.get("events", EVENT_TYPES)))

    def to_seed(self) -> dict[str, Any]:
        return {"url": self.url, "events": list(self.events), "secret": self.secret}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try to deliver an event: the receiver's status, or the error that stopped it."""

    number: int
    at: datetime
    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "at": format_timestamp(self.at), "status": self.status, "error": self.error}


@dataclass(frozen=True, slots=True)
class Delivery:
    """Delivery of one event to one subscription URL, with every attempt so far."""

    url: str
    state: DeliveryState = "pending"
    attempts: tuple[Attempt, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "state": self.state, "attempts": [a.to_json() for a in self.attempts]}


@dataclass(slots=True)
class _Record:
    event: Event
    deliveries: list[Delivery] = field(default_factory=list)


class EventLog:
    """Every alert the fake emitted, with its deliveries; thread-safe, bounded (oldest dropped)."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._max = max_events
        self._lock = threading.Lock()
        self.generation = 0  # bumped by clear(): deliveries queued before it are dropped

    def record(self, event: Event, urls: list[str]) -> None:
        """Add ``event`` with one pending delivery per subscriber URL."""
        with self._lock:
            self._records[event.id] = _Record(event, [Delivery(url) for url in urls])
            while len(self._records) > self._max:
                self._records.popitem(last=False)

    def add_attempt(self, event_id: str, index: int, attempt: Attempt, state: DeliveryState) -> bool:
        """Append ``attempt`` to delivery ``index`` of an event; False if the event is gone (reset)."""
        with self._lock:
            record = self._records.get(event_id)
            if record is None or index >= len(record.deliveries):
                return False
            delivery = record.deliveries[index]
            record.deliveries[index] = replace(delivery, state=state, attempts=(*delivery.attempts, attempt))
            return True

    def events(self) -> list[Event]:
        """The events, oldest first."""
        with self._lock:
            return [record.event for record in self._records.values()]

    def deliveries(self, event_id: str) -> list[Delivery]:
        """The deliveries of one event (empty for an unknown id)."""
        with self._lock:
            record = self._records.get(event_id)
            return [] if record is None else list(record.deliveries)

    def to_json(self) -> list[dict[str, Any]]:
        """Every event with its deliveries, as ``GET /_mock/events`` shows them."""
        with self._lock:
            return [
                {**record.event.body(), "deliveries": [d.to_json() for d in record.deliveries]}
                for record in self._records.values()
            ]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self.generation += 1

    def __len__(self) -> int:
        return len(self._records)
