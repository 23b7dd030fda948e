"""The hypothesis stateful test of the contract (see ``contract_tests.conformance.machine``)."""

from __future__ import annotations

import pytest

from contract_tests.conformance.context import CheckSkipped, Context


@pytest.mark.inventory_rule("NON-NEGATIVE", "AUDIT", "HISTORY", "LOG-CAP", "SHAPES")
def test_stateful(conformance_context: Context) -> None:
    """Random adjusts (some below zero, on-hand and incoming) and reads agree with the kit's model."""
    from contract_tests.conformance import machine

    try:
        conformance_context.require("allow_writes")
    except CheckSkipped as reason:
        pytest.skip(str(reason))
    machine.run(conformance_context, seed=conformance_context.target.seed)
