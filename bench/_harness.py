"""The shared harness: interleaved rounds, median/min/max, ratios against a baseline.

The machine is shared and noisy, so every comparison runs its candidates in
alternating order within each round, and reports the median over rounds. A ratio
is the median of the per-round ratios (candidate / baseline of the same round), so
a burst of load that slows one round slows both sides of that round.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scale:
    """Sizes of one benchmark run: ``full()`` for ``make bench``, ``tiny()`` for the smoke test."""

    rounds: int = 7
    calls: int = 400  # calls per round for per-call timings
    cycles: int = 1000  # set-up/teardown cycles per round
    slices: int = 10  # each round alternates the candidates this many times
    depth: int = 1_000_000  # adjusts on one product for the at-depth rows
    shallow: int = 1_000  # the baseline depth
    products: int = 10_000  # products of the big-inventory row
    seconds: float = 3.0  # duration of one throughput run
    connections: int = 16
    startups: int = 5  # start-up rounds
    servers: tuple[str, ...] = ("werkzeug", "waitress", "gunicorn", "granian")
    baseline_threads: tuple[int, ...] = (1, 2, 4)  # granian blocking threads tried for the bare baseline

    @classmethod
    def full(cls) -> Scale:
        return cls()

    @classmethod
    def tiny(cls) -> Scale:
        return cls(
            rounds=2,
            calls=3,
            cycles=3,
            slices=1,
            depth=300,
            shallow=100,
            products=50,
            seconds=0.2,
            connections=2,
            startups=1,
            servers=("werkzeug",),
            baseline_threads=(2,),
        )


@dataclass(frozen=True)
class Stats:
    """Median, min and max of one quantity over rounds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def ratio_to(self, baseline: Stats) -> Stats:
        """Per-round ratios ``self / baseline`` (same rounds, same order)."""
        return Stats(tuple(a / b for a, b in zip(self.values, baseline.values, strict=True)))

    def scaled(self, factor: float) -> Stats:
        return Stats(tuple(v * factor for v in self.values))


@dataclass(frozen=True)
class Target:
    """A limit on a row's value: ``value <= limit`` (or ``>=`` when ``at_least``); ``None``: report only."""

    limit: float | None
    at_least: bool = False

    def passed(self, value: float) -> bool | None:
        if self.limit is None:
            return None
        return value >= self.limit if self.at_least else value <= self.limit

    def __str__(self) -> str:
        if self.limit is None:
            return "report"
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}"


@dataclass(frozen=True)
class Row:
    """One line of the results table.

    ``measured``/``baseline`` are raw figures (with ``unit``); ``value`` is what the
    target judges (usually the ratio), with ``value_unit``.
    """

    cost: str
    measured_as: str
    measured: Stats | None
    baseline: Stats | None
    unit: str
    value: Stats
    value_unit: str
    target: Target
    note: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        return self.target.passed(self.value.median)


def ratio_row(
    cost: str,
    measured_as: str,
    results: Mapping[str, Stats],
    candidate: str,
    baseline: str,
    unit: str,
    target: Target,
    note: str = "",
) -> Row:
    """A row whose value is the per-round ratio ``candidate / baseline``."""
    measured, base = results[candidate], results[baseline]
    return Row(cost, measured_as, measured, base, unit, measured.ratio_to(base), "×", target, note)


def interleave(candidates: Mapping[str, Callable[[], float]], rounds: int, slices: int = 1) -> dict[str, Stats]:
    """Run every candidate ``slices`` times per round, alternating the order; return each one's Stats.

    A candidate returns its own measurement (seconds per call, requests per second...);
    its value for a round is the mean over that round's slices. Short slices keep the
    candidates of a round under the same background load.
    """
    names = list(candidates)
    values: dict[str, list[float]] = {name: [] for name in names}
    passes = 0
    for _ in range(rounds):
        sums = dict.fromkeys(names, 0.0)
        for _ in range(slices):
            for name in names if passes % 2 == 0 else names[::-1]:
                sums[name] += candidates[name]()
            passes += 1
        for name in names:
            values[name].append(sums[name] / slices)
    return {name: Stats(tuple(v)) for name, v in values.items()}


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Mean seconds per call of ``fn`` over ``calls`` calls (GC collected first, not disabled)."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def median_call(fn: Callable[[], object], calls: int) -> float:
    """Median seconds of single calls of ``fn`` (for operations whose tail should not count)."""
    gc.collect()
    times = []
    clock = time.perf_counter
    for _ in range(calls):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def fmt(value: float, unit: str) -> str:
    """A figure with a readable unit: seconds become µs/ms/s, others get 3 significant digits."""
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:,.3g} {unit}" if abs(value) < 1000 else f"{value:,.0f} {unit}"


def fmt_stats(stats: Stats, unit: str) -> str:
    """``median (min–max)``."""
    return f"{fmt(stats.median, unit)} ({fmt(stats.min, unit)} – {fmt(stats.max, unit)})"
