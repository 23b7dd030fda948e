"""Variants and mutants runs: what ``--inventory-variants`` / ``--inventory-mutants`` cost.

The example suite (``examples/``, copied to a temporary project) runs in a fresh pytest
process, plainly and with each option, rounds interleaved. The promise is at most one
extra run of the fixture tests per variant (per mutant): a ratio to the plain run of at
most ``1 + behaviours``. The ratio is far lower in practice, because the process start,
collection and the tests that use no fixture are paid once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._harness import Row, Scale, Target, interleave

ROOT = Path(__file__).resolve().parent.parent


def _behaviours(option: str) -> int:
    from contract_tests import _behaviours
    from mockserver.profile import DEFAULT

    if option == "--inventory-variants":
        return len(_behaviours.variants(DEFAULT, _behaviours.DEFAULT_COMBINATIONS))
    return len(_behaviours.mutants())


def run(scale: Scale) -> list[Row]:
    project = Path(tempfile.mkdtemp(prefix="bench-reruns-"))
    try:
        for source in (ROOT / "examples").glob("*.py"):
            shutil.copy(source, project / source.name)
        (project / "pytest.ini").write_text("[pytest]\n", "utf-8")

        def suite(*options: str) -> float:
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options]
            start = time.perf_counter()
            done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}")
            return time.perf_counter() - start

        results = interleave(
            {
                "plain": lambda: suite(),
                "variants": lambda: suite("--inventory-variants"),
                "mutants": lambda: suite("--inventory-mutants"),
            },
            max(1, min(scale.rounds, 5)),
        )
    finally:
        shutil.rmtree(project, ignore_errors=True)
    rows = []
    for name, option in (("variants", "--inventory-variants"), ("mutants", "--inventory-mutants")):
        extra = _behaviours(option)
        rows.append(
            Row(
                f"{name} run of the example suite",
                f"`pytest {option}` of examples/ ({extra} {name}, each one more run of the fixture tests) "
                "vs a plain `pytest` of examples/, fresh processes, wall time",
                results[name],
                results["plain"],
                "s",
                results[name].ratio_to(results["plain"]),
                "×",
                Target(1.0 + extra),
                note=f"the bound is one extra run per {name[:-1]}: 1 + {extra}",
            )
        )
    return rows
