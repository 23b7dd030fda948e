"""Assertions of the checks: each raises ``ContractViolation`` naming its rule."""

from __future__ import annotations

from typing import Any

from contract_tests.conformance.api import Observed
from contract_tests.conformance.client import Exchange
from contract_tests.conformance.errors import ContractViolation


def ok(rule: str, exchange: Exchange, what: str) -> Any:
    """``what`` must succeed (2xx); returns the JSON body."""
    if not 200 <= exchange.response.status < 300:
        raise ContractViolation(rule, f"{what}: expected a 2xx answer", exchange)
    return exchange.response.json()


def rejected(rule: str, exchange: Exchange, what: str, observed: Observed, *, status: int | None = None) -> None:
    """``what`` must be refused: with ``status`` where the document names one, else any 4xx
    with a JSON body (the status seen is recorded as observed under ``what``)."""
    seen = exchange.response.status
    if status is not None:
        if seen != status:
            raise ContractViolation(rule, f"{what}: expected {status} (the document names it)", exchange)
    elif not 400 <= seen < 500:
        raise ContractViolation(rule, f"{what}: expected a 4xx answer", exchange)
    observed.status(what, seen)
    if not exchange.response.is_json:
        raise ContractViolation(rule, f"{what}: expected the {seen} answer to have a JSON body", exchange)


def that(rule: str, condition: bool, expected: str, exchange: Exchange | None = None, detail: str = "") -> None:
    """``condition`` must hold."""
    if not condition:
        raise ContractViolation(rule, expected, exchange, detail=detail)
