"""What the benchmarks measure, in one place, so it can be switched after a merge.

The pytest plugin (``inventory_mock`` / ``inventory_server`` fixtures) and the
conformance run (``inventory-mock check``) are built on other branches. Until they
are merged these functions stand in for them with the layers they are built on:

- ``inventory_mock_fixture``: what the ``inventory_mock`` fixture does per test
  (fresh state from the demo seed + ``InventoryMock.intercept``). After the merge,
  make it enter the plugin's own per-test context (the function the fixture yields from).
- ``inventory_server_fixture``: what ``inventory_server`` does per test (reset the
  state of a session-wide ``LiveServer``). After the merge, call the plugin's reset.
- ``conformance_command``: the argv of the conformance run; ``None`` while the
  ``check`` sub-command does not exist, and the row says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import responses

from mockserver.facade import InventoryMock
from mockserver.server import LiveServer

BASE_URL = "http://inventory.test"
ORG = "demo-org"
PRODUCT = 12345
TOKEN = "demo-read-write"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
LIST_URL = f"{BASE_URL}/api/v2/public/orgs/{ORG}/inventory"
ADJUST_URL = f"{LIST_URL}/adjust"
ADJUST_BODY = {"p1_id": PRODUCT, "delta_on_hand": 1, "reason": "bench"}


class SessionMock:
    """A fake kept for a whole session, as a session-scoped fixture would keep it."""

    def __init__(self) -> None:
        self.mock = InventoryMock()


@contextmanager
def inventory_mock_fixture(session: SessionMock) -> Iterator[InventoryMock]:
    """Per-test set-up and teardown of ``inventory_mock`` (stand-in until the plugin is merged).

    Fresh state from the seed (``reset``: store, clock, journal) and the in-process
    transport on ``BASE_URL``. Building a new ``InventoryMock`` per test instead costs
    about 13 ms (Flask compiles its URL rules), which the ``fresh_inventory_mock`` row shows.
    """
    mock = session.mock
    mock.reset()
    with mock.intercept(BASE_URL):
        yield mock


@contextmanager
def fresh_inventory_mock_fixture() -> Iterator[InventoryMock]:
    """The alternative design: a brand-new ``InventoryMock`` per test."""
    mock = InventoryMock()
    with mock.intercept(BASE_URL):
        yield mock


@contextmanager
def responses_fixture(body: bytes) -> Iterator[responses.RequestsMock]:
    """The baseline: a ``responses.RequestsMock`` with one registered response."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, LIST_URL, body=body, content_type="application/json")
        yield mock


@contextmanager
def inventory_server_fixture(server: LiveServer, mock: InventoryMock) -> Iterator[str]:
    """Per-test cost of ``inventory_server`` (stand-in): reset the shared state, hand over the URL."""
    mock.reset()
    yield server.url


def conformance_command(base_url: str) -> list[str] | None:
    """The conformance run's argv, or ``None`` while ``inventory-mock check`` does not exist."""
    exe = shutil.which("inventory-mock") or str(_venv_script("inventory-mock"))
    probe = subprocess.run([exe, "check", "--help"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return None
    return [exe, "check", "--allow-writes", "--base-url", base_url, "--token", TOKEN]


def _venv_script(name: str) -> str:
    from pathlib import Path

    return str(Path(sys.executable).with_name(name))
