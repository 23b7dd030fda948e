"""State and every behaviour rule of the fake. Knows nothing of HTTP.

Rules (docs/design.md): tokens, scopes and org isolation; 404 for products outside the
org; stock (on-hand and incoming) never below zero; the 200-entry log; history as
the daily aggregate of the whole log. One lock makes every check-and-write atomic.
"""

from __future__ import annotations

import hashlib
import random
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mockserver.alerts.events import DEFAULT_LOW_STOCK_THRESHOLD, Event, EventLog, Subscription, crossing, event_id
from mockserver.api import API_SCOPES
from mockserver.clock import Clock, parse_timestamp
from mockserver.errors import (
    Forbidden,
    InsufficientScope,
    InsufficientStock,
    MockUsageError,
    NotFound,
    SeedError,
    StockLimitExceeded,
    Unauthorized,
)
from mockserver.faults.plan import FaultPlan
from mockserver.profile import DEFAULT, Profile
from mockserver.state.records import DayTotals, Grant, LogEntry, Org, Product

MAX_STOCK = 10**12  # inferred limit: stock stays a safe JSON integer whatever the deltas


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A validated adjust request (``mockserver.http.parsing`` builds it from JSON)."""

    p1_id: int
    reason: str
    delta_on_hand: int = 0
    delta_incoming: int = 0
    shop_id: str | None = None
    metadata: Any = None


class IdSource:
    """All ids of the fake, from one seedable random source (UUID4 shaped)."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def new(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))


