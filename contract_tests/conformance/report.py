"""The run's report: every documented rule with its status and checks, what the server
chose where the document is silent, and whether the product's stock was restored.

Format (``report.json``; a Markdown summary is written beside it)::

    {"format": "inventory-conformance-report/1",
     "target": {base_url, org_id, product_id, foreign_product_id, allow_writes, tokens_given, ...},
     "summary": {"passed": n, "failed": n, "skipped": n},
     "rules": [{"id", "summary", "quote", "status": "passed" | "failed" | "skipped", "reason",
                "verdict": "passed" | "failed here: ..." | "could not be checked because ...",
                "checks": [{"name", "test", "doc", "status", "reason", "violated_rule"}]}],

A rule fails only where an answer contradicted its sentence: a check's failure counts for the
rule its ``ContractViolation`` names (``violated_rule``), so a failure of the stateful test,
which covers several rules, marks only the rule it broke. A check of a rule that failed on a
violation of another rule, or was skipped, leaves its rule "could not be checked" (unless
another of its checks passed).
     "observed": {"error_statuses": {case: [status, ...]}, "adjust ...": ..., "list order": ...},
     "restore": {"accepted_adjusts", "undone", "on_hand_before", "on_hand_after", "restored", ...}}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import schemas

FORMAT = "inventory-conformance-report/1"


@dataclass
class CheckResult:
    """The outcome of one check (one test item)."""

    name: str
    test: str
    doc: str
    rules: tuple[str, ...]
    status: str = "passed"  # passed | failed | skipped
    reason: str = ""
    violated_rule: str | None = None


def build(
    results: list[CheckResult],
    target: dict[str, Any] | None,
    observed: dict[str, Any],
    restore: dict[str, Any] | None,
) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    rules = []
    for rule_id, rule in schemas.rules().items():
        mine = [r for r in results if rule_id in r.rules or r.violated_rule == rule_id]
        rules.append({**rule, **_rule_status(rule_id, mine), "checks": [_check_json(r) for r in mine]})
    counts = {status: sum(r.status == status for r in results) for status in ("passed", "failed", "skipped")}
    return {
        "format": FORMAT,
        "target": target,
        "summary": counts,
        "rules": rules,
        "observed": observed,
        "restore": restore,
    }


CANNOT = "could not be checked because "


def _rule_status(rule_id: str, results: list[CheckResult]) -> dict[str, str]:
    here = [r for r in results if r.status == "failed" and _failed_rule(r) == rule_id]
    if here:
        why = "; ".join(f"{r.name} ({_first_line(r.reason)})" for r in here)
        return {"status": "failed", "reason": here[0].reason, "verdict": f"failed here: {why}"}
    own = [r for r in results if rule_id in r.rules]
    unchecked = [f"{r.name}: {_why_unchecked(r)}" for r in own if r.status != "passed"]
    if any(r.status == "passed" for r in own):
        note = f"{len(unchecked)} check(s) could not be checked: " + "; ".join(unchecked) if unchecked else ""
        return {"status": "passed", "reason": note, "verdict": "passed"}
    reason = "; ".join(unchecked) if unchecked else "no check of this rule ran"
    return {"status": "skipped", "reason": reason, "verdict": CANNOT + reason}


def _failed_rule(result: CheckResult) -> str | None:
    """The rule a failed check counts against: the rule its violation names; without one
    (the kit stopped on something else), the check's rule if it has only one."""
    if result.violated_rule is not None:
        return result.violated_rule
    return result.rules[0] if len(result.rules) == 1 else None


def _why_unchecked(result: CheckResult) -> str:
    if result.status == "skipped":
        return result.reason.removeprefix(CANNOT)
    if result.violated_rule is not None:
        return f"it met a failure of {result.violated_rule} ({_first_line(result.reason)})"
    return f"it stopped on an error ({_first_line(result.reason)})"


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def _check_json(result: CheckResult) -> dict[str, Any]:
    data = asdict(result)
    data["rules"] = list(result.rules)
    return data


def write(report: dict[str, Any], path: str | Path) -> tuple[Path, Path]:
    """Write ``report`` as JSON to ``path`` and as Markdown beside it (``.md``)."""
    json_path = Path(path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path = json_path.with_suffix(".md")
    md_path.write_text(markdown(report), "utf-8")
    return json_path, md_path


def markdown(report: dict[str, Any]) -> str:
    """A short human summary of ``report``."""
    target = report["target"] or {}
    counts = report["summary"]
    lines = [
        f"# Conformance of {target.get('base_url', '?')} (org {target.get('org_id', '?')})",
        "",
        f"{counts['passed']} checks passed, {counts['failed']} failed, {counts['skipped']} skipped"
        f" (writes {'allowed' if target.get('allow_writes') else 'not allowed'}).",
        "",
        "| rule | status | checks | verdict |",
        "|---|---|---|---|",
    ]
    for rule in report["rules"]:
        checks = ", ".join(f"{c['name']} ({c['status']})" for c in rule["checks"]) or "-"
        verdict = rule.get("verdict") or rule["status"]
        note = verdict.splitlines()[0] if verdict else ""
        lines.append(f"| {rule['id']} | {rule['status']} | {checks} | {note.replace('|', '/')} |")
    lines += ["", "## Observed where the document is silent", ""]
    for key, value in report["observed"].items():
        if key == "error_statuses":
            lines += [f"- `{case}`: {', '.join(map(str, found))}" for case, found in value.items()]
        else:
            lines.append(f"- {key}: {json.dumps(value, ensure_ascii=False)}")
    restore = report.get("restore")
    if restore:
        lines += [
            "",
            "## Stock restore",
            "",
            f"{restore['accepted_adjusts']} adjusts accepted; undone with {restore['undone'] or 'nothing'}; "
            f"on-hand {restore['on_hand_before']} before, {restore['on_hand_after']} after: "
            f"{'restored' if restore['restored'] else 'NOT restored'}.",
        ]
    return "\n".join(lines) + "\n"
