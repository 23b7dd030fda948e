"""Start-up: process start to first successful response, ``inventory-mock serve`` vs a bare Flask app.

Both go through the same serving function (``mockserver.transports.serving.serve``) on the same
WSGI server, so the difference is the fake's own imports and set-up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import servers
from bench._harness import Row, Scale, Target, interleave, ratio_row
from bench.subjects import HEADERS, ORG
from mockserver.transports import serving

_PATH = f"/api/v2/public/orgs/{ORG}/inventory"


def serve_command(port: int, server: str) -> list[str]:
    return [servers.script("inventory-mock"), "serve", "--quiet", f"--port={port}", f"--server={server}"]


def bare_command(port: int, server: str) -> list[str]:
    return [sys.executable, "-m", "bench.bare_server", str(port), server]


def _startup(command: Callable[[int, str], list[str]], server: str) -> Callable[[], float]:
    def measure() -> float:
        port = servers.free_port()
        with servers.running(command(port, server), port, _PATH, HEADERS) as run:
            return run.ready - run.started

    return measure


def run(scale: Scale) -> list[Row]:
    server = serving.default_server()
    results = interleave(
        {"serve": _startup(serve_command, server), "bare": _startup(bare_command, server)}, scale.startups
    )
    return [
        ratio_row(
            "start-up",
            f"process start to first successful GET of `inventory-mock serve` vs a bare Flask app, both on {server}",
            results,
            "serve",
            "bare",
            "s",
            Target(1.3),
        )
    ]
