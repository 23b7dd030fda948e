"""``InventoryMock``'s Python API for stock alerts (webhooks) and fault injection.

A mixin, so the integrator-facing names live on ``InventoryMock`` (and through it on
the pytest plugin's fixture) while this code stays in one place.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mockserver.errors import MockUsageError
from mockserver.events import EVENT_TYPES, Delivery, Event, Subscription
from mockserver.seed import check_seed
from mockserver.webhooks import Handler, RetryPolicy, WsgiApp

if TYPE_CHECKING:
    from mockserver.store import Store
    from mockserver.webhooks import WebhookDispatcher

DEFAULT_SECRET = "inventory-mock-webhook-secret"
_handler_ids = itertools.count(1)


class EventAssertionError(AssertionError):
    """The expected stock alert was not (or was unexpectedly) emitted."""


class AlertsAndFaults:
    """Alerts and faults of one fake; needs ``store``, ``webhooks`` and ``org_id``."""

    store: Store
    webhooks: WebhookDispatcher

    if TYPE_CHECKING:

        @property
        def org_id(self) -> str: ...

    # -- alerts ------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        """Every stock alert emitted since the last reset, oldest first."""
        return self.store.events.events()

    def clear_events(self) -> None:
        """Forget the alerts recorded so far (their pending deliveries are dropped)."""
        self.store.events.clear()

    def deliveries(self, event: Event | str) -> list[Delivery]:
        """The deliveries (one per subscriber, with every attempt) of an event."""
        return self.store.events.deliveries(event if isinstance(event, str) else event.id)

    def events_of(self, type: str | None = None, *, p1_id: int | None = None, org_id: str | None = None) -> list[Event]:
        """The alerts of a type, product and org (each filter optional)."""
        return [
            event
            for event in self.events
            if (type is None or event.type == type)
            and (p1_id is None or event.p1_id == p1_id)
            and (org_id is None or event.org_id == org_id)
        ]

    def assert_event(
        self, type: str, *, p1_id: int | None = None, org_id: str | None = None, count: int | None = None, **fields: Any
    ) -> Event:
        """Assert that an alert of ``type`` (for ``p1_id``, with ``fields``) was emitted; return the newest.

        ``count`` asserts exactly how many such alerts there are.
        """
        if type not in EVENT_TYPES:
            raise MockUsageError(f"no event type {type!r} (known: {', '.join(EVENT_TYPES)})")
        found = [
            event
            for event in self.events_of(type, p1_id=p1_id, org_id=org_id)
            if all(getattr(event, name) == value for name, value in fields.items())
        ]
        wanted = " ".join(
            [type, *(f"{k}={v!r}" for k, v in {"p1_id": p1_id, "org_id": org_id, **fields}.items() if v is not None)]
        )
        if not found or (count is not None and len(found) != count):
            expected = f"{count} event(s)" if count is not None else "an event"
            raise EventAssertionError(
                f"expected {expected} {wanted}, found {len(found)}; emitted: {_describe(self.events)}"
            )
        return found[-1]

    def assert_no_event(self, type: str | None = None, *, p1_id: int | None = None, org_id: str | None = None) -> None:
        """Assert that no alert of ``type`` (any type if ``None``) was emitted for ``p1_id``."""
        found = self.events_of(type, p1_id=p1_id, org_id=org_id)
        if found:
            raise EventAssertionError(f"expected no {type or 'event'} event, found: {_describe(found)}")

    def set_low_stock_threshold(self, p1_id: int, threshold: int, *, org_id: str | None = None) -> None:
        """Set the on-hand level at or below which ``p1_id`` is low on stock (default 5)."""
        self.store.set_low_stock_threshold(org_id or self.org_id, p1_id, threshold)

    def subscribe(
        self,
        url: str | None = None,
        events: Iterable[str] = EVENT_TYPES,
        secret: str = DEFAULT_SECRET,
        *,
        handler: Handler | None = None,
        app: WsgiApp | None = None,
        org_id: str | None = None,
    ) -> Subscription:
        """Subscribe to the org's alerts.

        Without ``handler``/``app`` the events are POSTed to ``url`` over HTTP. With
        ``handler`` (called with a ``WebhookMessage``) or ``app`` (a WSGI app, e.g. your
        Flask receiver) they are delivered in-process; ``url`` is then optional.
        """
        if url is None:
            if handler is None and app is None:
                raise MockUsageError("subscribe needs a url, a handler= or an app=")
            url = f"inprocess://webhook-receiver-{next(_handler_ids)}/"
        webhook = {"url": url, "events": list(events), "secret": secret}
        check_seed({"orgs": [{"id": "x", "webhooks": [webhook]}]}, "subscribe()")
        if handler is not None or app is not None:
            self.webhooks.route(url, handler=handler, app=app)
        subscription = Subscription.from_seed(webhook)
        self.store.add_webhook(org_id or self.org_id, subscription)
        return subscription

    def unsubscribe_all(self, org_id: str | None = None) -> None:
        """Remove every webhook subscription of ``org_id`` (of all orgs if ``None``)."""
        self.store.clear_webhooks(org_id)

    def route_webhooks(self, url: str, *, handler: Handler | None = None, app: WsgiApp | None = None) -> None:
        """Deliver POSTs to ``url`` (e.g. a seed's subscription) in-process to ``handler`` or ``app``."""
        self.webhooks.route(url, handler=handler, app=app)

    def configure_webhooks(self, **options: Any) -> RetryPolicy:
        """Change delivery retries: ``max_attempts``, ``backoff``, ``factor``, ``max_backoff``, ``timeout``."""
        return self.webhooks.configure(**options)

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Block until every queued delivery succeeded or gave up (``TimeoutError`` after ``timeout``)."""
        if not self.webhooks.wait_idle(timeout):
            raise TimeoutError(f"webhook deliveries still pending after {timeout} s")

    # -- faults ----------------------------------------------------------------------------

    @property
    def faults(self) -> list[dict[str, Any]]:
        """The fault rules with their counters (``seen``, ``fired``)."""
        return self.store.faults.to_json()

    def add_fault(
        self,
        route: str,
        kind: str = "status",
        *,
        status: int | None = None,
        method: str | None = None,
        seconds: float | tuple[float, float] | None = None,
        retry_after: int | None = None,
        times: int | None = None,
        every: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        after_applying: bool = False,
        id: str | None = None,
    ) -> str:
        """Add a fault rule (see ``schemas/seed.json#/$defs/fault``); returns its id.

        ``route``: ``list``, ``adjust``, ``log``, ``history`` or ``*``. ``kind``: ``latency``
        (``seconds``, fixed or ``(min, max)``), ``status`` (``status``, ``retry_after``),
        ``disconnect``, ``timeout``. Schedule: every request, or the next ``times``, every
        ``every``-th, or with ``probability`` under ``seed``.
        """
        spec: dict[str, Any] = {"route": route, "kind": kind}
        options = {
            "id": id,
            "status": status,
            "method": method,
            "seconds": list(seconds) if isinstance(seconds, tuple | list) else seconds,
            "retry_after": retry_after,
            "times": times,
            "every": every,
            "probability": probability,
            "seed": seed,
        }
        spec.update({key: value for key, value in options.items() if value is not None})
        if after_applying:
            spec["after_applying"] = True
        check_seed({"orgs": [], "faults": [spec]}, "add_fault()")
        return self.store.faults.add(spec).id

    def fail_next(
        self,
        route: str,
        status: int = 503,
        times: int = 1,
        *,
        retry_after: int | None = None,
        after_applying: bool = False,
    ) -> str:
        """Answer the next ``times`` requests on ``route`` with ``status`` and the API's error body."""
        return self.add_fault(
            route, "status", status=status, times=times, retry_after=retry_after, after_applying=after_applying
        )

    def drop_next(self, route: str, times: int = 1, *, after_applying: bool = False) -> str:
        """Drop the connection of the next ``times`` requests (in-process: ``requests.ConnectionError``)."""
        return self.add_fault(route, "disconnect", times=times, after_applying=after_applying)

    def timeout_next(
        self, route: str, times: int = 1, *, seconds: float | None = None, after_applying: bool = False
    ) -> str:
        """Time out the next ``times`` requests (in-process: ``requests.ReadTimeout`` at once;
        over a socket: the connection is held ``seconds``, default 30, then closed)."""
        return self.add_fault(route, "timeout", times=times, seconds=seconds, after_applying=after_applying)

    def delay(
        self, route: str, seconds: float | tuple[float, float], *, times: int | None = None, seed: int = 0
    ) -> str:
        """Delay requests on ``route`` by ``seconds`` (or a random time in ``(min, max)`` under ``seed``)."""
        return self.add_fault(route, "latency", seconds=seconds, times=times, seed=seed)

    def remove_fault(self, fault_id: str) -> None:
        self.store.faults.remove(fault_id)

    def clear_faults(self) -> None:
        """Remove every fault rule (requests held by latency or timeout faults are released)."""
        self.store.faults.clear()


def _describe(events: list[Event]) -> str:
    if not events:
        return "none"
    return ", ".join(f"{e.type}(p1_id={e.p1_id}, stockquantity={e.stockquantity})" for e in events)
