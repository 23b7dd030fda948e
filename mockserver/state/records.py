"""The fake's state records: products, log entries, day totals, grants.

Plain data with their API and seed renderings; the rules live in ``store``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from mockserver.alerts.events import DEFAULT_LOW_STOCK_THRESHOLD, Subscription
from mockserver.api import HISTORY_MAX_DAYS, LOG_CAP
from mockserver.clock import format_timestamp

# Day totals kept per product: the longest window plus one, so a window that ends
# today is always complete even right after midnight.
DAYS_KEPT = HISTORY_MAX_DAYS + 1


@dataclass(slots=True, frozen=True)
class LogEntry:
    """One accepted adjust, as the log shows it."""

    id: str
    p1_id: int
    shop_id: str | None
    delta_on_hand: int
    delta_incoming: int
    reason: str
    metadata: Any
    created_at: datetime

    def to_api(self, milliseconds: bool = False) -> dict[str, Any]:
        """The entry as the log endpoint returns it."""
        return {
            "id": self.id,
            "p1_id": self.p1_id,
            "shop_id": self.shop_id,
            "delta_on_hand": self.delta_on_hand,
            "delta_incoming": self.delta_incoming,
            "reason": self.reason,
            "created_at": format_timestamp(self.created_at, milliseconds),
            "metadata": self.metadata,
        }

    def to_seed(self) -> dict[str, Any]:
        """The entry in the seed file's format."""
        return {
            "id": self.id,
            "delta_on_hand": self.delta_on_hand,
            "delta_incoming": self.delta_incoming,
            "reason": self.reason,
            "shop_id": self.shop_id,
            "metadata": self.metadata,
            "created_at": format_timestamp(self.created_at),
        }


@dataclass(slots=True)
class DayTotals:
    """Sum of one UTC day's log entries of one product."""

    delta_on_hand: int = 0
    delta_incoming: int = 0
    entries: int = 0

    def to_api(self, day: date) -> dict[str, Any]:
        """The day as the history endpoint returns it."""
        return {
            "date": day.isoformat(),
            "delta_on_hand": self.delta_on_hand,
            "delta_incoming": self.delta_incoming,
            "entries": self.entries,
        }


@dataclass(slots=True)
class Product:
    """A product of one org's inventory, with a bounded summary of its log.

    Memory stays bounded however many adjusts arrive: the newest ``LOG_CAP`` entries,
    at most ``DAYS_KEPT`` day totals, and two counters.
    """

    p1_id: int
    name: str
    on_hand: int
    incoming: int = 0
    price: float | None = None
    category: str | None = None
    log_count: int = 0
    last_activity: datetime | None = None
    recent: deque[LogEntry] = field(default_factory=lambda: deque(maxlen=LOG_CAP))
    daily: dict[date, DayTotals] = field(default_factory=dict)
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD
    # The list item, rendered once until the product changes (a 10,000-product list is mostly this).
    rendered: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def record(self, entry: LogEntry) -> None:
        """Count ``entry`` in the log, its summary and the day totals."""
        self.rendered = None
        self.recent.append(entry)
        self.log_count += 1
        self.last_activity = entry.created_at
        day = entry.created_at.date()
        totals = self.daily.get(day)
        if totals is None:
            totals = self.daily[day] = DayTotals()
            if len(self.daily) > DAYS_KEPT:
                del self.daily[min(self.daily)]
        totals.delta_on_hand += entry.delta_on_hand
        totals.delta_incoming += entry.delta_incoming
        totals.entries += 1

    def to_api(self, milliseconds: bool = False) -> dict[str, Any]:
        """The product as the list endpoint returns it (shared until the next ``record``: read only)."""
        if milliseconds:  # not kept: the default rendering is the one worth caching
            last = self.last_activity
            return {**self.to_api(), "last_activity": None if last is None else format_timestamp(last, True)}
        if self.rendered is None:
            self.rendered = {
                "p1_id": self.p1_id,
                "name": self.name,
                "stockquantity": self.on_hand,
                "price": self.price,
                "category": self.category,
                "log_entries": self.log_count,
                "last_activity": None if self.last_activity is None else format_timestamp(self.last_activity),
            }
        return self.rendered

    def copy(self) -> Product:
        """An independent copy (log entries are immutable and shared)."""
        copy = Product(*_values(self))
        copy.recent = deque(self.recent, maxlen=LOG_CAP)
        copy.daily = {day: DayTotals(*_values(totals)) for day, totals in self.daily.items()}
        return copy

    def to_seed(self) -> dict[str, Any]:
        """The product in the seed file's format, complete enough to restore it exactly."""
        seed = {
            "p1_id": self.p1_id,
            "name": self.name,
            "stockquantity": self.on_hand,
            "incoming": self.incoming,
            "price": self.price,
            "category": self.category,
            "log": [entry.to_seed() for entry in self.recent],
            "log_entries": self.log_count,
            "daily": [self.daily[day].to_api(day) for day in sorted(self.daily)],
        }
        if self.low_stock_threshold != DEFAULT_LOW_STOCK_THRESHOLD:
            seed["low_stock_threshold"] = self.low_stock_threshold
        return seed


@dataclass(slots=True, frozen=True)
class Grant:
    """What a bearer token may do: act on one org with a set of scopes."""

    org_id: str
    token: str
    scopes: frozenset[str]


@dataclass(slots=True)
class Org:
    """One org: its products (by p1_id), the order the list shows them in, its webhooks."""

    id: str
    products: dict[int, Product] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    webhooks: list[Subscription] = field(default_factory=list)

    def copy(self) -> Org:
        """An independent copy of the org, its products and its subscriptions."""
        copy = Org(*_values(self))
        copy.products = {p1_id: product.copy() for p1_id, product in self.products.items()}
        copy.order = list(self.order)
        copy.webhooks = list(self.webhooks)  # subscriptions are immutable; the list is not
        return copy


# Every field, in order, so that copies keep fields added later (resets copy on every test).
_GETTERS = {cls: attrgetter(*(f.name for f in fields(cls))) for cls in (Product, DayTotals, Org)}


def _values(record: Product | DayTotals | Org) -> tuple[Any, ...]:
    values: tuple[Any, ...] = _GETTERS[type(record)](record)
    return values
