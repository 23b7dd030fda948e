"""httpx in-process: the cost of each way in, as ratios to httpx's own ``WSGITransport`` measured
in the same run (rounds interleaved, medians), and what the httpx patch adds to a test's set-up.

    .venv/bin/python bench/httpx_inprocess.py [--rounds 15] [--requests 200]

Not part of ``make test`` or ``make bench``: the figures are quoted in docs/httpx.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from unittest import mock

import httpx
import requests

from mockserver import InventoryMock
from mockserver import fake as fake_module
from mockserver.transports.httpx_inprocess import AsyncInventoryTransport

BASE = "https://inventory.bench"
LIST = "/api/v2/public/orgs/demo-org/inventory"
TOKEN = {"Authorization": "Bearer demo-read-write"}


def per_request(send: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        send()
    return (time.perf_counter() - started) / count


def async_per_request(transport: httpx.AsyncBaseTransport, count: int) -> float:
    async def run() -> float:
        async with httpx.AsyncClient(base_url=BASE, headers=TOKEN, transport=transport) as client:
            started = time.perf_counter()
            for _ in range(count):
                await client.get(LIST)
            return (time.perf_counter() - started) / count

    return asyncio.run(run())


def set_up(fake: InventoryMock, count: int, *, with_httpx: bool) -> float:
    with mock.patch.object(fake_module, "_HTTPX_INSTALLED", with_httpx):
        started = time.perf_counter()
        for _ in range(count):
            with fake.intercept(BASE):
                pass
        return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    fake = InventoryMock()
    n = args.requests
    wsgi = httpx.Client(base_url=BASE, headers=TOKEN, transport=httpx.WSGITransport(app=fake.app))
    explicit = httpx.Client(base_url=BASE, headers=TOKEN, transport=fake.httpx_transport(BASE))
    default = httpx.Client(base_url=BASE, headers=TOKEN)
    subjects: dict[str, Callable[[], float]] = {
        "httpx.WSGITransport (baseline)": lambda: per_request(lambda: wsgi.get(LIST), n),
        "patched default transport (inventory_mock)": lambda: _patched(fake, default, n),
        "explicit InventoryTransport": lambda: per_request(lambda: explicit.get(LIST), n),
        "requests through responses (inventory_mock)": lambda: _requests(fake, n),
        "async, no fault armed: app inline (the fake's default)": lambda: async_per_request(
            fake.async_httpx_transport(BASE), n
        ),
        "async, app always in a worker thread": lambda: async_per_request(AsyncInventoryTransport(fake.app, BASE), n),
        "set-up: intercept() without the httpx patch (baseline)": lambda: set_up(fake, n, with_httpx=False),
        "set-up: intercept() with the httpx patch": lambda: set_up(fake, n, with_httpx=True),
    }
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(args.rounds):
        for name, measure in subjects.items():
            samples[name].append(measure())
    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = medians["httpx.WSGITransport (baseline)"]
    setup_baseline = medians["set-up: intercept() without the httpx patch (baseline)"]
    print(f"{args.rounds} rounds x {n} requests, medians")
    print("| subject | per call | ratio |")
    print("|---|---|---|")
    for name, value in medians.items():
        base = setup_baseline if name.startswith("set-up") else baseline
        print(f"| {name} | {value * 1e6:.1f} µs | {value / base:.2f}× |")


def _patched(fake: InventoryMock, client: httpx.Client, count: int) -> float:
    with fake.intercept(BASE):
        return per_request(lambda: client.get(LIST), count)


def _requests(fake: InventoryMock, count: int) -> float:
    session = requests.Session()
    with fake.intercept(BASE):
        return per_request(lambda: session.get(BASE + LIST, headers=TOKEN), count)


if __name__ == "__main__":
    main()
