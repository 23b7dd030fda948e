"""The run's report: every documented rule with its status and checks, what the server
chose where the document is silent, and whether the product's stock was restored.

Format (``report.json``; a Markdown summary is written beside it)::

    {"format": "inventory-conformance-report/1",
     "target": {base_url, org_id, product_id, foreign_product_id, allow_writes, tokens_given, ...},
     "summary": {"passed": n, "failed": n, "skipped": n},
     "rules": [{"id", "summary", "quote", "status": "passed" | "failed" | "skipped", "reason",
                "checks": [{"name", "test", "doc", "status", "reason", "violated_rule"}]}],
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


def _rule_status(rule_id: str, results: list[CheckResult]) -> dict[str, str]:
    failed = [r for r in results if r.status == "failed"]
    own = [r for r in failed if r.violated_rule == rule_id] or failed
    if own:
        return {"status": "failed", "reason": own[0].reason}
    if any(r.status == "passed" for r in results):
        skipped = [r for r in results if r.status == "skipped"]
        return {"status": "passed", "reason": f"{len(skipped)} check(s) skipped" if skipped else ""}
    if results:
        return {"status": "skipped", "reason": "; ".join(sorted({r.reason for r in results}))}
    return {"status": "skipped", "reason": "no check of this rule ran"}


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
        "| rule | status | checks | note |",
        "|---|---|---|---|",
    ]
    for rule in report["rules"]:
        checks = ", ".join(f"{c['name']} ({c['status']})" for c in rule["checks"]) or "-"
        note = rule["reason"].splitlines()[0] if rule["reason"] else ""
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
