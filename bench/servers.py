"""Start a WSGI server (werkzeug, waitress, gunicorn, granian) in a subprocess and stop it.

Every server runs one process (one shared in-memory state): waitress and gunicorn with
``THREADS`` threads, granian with the blocking threads ``inventory-mock serve`` uses,
bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mockserver.transports import serving

THREADS = 4  # waitress's default; gunicorn gthread gets the same
GRANIAN_THREADS = serving.DEFAULT_THREADS  # what `inventory-mock serve` runs with
ROOT = Path(__file__).resolve().parent.parent
_BIN = Path(sys.executable).parent


def script(name: str) -> str:
    """A console script of this environment (``inventory-mock``, ``granian``...)."""
    return str(_BIN / name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, target: str, port: int, granian_threads: int = GRANIAN_THREADS) -> list[str]:
    """argv serving ``target`` (``module:attribute``) with ``server`` on 127.0.0.1:``port``."""
    host = "127.0.0.1"
    if server == "werkzeug":
        return [sys.executable, "-m", "bench.run_werkzeug", target, str(port)]
    if server == "waitress":
        return [str(_BIN / "waitress-serve"), f"--listen={host}:{port}", f"--threads={THREADS}", target]
    if server == "gunicorn":
        return [
            str(_BIN / "gunicorn"),
            "--worker-class=gthread",
            "--workers=1",
            f"--threads={THREADS}",
            f"--bind={host}:{port}",
            "--log-level=warning",
            target,
        ]
    if server == "granian":
        return [
            str(_BIN / "granian"),
            "--interface=wsgi",
            "--workers=1",
            f"--blocking-threads={granian_threads}",
            f"--host={host}",
            f"--port={port}",
            "--log-level=warning",
            "--no-ws",
            target,
        ]
    raise ValueError(f"unknown server {server!r}")


@dataclass
class Running:
    """A server process and where it listens."""

    process: subprocess.Popen[bytes]
    port: int
    started: float  # perf_counter when the process was started
    ready: float  # perf_counter of the first successful response


def wait_ready(
    process: subprocess.Popen[bytes], port: int, path: str, headers: dict[str, str], timeout: float
) -> float:
    """Poll ``path`` until it answers 200; return the perf_counter of that answer."""
    deadline = time.perf_counter() + timeout
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.args}")
        try:
            with urllib.request.urlopen(request, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter()
        except OSError:
            time.sleep(0.002)
    raise TimeoutError(f"no answer from {process.args} within {timeout} s")


def start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` from the repository root with ``bench`` importable."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def running(
    argv: Sequence[str], port: int, path: str, headers: dict[str, str], timeout: float = 30.0
) -> Iterator[Running]:
    """Run ``argv`` until the block ends; stop it with SIGTERM (SIGKILL after 10 s)."""
    with running_all({"server": (argv, port)}, path, headers, timeout) as started:
        yield started["server"]


@contextmanager
def running_all(
    commands: dict[str, tuple[Sequence[str], int]], path: str, headers: dict[str, str], timeout: float = 30.0
) -> Iterator[dict[str, Running]]:
    """Start every ``name: (argv, port)`` at once, wait until each answers, stop them all at the end."""
    launched: dict[str, tuple[subprocess.Popen[bytes], int, float]] = {}
    try:
        for name, (argv, port) in commands.items():
            launched[name] = (start(argv), port, time.perf_counter())
        yield {
            name: Running(process, port, started, wait_ready(process, port, path, headers, timeout))
            for name, (process, port, started) in launched.items()
        }
    finally:
        for process, _, _ in launched.values():
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, wait, SIGKILL if it hangs; return the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
