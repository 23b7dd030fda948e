"""The suite has teeth: against a fake with one rule broken, the matching check fails
and names that rule (the faults: ``conformance_faults.py``, most of them the fake's mutants)."""

from __future__ import annotations

import json

import pytest
from conformance_faults import FAULTS, Fault, with_mutant
from conformance_support import BASE_URL, PRODUCT, SUITE_OPTIONS, RunSuite, make_target, run_checks
from hypothesis import Phase

from contract_tests.conformance import Context, ContractViolation, Request, WsgiClient, machine
from mockserver import InventoryMock
from mockserver.http import parsing


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.rule}:{f.name}")
def test_a_broken_rule_fails_its_check(fault: Fault, mock: InventoryMock) -> None:
    violations = run_checks(fault.build(mock), rule=fault.rule, skips=True)
    assert fault.rule in {v.rule for v in violations}, [str(v) for v in violations]


def test_a_history_window_beyond_365_days_fails_days(mock: InventoryMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "HISTORY_MAX_DAYS", 1000)
    violations = run_checks(mock.app, rule="DAYS")
    assert [v.rule for v in violations] == ["DAYS"]
    assert "no day older than a 365-day window" in str(violations[0])


def test_the_faithful_fake_passes_every_check(mock: InventoryMock) -> None:
    assert run_checks(mock.app) == []


def test_a_violation_names_rule_quote_request_and_answer(mock: InventoryMock) -> None:
    (violation, *_) = run_checks(with_mutant(mock, "no-token-accepted"), rule="AUTH")
    text = str(violation)
    assert text.startswith("[AUTH] list without Authorization: expected a 4xx answer")
    assert 'document:  "Authorization: Bearer {token}"' in text
    assert f"reproduce: curl -X GET {BASE_URL}/api/v2/public/orgs/demo-org/inventory" in text
    assert "received:  200 {" in text
    assert "'Authorization: Bearer demo…'" not in text  # the request had no token
    assert "demo-read-write" not in text


def test_a_curl_command_shows_a_token_prefix_only() -> None:
    request = Request("GET", "/x", headers={"Authorization": "Bearer demo-read-write"}, base_url=BASE_URL)
    assert request.curl() == f"curl -X GET {BASE_URL}/x -H 'Authorization: Bearer demo…'"


@pytest.mark.parametrize(
    ("broken", "rule"),
    [("stock-below-zero", "NON-NEGATIVE"), ("log-drops-metadata", "AUDIT"), ("history-ignores-incoming", "HISTORY")],
)
def test_the_stateful_test_finds_a_broken_rule(broken: str, rule: str, mock: InventoryMock) -> None:
    # Generous bounds: which examples hypothesis draws depends on the modules loaded in the process.
    target = make_target(max_examples=60, max_steps=12)
    context = Context(target, WsgiClient(with_mutant(mock, broken), BASE_URL))
    with pytest.raises(ContractViolation) as caught:
        # Shrinking replays the failure hundreds of times; one test below covers it.
        machine.run(context, derandomize=True, phases=[Phase.generate], budget=600)  # bounded by examples, not time
    assert caught.value.rule == rule
    assert "calls of this example:" in str(caught.value)


def test_the_stateful_test_shrinks_a_failure_to_a_short_sequence(mock: InventoryMock) -> None:
    context = Context(
        make_target(max_examples=20, max_steps=10), WsgiClient(with_mutant(mock, "stock-below-zero"), BASE_URL)
    )
    with pytest.raises(ContractViolation) as caught:
        machine.run(context, derandomize=True, budget=600, shrink_budget=600)  # a loaded machine must not cut shrinking
    assert caught.value.rule == "NON-NEGATIVE"
    steps = str(caught.value).split("calls of this example:")[1].split("received:")[0]
    adjusts = [line for line in steps.splitlines() if ". POST " in line]
    assert len(adjusts) == 1
    assert '"delta_on_hand": -' in adjusts[0]
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert "state.adjust_" in notes  # hypothesis' own reproduction of the shrunk steps


def test_a_failing_run_still_restores_the_stock(run_suite: RunSuite, mock: InventoryMock, tmp_path) -> None:
    on_hand, incoming = mock.stock(PRODUCT), mock.incoming(PRODUCT)
    app = with_mutant(mock, "log-drops-metadata")
    report_path = tmp_path / "report.json"
    options = (*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={report_path}")
    # The stateful test would find the fault too, then spend a minute shrinking it.
    result = run_suite(*options, "-k", "not stateful", app=app)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*[[]AUDIT[]] the log entry carries the adjust's metadata*"])
    assert (mock.stock(PRODUCT), mock.incoming(PRODUCT)) == (on_hand, incoming)
    report = json.loads(report_path.read_text())
    assert report["restore"]["restored"] is True
    audit = next(rule for rule in report["rules"] if rule["id"] == "AUDIT")
    assert audit["status"] == "failed"
    assert {c["violated_rule"] for c in audit["checks"] if c["status"] == "failed"} == {"AUDIT"}
    assert "demo-read-write" not in result.stdout.str() + report_path.read_text()


def test_a_stock_the_run_cannot_restore_fails_the_run(run_suite: RunSuite, mock: InventoryMock, tmp_path) -> None:
    report_path = tmp_path / "report.json"
    app = with_mutant(mock, "refused-adjust-applied")  # refused adjusts still move on-hand stock
    options = (*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={report_path}")
    result = run_suite(*options, "-k", "not stateful", app=app)  # shrinking would only add time
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*the product's stock was not restored*"])
    report = json.loads(report_path.read_text())
    assert report["restore"]["restored"] is False
    assert report["restore"]["on_hand_before"] != report["restore"]["on_hand_after"]
