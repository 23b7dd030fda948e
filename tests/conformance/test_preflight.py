"""Preflight: a misconfigured run exits 2 with one line naming the setting, before any check."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from mockserver import InventoryMock, LiveServer

GOOD = {
    "--org-id": "demo-org",
    "--product-id": "12345",
    "--token-read-write": "demo-read-write",
    "--token-read-only": "demo-read-only",
}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = InventoryMock().serve()
    yield live
    live.stop()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _check(base_url: str, **changed: str) -> subprocess.CompletedProcess[str]:
    settings = {"--base-url": base_url, **GOOD, **{f"--{k.replace('_', '-')}": v for k, v in changed.items()}}
    argv = [sys.executable, "-m", "contract_tests.cli", "check"]
    for option, value in settings.items():
        argv += [option, value]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "urllib3" not in done.stderr
    return lines[0]


def test_an_unreachable_url_is_one_line() -> None:
    line = _one_line(_check(f"http://127.0.0.1:{_closed_port()}"))
    assert line.startswith("inventory-mock check: cannot reach http://127.0.0.1:")
    assert "connection refused" in line
    assert "--base-url" in line


def test_a_url_with_the_api_prefix_names_the_root(server: LiveServer) -> None:
    line = _one_line(_check(f"{server.url}/api/v2/public"))
    assert f"give the root, '{server.url}'" in line


def test_a_bad_token_is_named(server: LiveServer) -> None:
    line = _one_line(_check(server.url, token_read_write="no-such-token"))
    assert "read_write token is not accepted (401)" in line
    assert "--token-read-write" in line


def test_a_bad_optional_token_is_named(server: LiveServer) -> None:
    line = _one_line(_check(server.url, token_read_only="no-such-token"))
    assert "read_only token is not accepted (401)" in line


def test_a_wrong_org_is_named(server: LiveServer) -> None:
    line = _one_line(_check(server.url, org_id="other-org"))
    assert "may not list org 'other-org' (403)" in line
    assert "--org-id" in line


def test_an_unknown_product_is_named(server: LiveServer) -> None:
    line = _one_line(_check(server.url, product_id="424242"))
    assert "product_id 424242 is not in the inventory of org 'demo-org'" in line


def test_a_foreign_product_of_this_org_is_named(server: LiveServer) -> None:
    line = _one_line(_check(server.url, foreign_product_id="12346"))
    assert "foreign_product_id 12346 IS in the inventory" in line


def test_a_good_configuration_passes_preflight(server: LiveServer) -> None:
    done = _check(server.url)
    assert done.returncode == 0, done.stdout[-2000:]
