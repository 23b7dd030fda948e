"""The control API under path tricks, on both servers of ``inventory-mock serve``.

With ``--control-token`` no spelling of ``/_mock/state`` reaches the control API without the header;
without a token (or with the header) each spelling answers what the canonical path answers, or an API
error (JSON) — never something else.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.serve_process import serving

TOKEN = "control-s3cret"
CANONICAL = "/_mock/state"
TRICKS = [
    CANONICAL,
    "//_mock/state",
    "/_mock//state",
    "/_mock/../_mock/state",
    "/_mock/./state",
    "/x/../_mock/state",
    "/%5Fmock/state",
    "/%5fmock/state",
    "/_MOCK/state",
    "/_mock/STATE",
    "/_mock%2Fstate",
    "/_mock%2fstate",
    "/_mock/state/",
    "/_mock/state?x=1",
    "/_mock/state#frag",
    "/_mock/state%00",
    "/_mock/%73tate",
    "/%2E%2E/_mock/state",
    "/api/v2/public/../../_mock/state",
    "/_mock;/state",
    "/_mock/state;x",
]


def _get(base: str, target: str, headers: dict[str, str]) -> tuple[int, Any]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", target, headers=headers)  # the target goes out as written
        answer = connection.getresponse()
        status, body = answer.status, answer.read()
    finally:
        connection.close()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


@pytest.fixture(scope="module", params=["werkzeug", "granian"])
def servers(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(URL with --control-token, URL without one) on one server."""
    with serving("--control-token", TOKEN, server=request.param) as guarded, serving(server=request.param) as open_:
        yield guarded, open_


def _is_api_error(status: int, body: Any) -> bool:
    return 400 <= status < 500 and isinstance(body, dict) and isinstance(body.get("error"), str)


@pytest.mark.parametrize("target", TRICKS)
def test_no_spelling_reaches_the_control_api_without_the_token(servers: tuple[str, str], target: str) -> None:
    guarded, _ = servers
    status, body = _get(guarded, target, {})
    assert _is_api_error(status, body), (target, status, body)
    assert "orgs" not in json.dumps(body)


@pytest.mark.parametrize("target", TRICKS)
def test_every_spelling_answers_like_the_canonical_path_or_refuses(servers: tuple[str, str], target: str) -> None:
    guarded, open_ = servers
    for base, headers in ((open_, {}), (guarded, {"X-Mock-Control-Token": TOKEN})):
        canonical = _get(base, CANONICAL, headers)
        assert canonical[0] == 200
        status, body = _get(base, target, headers)
        assert (status, body) == canonical or _is_api_error(status, body), (target, status, body)
