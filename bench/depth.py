"""State at scale: adjust latency, RSS and history after 1,000,000 adjusts on one product.

The deep product's state is built with ``Store.adjust`` directly (fast), with the
clock moving so that the adjusts spread over 365 days. A shallow store built the
same way with 1,000 adjusts is the baseline; rounds alternate between the two.
The whole module runs in a fresh subprocess so RSS says something about this
state only.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from bench._harness import Row, Scale, Stats, Target, interleave, median_call, ratio_row
from bench.subjects import ADJUST_URL, HEADERS, LIST_URL, ORG, PRODUCT
from mockserver.fake import InventoryMock
from mockserver.state.store import Adjustment

START = datetime(2026, 1, 1, 12, tzinfo=UTC)
DAYS = 365
_ADJUST = Adjustment(p1_id=PRODUCT, reason="bench", delta_on_hand=1, shop_id="shop1")


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc), else the peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def build(mock: InventoryMock, adjusts: int, on_step: Callable[[int], None] | None = None) -> None:
    """Apply ``adjusts`` adjusts to one product, spread evenly over ``DAYS`` days."""
    store, clock = mock.store, mock.clock
    per_day = max(1, adjusts // DAYS)
    for i in range(adjusts):
        if i % per_day == 0:
            clock.set(START + timedelta(days=min(i // per_day, DAYS - 1)))
        store.adjust(ORG, _ADJUST)
        if on_step is not None:
            on_step(i + 1)


def measure(scale: Scale) -> dict[str, object]:
    """Build both stores, sample RSS, and time adjusts and history on each, interleaved."""
    shallow, deep = InventoryMock(), InventoryMock()
    build(shallow, scale.shallow)
    samples: dict[int, int] = {}

    def sample(done: int) -> None:
        if done == scale.shallow:
            samples[done] = rss_bytes()

    # One pass with the clock only moving forward; RSS sampled after the first `shallow` adjusts.
    build(deep, scale.depth, on_step=sample)
    rss_shallow, rss_deep = samples[scale.shallow], rss_bytes()
    for mock in (shallow, deep):
        mock.clock.set(START + timedelta(days=DAYS - 1, hours=6))

    batch = max(1, scale.calls // scale.slices)

    def store_adjust(mock: InventoryMock) -> Callable[[], float]:
        return lambda: median_call(lambda: mock.store.adjust(ORG, _ADJUST), batch * 5)

    def http(mock: InventoryMock, method: str, url: str) -> Callable[[], float]:
        def call() -> None:
            if method == "POST":
                requests.post(
                    ADJUST_URL,
                    json={"p1_id": PRODUCT, "delta_on_hand": 1, "reason": "bench"},
                    headers=HEADERS,
                    timeout=5,
                ).raise_for_status()
            else:
                requests.get(url, headers=HEADERS, timeout=5).raise_for_status()

        def measure_round() -> float:
            with mock.intercept("http://inventory.test"):
                return median_call(call, batch)

        return measure_round

    history = f"{LIST_URL}/{PRODUCT}/history?days=365"
    results = interleave(
        {
            "adjust deep": store_adjust(deep),
            "adjust shallow": store_adjust(shallow),
            "http adjust deep": http(deep, "POST", ADJUST_URL),
            "http adjust shallow": http(shallow, "POST", ADJUST_URL),
            "history deep": http(deep, "GET", history),
            "history shallow": http(shallow, "GET", history),
        },
        scale.rounds,
        scale.slices,
    )
    days_deep = len(deep.store.history(ORG, PRODUCT, 365))
    return {
        "results": {name: list(stats.values) for name, stats in results.items()},
        "rss_shallow": rss_shallow,
        "rss_deep": rss_deep,
        "days_deep": days_deep,
        "log_entries": deep.store.list_inventory(ORG)[0]["log_entries"],
    }


def _in_subprocess(scale: Scale) -> dict[str, object]:
    code = (
        "import json, sys; from bench import depth; from bench._harness import Scale; "
        "print(json.dumps(depth.measure(Scale(**json.loads(sys.argv[1])))))"
    )
    fields = {k: v for k, v in scale.__dict__.items() if k != "servers"}
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(fields)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(scale: Scale) -> list[Row]:
    data = _in_subprocess(scale)
    results = {name: Stats(tuple(values)) for name, values in data["results"].items()}  # type: ignore[attr-defined]
    depth, shallow = f"{scale.depth:,}", f"{scale.shallow:,}"
    growth = (data["rss_deep"] - data["rss_shallow"]) / 2**20  # type: ignore[operator]
    assert data["log_entries"] >= scale.depth, "the deep product holds every adjust"
    return [
        ratio_row(
            "adjust at depth",
            f"median `Store.adjust` after {depth} accepted adjusts on one product vs after {shallow}",
            results,
            "adjust deep",
            "adjust shallow",
            "s",
            Target(1.1),
        ),
        ratio_row(
            "adjust at depth (HTTP)",
            f"median in-process `POST …/adjust` after {depth} adjusts vs after {shallow}",
            results,
            "http adjust deep",
            "http adjust shallow",
            "s",
            Target(1.1),
        ),
        Row(
            "memory at depth",
            f"RSS growth of a fresh process between {shallow} and {depth} adjusts on one product "
            f"(spread over {DAYS} days)",
            None,
            None,
            "MiB",
            Stats((growth,)),
            "MiB",
            Target(1.0),
            note="one build per run (a million adjusts take ~10 s); RSS sampled once before and once after",
        ),
        ratio_row(
            "history",
            f"in-process `GET …/history?days=365` after {depth} adjusts over {DAYS} days "
            f"({data['days_deep']} days with entries) vs after {shallow}",
            results,
            "history deep",
            "history shallow",
            "s",
            Target(1.1),
        ),
    ]
