"""Turn raw request parts (header, body bytes, query values) into checked values.

Shapes come from the JSON Schemas; what a schema cannot say (JSON syntax, duplicate
keys, nesting depth, metadata size and depth, id range, query and path formats) is
checked here. Every failure is an ``ApiError`` naming the field and the rule.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import schemas
from mockserver.api import HISTORY_DEFAULT_DAYS, HISTORY_MAX_DAYS
from mockserver.errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType
from mockserver.profile import DEFAULT, Limits, Profile
from mockserver.state.store import Adjustment

MAX_BODY_BYTES = DEFAULT.limits.body_cap  # of the default profile; control routes always use it
MAX_METADATA_DEPTH = 32
MAX_JSON_DEPTH = 64
MAX_P1_ID = 2**53 - 1  # the schemas' maximum: ids stay exact in every JSON client
# The document's required adjust fields (REASON), as adjust-request.json lists them.
REQUIRED_ADJUST_FIELDS = frozenset(schemas.load("adjust-request")["required"])

_BEARER = re.compile(r"Bearer[ ]+([^ ]+)[ ]*", re.IGNORECASE)
_DIGITS = re.compile(r"[1-9][0-9]{0,15}")


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else ``None``."""
    if not header:
        return None
    match = _BEARER.fullmatch(header)
    return match.group(1) if match else None


def product_id(text: str) -> int:
    """A ``p1Id`` path segment as an integer."""
    if not _DIGITS.fullmatch(text) or int(text) > MAX_P1_ID:
        raise InvalidRequest(
            f"p1Id: must be an integer from 1 to {MAX_P1_ID} (got {text[:40]!r})", field="p1Id", rule="SHAPES"
        )
    return int(text)


def history_days(values: list[str]) -> int:
    """The ``days`` query parameter: an integer in 1..``HISTORY_MAX_DAYS``, ``HISTORY_DEFAULT_DAYS`` if absent."""
    if not values:
        return HISTORY_DEFAULT_DAYS
    if len(values) > 1:
        raise InvalidRequest("days: must be given at most once", field="days", rule="DAYS")
    text = values[0]
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= HISTORY_MAX_DAYS:
        raise InvalidRequest(
            f"days: must be an integer from 1 to {HISTORY_MAX_DAYS} (got {text[:40]!r})", field="days", rule="DAYS"
        )
    return int(text)


def json_body(raw: bytes, mimetype: str, profile: Profile = DEFAULT) -> Any:
    """Decode a JSON request body strictly (UTF-8, no NaN, no duplicate keys)."""
    cap = profile.limits.body_cap
    if len(raw) > cap:
        raise PayloadTooLarge(f"body: must be at most {cap} bytes", field="body")
    checked = profile.content_type == "checked"
    if checked and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(
            f"Content-Type must be application/json (got {mimetype or 'none'!r})", field="Content-Type"
        )
    if not raw:
        raise InvalidRequest("body: a JSON object is required", field="body")
    try:
        text = raw.decode("utf-8")
        value = _STRICT_JSON.decode(text)
    except UnicodeDecodeError:
        raise InvalidRequest("body: must be UTF-8 encoded JSON", field="body") from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as error:
        raise InvalidRequest(f"body: not valid JSON ({_short(error)})", field="body") from None
    # Each level opens a bracket: a body with few brackets cannot be too deep (the walk is skipped).
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    return value


def _too_deep() -> InvalidRequest:
    return InvalidRequest(f"body: JSON must be nested at most {MAX_JSON_DEPTH} levels deep", field="body")


def adjustment(body: Any, profile: Profile = DEFAULT) -> Adjustment:
    """Validate an adjust body against ``adjust-request`` (as the profile shapes it) and the limits."""
    if not isinstance(body, dict):
        raise InvalidRequest("body: must be a JSON object", field="body")
    if profile.unknown_fields == "ignore":
        body = {key: value for key, value in body.items() if key in _ADJUST_FIELDS}
    if profile == DEFAULT:
        problems = schemas.violations("adjust-request", body, limit=1)
    else:
        problems = _adjust_schema(profile.p1_id_in_body, profile.metadata, profile.limits).violations(body, limit=1)
    if problems:
        problem = problems[0]
        missing_required = problem.keyword == "required" and problem.field in REQUIRED_ADJUST_FIELDS
        rule = "REASON" if missing_required else "SHAPES"
        raise InvalidRequest(str(problem), field=problem.field, rule=rule)
    if int(body["p1_id"]) > MAX_P1_ID:  # a string of digits: its pattern cannot bound the value
        raise InvalidRequest(f"p1_id: must be at most {MAX_P1_ID}", field="p1_id")
    metadata = body.get("metadata")
    if "metadata" in body:
        _check_metadata(metadata, profile.limits.metadata_max_bytes)
    return Adjustment(
        p1_id=int(body["p1_id"]),
        reason=body["reason"],
        delta_on_hand=body.get("delta_on_hand", 0),
        delta_incoming=body.get("delta_incoming", 0),
        shop_id=body.get("shop_id"),
        metadata=metadata,
    )


@dataclass
class Readers:
    """The readers the API views call (``create_app``). A mutant (``mockserver.mutants``) replaces
    one to break a documented rule; the fields default to this module's faithful functions."""

    adjust: Callable[[Any, Profile], Adjustment] = adjustment
    days: Callable[[list[str]], int] = history_days


def _check_metadata(metadata: Any, max_bytes: int | None) -> None:
    if _depth(metadata) > MAX_METADATA_DEPTH:
        raise InvalidRequest(f"metadata: must be nested at most {MAX_METADATA_DEPTH} levels deep", field="metadata")
    if max_bytes is None:
        return
    size = len(_COMPACT_JSON.encode(metadata).encode("utf-8"))
    if size > max_bytes:
        raise InvalidRequest(f"metadata: must be at most {max_bytes} bytes serialized (got {size})", field="metadata")


_ADJUST_FIELDS = frozenset(schemas.load("adjust-request")["properties"])
_P1_ID_FORMS = {"int": 0, "string": 1}  # the branch of adjust-request's p1_id oneOf each form keeps


@lru_cache(maxsize=64)
def _adjust_schema(p1_id_in_body: str, metadata: str, limits: Limits) -> schemas.Variant:
    """``adjust-request`` as a profile shapes it (compiled once per distinct shape)."""
    schema = copy.deepcopy(schemas.load("adjust-request"))
    properties = schema["properties"]
    if p1_id_in_body in _P1_ID_FORMS:
        kept = properties["p1_id"]["oneOf"][_P1_ID_FORMS[p1_id_in_body]]
        message = "must be a positive integer" if p1_id_in_body == "int" else "must be a string of digits"
        properties["p1_id"] = {**kept, "x-message": message}
    if metadata == "object":
        properties["metadata"] = {**properties["metadata"], "type": "object"}
    for name, limit in (("reason", limits.reason_max_length), ("shop_id", limits.shop_id_max_length)):
        properties[name].pop("maxLength", None)
        if limit is not None:
            properties[name]["maxLength"] = limit
    return schemas.Variant(schema)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # the first key that comes again
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


# What json.loads(text, object_pairs_hook=..., parse_constant=...) builds on every call, built once.
_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constants)
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _short(error: ValueError) -> str:
    text = str(error)
    return text if len(text) <= 120 else text[:117] + "..."