def _token_key(token: str) -> bytes:
    # Look tokens up by digest: the lookup's timing says nothing about the token's
    # characters (no early-exit string comparison).
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class Store:
    """The in-memory state of the API: orgs, products, logs, tokens."""

    def __init__(
        self,
        seed: Mapping[str, Any],
        clock: Clock,
        *,
        id_seed: int | None = None,
        source: str = "seed",
        webhook_hosts: Iterable[str] = (),
    ) -> None:
        self.clock = clock
        self.profile: Profile = DEFAULT  # configuration, not state: reset and load keep it
        self.webhook_hosts = frozenset(webhook_hosts)  # hosts besides loopback that receivers may name
        self._lock = threading.RLock()
        self._id_seed = id_seed
        self._ids = IdSource(id_seed)
        self._seed = seed
        self._orgs: dict[str, Org] = {}
        self._grants: dict[bytes, Grant] = {}
        self.events = EventLog()  # stock alerts the adjusts caused (see mockserver.alerts.events)
        self.faults = FaultPlan()  # fault rules (data only; applied by mockserver.faults.hooks)
        self._event_listeners: list[Callable[[Event, list[Subscription]], None]] = []
        self._load(seed, source)
        self.seed_label = source  # where the seed came from: a file name, "demo seed", "seed" (a dict)
        self._pristine = self._snapshot()

    # -- loading and dumping ------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed this store was built (or last loaded) with."""
        with self._lock:
            if self._pristine is None:
                self.load(self._seed)
                return
            # A copy of the state as loaded costs a quarter of parsing the seed again (the
            # per-test fixture resets every test). Anything added to the state must be copied here.
            orgs, grants = self._pristine
            self._orgs = {org_id: org.copy() for org_id, org in orgs.items()}
            self._grants = dict(grants)
            self.faults.load(self._seed.get("faults", []))
            self.events.clear()

    @property
    def seed(self) -> Mapping[str, Any]:
        """The seed ``reset`` returns to (the one built with or last loaded)."""
        return self._seed

    def _snapshot(self) -> tuple[dict[str, Org], dict[bytes, Grant]] | None:
        # Only without an id seed: a seeded store replays its ids from the seed on reset.
        if self._id_seed is not None:
            return None
        return {org_id: org.copy() for org_id, org in self._orgs.items()}, dict(self._grants)

    def load(self, seed: Mapping[str, Any], source: str = "seed") -> None:
        """Replace the whole state by ``seed`` (already schema-valid), atomically."""
        with self._lock:
            orgs, grants = self._orgs, self._grants
            try:
                self._load(seed, source)
            except BaseException:  # whatever went wrong, a rejected seed changes nothing
                self._orgs, self._grants = orgs, grants
                raise
            self._seed = seed
            self.seed_label = source
            self.events.clear()
            self._pristine = self._snapshot()
            if self._id_seed is not None:  # an unseeded source has nothing to replay (and reseeding costs)
                self._ids = IdSource(self._id_seed)

    def _load(self, seed: Mapping[str, Any], source: str) -> None:
        self._orgs, self._grants = {}, {}
        seen_orgs: set[str] = set()
        for i, org_seed in enumerate(seed.get("orgs", [])):
            where = f"$.orgs[{i}]"
            org_id = org_seed["id"]
            if org_id in seen_orgs:
                raise SeedError(source, f"{where}.id", f"org id {org_id!r} appears twice")
            seen_orgs.add(org_id)
            org = self._orgs.setdefault(org_id, Org(org_id))
            for j, product_seed in enumerate(org_seed.get("products", [])):
                self._load_product(org, product_seed, source, f"{where}.products[{j}]")
            for j, token_seed in enumerate(org_seed.get("tokens", [])):
                try:
                    self._add_grant(org_id, token_seed["token"], token_seed["scopes"])
                except MockUsageError as error:
                    raise SeedError(source, f"{where}.tokens[{j}].token", str(error)) from None
            org.webhooks = [Subscription.from_seed(webhook) for webhook in org_seed.get("webhooks", [])]
        try:
            self.faults.load(seed.get("faults", []))
        except MockUsageError as error:
            raise SeedError(source, "$.faults", str(error)) from None

    def _load_product(self, org: Org, seed: Mapping[str, Any], source: str, where: str) -> None:
        p1_id = seed["p1_id"]
        if p1_id in org.products:
            raise SeedError(source, f"{where}.p1_id", f"product {p1_id} appears twice in org {org.id!r}")
        product = Product(
            p1_id=p1_id,
            name=seed["name"],
            on_hand=seed["stockquantity"],
            incoming=seed.get("incoming", 0),
            price=seed.get("price"),
            category=seed.get("category"),
            low_stock_threshold=seed.get("low_stock_threshold", DEFAULT_LOW_STOCK_THRESHOLD),
        )
        entries = []
        for k, entry_seed in enumerate(seed.get("log", [])):
            try:
                created_at = parse_timestamp(entry_seed["created_at"])
            except ValueError as error:
                raise SeedError(source, f"{where}.log[{k}].created_at", str(error)) from None
            entries.append(
                LogEntry(
                    id=entry_seed.get("id") or self._ids.new(),
                    p1_id=p1_id,
                    shop_id=entry_seed.get("shop_id"),
                    delta_on_hand=entry_seed.get("delta_on_hand", 0),
                    delta_incoming=entry_seed.get("delta_incoming", 0),
                    reason=entry_seed["reason"],
                    metadata=entry_seed.get("metadata"),
                    created_at=created_at,
                )
            )
        # A hand-written log may come in any order: record it oldest first (sorted() is
        # stable). A dump (it has "daily") lists entries in the order they were made, which
        # differs from time order once the clock was set back: keep it, so load(dump()) is exact.
        if "daily" not in seed:
            entries.sort(key=lambda e: e.created_at)
        for entry in entries:
            product.record(entry)
        total = seed.get("log_entries")
        if total is not None:
            if total < len(entries):
                raise SeedError(
                    source, f"{where}.log_entries", f"{total} is fewer than the {len(entries)} entries of 'log'"
                )
            product.log_count = total
            product.rendered = None
        if "daily" in seed:
            product.daily = {}
            for k, day in enumerate(seed["daily"]):
                try:
                    when = date.fromisoformat(day["date"])
                except ValueError as error:
                    raise SeedError(source, f"{where}.daily[{k}].date", str(error)) from None
                product.daily[when] = DayTotals(day["delta_on_hand"], day["delta_incoming"], day["entries"])
        org.products[p1_id] = product
        org.order.append(p1_id)
        org.order.sort()

    def dump(self) -> dict[str, Any]:
        """The whole state in the seed format (``load(dump())`` restores it exactly)."""
        with self._lock:
            orgs = []
            grants_by_org: dict[str, list[Grant]] = {}
            for grant in self._grants.values():
                grants_by_org.setdefault(grant.org_id, []).append(grant)
            for org in self._orgs.values():
                orgs.append(
                    {
                        "id": org.id,
                        "products": [org.products[p1_id].to_seed() for p1_id in org.order],
                        "tokens": [
                            {"token": grant.token, "scopes": sorted(grant.scopes)}
                            for grant in grants_by_org.get(org.id, [])
                        ],
                    }
                )
                if org.webhooks:
                    orgs[-1]["webhooks"] = [subscription.to_seed() for subscription in org.webhooks]
            state: dict[str, Any] = {"orgs": orgs}
            faults = self.faults.to_seed()
            if faults:
                state["faults"] = faults
            return state

    # -- auth -----------------------------------------------------------------------

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        """Check, in docs/design.md's order, that ``token`` may use ``scope`` on ``org_id``.

        Raises ``Unauthorized`` (no or unknown token), ``Forbidden`` (another org's
        token; an unknown org looks the same), ``InsufficientScope``.
        """
        if token is None:
            raise Unauthorized("Authorization header with a Bearer token is required")
        grant = self._grants.get(_token_key(token))
        if grant is None:
            raise Unauthorized("the bearer token is not valid")
        if grant.org_id != org_id:
            raise Forbidden(f"this token cannot access org {org_id!r}", field="orgId")
        if scope not in grant.scopes:
            raise InsufficientScope(
                f"this endpoint needs the scope {scope!r}; the token has {', '.join(sorted(grant.scopes)) or 'none'}",
                scope=scope,
            )
        return grant

    # -- the API ----------------------------------------------------------------------

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        """The org's products as the list returns them, in the profile's order (ascending ``p1_id``)."""
        milliseconds = self.profile.timestamps == "milliseconds"
        with self._lock:
            org = self._org(org_id)
            order = self.profile.list_order
            ids = org.products if order == "insertion" else reversed(org.order) if order == "descending" else org.order
            return [org.products[p1_id].to_api(milliseconds) for p1_id in ids]

    def adjust(self, org_id: str, change: Adjustment) -> LogEntry:
        """Apply ``change`` and log it, or raise and change nothing."""
        with self._lock:
            product = self._product(org_id, change.p1_id, field="p1_id")
            on_hand = product.on_hand + change.delta_on_hand
            incoming = product.incoming + change.delta_incoming
            self._check_stock(product, change, on_hand, incoming)
            entry = self._new_entry(change)
            before = product.on_hand
            product.on_hand, product.incoming = on_hand, incoming  # record() below drops the rendering
            product.record(entry)
            # Decided under the lock: concurrent adjusts can neither both fire nor both miss a crossing.
            kind = crossing(before, on_hand, product.low_stock_threshold)
            if kind is not None:
                self._emit(org_id, product, kind, entry)
            return entry

    # Seams of ``adjust`` (mockserver.mutants overrides them to break one rule on purpose).

    def _check_stock(self, product: Product, change: Adjustment, on_hand: int, incoming: int) -> None:
        """Raise unless ``change`` may take ``product`` to ``on_hand`` and ``incoming`` (0..MAX_STOCK)."""
        if on_hand < 0:
            raise InsufficientStock(
                f"delta_on_hand {change.delta_on_hand} would take on-hand stock of product "
                f"{product.p1_id} from {product.on_hand} to {on_hand}; stock cannot go below zero",
                field="delta_on_hand",
            )
        if incoming < 0:
            raise InsufficientStock(
                f"delta_incoming {change.delta_incoming} would take incoming stock of product "
                f"{product.p1_id} from {product.incoming} to {incoming}; stock cannot go below zero",
                field="delta_incoming",
            )
        for name, value in (("delta_on_hand", on_hand), ("delta_incoming", incoming)):
            if value > MAX_STOCK:
                raise StockLimitExceeded(
                    f"{name} would take stock of product {product.p1_id} to {value}, above the "
                    f"fake's limit of {MAX_STOCK}",
                    field=name,
                )

    def _new_entry(self, change: Adjustment) -> LogEntry:
        """The log entry of an accepted ``change``: a new id, the clock's time."""
        return LogEntry(
            id=self._ids.new(),
            p1_id=change.p1_id,
            shop_id=change.shop_id,
            delta_on_hand=change.delta_on_hand,
            delta_incoming=change.delta_incoming,
            reason=change.reason,
            metadata=change.metadata,
            created_at=self.clock.now(),
        )

    def _emit(self, org_id: str, product: Product, kind: str, entry: LogEntry) -> None:
        event = Event(
            id=event_id(entry.id, kind),
            type=kind,
            org_id=org_id,
            p1_id=product.p1_id,
            stockquantity=product.on_hand,
            threshold=product.low_stock_threshold,
            occurred_at=entry.created_at,
            log_entry_id=entry.id,
        )
        subscriptions = [s for s in self._orgs[org_id].webhooks if kind in s.events]
        self.events.record(event, [s.url for s in subscriptions])
        for listener in self._event_listeners:
            listener(event, subscriptions)

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        """Up to 200 most recent log entries of the product, newest first."""
        with self._lock:
            product = self._product(org_id, p1_id, field="p1Id")
            milliseconds = self.profile.timestamps == "milliseconds"
            return [entry.to_api(milliseconds) for entry in reversed(product.recent)]

    def history(self, org_id: str, p1_id: int, days: int) -> list[dict[str, Any]]:
        """Per-day totals of the whole log over today and the ``days - 1`` days before (oldest first by default)."""
        with self._lock:
            product = self._product(org_id, p1_id, field="p1Id")
            today = self.clock.now().date()
            first = today - timedelta(days=days - 1)
            newest_first = self.profile.history_order == "newest_first"
            in_window = sorted((day for day in product.daily if first <= day <= today), reverse=newest_first)
            return [product.daily[day].to_api(day) for day in in_window]

    # -- helpers for tests and the control API -------------------------------------------------

    def add_product(
        self,
        org_id: str,
        p1_id: int,
        name: str,
        stockquantity: int = 0,
        *,
        incoming: int = 0,
        price: float | None = None,
        category: str | None = None,
        low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD,
    ) -> None:
        """Add a product to ``org_id`` (the org is created if it is new)."""
        with self._lock:
            org = self._orgs.setdefault(org_id, Org(org_id))
            if p1_id in org.products:
                raise MockUsageError(f"product {p1_id} already exists in org {org_id!r}")
            seed = {
                "p1_id": p1_id,
                "name": name,
                "stockquantity": stockquantity,
                "incoming": incoming,
                "price": price,
                "category": category,
                "low_stock_threshold": low_stock_threshold,
            }
            self._load_product(org, seed, "add_product", "$")

    def add_token(self, org_id: str, token: str, scopes: list[str] | tuple[str, ...] | frozenset[str]) -> None:
        """Add a bearer token bound to ``org_id`` (the org is created if it is new)."""
        unknown = sorted(set(scopes) - API_SCOPES)
        if unknown:
            known = ", ".join(sorted(API_SCOPES))
            raise MockUsageError(f"scopes: {unknown[0]!r} is not a scope of the API (known: {known})")
        with self._lock:
            self._orgs.setdefault(org_id, Org(org_id))
            self._add_grant(org_id, token, scopes)

    def _add_grant(self, org_id: str, token: str, scopes: Any) -> None:
        key = _token_key(token)
        if key in self._grants:
            raise MockUsageError("this token is already defined")
        self._grants[key] = Grant(org_id, token, frozenset(scopes))

    def grants(self, org_id: str) -> list[Grant]:
        """Tokens bound to ``org_id``, in the order they were added."""
        with self._lock:
            return [grant for grant in self._grants.values() if grant.org_id == org_id]

    def org_ids(self) -> list[str]:
        """Ids of every org, in seed order."""
        with self._lock:
            return list(self._orgs)

    def stock(self, org_id: str, p1_id: int) -> tuple[int, int]:
        """(on-hand, incoming) of a product; ``MockUsageError`` if it does not exist."""
        with self._lock:
            product = self._find(org_id, p1_id)
            return product.on_hand, product.incoming

    # -- stock alerts (inferred; see mockserver.alerts.events) -----------------------------------------

    def set_low_stock_threshold(self, org_id: str, p1_id: int, threshold: object) -> None:
        """Set the on-hand level at or below which the product is low on stock.

        ``threshold`` is checked here (an integer >= 0): ``PUT /_mock/thresholds`` passes its body's value as is.
        """
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise MockUsageError(f"low_stock_threshold must be an integer >= 0, got {threshold!r}")
        with self._lock:
            self._find(org_id, p1_id).low_stock_threshold = threshold

    def add_webhook(self, org_id: str, subscription: Subscription) -> None:
        """Subscribe ``subscription`` to the alerts of ``org_id`` (the org is created if it is new)."""
        with self._lock:
            self._orgs.setdefault(org_id, Org(org_id)).webhooks.append(subscription)

    def allowed_webhook_hosts(self) -> frozenset[str]:
        """Hosts besides this machine that receivers may be on: the fake's own, and the seed's."""
        return self.webhook_hosts | frozenset(self._seed.get("allow_webhook_hosts", []))

    def webhooks(self, org_id: str) -> list[Subscription]:
        with self._lock:
            org = self._orgs.get(org_id)
            return [] if org is None else list(org.webhooks)

    def clear_webhooks(self, org_id: str | None = None) -> None:
        """Remove the subscriptions of ``org_id`` (of every org if ``None``)."""
        with self._lock:
            for org in self._orgs.values():
                if org_id is None or org.id == org_id:
                    org.webhooks = []

    def add_event_listener(self, listener: Callable[[Event, list[Subscription]], None]) -> None:
        """Call ``listener(event, subscriptions)`` for each alert, under the lock: it must return at once."""
        self._event_listeners.append(listener)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock (to read several values consistently)."""
        with self._lock:
            yield

    def _find(self, org_id: str, p1_id: int) -> Product:
        org = self._orgs.get(org_id)
        if org is None or p1_id not in org.products:
            raise MockUsageError(f"no product {p1_id} in org {org_id!r}")
        return org.products[p1_id]

    def _org(self, org_id: str) -> Org:
        org = self._orgs.get(org_id)
        if org is None:  # authorize() passed, then a reset removed the org
            raise Forbidden(f"this token cannot access org {org_id!r}", field="orgId")
        return org

    def _product(self, org_id: str, p1_id: int, *, field: str) -> Product:
        product = self._org(org_id).products.get(p1_id)
        if product is None:
            raise NotFound(f"product {p1_id} is not in the inventory of org {org_id!r}", field=field)
        return product
