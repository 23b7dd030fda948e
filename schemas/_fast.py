"""A fast yes/no check compiled from a schema, for the hot path of valid requests.

jsonschema spends ~100 µs per adjust body (mostly ``oneOf`` and validator
bookkeeping); the fake validates one per request. ``compile_check`` turns a schema
that uses only the keywords below into a plain predicate with jsonschema's meaning
(strict integers included); any other keyword gives ``None`` and jsonschema stays
the only judge. ``violations`` asks the predicate first and runs jsonschema only
when it says no, so messages never change. tests/test_fast_schema_check.py compares
both on generated instances.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that never affect validity (format is an annotation: no format checker is used).
_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples", "format",
                "deprecated", "readOnly", "writeOnly"}  # fmt: skip

_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def compile_check(schema: Any) -> Check | None:
    """A predicate equivalent to ``schema``, or ``None`` if it uses a keyword not handled here."""
    if schema is True or schema == {}:
        return lambda _v: True
    if schema is False:
        return lambda _v: False
    if not isinstance(schema, dict):
        return None
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        check = _keyword(keyword, value, schema)
        if check is None:
            return None
        checks.append(check)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    # Loops, not all() over a generator: the generator's set-up was most of this module's cost per body.
    if len(checks) == 1:
        return checks[0]

    def every(v: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not check(v):
                return False
        return True

    return every


def _keyword(keyword: str, value: Any, schema: dict[str, Any]) -> Check | None:
    if keyword == "type":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(name in _TYPES for name in names):
            return None
        tests = [_TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]

        def any_type(v: Any) -> bool:
            for test in tests:  # noqa: SIM110 - as above
                if test(v):
                    return True
            return False

        return any_type
    if keyword in ("minimum", "maximum") and isinstance(value, int | float) and not isinstance(value, bool):
        is_number = _TYPES["number"]
        if keyword == "minimum":
            return lambda v: not is_number(v) or v >= value
        return lambda v: not is_number(v) or v <= value
    if keyword in ("minLength", "maxLength") and isinstance(value, int):
        if keyword == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        return lambda v: not isinstance(v, str) or len(v) <= value
    if keyword == "pattern" and isinstance(value, str):
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if keyword == "required" and isinstance(value, list):
        names = list(value)
        required = frozenset(names)
        return lambda v: not isinstance(v, dict) or required.issubset(v)
    if keyword == "properties" and isinstance(value, dict):
        compiled = {name: compile_check(sub) for name, sub in value.items()}
        pairs = [(name, check) for name, check in compiled.items() if check is not None]
        if len(pairs) != len(compiled):  # a property's schema is beyond this module
            return None

        def properties(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for name, check in pairs:  # noqa: SIM110 - as above
                if name in v and not check(v[name]):
                    return False
            return True

        return properties
    if keyword == "additionalProperties" and isinstance(value, bool) and "patternProperties" not in schema:
        if value:
            return lambda _v: True
        allowed = frozenset(schema.get("properties", {}))
        return lambda v: not isinstance(v, dict) or allowed.issuperset(v)
    if keyword == "oneOf" and isinstance(value, list) and value:
        compiled_branches = [compile_check(sub) for sub in value]
        branches = [check for check in compiled_branches if check is not None]
        if len(branches) != len(compiled_branches):  # a branch is beyond this module
            return None

        def one_of(v: Any) -> bool:
            passed = 0
            for check in branches:
                if check(v):
                    passed += 1
            return passed == 1

        return one_of
    return None
