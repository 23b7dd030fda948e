"""Conformance run: wall time of ``inventory-mock check --allow-writes`` against the served fake."""

from __future__ import annotations

import subprocess
import time

from bench import servers
from bench._harness import Row, Scale, Stats, Target, interleave
from bench.subjects import HEADERS, ORG, conformance_command

_PATH = f"/api/v2/public/orgs/{ORG}/inventory"


def run(scale: Scale) -> list[Row]:
    port = servers.free_port()
    argv = [servers.script("inventory-mock"), "serve", "--quiet", f"--port={port}"]
    with servers.running(argv, port, _PATH, HEADERS):
        command = conformance_command(f"http://127.0.0.1:{port}")
        if command is None:
            return [
                Row(
                    "conformance run",
                    "`inventory-mock check --allow-writes` against the fake, wall time",
                    None,
                    None,
                    "s",
                    Stats((float("nan"),)),
                    "s",
                    Target(None),
                    note="not measured: `inventory-mock check` is not on this branch yet (bench/subjects.py "
                    "`conformance_command` switches it on)",
                )
            ]

        def once() -> float:
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=300)
            return time.perf_counter() - start

        results = interleave({"check": once}, max(1, min(scale.rounds, 3)))
    return [
        Row(
            "conformance run",
            "`inventory-mock check --allow-writes` against the served fake (default settings), wall time",
            results["check"],
            None,
            "s",
            results["check"],
            "s",
            Target(30.0),
        )
    ]
