"""Shared by the hardening tests: raw HTTP over a socket, the demo seed's names, and
the oracle for what an accepted adjust must change in a state dump."""

from __future__ import annotations

import contextlib
import copy
import http.client
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mockserver import InventoryMock

ORG = "demo-org"
OTHER_ORG = "other-org"
UNKNOWN_ORG = "no-such-org"
PRODUCT = 12345
OTHER_PRODUCT = 99999  # belongs to OTHER_ORG
READ_WRITE, READ_ONLY, WRITE_ONLY = "demo-read-write", "demo-read-only", "demo-write-only"
OTHER_TOKEN = "other-org-read-write"
FROZEN_AT = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def frozen_mock() -> InventoryMock:
    """The demo seed, ids from a fixed seed, the clock frozen at ``FROZEN_AT``."""
    mock = InventoryMock(id_seed=7)
    mock.set_clock(FROZEN_AT)
    return mock


def api(org: str = ORG, rest: str = "") -> str:
    """An API path under ``/api/v2/public/orgs/{org}/inventory``."""
    return f"/api/v2/public/orgs/{org}/inventory{rest}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Answer:
    """A response as the client saw it."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def assert_error_body(status: int, content_type: str | None, body: bytes, method: str = "GET") -> None:
    """A 4xx answer is JSON with string ``error`` and ``message`` (HEAD: JSON type, no body)."""
    assert 400 <= status < 500, f"expected a 4xx, got {status}: {body[:300]!r}"
    assert (content_type or "").split(";")[0].strip() == "application/json", (status, content_type, body[:300])
    if method == "HEAD":
        return
    error = json.loads(body)
    assert isinstance(error, dict), body[:300]
    for key in ("error", "message"):
        assert isinstance(error.get(key), str), body[:300]
        assert error[key], body[:300]


def exchange(host: str, port: int, raw: bytes, *, timeout: float = 20) -> Answer:
    """Send ``raw`` bytes as one request on a fresh connection and read the answer.

    The server may answer before it has read the whole request (413, 431): a failed
    send is tolerated and the answer is read all the same.
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=raw.split(b" ", 1)[0].decode("latin-1"))
        response.begin()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, body)


def request_bytes(
    method: str,
    target: bytes,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    body: bytes | None = None,
) -> bytes:
    """An HTTP/1.1 request, byte for byte as given (no encoding, no normalisation)."""
    lines = [method.encode("latin-1") + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    if body is not None:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def find_product(state: dict[str, Any], org_id: str, p1_id: int) -> dict[str, Any] | None:
    for org in state["orgs"]:
        if org["id"] == org_id:
            for product in org["products"]:
                if product["p1_id"] == p1_id:
                    return product
    return None


def after_adjust(
    before: dict[str, Any], org_id: str, body: dict[str, Any], entry_id: str, now: datetime
) -> dict[str, Any]:
    """The state dump an accepted adjust must leave: exactly its own change, nothing else."""
    state = copy.deepcopy(before)
    product = find_product(state, org_id, int(body["p1_id"]))
    assert product is not None, "an adjust of an unknown product was accepted"
    on_hand, incoming = body.get("delta_on_hand", 0), body.get("delta_incoming", 0)
    product["stockquantity"] += on_hand
    product["incoming"] += incoming
    product["log_entries"] += 1
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = {
        "id": entry_id,
        "delta_on_hand": on_hand,
        "delta_incoming": incoming,
        "reason": body["reason"],
        "shop_id": body.get("shop_id"),
        "metadata": body.get("metadata"),
        "created_at": stamp,
    }
    product["log"] = [*product["log"], entry][-200:]
    day = now.date().isoformat()
    days = {item["date"]: item for item in product["daily"]}
    totals = days.setdefault(day, {"date": day, "delta_on_hand": 0, "delta_incoming": 0, "entries": 0})
    totals["delta_on_hand"] += on_hand
    totals["delta_incoming"] += incoming
    totals["entries"] += 1
    product["daily"] = [days[key] for key in sorted(days)][-366:]
    return state


@contextlib.contextmanager
def serve_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """``inventory-mock serve --port 0 ARGS`` in a subprocess (stderr into stdout).

    Yields the process, its first output line and its port; kills it if still running.
    """
    command = [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            match = re.search(r"on http://127\.0\.0\.1:(\d+)", banner)
            assert match, banner + process.stdout.read()
            yield process, banner, int(match.group(1))
        finally:
            if process.poll() is None:
                process.kill()


def stop_process(process: subprocess.Popen[str], signum: int) -> str:
    """Send ``signum``, wait for a clean exit, return the rest of the output."""
    assert process.stdout is not None
    process.send_signal(signum)
    rest = process.stdout.read()
    assert process.wait(timeout=20) == 0, rest
    return rest
