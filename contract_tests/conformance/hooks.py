"""Hook specifications of the conformance plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from contract_tests.conformance.client import Client
    from contract_tests.conformance.config import Target


@pytest.hookspec(firstresult=True)
def pytest_inventory_conformance_client(config: pytest.Config, target: Target) -> Client | None:
    """Return the client the suite talks to ``target`` through (e.g. a ``WsgiClient``
    around an app in the same process); ``None`` for the default ``HttpClient``."""
