"""The objects the ``inventory_mock`` and ``inventory_server`` fixtures hand to a test.

Both are ``InventoryMock``s (so every method of the fake is there) with a
``base_url`` and the assertion helpers. One object lives for a whole session (per
xdist worker): building the Flask app costs far more than restoring the seed, so
``_begin_test`` restores the state instead of building a new fake.
"""

from __future__ import annotations

from typing import Any

from contract_tests import _assertions
from mockserver import InventoryMock
from mockserver.profile import Profile
from mockserver.state.seed import SeedSource
from mockserver.transports.live_server import LiveServer


class InventoryFixture(InventoryMock):
    """The fake as ``inventory_mock`` gives it: in-process, at ``base_url``."""

    def __init__(self, seed: SeedSource = None, *, base_url: str, **options: Any) -> None:
        super().__init__(seed, **options)
        self._base_url = base_url.rstrip("/")
        self._start_seed = self.store.seed
        self._start_profile = self.store.profile

    @property
    def base_url(self) -> str:
        """Root URL the client under test talks to (ini ``inventory_base_url``, or the server's)."""
        return self._base_url

    def httpx_client(self, **options: Any) -> Any:
        """An ``httpx.Client`` on ``base_url``, answered by this fake (``options`` go to httpx)."""
        import httpx

        return httpx.Client(base_url=self.base_url, transport=self.httpx_transport(self.base_url), **options)

    def async_httpx_client(self, **options: Any) -> Any:
        """An ``httpx.AsyncClient`` on ``base_url``, answered by this fake."""
        import httpx

        return httpx.AsyncClient(base_url=self.base_url, transport=self.async_httpx_transport(self.base_url), **options)

    def _begin_test(self, profile: Profile | None = None, mutant: str | None = None) -> None:
        """Back to the configured seed, even after ``load_seed`` or ``PUT /_mock/seed``; on the
        ini profile (or ``profile``: a variant) and faithful (or broken by ``mutant``)."""
        if self.store.seed is not self._start_seed:  # parsing a seed costs more than a reset
            self.store.load(self._start_seed)
        self.store.profile = profile or self._start_profile  # the ini profile, even after set_profile
        if mutant is not None or self.mutant is not None:
            self.set_mutant(mutant)
        self.reset()

    # -- assertion helpers ---------------------------------------------------------------

    def assert_adjusted(
        self,
        p1_id: int,
        *,
        org_id: str | None = None,
        times: int | None = None,
        **fields: Any,
    ) -> None:
        """Assert the fake accepted an adjust of ``p1_id`` with the given body fields.

        ``fields`` are any of ``delta_on_hand``, ``delta_incoming`` (absent means 0),
        ``reason``, ``shop_id``, ``metadata``; fields not given match anything. With
        ``times``, exactly that many accepted adjusts must match.
        """
        _assertions.assert_adjusted(self.journal, org_id or self.org_id, p1_id, fields, times)

    def assert_not_adjusted(self, p1_id: int | None = None, *, org_id: str | None = None) -> None:
        """Assert the fake accepted no adjust (of ``p1_id``, or of any product of the org)."""
        _assertions.assert_not_adjusted(self.journal, org_id or self.org_id, p1_id)

    def assert_calls(self, **expected: int) -> None:
        """Assert how many requests each endpoint received: ``assert_calls(list=1, adjust=2)``.

        Endpoints: ``list``, ``adjust``, ``log``, ``history`` (any status, any org).
        """
        _assertions.assert_calls(self.journal, expected)


class InventoryServerFixture(InventoryFixture):
    """The fake as ``inventory_server`` gives it: served on ``url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, seed: SeedSource = None, *, host: str = "127.0.0.1", **options: Any) -> None:
        super().__init__(seed, base_url=f"http://{host}", **options)
        self._server: LiveServer = self.serve(host, 0)
        self._base_url = self._server.url

    @property
    def url(self) -> str:
        """Root URL of the server; the same as ``base_url``."""
        return self._base_url

    def httpx_client(self, **options: Any) -> Any:
        """An ``httpx.Client`` on ``url``, through the socket."""
        import httpx

        return httpx.Client(base_url=self.url, **options)

    def async_httpx_client(self, **options: Any) -> Any:
        """An ``httpx.AsyncClient`` on ``url``, through the socket."""
        import httpx

        return httpx.AsyncClient(base_url=self.url, **options)

    def _stop(self) -> None:
        """Stop serving and close the socket (the plugin does it at the end of the session)."""
        self._server.stop()
