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
from bench.servers import GRANIAN_THREADS
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
    port: int,
    method: str,
    scale: Scale,
    p99s: list[float],
    generator: str,
    errors: list[int],
    p50s: list[float] | None = None,
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
        if p50s is not None:
            p50s.append(result.p50)
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


@dataclass
class ServeRun:
    """``inventory-mock serve`` against the bare app: req/s per candidate, serve's latencies, failures."""

    rps: dict[str, Stats]
    server: str
    failed: int
    p99: dict[str, Stats]  # serve's, per method
    p50: dict[str, Stats]
    threads: tuple[int, ...]  # the bare app's granian blocking threads (one baseline each); () if not granian


def serve_vs_bare(scale: Scale, fastest: str, generator: str) -> ServeRun:
    """``inventory-mock serve`` (its default server) vs the bare app on ``fastest``.

    On granian the bare app runs once per count of ``scale.baseline_threads`` (serve's own count
    among them), so the ratio is given at serve's thread count and at the baseline's best one.
    """
    server = serving.default_server()
    threads = scale.baseline_threads if fastest == "granian" else ()
    ports = {"serve": servers.free_port()}
    commands = {"serve": [servers.script("inventory-mock"), "serve", "--quiet", f"--port={ports['serve']}"]}
    for count in threads or (0,):
        name = f"bare/{count}" if threads else "bare"
        ports[name] = servers.free_port()
        commands[name] = servers.server_command(fastest, "bench.apps:bare_app", ports[name], count or GRANIAN_THREADS)
    candidates = {}
    errors: list[int] = []
    p99s: dict[str, list[float]] = {method: [] for method in ENDPOINTS}
    p50s: dict[str, list[float]] = {method: [] for method in ENDPOINTS}
    for name, port in ports.items():
        for method in ENDPOINTS:
            # serve's latencies are kept; the baselines' are not reported
            latencies = (p99s[method], p50s[method]) if name == "serve" else ([], None)
            candidates[f"{name} {method}"] = _load(port, method, scale, latencies[0], generator, errors, latencies[1])
    with _all_running(commands, ports):
        results = interleave(candidates, scale.rounds)
    return ServeRun(
        results,
        server,
        sum(errors),
        {method: Stats(tuple(values)) for method, values in p99s.items()},
        {method: Stats(tuple(values)) for method, values in p50s.items()},
        threads,
    )


# The targets: GET >= 0.8 and POST >= 0.6 of the bare app (an adjust does real work: parse,
# validate, write, log).
TARGETS = {"GET": Target(0.8, at_least=True), "POST": Target(0.6, at_least=True)}
TAIL_TARGET = Target(3.0)  # serve's p99 at most 3x its median latency, at 16 connections


def run(scale: Scale, generator: str = "auto") -> tuple[list[Row], Comparison]:
    comparison = compare_servers(scale, generator, rounds=max(1, scale.rounds // 2))
    fastest = comparison.fastest()
    found = serve_vs_bare(scale, fastest, generator)
    used = comparison.generator
    note = f"{found.failed} failed requests during these runs" if found.failed else ""
    rows = []
    for method in ENDPOINTS:
        what = "inventory list" if method == "GET" else "adjust"
        serve_as = (
            f"`inventory-mock serve` ({found.server}, {GRANIAN_THREADS} blocking threads) {method} {what}, "
            f"{scale.connections} keep-alive connections, req/s vs a bare Flask app with the same static body"
        )
        if not found.threads:
            rows.append(
                ratio_row(
                    f"standalone throughput ({method})",
                    f"{serve_as} on the fastest server of the comparison ({fastest}); load: {used}",
                    found.rps,
                    f"serve {method}",
                    f"bare {method}",
                    "req/s",
                    TARGETS[method],
                    note=note,
                )
            )
            continue
        best = max(found.threads, key=lambda count: found.rps[f"bare/{count} GET"].median)
        rows.append(
            ratio_row(
                f"standalone throughput ({method})",
                f"{serve_as} on {fastest} with the same {GRANIAN_THREADS} blocking threads; load: {used}",
                found.rps,
                f"serve {method}",
                f"bare/{GRANIAN_THREADS} {method}",
                "req/s",
                TARGETS[method],
                note=note,
            )
        )
        others = ", ".join(
            f"{count}: {found.rps[f'bare/{count} {method}'].median:,.0f} req/s" for count in found.threads
        )
        rows.append(
            ratio_row(
                f"standalone throughput ({method}), baseline at its best thread count",
                f"the same, the bare app on {fastest} with {best} blocking threads, the count of "
                f"{', '.join(map(str, found.threads))} with the most GET req/s (bare by threads, {method}: {others})",
                found.rps,
                f"serve {method}",
                f"bare/{best} {method}",
                "req/s",
                TARGETS[method],
            )
        )
    for method in ENDPOINTS:
        p99, p50 = found.p99[method], found.p50[method]
        rows.append(
            Row(
                f"latency tail, standalone {method} (p99 / median)",
                f"`inventory-mock serve` {method} at {scale.connections} connections: 99th percentile latency over "
                f"the median latency of the same run (load: {used}), the throughput rounds above",
                p99,
                p50,
                "s",
                p99.ratio_to(p50),
                "×",
                TAIL_TARGET,
            )
        )
    return rows, comparison
