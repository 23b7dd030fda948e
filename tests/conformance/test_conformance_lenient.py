"""Strict only on the document: a faithful server that chose differently where the document
is silent passes every check and the stateful test, and the report names what it chose."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from conformance_faults import with_mutant
from conformance_profiles import (
    CHOICES,
    Choice,
    metadata_objects_only,
    p1_id_only,
    refuses_some_valid_adjusts,
    wrap,
)
from conformance_support import BASE_URL, PRODUCT, SUITE_OPTIONS, RunSuite, make_target, run_checks

import schemas
from contract_tests.conformance import Context, ContractViolation, WsgiClient, machine
from mockserver import InventoryMock


def _context(app: Any, **settings: Any) -> Context:
    return Context(make_target(**settings), WsgiClient(app, BASE_URL))


@pytest.mark.parametrize("choice", CHOICES, ids=lambda c: c.name)
def test_a_faithful_server_passes_whatever_it_chose(choice: Choice, mock: InventoryMock) -> None:
    on_hand = mock.stock(PRODUCT)
    context = _context(choice.build(mock.app))
    assert [str(v) for v in run_checks(None, context=context)] == []
    machine.run(context, seed=1)
    restore = context.restore()
    assert restore.restored, restore.to_json()
    assert mock.stock(PRODUCT) == on_hand
    observed = context.observed.to_json()
    assert choice.observed(observed), json.dumps(observed, indent=2)


@pytest.mark.parametrize("seed", range(5))
def test_the_metadata_objects_only_server_of_the_issue_passes_every_seeded_run(seed: int, mock: InventoryMock) -> None:
    context = _context(metadata_objects_only(mock.app), max_examples=10, max_steps=20)  # the default bounds
    machine.run(context, seed=seed)
    assert context.violations == []
    assert context.restore().restored


def test_a_refused_valid_adjust_is_observed_not_a_failure(mock: InventoryMock) -> None:
    context = _context(refuses_some_valid_adjusts(mock.app), max_examples=10, max_steps=20)
    machine.run(context, seed=3)
    assert context.restore().restored
    observed = context.observed.to_json()
    assert observed["error_statuses"]["adjust the kit deems valid, refused"] == [422]


def test_a_server_refusing_both_p1_id_forms_fails_audit_once(mock: InventoryMock) -> None:
    # p1_id must be a float (1.0): neither the document's string nor an integer is taken.
    context = _context(p1_id_only(float)(mock.app))
    violations = run_checks(None, context=context, skips=True)
    assert [v.rule for v in violations] == ["AUDIT"]
    assert "the document's example adjust is accepted" in str(violations[0])
    assert context.observed.to_json()["p1_id in the adjust body"] == "neither"
    with pytest.raises(pytest.skip.Exception, match="could not be checked because the server refuses"):
        machine.run(context, seed=1)


def test_a_write_check_that_cannot_read_is_not_checked_rather_than_failed(mock: InventoryMock) -> None:
    from contract_tests.conformance.context import CheckSkipped
    from contract_tests.conformance.registry import find

    def change(environ: dict[str, Any], status: int, headers: list[Any], content: bytes) -> Any:
        if environ["PATH_INFO"].endswith("/log"):
            return 503, headers, b'{"error": "unavailable", "message": "try later"}'
        return status, headers, content

    context = _context(wrap(mock.app, response=change))
    with pytest.raises(CheckSkipped, match="could not be checked because log with the read_write token answered 503"):
        find("on_hand_cannot_go_below_zero")(context)
    context.restore()


def test_the_report_of_the_issue_server_marks_every_rule_passed(
    run_suite: RunSuite, mock: InventoryMock, tmp_path: Any
) -> None:
    report_path = tmp_path / "report.json"
    app = metadata_objects_only(mock.app)
    result = run_suite(*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={report_path}", app=app)
    assert result.ret == 0, result.stdout.str()[-3000:]
    report = json.loads(report_path.read_text())
    assert {rule["id"]: rule["verdict"] for rule in report["rules"]} == dict.fromkeys(schemas.rules(), "passed")
    assert report["observed"]["adjust with metadata that is not an object"] == "answered 400"
    assert "| NON-NEGATIVE | passed |" in report_path.with_suffix(".md").read_text()


def test_a_stateful_failure_marks_only_its_rule_in_the_report(
    run_suite: RunSuite, mock: InventoryMock, tmp_path: Any
) -> None:
    report_path = tmp_path / "report.json"
    app = with_mutant(mock, "stock-below-zero")
    options = (*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={report_path}")
    more = ("--inventory-max-examples=30", "--inventory-max-steps=10")  # surely meets a below-zero adjust
    result = run_suite(*options, *more, "-k", "stateful", app=app)
    assert result.ret == 1
    rules = {rule["id"]: rule for rule in json.loads(report_path.read_text())["rules"]}
    assert rules["NON-NEGATIVE"]["status"] == "failed"
    assert rules["NON-NEGATIVE"]["verdict"].startswith("failed here: stateful")
    for other in ("AUDIT", "HISTORY", "LOG-CAP", "SHAPES"):
        assert rules[other]["status"] != "failed", rules[other]
        assert rules[other]["verdict"].startswith("could not be checked because stateful: it met a failure of NON-")


def _slow(app: Any, seconds: float) -> Callable[..., Iterable[bytes]]:
    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        time.sleep(seconds)
        return app(environ, start_response)  # type: ignore[no-any-return]

    return middleware


def test_shrinking_a_failure_on_a_slow_server_stops_at_its_budget(mock: InventoryMock) -> None:
    context = _context(_slow(with_mutant(mock, "stock-below-zero"), 0.05), max_examples=50, max_steps=20)
    with pytest.raises(ContractViolation) as caught:
        machine.run(context, budget=30, shrink_budget=0.2, seed=2)
    assert caught.value.rule == "NON-NEGATIVE"
    assert "shrinking stopped by the time budget" in str(caught.value)
    assert "calls of this example:" in str(caught.value)
    assert context.restore().on_hand_after == context.restore().on_hand_before


def test_a_slow_faithful_server_ends_the_stateful_test_at_its_budget(mock: InventoryMock) -> None:
    context = _context(_slow(mock.app, 0.02), max_examples=100, max_steps=20)
    machine.run(context, budget=2, seed=1)
    verdict = context.observed.to_json()["stateful test"]
    found = re.fullmatch(r"stopped by its 2 s budget after (\d+) example\(s\)", verdict)
    assert found, verdict
    # 100 examples of up to 20 calls at 20 ms each would take far longer: the budget cut the run
    # (asserted on what ran, not on wall-clock time, which a loaded machine stretches).
    assert int(found.group(1)) < 100
    assert context.restore().restored
