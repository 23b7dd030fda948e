"""What the benchmarks measure, in one place.

- ``inventory_mock_fixture``: what the plugin's ``inventory_mock`` fixture does per test
  (``InventoryFixture._begin_test`` + ``intercept``) on a fake kept for the session.
- ``inventory_server_fixture``: what ``inventory_server`` does per test (``_begin_test`` on
  the session's ``InventoryServerFixture``).
- ``conformance_command``: the argv of ``inventory-mock check --allow-writes`` against the demo seed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import responses

from contract_tests._fixture import InventoryFixture, InventoryServerFixture
from mockserver.fake import InventoryMock

BASE_URL = "http://inventory.test"
ORG = "demo-org"
PRODUCT = 12345
TOKEN = "demo-read-write"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
LIST_URL = f"{BASE_URL}/api/v2/public/orgs/{ORG}/inventory"
ADJUST_URL = f"{LIST_URL}/adjust"
ADJUST_BODY = {"p1_id": PRODUCT, "delta_on_hand": 1, "reason": "bench"}


class SessionMock:
    """The fake a session keeps, as the plugin's session-scoped fixture keeps it."""

    def __init__(self) -> None:
        self.mock = InventoryFixture(base_url=BASE_URL)


@contextmanager
def inventory_mock_fixture(session: SessionMock) -> Iterator[InventoryMock]:
    """Per-test set-up and teardown of ``inventory_mock``, as contract_tests.plugin does it.

    Back to the seed (``_begin_test``: store, clock, journal) and the in-process transport on
    ``BASE_URL``. Building a new ``InventoryMock`` per test instead costs about 13 ms (Flask
    compiles its URL rules), which the ``fresh_inventory_mock`` row shows.
    """
    mock = session.mock
    mock._begin_test()
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
def inventory_server_fixture(fake: InventoryServerFixture) -> Iterator[str]:
    """Per-test cost of ``inventory_server``: back to the seed, hand over the URL."""
    fake._begin_test()
    yield fake.url


def conformance_command(base_url: str) -> list[str] | None:
    """The conformance run's argv, or ``None`` while ``inventory-mock check`` does not exist."""
    exe = shutil.which("inventory-mock") or str(_venv_script("inventory-mock"))
    probe = subprocess.run([exe, "check", "--help"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return None
    return [
        exe,
        "check",
        "--allow-writes",
        "--base-url",
        base_url,
        "--org-id",
        ORG,
        "--product-id",
        str(PRODUCT),
        "--foreign-product-id",
        "99999",
        "--token-read-write",
        TOKEN,
        "--token-read-only",
        "demo-read-only",
        "--token-write-only",
        "demo-write-only",
        "--token-other-org",
        "other-org-read-write",
    ]


def _venv_script(name: str) -> str:
    from pathlib import Path

    return str(Path(sys.executable).with_name(name))
