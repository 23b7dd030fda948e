"""The whole suite, through pytest, against the faithful fake: in-process and over a socket."""

from __future__ import annotations

import json
import os

import pytest
from conformance_support import SUITE_OPTIONS, RunSuite

import schemas
from contract_tests.conformance import CHECKS
from contract_tests.conformance.plugin import NOT_CONFIGURED
from mockserver import InventoryMock, LiveServer

ALL_TESTS = len(CHECKS) + 1  # every check and the stateful test


def test_suite_passes_in_process_with_every_check_executed(run_suite: RunSuite, mock: InventoryMock, tmp_path) -> None:
    result = run_suite(
        *SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={tmp_path / 'r.json'}", app=mock.app
    )
    result.assert_outcomes(passed=ALL_TESTS)
    report = json.loads((tmp_path / "r.json").read_text())
    assert [rule["id"] for rule in report["rules"]] == list(schemas.rules())
    assert {rule["status"] for rule in report["rules"]} == {"passed"}
    assert all(check["status"] == "passed" for rule in report["rules"] for check in rule["checks"])
    assert report["restore"]["restored"] is True


def test_suite_passes_over_a_socket(run_suite: RunSuite, mock: InventoryMock) -> None:
    on_hand, incoming = mock.stock(12345), mock.incoming(12345)
    with LiveServer(mock.app) as server:
        result = run_suite(*SUITE_OPTIONS, "--inventory-allow-writes", base_url=server.url)
    result.assert_outcomes(passed=ALL_TESTS)
    assert (mock.stock(12345), mock.incoming(12345)) == (on_hand, incoming)


def test_read_only_run_passes_and_changes_nothing(run_suite: RunSuite, mock: InventoryMock) -> None:
    before = mock.dump()
    with LiveServer(mock.app) as server:
        result = run_suite(*SUITE_OPTIONS, "-rs", base_url=server.url)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("errors", 0) == 0
    assert outcomes["passed"] == sum("allow_writes" not in c.needs for c in CHECKS)
    assert outcomes["skipped"] == sum("allow_writes" in c.needs for c in CHECKS) + 1
    result.stdout.fnmatch_lines(["*needs writes: set --allow-writes / INVENTORY_ALLOW_WRITES*"])
    assert mock.dump() == before


def test_without_a_target_the_suite_is_skipped_with_the_reason(pytester, monkeypatch) -> None:
    for name in ("INVENTORY_BASE_URL", "INVENTORY_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    result = pytester.runpytest_inprocess("--pyargs", "contract_tests.conformance", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=ALL_TESTS)
    result.stdout.fnmatch_lines([f"*{NOT_CONFIGURED[:60]}*"])


def test_an_incomplete_target_is_a_configuration_error(pytester: pytest.Pytester, monkeypatch) -> None:
    # In a subprocess: the plugin ends such a session before pytest_configure, which
    # pytester's in-process runs need.
    for name in list(os.environ):
        if name.startswith("INVENTORY_"):
            monkeypatch.delenv(name)
    result = pytester.runpytest_subprocess(
        "--pyargs",
        "contract_tests.conformance",
        "-p",
        "no:cacheprovider",
        "--inventory-base-url=http://127.0.0.1:9",
        "--inventory-org-id=demo-org",
    )
    assert result.ret == 2
    assert result.stdout.str().strip() == ""
    result.stderr.fnmatch_lines(["inventory conformance: missing settings: --product-id / INVENTORY_PRODUCT_ID*"])


def test_unrelated_test_runs_are_untouched(pytester) -> None:
    pytester.makepyfile("def test_mine():\n    assert True\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-base-url=http://x.test")
    result.assert_outcomes(passed=1)
