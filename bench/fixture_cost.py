"""Cost per test of the ``inventory_mock`` and ``inventory_server`` fixtures.

Writes a throw-away test suite with ``--tests`` tests of each kind, runs it with
pytest in a subprocess, and prints the median time per test (setup + call +
teardown, as pytest measures them) and its ratio to the baseline: a test that
registers one static ``responses`` mock and makes one request.

    .venv/bin/python bench/fixture_cost.py [--tests 300]

Not part of ``make test``: timings belong here, not in unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from pathlib import Path

KINDS = {
    "responses_static": (
        "one static responses mock + 1 GET (baseline)",
        """
        @responses.activate
        def test_responses_static_{i}():
            responses.add(responses.GET, URL, json={{"data": []}})
            assert requests.get(URL, headers=AUTH).status_code == 200
        """,
    ),
    "inventory_mock": (
        "inventory_mock + 1 GET of the list",
        """
        def test_inventory_mock_{i}(inventory_mock):
            assert requests.get(URL, headers=AUTH).status_code == 200
        """,
    ),
    "inventory_server": (
        "inventory_server + 1 GET of the list (requests, socket)",
        """
        def test_inventory_server_{i}(inventory_server):
            assert requests.get(inventory_server.url + PATH, headers=AUTH).status_code == 200
        """,
    ),
    "bare": (
        "no fixture, no request (pytest's own cost)",
        """
        def test_bare_{i}():
            pass
        """,
    ),
    "inventory_mock_only": (
        "inventory_mock, no request",
        """
        def test_inventory_mock_only_{i}(inventory_mock):
            pass
        """,
    ),
    "inventory_server_only": (
        "inventory_server, no request",
        """
        def test_inventory_server_only_{i}(inventory_server):
            pass
        """,
    ),
}

HEADER = """
import requests
import responses

PATH = "/api/v2/public/orgs/demo-org/inventory"
URL = "https://inventory.mock" + PATH
AUTH = {"Authorization": "Bearer demo-read-only"}
"""

TIMER = """
import json
import time

import pytest

TIMES = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return (yield)
    finally:
        TIMES[item.nodeid] = (time.perf_counter() - wall, time.process_time() - cpu)


def pytest_sessionfinish(session):
    with open("times.json", "w") as out:
        json.dump(TIMES, out)
"""


def write_suite(directory: Path, tests: int) -> None:
    directory.joinpath("bench_timer.py").write_text(TIMER)
    directory.joinpath("pytest.ini").write_text("[pytest]\n")
    # Kinds interleaved, so that each sees the same machine load.
    body = "".join(textwrap.dedent(template).format(i=i) for i in range(tests) for _, template in KINDS.values())
    directory.joinpath("test_bench.py").write_text(HEADER + body)


def run(directory: Path) -> dict[str, list[float]]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench_timer"]
    subprocess.run(
        command, cwd=directory, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(directory)}
    )
    times: dict[str, list[float]] = json.loads(directory.joinpath("times.json").read_text())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=300, help="tests of each kind (default 300)")
    tests = parser.parse_args().tests
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_suite(directory, tests)
        times = run(directory)
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for nodeid, (wall_s, cpu_s) in times.items():
        kind = nodeid.split("::")[1].removeprefix("test_").rsplit("_", 1)[0]
        wall[kind].append(wall_s)
        cpu[kind].append(cpu_s)
    base_cpu, base_wall = statistics.median(cpu["responses_static"]), statistics.median(wall["responses_static"])
    print(f"{tests} tests of each kind, interleaved; per test: the whole runtest protocol (setup, call, teardown,")
    print("report); CPU = process time of all threads (server included), robust to a busy machine.")
    print("The first test of a kind (session start-up) is shown apart; medians include it.")
    print(f"{'kind':<22} {'CPU ms':>7} {'ratio':>6} {'wall ms':>8} {'ratio':>6} {'first ms':>8}  what")
    for kind, (what, _) in KINDS.items():
        c, w = statistics.median(cpu[kind]), statistics.median(wall[kind])
        print(
            f"{kind:<22} {c * 1000:>7.3f} {c / base_cpu:>6.2f} {w * 1000:>8.3f} {w / base_wall:>6.2f}"
            f" {wall[kind][0] * 1000:>8.1f}  {what}"
        )


if __name__ == "__main__":
    main()
