"""Load the schema files, compile validators once, and word their errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from schemas._fast import compile_check

SCHEMA_NAMES = (
    "adjust-request",
    "adjust-response",
    "error-response",
    "history-query",
    "history-response",
    "inventory-list-response",
    "log-response",
    "profile",
    "seed",
    "webhook-event",
)


def _is_strict_integer(_checker: object, instance: object) -> bool:
    # JSON Schema calls 1.0 an integer; the API's deltas and ids are integers
    # in the JSON text too (docs/design.md: "integers (not booleans, not floats)").
    return isinstance(instance, int) and not isinstance(instance, bool)


# extend() builds a new validator class (not a subclass of Draft202012Validator): typed by the protocol.
StrictValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # stubs leave extend() unannotated
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_integer),
)


@dataclass(frozen=True)
class Violation:
    """One way an instance breaks a schema: where (a JSON path) and which rule."""

    path: str
    message: str
    keyword: str = ""  # the JSON Schema keyword that failed: "required", "type", ...

    @property
    def field(self) -> str:
        """The path without the leading ``$.`` (``p1_id``, ``orgs[0].id``)."""
        return self.path.removeprefix("$").removeprefix(".") or "body"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@cache
def load(name: str) -> dict[str, Any]:
    """Return the schema called ``name`` (see ``SCHEMA_NAMES``)."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema named {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    text = resources.files(__package__).joinpath(f"{name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def rules() -> dict[str, dict[str, str]]:
    """The documented rules by id: ``{"AUTH": {"id", "summary", "quote"}, ...}``."""
    text = resources.files(__package__).joinpath("rules.json").read_text("utf-8")
    return {rule["id"]: rule for rule in json.loads(text)["rules"]}


@cache
def validator(name: str) -> Validator:
    """Return the compiled validator of schema ``name`` (built once)."""
    schema = load(name)
    StrictValidator.check_schema(schema)
    return StrictValidator(schema)


@cache
def fast_check(name: str) -> Callable[[object], bool] | None:
    """A fast yes/no check of schema ``name`` (``None`` if the schema is beyond ``_fast``)."""
    return compile_check(load(name))


def violations(name: str, instance: object, limit: int = 10) -> list[Violation]:
    """Return up to ``limit`` readable violations of schema ``name`` by ``instance``."""
    check = fast_check(name)
    if check is not None and check(instance):
        return []
    return _violations(validator(name), instance, limit)


class Variant:
    """A schema derived at run time (e.g. the adjust body under a behaviour profile), compiled once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        StrictValidator.check_schema(schema)
        self._validator = StrictValidator(schema)
        self._fast = compile_check(schema)

    def violations(self, instance: object, limit: int = 10) -> list[Violation]:
        """Up to ``limit`` readable violations, worded as ``violations()`` words them."""
        if self._fast is not None and self._fast(instance):
            return []
        return _violations(self._validator, instance, limit)


def _violations(checker: Validator, instance: object, limit: int) -> list[Violation]:
    found: list[Violation] = []
    errors = checker.iter_errors(instance)  # type: ignore[arg-type]  # checks any object; stubs say JSON only
    for error in sorted(errors, key=_error_order):
        described = (replace(v, keyword=str(error.validator)) for v in _describe(error))
        found.extend(v for v in described if v not in found)
        if len(found) >= limit:
            break
    return found[:limit]


def _error_order(error: ValidationError) -> tuple[int, str]:
    # Missing and unknown fields first, then shallow before deep: the most useful
    # message leads.
    rank = {"required": 0, "additionalProperties": 1}.get(str(error.validator), 2)
    return rank, error.json_path


_JSON_TYPES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


def _kind(instance: object) -> str:
    return _JSON_TYPES.get(type(instance), type(instance).__name__)


def _shown(instance: object) -> str:
    text = json.dumps(instance, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(error: ValidationError) -> list[Violation]:
    # iter_errors() sets every field; the stubs' ``Unset`` is only the constructor's default.
    path, keyword = error.json_path, error.validator
    value: Any = error.validator_value  # the keyword's value in the schema: any JSON value
    instance: Any = error.instance  # the part of the instance that failed: any JSON value
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-message")
    if custom:
        return [Violation(path, f"{custom} (got {_kind(instance)} {_shown(instance)})")]
    if keyword == "required":
        missing = [key for key in value if key not in instance]
        return [Violation(f"{path}.{key}", "is required") for key in missing]
    if keyword == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [key for key in instance if key not in allowed]
        return [Violation(f"{path}.{key}", f"is not an allowed field (allowed: {', '.join(allowed)})") for key in extra]
    if keyword == "type":
        wanted: list[str] = value if isinstance(value, list) else [value]  # "type": a name or a list of names
        names = " or ".join(_JSON_TYPES.get(_PY_TYPES.get(t, object), t) for t in wanted)
        return [Violation(path, f"must be {names} (got {_kind(instance)} {_shown(instance)})")]
    if keyword == "minLength":
        rule = "must not be empty" if value == 1 else f"must be at least {value} characters long"
        return [Violation(path, rule)]
    if keyword == "maxLength":
        return [Violation(path, f"must be at most {value} characters long (got {len(instance)})")]
    if keyword == "minimum":
        return [Violation(path, f"must be >= {value} (got {_shown(instance)})")]
    if keyword == "maximum":
        return [Violation(path, f"must be <= {value} (got {_shown(instance)})")]
    if keyword in ("const", "enum"):
        options = [value] if keyword == "const" else value
        return [Violation(path, f"must be one of {_shown(options)} (got {_shown(instance)})")]
    if keyword == "pattern":
        return [Violation(path, f"must match {value} (got {_shown(instance)})")]
    return [Violation(path, error.message)]


_PY_TYPES: dict[str, type] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": float,
    "null": type(None),
}


@dataclass(frozen=True)
class DocumentedLimits:
    """The API document's numbers, as the schemas write them (each in one place)."""

    log_cap: int  # "Returns up to 200 recent entries": log-response.json data.maxItems
    history_default_days: int  # "days  Default 30": history-query.json days.default
    history_max_days: int  # "Max 365": history-query.json days.maximum


@cache
def documented_limits() -> DocumentedLimits:
    """The log cap and the history window, read from the schema files."""
    days = load("history-query")["properties"]["days"]
    return DocumentedLimits(
        log_cap=load("log-response")["properties"]["data"]["maxItems"],
        history_default_days=days["default"],
        history_max_days=days["maximum"],
    )
