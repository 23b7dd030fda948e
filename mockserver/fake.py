"""``InventoryMock``: the fake's Python API (state, clock, journal, app, transports, alerts, faults)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from importlib.util import find_spec
from typing import Any

import responses
from flask import Flask

from mockserver.alerts.delivery import Handler, RetryPolicy, WebhookDispatcher, WsgiApp
from mockserver.alerts.events import EVENT_TYPES, Delivery, Event, Subscription
from mockserver.alerts.receivers import refusal
from mockserver.api import READ_SCOPE, WRITE_SCOPE
from mockserver.clock import Clock
from mockserver.errors import MissingToken, MockUsageError
from mockserver.http.app import ControlSettings, create_app
from mockserver.http.parsing import Readers
from mockserver.mutants import Mutant, MutantSwitch
from mockserver.mutants.routes import mutant_blueprint
from mockserver.profile import Profile, ProfileSource
from mockserver.state.journal import Journal
from mockserver.state.seed import SeedSource, check_seed, load_seed
from mockserver.state.store import Store
from mockserver.transports import inprocess, resolve_hint
from mockserver.transports.live_server import LiveServer

DEFAULT_SECRET = "inventory-mock-webhook-secret"
_handler_ids = itertools.count(1)

_HTTPX_INSTALLED = find_spec("httpx") is not None

TOKEN_ROLES = {
    "read_write": frozenset({READ_SCOPE, WRITE_SCOPE}),
    "read_only": frozenset({READ_SCOPE}),
    "write_only": frozenset({WRITE_SCOPE}),
}


class EventAssertionError(AssertionError):
    """The expected stock alert was not (or was unexpectedly) emitted."""


class InventoryMock:
    """A stateful in-memory fake of the Inventory & stock API.

    ``app`` is its Flask app; ``intercept(base_url)`` answers ``requests`` calls
    in-process; ``serve()`` puts it on a loopback socket.
    """

    def __init__(
        self,
        seed: SeedSource = None,
        *,
        id_seed: int | None = None,
        control: ControlSettings | None = None,
        profile: ProfileSource = None,
        allow_webhook_hosts: Iterable[str] = (),
        mutant: str | None = None,
    ) -> None:
        seed_data, label = load_seed(seed)
        self.clock = Clock()
        self.journal = Journal()
        self.store = Store(seed_data, self.clock, id_seed=id_seed, source=label, webhook_hosts=allow_webhook_hosts)
        self.store.profile = Profile.load(profile)
        self.webhooks = WebhookDispatcher(self.store.events, self.clock, allowed_hosts=self.store.allowed_webhook_hosts)
        self.store.add_event_listener(self.webhooks.enqueue)
        readers = Readers()
        self._mutants = MutantSwitch(self.store, readers)
        self._mutants.set(mutant)
        self.app: Flask = create_app(
            self.store,
            self.journal,
            control,
            seed_label=label,
            webhooks=self.webhooks,
            readers=readers,
            control_routes=[mutant_blueprint(self._mutants)],
        )

    @staticmethod
    def validate_seed(source: SeedSource) -> None:
        """Raise ``SeedError`` (file, JSON path, problem) unless ``source`` would load: its
        shape and its consistency (ids once, known scopes), without building a fake."""
        seed_data, label = load_seed(source)
        Store(seed_data, Clock(), source=label)

    @classmethod
    def from_seed(cls, source: SeedSource = None, **options: Any) -> InventoryMock:
        """Build a fake from a seed file path, a seed dict, or ``None`` (the demo seed)."""
        return cls(source, **options)

    # -- who is who ------------------------------------------------------------------

    @property
    def org_id(self) -> str:
        """The seed's first org."""
        org_ids = self.store.org_ids()
        if not org_ids:
            raise MockUsageError("the seed defines no org")
        return org_ids[0]

    def tokens_of(self, org_id: str | None = None) -> dict[str, str]:
        """Tokens of an org by role: ``read_write``, ``read_only``, ``write_only`` (the first
        token with exactly those API scopes). A role the seed lacks raises ``MissingToken``
        naming the role, the org and the seed."""
        org_id = org_id or self.org_id
        found = TokensByRole(org_id, self.store.seed_label)
        for grant in self.store.grants(org_id):
            api_scopes = grant.scopes & {READ_SCOPE, WRITE_SCOPE}
            for role, scopes in TOKEN_ROLES.items():
                if api_scopes == scopes and role not in found:
                    found[role] = grant.token
        return found

    @property
    def tokens(self) -> dict[str, str]:
        """``tokens_of()`` for the first org."""
        return self.tokens_of()

    # -- state -----------------------------------------------------------------------

    def stock(self, p1_id: int, org_id: str | None = None) -> int:
        """On-hand stock of a product."""
        return self.store.stock(org_id or self.org_id, p1_id)[0]

    def incoming(self, p1_id: int, org_id: str | None = None) -> int:
        """Incoming stock of a product."""
        return self.store.stock(org_id or self.org_id, p1_id)[1]

    def log(self, p1_id: int, org_id: str | None = None) -> list[dict[str, Any]]:
        """The product's log as the API returns it (newest first, at most 200)."""
        org = org_id or self.org_id
        self.store.stock(org, p1_id)  # MockUsageError for an unknown product
        return self.store.log(org, p1_id)

    def add_product(
        self,
        p1_id: int,
        name: str = "Test product",
        stockquantity: int = 0,
        *,
        org_id: str | None = None,
        incoming: int = 0,
        price: float | None = None,
        category: str | None = None,
    ) -> None:
        """Add a product (to the first org unless ``org_id`` is given)."""
        self.store.add_product(
            org_id or self.org_id, p1_id, name, stockquantity, incoming=incoming, price=price, category=category
        )

    def add_token(
        self, token: str, scopes: tuple[str, ...] | list[str] = (READ_SCOPE, WRITE_SCOPE), *, org_id: str | None = None
    ) -> None:
        """Add a bearer token (bound to the first org unless ``org_id`` is given)."""
        self.store.add_token(org_id or self.org_id, token, scopes)

    @property
    def profile(self) -> Profile:
        """The behaviour profile: how the fake decides what the API document leaves open (docs/profiles.md)."""
        return self.store.profile

    def set_profile(self, profile: ProfileSource) -> Profile:
        """Switch to ``profile`` (a path, a dict, a ``Profile``; ``None``: the default). ``reset`` keeps it."""
        self.store.profile = Profile.load(profile)
        return self.store.profile

    @property
    def mutant(self) -> Mutant | None:
        """The documented rule this fake breaks on purpose, or ``None`` (docs/mutants.md)."""
        return self._mutants.current

    def set_mutant(self, name: str | None) -> Mutant | None:
        """Break one documented rule from the next request on (``None``: faithful again); ``reset`` keeps it.

        Instant, on every transport of this fake. ``UnknownMutant`` (a ``ValueError``) names the known ones.
        """
        return self._mutants.set(name)

    def set_clock(self, moment: datetime) -> None:
        """Freeze the clock at ``moment``."""
        self.clock.set(moment)

    def reset(self) -> None:
        """Back to the seed: state (thresholds, webhooks, faults), real-time clock, empty journal
        and event log; pending deliveries and in-process webhook routes are dropped."""
        self.webhooks.reset()
        self.store.reset()
        self.clock.reset()
        self.journal.clear()

    def load_seed(self, seed: SeedSource) -> None:
        """Replace the state (and the seed ``reset`` returns to)."""
        seed_data, label = load_seed(seed)
        self.store.load(seed_data, label)
        self.journal.clear()

    def dump(self) -> dict[str, Any]:
        """The state in the seed format."""
        return self.store.dump()

    # -- transports --------------------------------------------------------------------

    @contextmanager
    def intercept(self, base_url: str, mock: responses.RequestsMock | None = None) -> Iterator[responses.RequestsMock]:
        """Answer every ``requests`` and ``httpx`` call under ``base_url`` in-process.

        Other URLs pass through (to the network, or to a ``responses`` mock started
        before); ``responses`` mocks started inside keep working beside it (see
        ``inprocess.intercepting``). httpx clients on their default transports are
        answered too (``httpx_inprocess.patching``), if httpx is installed. Another
        library resolving the base URL's host gets an error that says to serve the fake
        on a socket. Give ``mock`` to register on an already active ``RequestsMock``.
        """
        with ExitStack() as stack:
            if mock is None:
                mock = stack.enter_context(inprocess.intercepting(self.app, base_url))
            else:
                inprocess.register(mock, self.app, base_url)
            if _HTTPX_INSTALLED:
                from mockserver.transports import httpx_inprocess

                stack.enter_context(httpx_inprocess.patching(self.app, base_url, self._may_sleep))
            stack.enter_context(resolve_hint.hinting(base_url))
            yield mock

    def httpx_transport(self, base_url: str, passthrough: Any = None) -> Any:
        """An ``httpx.BaseTransport`` answering ``base_url`` with this fake, other URLs with
        ``passthrough`` (default: a new ``httpx.HTTPTransport``). Needs httpx."""
        from mockserver.transports.httpx_inprocess import InventoryTransport

        return InventoryTransport(self.app, base_url, passthrough)

    def async_httpx_transport(self, base_url: str, passthrough: Any = None) -> Any:
        """The ``httpx.AsyncBaseTransport`` twin of ``httpx_transport``."""
        from mockserver.transports.httpx_inprocess import AsyncInventoryTransport

        return AsyncInventoryTransport(self.app, base_url, passthrough, self._may_sleep)

    def _may_sleep(self) -> bool:
        """Whether answering may sleep (a fault rule is armed): async clients then get the
        answer from a worker thread, so that their event loop goes on."""
        return bool(self.store.faults.rules())

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LiveServer:
        """Start serving on a socket in a background thread; ``stop()`` the result."""
        return LiveServer(self.app, host, port).start()

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
        if handler is None and app is None:  # delivered over HTTP: say now if it never could be
            refused = refusal(url, self.store.allowed_webhook_hosts())
            if refused is not None:
                raise MockUsageError(refused)
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


class TokensByRole(dict[str, str]):
    """An org's tokens by role; a missing role is a ``MissingToken`` that says what to do."""

    def __init__(self, org_id: str, seed_label: str) -> None:
        super().__init__()
        self.org_id = org_id
        self.seed_label = seed_label

    def __missing__(self, role: str) -> str:
        __tracebackhide__ = True
        if role not in TOKEN_ROLES:
            raise MissingToken(f"no token role {role!r}: the roles are {', '.join(TOKEN_ROLES)}")
        scopes = " and ".join(sorted(TOKEN_ROLES[role]))
        has = ", ".join(self) or "none"
        seed = f"the {self.seed_label}" if self.seed_label in ("demo seed", "seed") else f"seed {self.seed_label}"
        raise MissingToken(
            f"{seed} gives org {self.org_id!r} no {role} token (one with exactly the "
            f"scopes {scopes}; its roles: {has}): add one to the seed's tokens, or call "
            f"add_token(TOKEN, {sorted(TOKEN_ROLES[role])!r})"
        )


def _describe(events: list[Event]) -> str:
    if not events:
        return "none"
    return ", ".join(f"{e.type}(p1_id={e.p1_id}, stockquantity={e.stockquantity})" for e in events)
