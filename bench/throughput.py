"""Standalone throughput: WSGI servers compared on a bare Flask app and on the fake, then
``inventory-mock serve`` vs the bare app on the fastest server.

16 keep-alive connections, GET of the inventory list and POST of an adjust. Every
server runs one process (one in-memory state). All servers of a comparison run at
once, idle while another is loaded, so rounds can alternate between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench import apps, loadgen, servers
from bench._harness import Row, Scale, Stats, Target, interleave, ratio_row
from bench.subjects import HEADERS
from mockserver.transports import serving

_POST_HEADERS = {**HEADERS, "Content-Type": "application/json"}
ENDPOINTS = {
    "GET": (apps.LIST_PATH, HEADERS, b""),
    "POST": (apps.ADJUST_PATH, _POST_HEADERS, apps.ADJUST_BODY),
}


@dataclass
class Comparison:
    """Requests per second (and p99 latency) per (server, app, method)."""

    rps: dict[tuple[str, str, str], Stats]
    p99: dict[tuple[str, str, str], Stats]
    generator: str
    errors: dict[tuple[str, str, str], int]

    def fastest(self) -> str:
        """The server with the most requests per second on the bare app's GET."""
        return max({key[0] for key in self.rps}, key=lambda server: self.rps[(server, "bare", "GET")].median)


def _load(
    port: int, method: str, scale: Scale, p99s: list[float], generator: str, errors: list[int]
) -> Callable[[], float]:
    path, headers, body = ENDPOINTS[method]

    def measure() -> float:
        result = loadgen.run(
            "127.0.0.1",
            port,
            method,
            path,
            headers,
            body,
            connections=scale.connections,
            seconds=scale.seconds,
            generator=generator,
        )
        errors.append(result.errors)  # reported, not fatal: one misbehaving server must not stop the run
        p99s.append(result.p99)
        return result.rps

    return measure


@contextmanager
def _all_running(commands: dict[str, list[str]], ports: dict[str, int]) -> Iterator[None]:
    with servers.running_all({name: (argv, ports[name]) for name, argv in commands.items()}, apps.LIST_PATH, HEADERS):
        yield


def compare_servers(scale: Scale, generator: str, rounds: int) -> Comparison:
    """Each server of ``scale.servers`` on the bare app and on the fake, GET and POST."""
    ports = {f"{server}/{app}": servers.free_port() for server in scale.servers for app in ("bare", "fake")}
    commands = {
        name: servers.server_command(name.split("/")[0], f"bench.apps:{name.split('/')[1]}_app", port)
        for name, port in ports.items()
    }
    p99s: dict[tuple[str, str, str], list[float]] = {}
    errors: dict[tuple[str, str, str], list[int]] = {}
    candidates = {}
    for name, port in ports.items():
        server, app = name.split("/")
        for method in ENDPOINTS:
            key = (server, app, method)
            p99s[key], errors[key] = [], []
            candidates[key] = _load(port, method, scale, p99s[key], generator, errors[key])
    with _all_running(commands, ports):
        results = interleave({"|".join(k): fn for k, fn in candidates.items()}, rounds)
    rps = {tuple(name.split("|")): stats for name, stats in results.items()}
    return Comparison(
        rps,  # type: ignore[arg-type]
        {k: Stats(tuple(v)) for k, v in p99s.items()},
        loadgen.available(generator),
        {k: sum(v) for k, v in errors.items()},
    )


def serve_vs_bare(scale: Scale, fastest: str, generator: str) -> tuple[dict[str, Stats], str, int]:
    """``inventory-mock serve`` (its default server) vs the bare app on ``fastest``."""
    server = serving.default_server()
    ports = {"serve": servers.free_port(), "bare": servers.free_port()}
    commands = {
        "serve": [servers.script("inventory-mock"), "serve", "--quiet", f"--port={ports['serve']}"],
        "bare": servers.server_command(fastest, "bench.apps:bare_app", ports["bare"]),
    }
    candidates = {}
    errors: list[int] = []
    for name, port in ports.items():
        for method in ENDPOINTS:
            candidates[f"{name} {method}"] = _load(port, method, scale, [], generator, errors)
    with _all_running(commands, ports):
        return interleave(candidates, scale.rounds), server, sum(errors)


def run(scale: Scale, generator: str = "auto") -> tuple[list[Row], Comparison]:
    comparison = compare_servers(scale, generator, rounds=max(1, scale.rounds // 2))
    fastest = comparison.fastest()
    results, server, failed = serve_vs_bare(scale, fastest, generator)
    used = comparison.generator
    rows = [
        ratio_row(
            f"standalone throughput ({method})",
            f"`inventory-mock serve` ({server}) {method} {'inventory list' if method == 'GET' else 'adjust'}, "
            f"{scale.connections} keep-alive connections, req/s vs a bare Flask app with the same static body "
            f"on the fastest server of the comparison ({fastest}); load: {used}",
            results,
            f"serve {method}",
            f"bare {method}",
            "req/s",
            Target(0.8, at_least=True),
            note=f"{failed} failed requests during these runs" if failed else "",
        )
        for method in ENDPOINTS
    ]
    return rows, comparison
