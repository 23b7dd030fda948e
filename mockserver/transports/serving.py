"""Serve a WSGI app on a socket until SIGINT/SIGTERM: granian when installed, else werkzeug.

``inventory-mock serve`` uses this. Both servers keep one process, so the fake's
in-memory state is shared by every connection. granian (a Rust HTTP server, one
worker process with ``threads`` blocking threads) answered 3-6x more requests per
second than werkzeug's threaded server here (docs/benchmarks.md); werkzeug remains
the fallback and ``LiveServer`` (in a thread) keeps using it.
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from mockserver.transports.live_server import DropConnections, LiveServer

SERVERS = ("granian", "werkzeug")
# granian blocking threads: the fake's work holds the GIL, so more threads only contend. Measured here
# (fake, 16 connections): 2 threads served ~5 % more GETs and ~18 % more adjusts than 4; 1 thread more
# still, but then one slow request (a big list) would hold up every other.
DEFAULT_THREADS = 2


def available(server: str) -> bool:
    """Whether ``server`` can run here (werkzeug always can)."""
    return server == "werkzeug" or importlib.util.find_spec(server) is not None


def default_server() -> str:
    """The fastest server installed."""
    return "granian" if available("granian") else "werkzeug"


def serve(
    app: Any,
    host: str,
    port: int,
    server: str,
    *,
    on_ready: Callable[[str], None],
    threads: int = DEFAULT_THREADS,
    access_log: bool = False,
) -> None:
    """Serve ``app`` on ``host:port`` (0: a free port) until SIGINT/SIGTERM.

    ``on_ready(url)`` runs once the socket listens. Raises ``OSError`` if the address
    cannot be bound. ``access_log``: one line per request (werkzeug logs through the
    ``mockserver.requests`` logger whatever this says).
    """
    if server == "granian":
        _serve_granian(app, host, port, threads, on_ready, access_log)
    elif server == "werkzeug":
        _serve_werkzeug(app, host, port, on_ready)
    else:
        raise ValueError(f"unknown server {server!r} (known: {', '.join(SERVERS)})")


def _serve_werkzeug(app: Any, host: str, port: int, on_ready: Callable[[str], None]) -> None:
    live = LiveServer(app, host, port)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    live.start()
    on_ready(live.url)
    stopping.wait()
    live.stop()


def _serve_granian(
    app: Any, host: str, port: int, threads: int, on_ready: Callable[[str], None], access_log: bool
) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    port = _bindable_port(host, port)
    granian = Granian(
        "mockserver",  # not imported: the loader below hands over the app already built
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,  # one process: one in-memory state
        blocking_threads=threads,
        websockets=False,
        log_level=LogLevels.warning,
        log_access=access_log,
        # A worker forked just as SIGTERM arrives can miss it; without a limit the main process would wait forever.
        workers_kill_timeout=5,
    )
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    # granian's worker starts listening after its start-up hooks: announce once a connection goes through.
    threading.Thread(target=_when_listening, args=(host, port, lambda: on_ready(url)), daemon=True).start()
    # The same connection-dropping middleware as LiveServer: a disconnect or timeout fault ends the
    # connection without an answer here too (transports/connection.py says how on granian).
    wrapped = DropConnections(app)
    granian.serve(target_loader=lambda *_: wrapped)


def _when_listening(host: str, port: int, then: Callable[[], None], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                break
        except OSError:
            time.sleep(0.005)
    else:
        return
    then()


def _bindable_port(host: str, port: int) -> int:
    """``port``, or a free one for 0; ``OSError`` if it cannot be bound now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])
