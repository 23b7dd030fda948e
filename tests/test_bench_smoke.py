"""Every benchmark module runs end to end at tiny sizes, so bench/ cannot rot.

No timing is asserted: speed is judged by ``make bench`` only.
"""

from __future__ import annotations

import math

import pytest

from bench import big_inventory, depth, fixture, inprocess, live_server, report, startup, throughput
from bench._harness import Row, Scale, Stats, Target, interleave

TINY = Scale.tiny()


def _check(rows: list[Row]) -> None:
    assert rows
    for row in rows:
        assert row.value.values, row.cost
        assert all(math.isfinite(v) and v >= 0 for v in row.value.values), row.cost
        assert row.cost in report.table(rows)


@pytest.mark.parametrize("module", [inprocess, fixture, live_server, startup, depth, big_inventory])
def test_benchmark_runs_at_tiny_size(module: object) -> None:
    _check(module.run(TINY))  # type: ignore[attr-defined]


def test_throughput_runs_with_the_bundled_load_generator() -> None:
    rows, comparison = throughput.run(TINY, generator="python")
    _check(rows)
    assert comparison.generator == "python"
    assert comparison.fastest() in TINY.servers
    assert all(stats.median > 0 for stats in comparison.rps.values())
    assert not any(comparison.errors.values())
    assert "failed requests" in report.render(rows, comparison, "test", TINY, 0.0, (0, 0, 0), (0, 0, 0))


def test_interleave_alternates_order_and_ratios_pair_rounds() -> None:
    calls: list[str] = []
    values = iter([1.0, 2.0, 4.0, 4.0])
    results = interleave(
        {"a": lambda: calls.append("a") or next(values), "b": lambda: calls.append("b") or next(values)}, 2
    )
    assert calls == ["a", "b", "b", "a"]
    assert results["a"].ratio_to(results["b"]).values == (0.5, 1.0)


def test_targets_judge_both_directions() -> None:
    assert Target(1.4).passed(1.4) is True
    assert Target(1.4).passed(1.41) is False
    assert Target(0.8, at_least=True).passed(0.79) is False
    assert Target(None).passed(5.0) is None
    assert Stats((3.0, 1.0, 2.0)).median == 2.0
