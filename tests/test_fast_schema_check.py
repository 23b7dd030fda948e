"""The compiled fast check agrees with jsonschema (the judge) on generated instances."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from schemas._fast import compile_check
from schemas._loader import fast_check

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.sampled_from([0, 1, -1, 1.0, 0.5, 10**9, 10**9 + 1, -(10**9) - 1, 9007199254740991, 9007199254740992])
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["", "0", "1", "12345", "0123", "1234567890123456", "12345678901234567", " 1", "x" * 501])
)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner))


def _near(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects over the schema's own field names (plus a stray one), with values of every kind."""
    return st.dictionaries(st.sampled_from([*fields, "delta_onhand", "extra"]), _json | _scalars, max_size=len(fields))


_adjust_like = st.fixed_dictionaries(
    {"p1_id": st.integers(1, 10**6) | st.sampled_from(["12345", "0", 0, True, 1.0]), "reason": st.text(max_size=3)},
    optional={
        "delta_on_hand": _scalars,
        "delta_incoming": _scalars,
        "shop_id": _scalars,
        "metadata": _json,
        "extra": _scalars,
    },
)


@settings(max_examples=300, deadline=None)
@given(instance=_adjust_like)
def test_fast_check_agrees_on_adjust_like_bodies(instance: dict[str, Any]) -> None:
    assert fast_check("adjust-request")(instance) == schemas.validator("adjust-request").is_valid(instance)  # type: ignore[misc]


def test_fast_check_accepts_and_rejects() -> None:
    check = fast_check("adjust-request")
    assert check is not None
    assert check({"p1_id": "12345", "reason": "POS sale", "delta_on_hand": -2, "metadata": {"pos_ref": "TX-999"}})
    assert not check({"p1_id": 12345, "reason": "x", "delta_on_hand": True})
    assert not check({"p1_id": 12345, "reason": ""})


@pytest.mark.parametrize("name", [n for n in schemas.SCHEMA_NAMES if fast_check(n) is not None])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    fields = list(schemas.load(name).get("properties", {}))
    instance = data.draw(_near(fields) | _json)
    assert fast_check(name)(instance) == schemas.validator(name).is_valid(instance)  # type: ignore[misc]


def test_the_adjust_request_schema_is_fast() -> None:
    assert fast_check("adjust-request") is not None


def test_unknown_keywords_fall_back_to_jsonschema() -> None:
    assert compile_check({"type": "object", "$ref": "#/$defs/x"}) is None
    assert compile_check({"additionalProperties": {"type": "string"}}) is None
    assert compile_check({"type": "decimal"}) is None


def test_invalid_bodies_still_get_jsonschema_messages() -> None:
    problems = schemas.violations("adjust-request", {"p1_id": 1, "reason": "x", "delta_on_hand": 1.0})
    assert len(problems) == 1
    assert problems[0].field == "delta_on_hand"
    assert "integer" in problems[0].message
