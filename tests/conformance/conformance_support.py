"""Helpers of the conformance suite's own tests: the fake with a recent log, targets,
running checks in-process, pointing a pytest run at an app in this process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contract_tests.conformance import CHECKS, Context, ContractViolation, Target, WsgiClient, load_target
from contract_tests.conformance.context import CheckSkipped
from mockserver import demo_seed

BASE_URL = "http://inventory.test"
PRODUCT, FOREIGN = 12345, 99999


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def recent_seed() -> dict[str, Any]:
    """The demo seed, with product 12345's log spread over the last 500 days (so history,
    its default window and its maximum have something to show whatever today is)."""
    seed = demo_seed()
    product = seed["orgs"][0]["products"][0]
    assert product["p1_id"] == PRODUCT
    product["log"] = [
        {"delta_on_hand": 30, "reason": "initial count", "created_at": _ago(500)},
        {"delta_on_hand": 12, "delta_incoming": 5, "reason": "delivery", "created_at": _ago(10)},
        {"delta_on_hand": 10, "delta_incoming": -5, "reason": "delivery", "created_at": _ago(10)},
        {"delta_on_hand": -2, "reason": "POS sale", "shop_id": "shop1", "created_at": _ago(3)},
    ]
    product["stockquantity"] = 50
    return seed


def make_target(base_url: str = BASE_URL, **settings: Any) -> Target:
    """A target for the fake with every token, writes allowed, small stateful bounds."""
    options: dict[str, Any] = {
        "base_url": base_url,
        "org_id": "demo-org",
        "product_id": PRODUCT,
        "foreign_product_id": FOREIGN,
        "allow_writes": True,
        "token_read_write": "demo-read-write",
        "token_read_only": "demo-read-only",
        "token_write_only": "demo-write-only",
        "token_other_org": "other-org-read-write",
        "max_examples": 3,
        "max_steps": 8,
    }
    options.update(settings)
    return load_target(options, env={})


def run_checks(
    app: Any,
    rule: str | None = None,
    target: Target | None = None,
    *,
    skips: bool = False,
    context: Context | None = None,
) -> list[ContractViolation]:
    """Run every check (of ``rule``) in-process against ``app``; the violations found.

    A skipped check is an error unless ``skips`` (a broken fake may leave a check unable
    to run). Restores the product's stock at the end, as the pytest run does.
    """
    context = context or Context(target or make_target(), WsgiClient(app, BASE_URL))
    found = []
    try:
        for check in CHECKS:
            if rule is None or check.rule == rule:
                try:
                    check(context)
                except ContractViolation as violation:
                    found.append(violation)
                except CheckSkipped as reason:
                    if not skips:
                        raise AssertionError(f"{check.id} skipped: {reason}") from None
    finally:
        context.restore()
    return found


class InProcess:
    """A pytest plugin that points the suite at a WSGI app in this process."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def pytest_inventory_conformance_client(self, config: pytest.Config, target: Target) -> WsgiClient:
        return WsgiClient(self.app, target.base_url)


RunSuite = Callable[..., pytest.RunResult]

SUITE_OPTIONS = [
    "--inventory-org-id=demo-org",
    f"--inventory-product-id={PRODUCT}",
    f"--inventory-foreign-product-id={FOREIGN}",
    "--inventory-token-read-write=demo-read-write",
    "--inventory-token-read-only=demo-read-only",
    "--inventory-token-write-only=demo-write-only",
    "--inventory-token-other-org=other-org-read-write",
    "--inventory-max-examples=3",
    "--inventory-max-steps=8",
]
