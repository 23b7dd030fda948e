"""The example-based contract checks, one test per registered check.

Collected only when pointed at (``pytest --pyargs contract_tests.conformance``) and
skipped unless a target is configured (see ``contract_tests.conformance.plugin``).
"""

from __future__ import annotations

import pytest

from contract_tests.conformance import checks as _checks  # noqa: F401  # registers the checks
from contract_tests.conformance.context import CheckSkipped, Context
from contract_tests.conformance.registry import CHECKS, Check

# Read-only checks first: a write (e.g. 200+ log-cap adjusts today) must not hide what
# they compare.
ORDERED = sorted(CHECKS, key=lambda check: "allow_writes" in check.needs)


@pytest.mark.parametrize("check", [pytest.param(c, id=c.id, marks=pytest.mark.inventory_rule(c.rule)) for c in ORDERED])
def test_contract(check: Check, conformance_context: Context) -> None:
    try:
        check(conformance_context)
    except CheckSkipped as reason:
        pytest.skip(str(reason))
