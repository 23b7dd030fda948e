"""Run every benchmark, print the table, write ``docs/benchmarks.md``.

``python -m bench [--quick] [--only NAME ...] [--loadgen auto|wrk|python] [--output PATH]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import (
    big_inventory,
    conformance,
    depth,
    fixture,
    inprocess,
    live_server,
    report,
    reruns,
    startup,
    throughput,
)
from bench._harness import Row, Scale
from bench.throughput import Comparison

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = (
    "inprocess",
    "fixture",
    "live_server",
    "throughput",
    "startup",
    "depth",
    "big_inventory",
    "conformance",
    "reruns",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a check that everything runs, not figures)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="report file")
    args = parser.parse_args(argv)
    scale = Scale.tiny() if args.quick else Scale.full()
    given = " ".join(sys.argv[1:] if argv is None else argv)
    if os.environ.get("MAKE_BENCH"):
        command = f"make bench BENCH_ARGS='{given}'" if given else "make bench"
    else:
        command = f"python -m bench {given}".strip()
    rows: list[Row] = []
    comparison: Comparison | None = None
    started = time.time()
    load_before = os.getloadavg()
    for name in args.only or BENCHMARKS:
        print(f"-- {name}", file=sys.stderr, flush=True)
        if name == "throughput":
            found, comparison = throughput.run(scale, args.loadgen)
        else:
            found = _RUNNERS[name](scale)
        rows += found
        for row in found:
            print(report.one_line(row), file=sys.stderr, flush=True)
    text = report.render(rows, comparison, command, scale, started, load_before, os.getloadavg())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, "utf-8")
    print(report.table(rows))
    print(f"\nwritten to {args.output}")
    return 0


_RUNNERS: dict[str, Callable[[Scale], list[Row]]] = {
    "inprocess": inprocess.run,
    "fixture": fixture.run,
    "live_server": live_server.run,
    "startup": startup.run,
    "depth": depth.run,
    "big_inventory": big_inventory.run,
    "conformance": conformance.run,
    "reruns": reruns.run,
}

if __name__ == "__main__":
    raise SystemExit(main())
