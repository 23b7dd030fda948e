"""JSON in and out of the fake's routes: the response helper, the object-body reader, seed-part checks."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, request

from mockserver.errors import ApiError, InsufficientStock, InvalidRequest, SeedError
from mockserver.http import parsing
from mockserver.profile import DEFAULT, Profile
from mockserver.state.seed import check_seed

CONTROL_PREFIX = "/_mock"
# What json.dumps(payload, ensure_ascii=False, separators=(",", ":")) builds on every call, built once.
COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None, mimetype: str = "application/json"
) -> Response:
    """A JSON response, UTF-8, compact, ending with a newline (as ``flask.jsonify``; curl output stays apart)."""
    body = COMPACT_JSON.encode(payload) + "\n"
    return Response(body, status=status, headers=headers, mimetype=mimetype)


def error_response(error: ApiError, profile: Profile = DEFAULT) -> Response:
    """An ``ApiError`` as the profile renders errors (status of a below-zero refusal, body shape)."""
    status = profile.below_zero_status if isinstance(error, InsufficientStock) else error.status_code
    headers = error.headers()
    if profile.error_body == "detail":
        return json_response({"detail": error.message, "code": error.code}, status, headers)
    if profile.error_body == "problem":
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        problem = {
            "type": "about:blank",
            "title": phrase,
            "status": status,
            "detail": error.message,
            "code": error.code,
        }
        return json_response(problem, status, headers, mimetype="application/problem+json")
    return json_response(error.body(), status, headers)


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
