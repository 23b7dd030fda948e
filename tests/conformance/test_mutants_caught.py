"""The kit catches every mutant of the fake: with one documented rule broken, the kit's checks
fail that rule, and no other rule but a known consequence (docs/mutants.md)."""

from __future__ import annotations

import pytest
from conformance_support import recent_seed, run_checks

from mockserver import InventoryMock
from mockserver.mutants import MUTANTS, Mutant

# Other rules a mutant fails through the kit's checks, and why.
CONSEQUENCES = {
    "log-oldest-first": {"AUDIT"},  # the AUDIT check expects the new entry at the head of the log
}


@pytest.mark.parametrize("mutant", MUTANTS.values(), ids=lambda m: m.name)
def test_the_kit_fails_the_rule_a_mutant_breaks(mutant: Mutant) -> None:
    mock = InventoryMock(recent_seed(), mutant=mutant.name)
    violations = run_checks(mock.app, skips=True)
    failed = {v.rule for v in violations}
    assert mutant.rule in failed, [str(v) for v in violations]
    assert failed - {mutant.rule} == CONSEQUENCES.get(mutant.name, set()), [str(v) for v in violations]
