"""Checks are small functions named after the property they verify, each tagged with
the documented rule (docs/design.md id) it enforces, and registered by decorator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract_tests.conformance.context import Context

CheckFunction = Callable[["Context"], None]
_running_rule: ContextVar[str | None] = ContextVar("running_rule", default=None)


def current_rule() -> str:
    """The rule of the check running now (a failure inside it is a failure of that rule)."""
    rule = _running_rule.get()
    if rule is None:
        raise RuntimeError("an expectation outside a check must name its rule (rule=...)")
    return rule


@contextmanager
def checking(rule: str) -> Iterator[None]:
    """Attribute every expectation inside to ``rule``."""
    token = _running_rule.set(rule)
    try:
        yield
    finally:
        _running_rule.reset(token)


@dataclass(frozen=True)
class Check:
    """A registered check: its rule, its function, the settings it needs."""

    rule: str
    function: CheckFunction
    needs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or self.name).strip().splitlines()[0]

    def __call__(self, context: Context) -> None:
        """Run the check; raises ``ContractViolation`` (a rule broken) or ``CheckSkipped``
        (a setting missing, or a step it needed failed: "could not be checked because ...")."""
        from contract_tests.conformance.api import Blocked
        from contract_tests.conformance.context import CheckSkipped

        context.require(*self.needs)
        with checking(self.rule):
            try:
                self.function(context)
            except Blocked as reason:
                raise CheckSkipped(f"could not be checked because {reason}") from None


CHECKS: list[Check] = []


def check(rule: str, *, needs: tuple[str, ...] = ()) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``function`` as a check of ``rule``; ``needs`` names the settings it needs
    (``allow_writes``, ``token_read_only``, ``foreign_product_id``...)."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append(Check(rule, function, needs))
        return function

    return register


def checks_of(rule: str) -> list[Check]:
    return [c for c in CHECKS if c.rule == rule]


def find(check_id: str) -> Check:
    """A registered check by ``RULE:name`` or by name alone."""
    for found in CHECKS:
        if check_id in (found.id, found.name):
            return found
    raise KeyError(f"no check {check_id!r}")
