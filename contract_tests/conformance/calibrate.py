"""Calibration: the behaviour profile a conformance run saw, for the fake to answer the same way.

``profile_from(observed, target)`` reads the report's ``observed`` section (the keys of
``observations``) and returns a profile in the format of ``schemas/profile.json``: every
setting the run could observe, and under ``calibration`` the evidence for each one and why
the others were left out (a setting left out is the fake's default). The kit knows the
settings only through that schema; it never imports the fake.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import schemas
from contract_tests.conformance import observations as seen

FORMAT = "inventory-calibration/1"
NEEDS_WRITES = "the run made no adjust (give --allow-writes to observe it)"

Found = tuple[Any, str] | str  # (value, evidence), or why it was not observable
Reader = Callable[[Mapping[str, Any], Mapping[str, set[int] | list[int]]], Found]


def _single(values: Any) -> Any:
    return values[0] if isinstance(values, list) and len(values) == 1 else None


def _choice(setting: str, value: Any, evidence: str) -> Found:
    """``value`` if the profile format offers it for ``setting``, else why not."""
    allowed = schemas.load("profile")["properties"][setting]["enum"]
    if value in allowed:
        return value, evidence
    return f"{evidence}: the fake offers no such value (it knows {', '.join(map(str, allowed))})"


def _below_zero_status(facts: Mapping[str, Any], statuses: Mapping[str, Any]) -> Found:
    found = sorted(statuses.get(seen.BELOW_ZERO, []))
    if not found:
        return NEEDS_WRITES
    if len(found) > 1:
        return f"{seen.BELOW_ZERO}: answered {found} (more than one status)"
    return _choice("below_zero_status", found[0], f"{seen.BELOW_ZERO}: {found[0]}")


def _adjust_status(facts: Mapping[str, Any], statuses: Mapping[str, Any]) -> Found:
    found = facts.get(seen.ADJUST_STATUS)
    if not found:
        return NEEDS_WRITES
    status = _single(found)
    if status is None:
        return f"{seen.ADJUST_STATUS}: {found} (more than one status)"
    return _choice("adjust_status", status, f"{seen.ADJUST_STATUS}: {status}")


def _mapped(key: str, setting: str, values: Mapping[str, Any], *, writes: bool = False) -> Reader:
    """A reader of a fact whose observed text maps to a setting's value (``values``)."""

    def read(facts: Mapping[str, Any], statuses: Mapping[str, Any]) -> Found:
        if key not in facts:
            return NEEDS_WRITES if writes else f"the run recorded no {key!r}"
        text = facts[key]
        shown = _single(text) if isinstance(text, list) else text
        if shown is None:
            return f"{key}: {text} (more than one)"
        for observed, value in values.items():
            if shown == observed or (observed.endswith("…") and str(shown).startswith(observed[:-1])):
                return _choice(setting, value, f"{key}: {shown}")
        return f"{key}: {shown} (not a value the profile format describes)"

    return read


def _refused(key: str, refused: Any, accepted: Any, setting: str) -> Reader:
    """A reader of an adjust the server either accepted or refused (``answered N``)."""
    return _mapped(key, setting, {seen.ACCEPTED: accepted, "answered …": refused}, writes=True)


READERS: dict[str, Reader] = {
    "below_zero_status": _below_zero_status,
    "error_body": _mapped(seen.ERROR_SHAPE, "error_body", {text: name for name, text in seen.ERROR_SHAPES.items()}),
    "list_order": _mapped(
        seen.LIST_ORDER,
        "list_order",
        {"ascending p1_id": "p1_id", "descending p1_id": "descending", "unordered": "insertion"},
    ),
    "history_order": _mapped(
        seen.HISTORY_ORDER, "history_order", {"ascending date": "oldest_first", "descending date": "newest_first"}
    ),
    "unknown_fields": _refused(seen.UNKNOWN_FIELD, "refuse", "ignore", "unknown_fields"),
    "metadata": _refused(seen.METADATA_NOT_OBJECT, "object", "any", "metadata"),
    "p1_id_in_body": _mapped(
        seen.P1_ID_FORM, "p1_id_in_body", {"both": "int_or_string", "string": "string", "integer": "int"}, writes=True
    ),
    "timestamps": _mapped(
        seen.TIMESTAMPS, "timestamps", {"seconds": "seconds", "fractional seconds (3 digits)": "milliseconds"}
    ),
    "content_type": _refused(seen.NO_CONTENT_TYPE, "checked", "unchecked", "content_type"),
    "adjust_status": _adjust_status,
}


def _limits(facts: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """(limits seen, their evidence, limits not seen and why): a refused probe of size N
    means the limit is below N; an accepted one says only that it is not below N."""
    found: dict[str, int] = {}
    evidence: dict[str, str] = {}
    unseen: dict[str, str] = {}
    for probe in seen.LIMIT_PROBES:
        answer = facts.get(probe.key)
        where = f"limits.{probe.setting}"
        if answer is None:
            unseen[where] = NEEDS_WRITES
        elif answer == seen.ACCEPTED:
            unseen[where] = f"{probe.key}: accepted, so any limit is above {probe.size}"
        else:
            found[probe.setting] = probe.size - 1
            evidence[where] = f"{probe.key}: {answer} (limit taken as {probe.size - 1})"
    unseen["limits.body_max_bytes"] = "the run sends no body near a size limit"
    return found, evidence, unseen


def profile_from(observed: Mapping[str, Any], target: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The profile (``schemas/profile.json``) of the server whose run recorded ``observed``."""
    statuses = observed.get("error_statuses", {})
    facts = {key: value for key, value in observed.items() if key != "error_statuses"}
    where = (target or {}).get("base_url", "the target")
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    profile: dict[str, Any] = {"name": f"calibrated from {where} on {date}"}
    evidence: dict[str, str] = {}
    unseen: dict[str, str] = {}
    for setting, read in READERS.items():
        found = read(facts, statuses)
        if isinstance(found, tuple):
            profile[setting], evidence[setting] = found
        else:
            unseen[setting] = found
    limits, limit_evidence, limit_unseen = _limits(facts)
    if limits:
        profile["limits"] = limits
    evidence.update(limit_evidence)
    unseen.update(limit_unseen)
    profile["calibration"] = {
        "format": FORMAT,
        "target": where,
        "date": date,
        "observed": evidence,
        "not_observed": {setting: f"{why}: left at the fake's default" for setting, why in unseen.items()},
    }
    problems = schemas.violations("profile", profile, limit=1)
    if problems:  # the readers produce only values the schema lists: a defect of the kit
        raise RuntimeError(f"calibrated profile breaks schemas/profile.json: {problems[0]}")
    return profile


def write(profile: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``profile`` as JSON to ``path``."""
    written = Path(path)
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps(profile, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return written
