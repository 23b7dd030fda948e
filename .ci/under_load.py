"""Run a command several times while every core is kept busy: ``make test-under-load``.

``python .ci/under_load.py [--runs 3] [--max-seconds 3600] -- COMMAND...`` starts one busy process
per core, runs COMMAND ``--runs`` times one after the other, prints each run's last line (pytest's
result line) and stops the burners, also on Ctrl-C or an error. Each burner also stops by itself
after ``--max-seconds``, so none outlives a killed harness for long. Exit status: 0 when every run
passed, 1 when one failed, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

# One busy process: spins until its own deadline, so it ends even if the harness is killed.
BURN = "import time\ndeadline = time.monotonic() + {seconds}\nwhile time.monotonic() < deadline:\n    pass\n"


class Burners:
    """``count`` busy processes, started on enter and stopped (terminated, waited for) on exit."""

    def __init__(self, count: int, max_seconds: float) -> None:
        self.count = count
        self.max_seconds = max_seconds
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Burners:
        code = BURN.format(seconds=self.max_seconds)
        for _ in range(self.count):
            self.processes.append(subprocess.Popen([sys.executable, "-c", code]))
        return self

    def __exit__(self, *exc_info: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_once(command: Sequence[str]) -> tuple[int, str]:
    """Run ``command``, its output passed through; its exit status and its last non-empty line."""
    last = ""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            sys.stdout.write(line)
            if line.strip():
                last = line.strip()
    return child.returncode, last


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="under_load.py", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or args.runs < 1 or args.burners < 0 or args.max_seconds <= 0:
        parser.error("give a COMMAND after --, --runs ≥ 1, --burners ≥ 0, --max-seconds > 0")
    results: list[tuple[int, str]] = []
    with Burners(args.burners, args.max_seconds):
        for _ in range(args.runs):
            results.append(run_once(command))
    print(f"\nunder load ({args.burners} busy processes):")
    for number, (status, last) in enumerate(results, 1):
        print(f"  run {number}: exit {status}: {last}")
    return 0 if all(status == 0 for status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
