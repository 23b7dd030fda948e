"""JSON in and out of the fake's routes: the response helper, the object-body reader, seed-part checks."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from mockserver.errors import InvalidRequest, SeedError
from mockserver.http import parsing
from mockserver.state.seed import check_seed

CONTROL_PREFIX = "/_mock"


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response, UTF-8, compact."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, headers=headers, mimetype="application/json")


def json_object_body() -> dict[str, Any]:
    """The request's body, parsed strictly, as a JSON object (a control route's input)."""
    body = parsing.json_body(request.get_data(cache=True), request.mimetype)
    if not isinstance(body, dict):
        raise InvalidRequest("body: must be a JSON object", field="body")
    return body


def checked_seed_part(seed: dict[str, Any], prefix: str, label: str) -> None:
    """Check a body as the part of a seed at ``prefix``; a problem is a 400 with the path from the body."""
    try:
        check_seed(seed, label)
    except SeedError as error:
        raise InvalidRequest(f"{error.path.replace(prefix, '$')}: {error.problem}") from None
