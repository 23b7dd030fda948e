"""HTTP load generators: ``wrk`` when it is on PATH, else a bundled asyncio one.

Both keep ``connections`` keep-alive connections busy for ``seconds`` and report
requests per second and the 99th-percentile latency. The bundled one sends one
request at a time per connection (no pipelining), like wrk.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Load:
    """What one load run measured."""

    rps: float
    p99: float  # seconds
    p50: float  # seconds: the median latency
    errors: int
    generator: str


def available(prefer: str = "auto") -> str:
    """The generator to use: ``wrk`` if asked for or on PATH (``auto``), else ``python``."""
    if prefer == "python":
        return "python"
    if shutil.which("wrk"):
        return "wrk"
    if prefer == "wrk":
        raise RuntimeError("wrk is not installed (apt-get install wrk), or use --loadgen python")
    return "python"


def run(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
    *,
    connections: int = 16,
    seconds: float = 3.0,
    generator: str = "auto",
) -> Load:
    """Load ``method path`` on ``host:port``; every non-2xx answer counts as an error."""
    if available(generator) == "wrk":
        return _wrk(host, port, method, path, headers, body, connections, seconds)
    return asyncio.run(_python(host, port, method, path, headers, body, connections, seconds))


def _wrk(
    host: str, port: int, method: str, path: str, headers: dict[str, str], body: bytes, connections: int, seconds: float
) -> Load:
    lua = [f'wrk.method = "{method}"', f"wrk.body = {_lua_string(body)}"]
    lua += [f"wrk.headers[{_lua_string(k.encode())}] = {_lua_string(v.encode())}" for k, v in headers.items()]
    lua.append("function response(status, headers, body) if status >= 300 then wrk.thread:set('bad', 1) end end")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lua) + "\n")
    try:
        duration = max(1, round(seconds))
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                f"http://{host}:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 30,
        ).stdout
    finally:
        Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Anchored: "99%" also ends a "+/- Stdev" figure such as "12.99%" above the distribution.
    p99 = _wrk_duration(re.search(r"(?m)^\s+99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p50 = _wrk_duration(re.search(r"(?m)^\s+50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(rps, p99, p50, errors, "wrk")


def _lua_string(raw: bytes) -> str:
    return '"' + "".join(f"\\{b}" for b in raw) + '"'


def _wrk_duration(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending ``request`` again as soon as an answer is complete."""

    def __init__(self, request: bytes, deadline: float, latencies: list[float], done: asyncio.Future[None]) -> None:
        self.request, self.deadline, self.latencies, self.done = request, deadline, latencies, done
        self.buffer = b""
        self.errors = 0
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            length = int(match.group(1)) if match else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            now = time.perf_counter()
            self.latencies.append(now - self.sent_at)
            if head[9:10] != b"2":
                self.errors += 1
            if now >= self.deadline or re.search(rb"(?i)\r\nconnection:\s*close", head):
                self.transport.close()  # type: ignore[attr-defined]
                return
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _python(
    host: str, port: int, method: str, path: str, headers: dict[str, str], body: bytes, connections: int, seconds: float
) -> Load:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    start = time.perf_counter()
    deadline = start + seconds
    errors = 0

    async def client() -> None:
        # A server that answers "Connection: close" gets a new connection, as wrk does.
        nonlocal errors
        while time.perf_counter() < deadline:
            done: asyncio.Future[None] = loop.create_future()
            transport, protocol = await loop.create_connection(
                lambda done=done: _Connection(request, deadline, latencies, done),  # type: ignore[misc]
                host,
                port,
            )
            try:
                await asyncio.wait_for(asyncio.shield(done), deadline - time.perf_counter() + 5)
            except TimeoutError:  # an answer that never came counts as an error
                transport.abort()
                errors += 1
                return
            errors += protocol.errors

    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else (latencies or [0.0])[0]
    p50 = statistics.median(latencies) if latencies else 0.0
    return Load(len(latencies) / elapsed, p99, p50, errors, "python")
