"""The harness of ``make test-under-load`` (.ci/under_load.py): burners start, stop, and runs are reported."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

HARNESS = Path(__file__).resolve().parents[1] / ".ci" / "under_load.py"


@pytest.fixture(scope="module")
def under_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("under_load", HARNESS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_burners_run_while_entered_and_none_is_left_after(under_load: ModuleType) -> None:
    with under_load.Burners(2, max_seconds=120) as burners:
        assert len(burners.processes) == 2
        assert all(process.poll() is None for process in burners.processes)
    assert all(process.poll() is not None for process in burners.processes)


def test_a_burner_stops_by_itself_at_its_deadline(under_load: ModuleType) -> None:
    burners = under_load.Burners(1, max_seconds=0.2)
    with burners:
        (process,) = burners.processes
        assert process.wait(timeout=60) == 0  # ended by its deadline (generous bound), not terminated


def test_every_run_is_reported_and_all_passing_exits_0(
    under_load: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [sys.executable, "-c", "print('output'); print('3 passed in 0.01s')"]
    assert under_load.main(["--runs", "2", "--burners", "1", "--", *command]) == 0
    out = capsys.readouterr().out
    assert "run 1: exit 0: 3 passed in 0.01s" in out
    assert "run 2: exit 0: 3 passed in 0.01s" in out


def test_one_failing_run_makes_the_harness_fail(under_load: ModuleType, tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    script = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); n = len(p.read_text()) if p.exists() else 0; "
        "p.write_text('x' * (n + 1)); print('1 failed' if n == 1 else '1 passed'); sys.exit(1 if n == 1 else 0)"
    )
    assert under_load.main(["--runs", "3", "--burners", "0", "--", sys.executable, "-c", script, str(counter)]) == 1
    assert counter.read_text() == "xxx"  # the later runs still ran


def test_without_a_command_it_is_a_usage_error(under_load: ModuleType) -> None:
    with pytest.raises(SystemExit) as stopped:
        under_load.main(["--runs", "3"])
    assert stopped.value.code == 2


def test_the_burners_keep_the_cores_busy(under_load: ModuleType) -> None:
    with under_load.Burners(1, max_seconds=120) as burners:
        (process,) = burners.processes
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _cpu_seconds(process.pid) < 0.2:
            threading.Event().wait(0.05)
        assert _cpu_seconds(process.pid) >= 0.2


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
