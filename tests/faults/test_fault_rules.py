"""Which requests a fault rule hits: schedules, scoping, reproducibility, validation, seeds."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import InventoryMock
from mockserver.errors import MockUsageError, SeedError
from mockserver.faults.plan import FaultPlan


def fired(plan: FaultPlan, n: int, route: str = "adjust", method: str = "POST") -> list[bool]:
    return [plan.decide(route, method) is not None for _ in range(n)]


def plan_of(*specs: dict[str, Any]) -> FaultPlan:
    plan = FaultPlan()
    plan.load(list(specs))
    return plan


def test_next_n_then_never() -> None:
    plan = plan_of({"route": "adjust", "kind": "status", "status": 503, "times": 2})
    assert fired(plan, 5) == [True, True, False, False, False]


def test_every_kth() -> None:
    plan = plan_of({"route": "adjust", "kind": "disconnect", "every": 3})
    assert fired(plan, 7) == [False, False, True, False, False, True, False]


def test_times_caps_every_and_probability() -> None:
    plan = plan_of({"route": "adjust", "kind": "disconnect", "every": 2, "times": 2})
    assert fired(plan, 8) == [False, True, False, True, False, False, False, False]
    capped = plan_of({"route": "adjust", "kind": "disconnect", "probability": 1.0, "times": 3})
    assert fired(capped, 5) == [True, True, True, False, False]


def test_probability_is_reproducible_under_a_seed() -> None:
    spec = {"route": "adjust", "kind": "status", "status": 500, "probability": 0.3, "seed": 42}
    first, second = fired(plan_of(spec), 200), fired(plan_of(spec), 200)
    assert first == second
    assert 20 < sum(first) < 100  # it does draw, with roughly the asked frequency
    assert fired(plan_of({**spec, "seed": 43}), 200) != first


def test_random_latency_is_drawn_in_range_and_reproducible() -> None:
    spec = {"route": "list", "kind": "latency", "seconds": [0.1, 0.3], "seed": 7}

    def draws() -> list[float]:
        plan = plan_of(spec)
        return [plan.decide("list", "GET").seconds for _ in range(20)]  # type: ignore[union-attr]

    values = draws()
    assert values == draws()
    assert all(0.1 <= value <= 0.3 for value in values)
    assert len(set(values)) > 1


def test_route_and_method_scoping_and_first_firing_rule_wins() -> None:
    plan = plan_of(
        {"route": "adjust", "kind": "status", "status": 503, "times": 1},
        {"route": "*", "method": "GET", "kind": "status", "status": 500},
    )
    assert plan.decide("list", "GET").status == 500  # type: ignore[union-attr]
    assert plan.decide("adjust", "POST").status == 503  # type: ignore[union-attr]
    assert plan.decide("adjust", "POST") is None  # the adjust rule is used up; the GET rule does not match
    assert plan.decide("history", "GET").status == 500  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"route": "list", "kind": "status", "status": 503, "method": "POST"}, "never matches"),
        ({"route": "list", "kind": "disconnect", "every": 2, "probability": 0.5}, "not both"),
        ({"route": "list", "kind": "latency", "seconds": [2, 1]}, "min is above max"),
    ],
)
def test_inconsistent_rules_are_refused(options: dict[str, Any], problem: str) -> None:
    mock = InventoryMock()
    with pytest.raises(MockUsageError, match=problem):
        mock.add_fault(**options)


def test_rules_that_break_the_schema_are_refused_with_the_field() -> None:
    mock = InventoryMock()
    with pytest.raises(SeedError, match=r"\$\.faults\[0\]\.route"):
        mock.add_fault("stock", "status", status=503)
    with pytest.raises(SeedError, match=r"status"):
        mock.add_fault("list", "status", status=200)
    with pytest.raises(MockUsageError, match="needs a 'status'"):
        mock.add_fault("list", "status")
    assert mock.faults == []


def test_seed_faults_load_dump_round_trip_and_reset() -> None:
    seed = {
        "orgs": [{"id": "o", "products": [{"p1_id": 1, "name": "a", "stockquantity": 5}]}],
        "faults": [
            {"id": "flaky", "route": "adjust", "kind": "status", "status": 503, "times": 2},
            {"route": "log", "kind": "latency", "seconds": [0.0, 0.01], "probability": 0.5, "seed": 3},
        ],
    }
    mock = InventoryMock(seed)
    assert [rule["id"] for rule in mock.faults] == ["flaky", "fault-2"]
    assert mock.store.faults.decide("adjust", "POST") is not None
    dumped = mock.dump()
    assert dumped["faults"][0] == {"id": "flaky", "route": "adjust", "kind": "status", "status": 503, "times": 1}
    again = InventoryMock(dumped)
    assert again.dump() == dumped
    assert again.store.faults.decide("adjust", "POST") is not None
    assert again.store.faults.decide("adjust", "POST") is None
    assert [rule["id"] for rule in again.dump()["faults"]] == ["fault-2"]  # used up: not re-armed
    mock.clear_faults()
    mock.reset()  # back to the seed: its faults are armed again
    assert mock.faults[0]["times"] == 2


def test_bad_seed_faults_are_refused_and_the_old_state_kept() -> None:
    mock = InventoryMock()
    mock.fail_next("list")
    bad = {"orgs": [], "faults": [{"route": "list", "kind": "status", "status": 503, "method": "POST"}]}
    with pytest.raises(SeedError, match=r"\$\.faults"):
        mock.load_seed(bad)
    assert len(mock.faults) == 1
    assert mock.org_id == "demo-org"


def test_the_dump_of_every_kind_of_rule_is_a_valid_seed() -> None:
    mock = InventoryMock()
    mock.fail_next("list", status=429, times=3)
    mock.drop_next("adjust", after_applying=True)
    mock.timeout_next("log")
    mock.delay("history", (0.1, 0.2), seed=9)
    mock.add_fault("*", "status", status=500, method="GET", probability=0.25, seed=1)
    mock.subscribe("http://127.0.0.1:1/hook", events=["low_stock"], secret="k")
    mock.set_low_stock_threshold(12345, 0)
    dumped = mock.dump()
    again = InventoryMock(dumped)  # validates against schemas/seed.json
    assert again.dump() == dumped
    assert len(dumped["faults"]) == 5
