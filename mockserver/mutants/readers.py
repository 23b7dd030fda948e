"""Broken request readers: replacements of ``parsing.Readers`` fields that each break one rule."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from mockserver.api import HISTORY_MAX_DAYS
from mockserver.errors import InvalidRequest
from mockserver.http.parsing import adjustment, history_days
from mockserver.profile import Profile
from mockserver.state.store import Adjustment

LONGEST_LOOKBACK = 36_500  # days: a century, so the window's first day stays a valid date


def days_over_365_accepted(values: list[str]) -> int:
    """``days`` above 365 is taken (up to a century) instead of refused."""
    try:
        return history_days(values)
    except InvalidRequest:
        if len(values) == 1 and re.fullmatch(r"[0-9]{1,6}", values[0]) and int(values[0]) > HISTORY_MAX_DAYS:
            return min(int(values[0]), LONGEST_LOOKBACK)
        raise


def days_default_7(values: list[str]) -> int:
    """History without ``days`` looks back 7 days."""
    return history_days(values) if values else 7


def reason_optional(body: Any, profile: Profile) -> Adjustment:
    """An adjust without ``reason`` is taken, with an empty reason."""
    if isinstance(body, dict) and "reason" not in body:
        return replace(adjustment({**body, "reason": "-"}, profile), reason="")
    return adjustment(body, profile)
