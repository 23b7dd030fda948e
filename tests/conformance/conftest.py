"""Fixtures of the conformance suite's own tests."""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance_support import BASE_URL, InProcess, RunSuite, recent_seed

# Imported here, outside the pytester runs: pytester unloads the modules a run imports,
# and hypothesis does not survive being imported twice in one process.
import contract_tests.conformance.machine  # noqa: F401
from mockserver import InventoryMock


@pytest.fixture
def mock() -> InventoryMock:
    return InventoryMock(recent_seed())


@pytest.fixture
def run_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> RunSuite:
    """Run ``pytest --pyargs contract_tests.conformance`` in-process (pytester)."""
    for name in list(os.environ):
        if name.startswith("INVENTORY_"):
            monkeypatch.delenv(name)

    def run(*args: str, app: Any = None, base_url: str = BASE_URL) -> pytest.RunResult:
        plugins = [InProcess(app)] if app is not None else []
        return pytester.runpytest_inprocess(
            "--pyargs",
            "contract_tests.conformance",
            "-p",
            "no:cacheprovider",
            f"--inventory-base-url={base_url}",
            *args,
            plugins=plugins,
        )

    return run
