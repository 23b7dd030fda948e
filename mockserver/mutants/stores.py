"""Broken stores: ``Store`` subclasses that each break one documented rule.

``MutantSwitch`` sets a fake's store class to one of these (and back): the state stays the
same objects, so a switch is instant and the faithful ``Store`` pays nothing for them. What a
mutant must remember besides the state (a dropped log entry, a stale value) lives in
``memory``, which every reset, load and switch empties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from mockserver.api import API_SCOPES, LOG_CAP, READ_SCOPE, WRITE_SCOPE
from mockserver.clock import format_timestamp
from mockserver.errors import (
    Forbidden,
    InsufficientScope,
    InsufficientStock,
    NotFound,
    StockLimitExceeded,
    Unauthorized,
)
from mockserver.state.records import Grant, LogEntry, Product
from mockserver.state.store import Adjustment, Store

_MEMORY = "_mutant_memory"


def forget(store: Store) -> None:
    """Drop what a mutant remembered on ``store``."""
    store.__dict__.pop(_MEMORY, None)


class MutantStore(Store):
    """The base of every broken store: a memory per product that resets with the state."""

    @property
    def memory(self) -> dict[tuple[str, int], Any]:
        """Values a mutant keeps per ``(org_id, p1_id)``, beside the (faithful) state."""
        memory: dict[tuple[str, int], Any] = self.__dict__.setdefault(_MEMORY, {})
        return memory

    def reset(self) -> None:
        with self._lock:
            super().reset()
            forget(self)

    def load(self, seed: Any, source: str = "seed") -> None:
        with self._lock:
            super().load(seed, source)
            forget(self)

    def _milliseconds(self) -> bool:
        return self.profile.timestamps == "milliseconds"


# -- AUTH, SCOPE-READ, SCOPE-WRITE, ORG ----------------------------------------------------------


class NoTokenAccepted(MutantStore):
    """A request without a valid bearer token is served as with a read-write token."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except Unauthorized:
            return Grant(org_id, "anonymous", API_SCOPES)


class _ScopeStandIn(MutantStore):
    """A token lacking ``needed`` passes if it has ``stand_in`` instead."""

    needed = READ_SCOPE
    stand_in = WRITE_SCOPE

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except InsufficientScope as refusal:
            if scope != self.needed:
                raise
            try:
                return super().authorize(token, org_id, self.stand_in)
            except InsufficientScope:
                raise refusal from None


class WriteOnlyCanRead(_ScopeStandIn):
    """A token with only ``inventory.write`` can read."""


class ReadOnlyCanAdjust(_ScopeStandIn):
    """A token with only ``inventory.read`` can adjust."""

    needed = WRITE_SCOPE
    stand_in = READ_SCOPE


class OtherOrgTokenAccepted(MutantStore):
    """A valid token acts on every org, with its own scopes."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except Forbidden:  # the token is valid (401 comes first), its org is another
            own = next(grant for grant in self._grants.values() if grant.token == token)
            return super().authorize(token, own.org_id, scope)


# -- NOT-FOUND -----------------------------------------------------------------------------------


class ForeignProductLog200(MutantStore):
    """Log and history of a product not in the org answer an empty list."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        try:
            return super().log(org_id, p1_id)
        except NotFound:
            return []

    def history(self, org_id: str, p1_id: int, days: int) -> list[dict[str, Any]]:
        try:
            return super().history(org_id, p1_id, days)
        except NotFound:
            return []


