"""Live-server fixture: per-test cost of ``inventory_server`` vs pytest-httpserver's ``httpserver``.

A test here is what a minimal test using the fixture does: the fixture's per-test
set-up/teardown and one ``requests.get`` of the inventory list over loopback.
pytest-httpserver comes with the ``bench`` extra; without it the baseline is an idle
test (the fixture alone) and the row only reports.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable

import requests

from bench._harness import Row, Scale, Target, interleave, per_call, ratio_row
from bench.subjects import HEADERS, ORG, inventory_server_fixture
from contract_tests._fixture import InventoryServerFixture

_PATH = f"/api/v2/public/orgs/{ORG}/inventory"


def _fake_test(calls: int) -> tuple[Callable[[], float], Callable[[], None], bytes]:
    fake = InventoryServerFixture()
    body = requests.get(fake.url + _PATH, headers=HEADERS, timeout=5).content

    def test() -> None:
        with inventory_server_fixture(fake) as url:
            requests.get(url + _PATH, headers=HEADERS, timeout=5).raise_for_status()

    return (lambda: per_call(test, calls)), fake._stop, body


def _httpserver_test(calls: int, body: bytes) -> tuple[Callable[[], float], Callable[[], None]]:
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()

    def test() -> None:
        server.clear()  # what the `httpserver` fixture does per test
        server.expect_request(_PATH).respond_with_data(body, content_type="application/json")
        requests.get(server.url_for(_PATH), headers=HEADERS, timeout=5).raise_for_status()

    def stop() -> None:
        server.clear()
        server.stop()

    return (lambda: per_call(test, calls)), stop


def run(scale: Scale) -> list[Row]:
    # pytest-httpserver logs every request through werkzeug's logger; silenced, its baseline is cheaper.
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.ERROR)
    try:
        return _run(scale)
    finally:
        werkzeug_log.setLevel(level)


def _run(scale: Scale) -> list[Row]:
    batch = max(1, scale.calls // scale.slices)
    fake, stop_fake, body = _fake_test(batch)
    stops = [stop_fake]
    try:
        if importlib.util.find_spec("pytest_httpserver") is not None:
            baseline, stop_baseline = _httpserver_test(batch, body)
            stops.append(stop_baseline)
            results = interleave({"inventory_server": fake, "httpserver": baseline}, scale.rounds, scale.slices)
            return [
                ratio_row(
                    "live-server fixture",
                    "per-test cost of `inventory_server` (state reset + one GET of the list over loopback) vs "
                    "pytest-httpserver's `httpserver` (clear + one registered response + the same GET)",
                    results,
                    "inventory_server",
                    "httpserver",
                    "s",
                    Target(1.0),
                    note="the plugin's per-test cycle: `InventoryServerFixture._begin_test`"
                    " (bench/subjects.py `inventory_server_fixture`)",
                )
            ]
        results = interleave({"inventory_server": fake}, scale.rounds, scale.slices)
        measured = results["inventory_server"]
        return [
            Row(
                "live-server fixture",
                "per-test cost of `inventory_server` (reset + one GET); pytest-httpserver not installed",
                measured,
                None,
                "s",
                measured,
                "s",
                Target(None),
            )
        ]
    finally:
        for stop in stops:
            stop()
