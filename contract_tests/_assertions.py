"""Assertions over the fake's journal: which adjusts were accepted, how many calls per endpoint."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mockserver.errors import MockUsageError
from mockserver.state.journal import Journal, JournalEntry

_ORG = r"/api/v2/public/orgs/(?P<org>[^/]+)/inventory"
ENDPOINTS: dict[str, tuple[str, re.Pattern[str]]] = {
    "list": ("GET", re.compile(_ORG)),
    "adjust": ("POST", re.compile(_ORG + "/adjust")),
    "log": ("GET", re.compile(_ORG + "/[^/]+/log")),
    "history": ("GET", re.compile(_ORG + "/[^/]+/history")),
}
ADJUST_FIELDS = ("delta_on_hand", "delta_incoming", "reason", "shop_id", "metadata")
_SHOWN = 20


def endpoint_of(entry: JournalEntry) -> tuple[str, str] | None:
    """``(endpoint name, org id)`` of a journal entry, or ``None`` for other paths."""
    for name, (method, pattern) in ENDPOINTS.items():
        match = pattern.fullmatch(entry.path)
        if match and entry.method == method:
            return name, match["org"]
    return None


def assert_adjusted(
    journal: Journal, org_id: str, p1_id: int, fields: Mapping[str, Any], times: int | None = None
) -> None:
    """At least one (or exactly ``times``) accepted adjust of ``p1_id`` has ``fields``."""
    unknown = sorted(set(fields) - set(ADJUST_FIELDS))
    if unknown:
        known = ", ".join(ADJUST_FIELDS)
        raise MockUsageError(f"assert_adjusted: unknown field(s) {', '.join(unknown)}; known: {known}")
    accepted = [body for body in _adjust_bodies(journal, org_id, accepted=True) if _product(body) == p1_id]
    matching = [body for body in accepted if all(_field(body, k) == v for k, v in fields.items())]
    if (times is None and matching) or len(matching) == times:
        return
    wanted = ", ".join(f"{key}={value!r}" for key, value in fields.items()) or "any body"
    count = "at least one accepted adjust" if times is None else f"{times} accepted adjust(s)"
    lines = [f"expected {count} of product {p1_id} in org {org_id!r} with {wanted}; found {len(matching)}"]
    lines += _listing(f"accepted adjusts of product {p1_id}", [_show(body) for body in accepted])
    rejected = [
        f"{entry.status} {entry.error}: {_show(entry.body)}"
        for entry in _adjust_entries(journal, org_id)
        if entry.status != 200
    ]
    lines += _listing("adjust requests the fake rejected", rejected)
    raise AssertionError("\n".join(lines))


def assert_not_adjusted(journal: Journal, org_id: str, p1_id: int | None = None) -> None:
    """No accepted adjust (of ``p1_id``, or of any product of ``org_id``)."""
    accepted = [
        body for body in _adjust_bodies(journal, org_id, accepted=True) if p1_id is None or _product(body) == p1_id
    ]
    if accepted:
        what = f"product {p1_id}" if p1_id is not None else "any product"
        lines = [f"expected no accepted adjust of {what} in org {org_id!r}; found {len(accepted)}"]
        lines += _listing("accepted adjusts", [_show(body) for body in accepted])
        raise AssertionError("\n".join(lines))


def assert_calls(journal: Journal, expected: Mapping[str, int]) -> None:
    """Each named endpoint received exactly the expected number of requests."""
    unknown = sorted(set(expected) - set(ENDPOINTS))
    if unknown:
        raise MockUsageError(f"assert_calls: unknown endpoint(s) {', '.join(unknown)}; known: {', '.join(ENDPOINTS)}")
    entries = journal.entries()
    counts = dict.fromkeys(ENDPOINTS, 0)
    for entry in entries:
        found = endpoint_of(entry)
        if found is not None:
            counts[found[0]] += 1
    wrong = [f"{name}: expected {n}, got {counts[name]}" for name, n in expected.items() if counts[name] != n]
    if wrong:
        lines = ["request counts differ: " + "; ".join(wrong)]
        lines += _listing("requests the fake received", [_request_line(entry) for entry in entries])
        raise AssertionError("\n".join(lines))


def _adjust_entries(journal: Journal, org_id: str) -> list[JournalEntry]:
    return [entry for entry in journal.entries() if endpoint_of(entry) == ("adjust", org_id)]


def _adjust_bodies(journal: Journal, org_id: str, *, accepted: bool) -> list[dict[str, Any]]:
    return [
        entry.body
        for entry in _adjust_entries(journal, org_id)
        if (entry.status == 200) == accepted and isinstance(entry.body, dict)
    ]


def _product(body: Mapping[str, Any]) -> int:
    # An accepted body's p1_id is an integer or a string of digits (docs/design.md).
    return int(body["p1_id"])


def _field(body: Mapping[str, Any], name: str) -> Any:
    default = 0 if name.startswith("delta_") else None
    return body.get(name, default)


def _show(body: Any) -> str:
    text = json.dumps(body, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "..."


def _request_line(entry: JournalEntry) -> str:
    query = f"?{entry.query}" if entry.query else ""
    return f"{entry.method} {entry.path}{query} -> {entry.status}"


def _listing(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{title}: none"]
    shown = lines[-_SHOWN:]
    more = f" (last {_SHOWN} shown)" if len(lines) > _SHOWN else ""
    return [f"{title} ({len(lines)}){more}:", *(f"  {line}" for line in shown)]
