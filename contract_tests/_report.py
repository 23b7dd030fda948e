"""The strict-mode report: the requests in which the client broke the API contract."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import schemas
from contract_tests._routes import nearest
from mockserver.state.journal import JournalEntry, Violation

MAX_REQUESTS_SHOWN = 10
ENDPOINT_RULE = "ENDPOINT"  # the fake's journal: no route for this path or method (not a table rule)
_AUTH_RULES = frozenset({"AUTH", "SCOPE-READ", "SCOPE-WRITE", "ORG"})


def contract_report(fixture: str, violations: Sequence[tuple[JournalEntry, Violation]]) -> str:
    """A readable account of ``violations`` (from ``Journal.violations()``), one block per request."""
    requests: list[tuple[JournalEntry, list[Violation]]] = []
    for entry, violation in violations:
        if requests and requests[-1][0] is entry:
            requests[-1][1].append(violation)
        else:
            requests.append((entry, [violation]))
    plural = "" if len(requests) == 1 else "s"
    lines = [f"{fixture}: the client broke the API contract in {len(requests)} request{plural} (strict mode)"]
    for number, (entry, found) in enumerate(requests[:MAX_REQUESTS_SHOWN], start=1):
        lines += ["", *_request_block(number, entry, found)]
    if len(requests) > MAX_REQUESTS_SHOWN:
        lines += ["", f"... and {len(requests) - MAX_REQUESTS_SHOWN} more (see {fixture}.journal)"]
    lines += [
        "",
        "The fake answered each with the error the API gives. Fix the client; a test that sends",
        "such requests on purpose can opt out with @pytest.mark.inventory_allow_invalid",
        "(or the whole run with inventory_strict = false in the ini file).",
    ]
    return "\n".join(lines)


def _request_block(number: int, entry: JournalEntry, found: list[Violation]) -> list[str]:
    query = f"?{entry.query}" if entry.query else ""
    error = f" {entry.error}" if entry.error else ""
    lines = [f"{number}. {entry.method} {entry.path}{query} -> {entry.status}{error}"]
    if entry.body is not None:
        lines.append(f"   body:     {_shown(entry.body)}")
    if entry.token is not None and any(v.rule in _AUTH_RULES for v in found):
        lines.append(f"   token:    {entry.token}")
    for violation in found:
        if violation.rule == ENDPOINT_RULE:
            lines += _endpoint_lines(entry)
            continue
        rule = schemas.rules().get(violation.rule)
        lines.append(f"   wrong:    {violation.message}")
        if rule is None:
            lines.append(f"   rule:     {violation.rule}")
        else:
            lines.append(f"   rule:     {violation.rule}: {rule['summary']}")
            # A client's request is judged against the request table, not the response example.
            quote = rule.get("request_quote", rule["quote"])
            lines.append(f'   document: "{quote}"')
    return lines


def _endpoint_lines(entry: JournalEntry) -> list[str]:
    """A request to a path or method the API document does not list: the nearest endpoint."""
    endpoint, change = nearest(entry.method, entry.path)
    return [
        f"   wrong:    no such endpoint: the API document lists no {entry.method} {entry.path}",
        f"   nearest:  {endpoint.method} {endpoint.filled(entry.path)} ({change})",
        f'   document: "{endpoint}"',
    ]


def _shown(body: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
    return text if len(text) <= 500 else text[:497] + "..."
