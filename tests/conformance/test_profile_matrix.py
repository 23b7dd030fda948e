"""The conformance kit never cries wolf: green against the fake under every silent choice.

The matrix: the default profile, every alternative value of every setting (one changed
at a time), and ``RANDOM_COMBINATIONS`` seeded random combinations. Against each, every
example-based check and the stateful test must pass; against each planted fault on top
of a random profile, the fault's own rule must fail. A check that leans on one silent
choice is a defect of the check, and ``test_a_check_leaning_on_a_silent_choice_fails_the_matrix``
shows the matrix catches one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conformance_faults import FAULTS, Fault
from conformance_support import BASE_URL, make_target, recent_seed, run_checks

from contract_tests.conformance import Context, ContractViolation, WsgiClient, expect, machine
from contract_tests.conformance.registry import CHECKS, check
from mockserver import InventoryMock
from mockserver.profile import ALTERNATIVES, Profile

RANDOM_COMBINATIONS = 20
MATRIX_SEED = 20261202  # reproducible: the same combinations on every run


def random_profile(rng: random.Random) -> dict[str, Any]:
    """Each setting drawn from its default and its alternatives."""
    default = Profile().to_json()
    return {name: rng.choice([default[name], *values]) for name, values in ALTERNATIVES.items()}


def _matrix() -> list[Any]:
    rows = [pytest.param({}, id="default")]
    for name, values in ALTERNATIVES.items():
        for value in values:
            label = value if not isinstance(value, dict) else ("none" if None in value.values() else "smaller")
            rows.append(pytest.param({name: value}, id=f"{name}={label}"))
    rng = random.Random(MATRIX_SEED)
    rows += [pytest.param(random_profile(rng), id=f"random-{i}") for i in range(RANDOM_COMBINATIONS)]
    return rows


MATRIX = _matrix()


def _fake(profile: dict[str, Any]) -> InventoryMock:
    return InventoryMock(recent_seed(), profile=profile)


def _stateful_violation(app: Any) -> ContractViolation | None:
    context = Context(make_target(), WsgiClient(app, BASE_URL))
    context.start()
    try:
        machine.run(context, derandomize=True)
    except ContractViolation as violation:
        return violation
    finally:
        context.restore()
    return None


def test_the_matrix_covers_every_setting_and_value() -> None:
    changed = {key for row in MATRIX[1 : 1 + sum(map(len, ALTERNATIVES.values()))] for key in row.values[0]}
    assert changed == set(ALTERNATIVES)
    assert len(MATRIX) == 1 + sum(map(len, ALTERNATIVES.values())) + RANDOM_COMBINATIONS


@pytest.mark.parametrize("profile", MATRIX)
def test_every_check_passes_under_every_profile(profile: dict[str, Any]) -> None:
    assert [str(v) for v in run_checks(_fake(profile).app)] == []


@pytest.mark.parametrize("profile", MATRIX)
def test_the_stateful_test_passes_under_every_profile(profile: dict[str, Any]) -> None:
    violation = _stateful_violation(_fake(profile).app)
    assert violation is None, str(violation)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.rule}:{f.name}")
def test_a_planted_fault_is_caught_under_a_random_profile(fault: Fault) -> None:
    profile = random_profile(random.Random(f"{MATRIX_SEED}:{fault.name}"))
    violations = run_checks(fault.build(_fake(profile)), rule=fault.rule)
    assert fault.rule in {v.rule for v in violations}, (profile, [str(v) for v in violations])


@contextmanager
def _registered(function: Any, rule: str) -> Iterator[None]:
    check(rule, needs=("allow_writes",))(function)
    try:
        yield
    finally:
        CHECKS.pop()


def test_a_check_leaning_on_a_silent_choice_fails_the_matrix() -> None:
    """A check demanding 409 for a below-zero adjust (the document names no status) passes
    against the default fake and fails exactly where the profile chose another status."""

    def below_zero_is_409(ctx: Context) -> None:
        ctx.start()
        body = {"p1_id": str(ctx.target.product_id), "delta_on_hand": -(10**9), "reason": ctx.reason("409?")}
        expect.rejected(ctx.api.adjust(body), "adjust below zero", ctx.observed, status=409)

    failing = []
    with _registered(below_zero_is_409, "NON-NEGATIVE"):
        for row in MATRIX:
            (profile,) = row.values
            if run_checks(_fake(profile).app, rule="NON-NEGATIVE"):
                failing.append(row.id)
    expected = [row.id for row in MATRIX if row.values[0].get("below_zero_status", 409) != 409]
    assert failing == expected
    assert "below_zero_status=422" in failing
    assert "default" not in failing
