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

DURATIONS = {}


def pytest_runtest_logreport(report):
    DURATIONS[report.nodeid] = DURATIONS.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open("durations.json", "w") as out:
        json.dump(DURATIONS, out)
"""


def write_suite(directory: Path, tests: int) -> None:
    directory.joinpath("bench_timer.py").write_text(TIMER)
    directory.joinpath("pytest.ini").write_text("[pytest]\n")
    for kind, (_, template) in KINDS.items():
        body = "".join(textwrap.dedent(template).format(i=i) for i in range(tests))
        directory.joinpath(f"test_{kind}.py").write_text(HEADER + body)


def run(directory: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench_timer"]
    subprocess.run(
        command, cwd=directory, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(directory)}
    )
    durations: dict[str, float] = json.loads(directory.joinpath("durations.json").read_text())
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=300, help="tests of each kind (default 300)")
    tests = parser.parse_args().tests
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_suite(directory, tests)
        durations = run(directory)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for nodeid, seconds in durations.items():
        by_kind[nodeid.split("::")[0].removeprefix("test_").removesuffix(".py")].append(seconds)
    baseline = statistics.median(by_kind["responses_static"])
    print(f"{tests} tests of each kind; median of setup + call + teardown per test; first test = session start-up")
    print(f"{'kind':<24} {'median ms':>10} {'ratio':>7} {'first ms':>9}  what")
    for kind, (what, _) in KINDS.items():
        times = by_kind[kind]
        median = statistics.median(times)
        print(f"{kind:<24} {median * 1000:>10.3f} {median / baseline:>7.2f} {times[0] * 1000:>9.1f}  {what}")


if __name__ == "__main__":
    main()