class ForeignProductAdjustAccepted(MutantStore):
    """An adjust of a product not in the org is answered as accepted (and applied to nothing)."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        try:
            return super().adjust(org_id, change)
        except NotFound:
            return self._new_entry(change)


# -- NON-NEGATIVE --------------------------------------------------------------------------------


class StockBelowZero(MutantStore):
    """On-hand stock may go below zero."""

    def _check_stock(self, product: Product, change: Adjustment, on_hand: int, incoming: int) -> None:
        super()._check_stock(product, change, max(on_hand, 0), incoming)


class IncomingBelowZero(MutantStore):
    """Incoming stock may go below zero."""

    def _check_stock(self, product: Product, change: Adjustment, on_hand: int, incoming: int) -> None:
        super()._check_stock(product, change, on_hand, max(incoming, 0))


class RefusedAdjustApplied(MutantStore):
    """An adjust refused for its ``delta_incoming`` still applies its ``delta_on_hand``."""

    def _check_stock(self, product: Product, change: Adjustment, on_hand: int, incoming: int) -> None:
        try:
            super()._check_stock(product, change, on_hand, incoming)
        except (InsufficientStock, StockLimitExceeded) as refusal:
            if refusal.field == "delta_incoming":
                product.on_hand = on_hand
                product.rendered = None  # the list shows the changed stock
            raise


class RefusedAdjustLogged(MutantStore):
    """An adjust refused for its stock still gets a log entry (and counts in the list and history)."""

    def _check_stock(self, product: Product, change: Adjustment, on_hand: int, incoming: int) -> None:
        try:
            super()._check_stock(product, change, on_hand, incoming)
        except (InsufficientStock, StockLimitExceeded):
            product.record(self._new_entry(change))
            raise


# -- LOG-CAP -------------------------------------------------------------------------------------


class LogOverCap(MutantStore):
    """Past 200 entries the log shows 201: it keeps the last entry the 200-entry log dropped."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        with self._lock:
            product = self._product(org_id, change.p1_id, field="p1_id")
            dropped = product.recent[0] if len(product.recent) == LOG_CAP else None
            entry = super().adjust(org_id, change)
            if dropped is not None:
                self.memory[org_id, product.p1_id] = dropped
            return entry

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        with self._lock:
            entries = super().log(org_id, p1_id)
            dropped: LogEntry | None = self.memory.get((org_id, p1_id))
            if dropped is not None and len(entries) == LOG_CAP:
                entries.append(dropped.to_api(self._milliseconds()))
            return entries


class LogOldestFirst(MutantStore):
    """The log lists its entries oldest first."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        return super().log(org_id, p1_id)[::-1]


# -- AUDIT -----------------------------------------------------------------------------------------


def _overlaid(
    items: list[dict[str, Any]],
    org_id: str,
    memory: dict[tuple[str, int], Any],
    field: str,
    value: Callable[[Any, Any], Any],
) -> list[dict[str, Any]]:
    """List items with ``field`` set to ``value(item's value, remembered)`` for the products in ``memory``
    (copies: the store shares its rendered items)."""
    if not memory:
        return items
    return [
        {**item, field: value(item[field], memory[org_id, item["p1_id"]])}
        if (org_id, item["p1_id"]) in memory
        else item
        for item in items
    ]


class LogEntriesStale(MutantStore):
    """The list's ``log_entries`` does not count the adjusts made since the last reset."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        with self._lock:
            entry = super().adjust(org_id, change)
            key = (org_id, entry.p1_id)
            self.memory[key] = self.memory.get(key, 0) + 1  # adjusts the count leaves out
            return entry

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        with self._lock:
            items = super().list_inventory(org_id)
            return _overlaid(items, org_id, self.memory, "log_entries", lambda count, unseen: count - unseen)


class LastActivityStale(MutantStore):
    """The list's ``last_activity`` keeps its value from before the adjusts made since the last reset."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        with self._lock:
            before = self._product(org_id, change.p1_id, field="p1_id").last_activity
            entry = super().adjust(org_id, change)
            self.memory.setdefault((org_id, entry.p1_id), before)
            return entry

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        with self._lock:
            milliseconds = self._milliseconds()

            def stale(_current: str | None, before: datetime | None) -> str | None:
                return None if before is None else format_timestamp(before, milliseconds)

            return _overlaid(super().list_inventory(org_id), org_id, self.memory, "last_activity", stale)


class LogDropsMetadata(MutantStore):
    """The log does not keep an adjust's ``metadata``."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        return super().adjust(org_id, replace(change, metadata=None))


class LogDropsShopId(MutantStore):
    """The log does not keep an adjust's ``shop_id``."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        return super().adjust(org_id, replace(change, shop_id=None))


class AdjustAppliedTwice(MutantStore):
    """An accepted adjust moves the stock by twice its deltas; the log shows it once."""

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        with self._lock:
            product = self._product(org_id, change.p1_id, field="p1_id")
            twice_on_hand = product.on_hand + 2 * change.delta_on_hand
            twice_incoming = product.incoming + 2 * change.delta_incoming
            self._check_stock(product, change, twice_on_hand, twice_incoming)  # refused as the double would be
            entry = super().adjust(org_id, change)
            product.on_hand, product.incoming = twice_on_hand, twice_incoming
            product.rendered = None
            return entry


# -- HISTORY, SHAPES ---------------------------------------------------------------------------------


class HistoryIgnoresIncoming(MutantStore):
    """History's ``delta_incoming`` is always 0."""

    def history(self, org_id: str, p1_id: int, days: int) -> list[dict[str, Any]]:
        return [{**item, "delta_incoming": 0} for item in super().history(org_id, p1_id, days)]


class ListPriceAsString(MutantStore):
    """The list shows ``price`` as a string, not a number."""

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        items = super().list_inventory(org_id)
        return [item if item["price"] is None else {**item, "price": str(item["price"])} for item in items]
