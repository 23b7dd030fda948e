"""Assertions of the checks: each raises ``ContractViolation`` naming its rule.

The rule is the running check's (``registry.current_rule``), named once in its
decorator; the stateful test, which covers several rules, passes ``rule=``.
"""

from __future__ import annotations

from typing import Any

from contract_tests.conformance.api import Observed
from contract_tests.conformance.errors import ContractViolation
from contract_tests.conformance.registry import current_rule
from contract_tests.conformance.wire import Exchange


def ok(exchange: Exchange, what: str, *, rule: str | None = None) -> Any:
    """``what`` must succeed (2xx); returns the JSON body."""
    if not 200 <= exchange.response.status < 300:
        raise ContractViolation(rule or current_rule(), f"{what}: expected a 2xx answer", exchange)
    return exchange.response.json()


def rejected(
    exchange: Exchange, what: str, observed: Observed, *, status: int | None = None, rule: str | None = None
) -> None:
    """``what`` must be refused: with ``status`` where the document names one, else any 4xx
    with a JSON body (the status seen is recorded as observed under ``what``)."""
    rule = rule or current_rule()
    seen = exchange.response.status
    if status is not None:
        if seen != status:
            raise ContractViolation(rule, f"{what}: expected {status} (the document names it)", exchange)
    elif not 400 <= seen < 500:
        raise ContractViolation(rule, f"{what}: expected a 4xx answer", exchange)
    observed.status(what, seen)
    if not exchange.response.is_json:
        raise ContractViolation(rule, f"{what}: expected the {seen} answer to have a JSON body", exchange)


def that(
    condition: bool, expected: str, exchange: Exchange | None = None, detail: str = "", *, rule: str | None = None
) -> None:
    """``condition`` must hold."""
    if not condition:
        raise ContractViolation(rule or current_rule(), expected, exchange, detail=detail)
