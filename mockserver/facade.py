"""``InventoryMock``: the fake's Python API (state, clock, journal, app, transports)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import responses
from flask import Flask

from mockserver import inprocess
from mockserver.alerts_api import AlertsAndFaults
from mockserver.app import ControlSettings, create_app
from mockserver.clock import Clock
from mockserver.errors import MockUsageError
from mockserver.journal import Journal
from mockserver.seed import SeedSource, load_seed
from mockserver.server import LiveServer
from mockserver.store import READ_SCOPE, WRITE_SCOPE, Store
from mockserver.webhooks import WebhookDispatcher

TOKEN_ROLES = {
    "read_write": frozenset({READ_SCOPE, WRITE_SCOPE}),
    "read_only": frozenset({READ_SCOPE}),
    "write_only": frozenset({WRITE_SCOPE}),
}


class InventoryMock(AlertsAndFaults):
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
    ) -> None:
        seed_data, label = load_seed(seed)
        self.clock = Clock()
        self.journal = Journal()
        self.store = Store(seed_data, self.clock, id_seed=id_seed, source=label)
        self.webhooks = WebhookDispatcher(self.store.events, self.clock)
        self.store.add_event_listener(self.webhooks.enqueue)
        self.app: Flask = create_app(self.store, self.journal, control, seed_label=label, webhooks=self.webhooks)

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
        """Tokens of an org by role: ``read_write``, ``read_only``, ``write_only``
        (the first token with exactly those API scopes), plus every token by itself."""
        found: dict[str, str] = {}
        for grant in self.store.grants(org_id or self.org_id):
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
        """Answer every ``requests`` call under ``base_url`` in-process.

        Other URLs pass through (to the network, or to a ``responses`` mock started
        before); ``responses`` mocks started inside keep working beside it (see
        ``inprocess.intercepting``). Give ``mock`` to register on an already active
        ``RequestsMock`` instead of starting one.
        """
        if mock is not None:
            inprocess.register(mock, self.app, base_url)
            yield mock
            return
        with inprocess.intercepting(self.app, base_url) as own:
            yield own

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LiveServer:
        """Start serving on a socket in a background thread; ``stop()`` the result."""
        return LiveServer(self.app, host, port).start()
