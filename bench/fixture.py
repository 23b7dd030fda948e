"""Per-test fixture: set-up + teardown of ``inventory_mock`` vs a ``responses.RequestsMock``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from bench._harness import Row, Scale, Target, interleave, per_call, ratio_row
from bench.subjects import (
    SessionMock,
    fresh_inventory_mock_fixture,
    inventory_mock_fixture,
    responses_fixture,
)

_BODY = b'{"data":[]}'


def _cycles(enter: Callable[[], AbstractContextManager[object]], cycles: int) -> Callable[[], float]:
    def cycle() -> None:
        with enter():
            pass

    return lambda: per_call(cycle, cycles)


def run(scale: Scale) -> list[Row]:
    session = SessionMock()
    batch = max(1, scale.cycles // scale.slices)
    results = interleave(
        {
            "inventory_mock": _cycles(lambda: inventory_mock_fixture(session), batch),
            "responses": _cycles(lambda: responses_fixture(_BODY), batch),
            # A new fake per test is ~100x dearer: fewer cycles keep the round short.
            "fresh InventoryMock": _cycles(fresh_inventory_mock_fixture, max(1, batch // 50)),
        },
        scale.rounds,
        scale.slices,
    )
    return [
        ratio_row(
            "per-test fixture",
            "set-up + teardown of `inventory_mock` (fresh state from the demo seed + in-process transport) "
            "vs activating and tearing down a `responses.RequestsMock` with one registered response",
            results,
            "inventory_mock",
            "responses",
            "s",
            Target(2.0),
            note="the plugin's per-test cycle on a session-wide fake: `_begin_test` + `intercept`"
            " (bench/subjects.py `inventory_mock_fixture`)",
        ),
        ratio_row(
            "per-test fixture, new fake per test",
            "the same with a brand-new `InventoryMock()` per test (design alternative, not the target)",
            results,
            "fresh InventoryMock",
            "responses",
            "s",
            Target(None),
            note="why the fixture must reuse one app: Flask compiles its URL rules per app",
        ),
    ]
