"""Property tests over the whole HTTP surface, in-process (the WSGI app, no socket).

Arbitrary methods, paths, query strings, headers and bodies go to every endpoint and
to ``/_mock/``. Properties: never a 5xx; every 4xx is a JSON error with ``error`` and
``message``; a rejected request changes no state; an accepted adjust changes exactly
what it says. Each test asserts how many requests it really sent.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from mockserver import InventoryMock

from .strategies import (
    FUZZ,
    adjust_bodies,
    bodies,
    control_names,
    encode,
    header_lists,
    json_values,
    methods,
    paths,
    queries,
)
from .support import (
    FROZEN_AT,
    ORG,
    OTHER_ORG,
    READ_WRITE,
    UNKNOWN_ORG,
    after_adjust,
    api,
    assert_error_body,
    frozen_mock,
)


def send(
    mock: InventoryMock, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes | None
) -> TestResponse:
    client = mock.app.test_client()
    # PATH_INFO set directly: given as the URL, a path that starts with "//" would be read by the
    # test client as a host (and fail on it before the fake sees the request).
    path_info = unquote_to_bytes(path).decode("latin-1")
    overrides = {"PATH_INFO": path_info, "REQUEST_URI": path, "RAW_URI": path}
    return client.open("/", method=method, query_string=query, headers=headers, data=body, environ_overrides=overrides)


def check_answer(mock: InventoryMock, method: str, before: dict[str, Any], response: TestResponse) -> None:
    """Never a 5xx; a 4xx is a JSON error and changed nothing."""
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.get_data()[:500]
    if response.status_code >= 400:
        assert_error_body(response.status_code, response.headers.get("Content-Type"), response.get_data(), method)
        assert mock.dump() == before, "a rejected request changed the state"


def run_counted(test: Any, expected: int) -> None:
    """Run a hypothesis test and check it really sent ``expected`` requests or more."""
    sent: list[None] = []
    test(sent)
    assert len(sent) >= expected, f"only {len(sent)} requests were generated"


def test_any_request_to_any_path() -> None:
    mock = frozen_mock()

    @settings(FUZZ, max_examples=2500)
    @given(
        method=methods,
        path=paths(),
        query=queries,
        headers=header_lists(),
        body=bodies,
    )
    def check(sent: list[None], method: str, path: str, query: str, headers: Any, body: bytes | None) -> None:
        mock.reset()
        mock.set_clock(FROZEN_AT)
        before = mock.dump()
        response = send(mock, method, path, query, headers, body)
        sent.append(None)
        check_answer(mock, method, before, response)

    run_counted(check, 2500)


def test_adjust_does_exactly_what_it_says_or_nothing() -> None:
    mock = frozen_mock()
    accepted: list[None] = []

    @settings(FUZZ, max_examples=1500)
    @given(
        org=st.sampled_from([ORG] * 8 + [OTHER_ORG, UNKNOWN_ORG]),
        token=st.sampled_from([READ_WRITE] * 8 + ["demo-read-only", "other-org-read-write", "nope"]),
        body=adjust_bodies(),
        content_type=st.sampled_from(["application/json"] * 8 + ["text/plain", "application/json; charset=utf-8"]),
    )
    def check(sent: list[None], org: str, token: str, body: dict[str, Any], content_type: str) -> None:
        # A fresh state each time keeps dumps small; products with stock 0, 3 and 8 reach the edge.
        mock.reset()
        mock.set_clock(FROZEN_AT)
        before = mock.dump()
        headers = [("Authorization", f"Bearer {token}"), ("Content-Type", content_type)]
        response = send(mock, "POST", f"/api/v2/public/orgs/{org}/inventory/adjust", "", headers, encode(body))
        sent.append(None)
        check_answer(mock, "POST", before, response)
        if response.status_code == 200:
            answer = response.get_json()
            assert answer["status"] == "ok"
            assert mock.dump() == after_adjust(before, org, body, answer["id"], FROZEN_AT)
            accepted.append(None)

    run_counted(check, 1500)
    assert len(accepted) >= 150, "too few valid adjusts were generated to test their effect"


def test_control_api_rejections_change_nothing() -> None:
    mock = frozen_mock()
    control_bodies = st.one_of(
        bodies,
        st.fixed_dictionaries(
            {"org_id": st.sampled_from([ORG, "new-org", "", "a b", 1]) | st.text(max_size=10)},
            optional={
                "p1_id": st.sampled_from([1, 12345, 0, -1, 2**53, "1"]),
                "name": st.text(max_size=10),
                "stockquantity": st.sampled_from([0, 5, -1, 10**12, 10**12 + 1, 1.5]),
                "token": st.sampled_from([READ_WRITE, "fresh-token", "", "bad token", "x" * 501]),
                "scopes": st.sampled_from([["inventory.read"], [], ["x", "x"], "inventory.read"]),
                "log": st.sampled_from([[], [{"reason": "r", "created_at": "2026-01-01T00:00:00Z"}]]),
            },
        ).map(encode),
        st.fixed_dictionaries(
            {},
            optional={
                "now": st.sampled_from(["2026-06-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z"])
                | st.text(max_size=30),
                "advance_seconds": st.sampled_from([1, -1, 1e10, -1e10, 3e11, 1.5, True, "1"]),
                "frozen": st.sampled_from([True, False, 1, None]),
            },
        ).map(encode),
        json_values.map(lambda value: encode({"orgs": value})),
        # webhooks, thresholds and faults: a loopback URL only (nothing is delivered here anyway)
        st.fixed_dictionaries(
            {},
            optional={
                "org_id": st.sampled_from([ORG, OTHER_ORG, "", 1]),
                "url": st.sampled_from(["http://127.0.0.1:9/hook", "ftp://127.0.0.1/", "", "/relative", 1]),
                "secret": st.sampled_from(["s3cret", "", None, 1]),
                "events": st.sampled_from([["low_stock"], ["out_of_stock"], ["nope"], "low_stock", []]),
                "p1_id": st.sampled_from([12345, 99999, 0, "12345", None]),
                "low_stock_threshold": st.sampled_from([0, 5, -1, 1.5, 10**13, None]),
                "route": st.sampled_from(["adjust", "list", "log", "history", "*", "nope", 1]),
                "kind": st.sampled_from(["latency", "status", "disconnect", "timeout", "nope"]),
                "status": st.sampled_from([500, 503, 429, 200, 99, 1000, "500"]),
                "seconds": st.sampled_from([0, 0.01, -1, [0, 0.01], [1, 0], "1", 10**9]),
                "times": st.sampled_from([1, 0, -1, 1.5]),
                "every": st.sampled_from([1, 0, 2]),
                "probability": st.sampled_from([0.5, -1, 2, "x"]),
                "max_attempts": st.sampled_from([1, 0, -1, 100]),
            },
        ).map(encode),
    )

    @settings(FUZZ, max_examples=600)
    @given(
        method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
        name=control_names,
        headers=header_lists(),
        body=control_bodies,
    )
    def check(sent: list[None], method: str, name: str, headers: Any, body: bytes | None) -> None:
        mock.reset()
        mock.set_clock(FROZEN_AT)
        before = mock.dump()
        headers = [*headers, ("Content-Type", "application/json")]
        response = send(mock, method, f"/_mock/{name}", "", headers, body)
        sent.append(None)
        check_answer(mock, method, before, response)

    run_counted(check, 600)


def call_raw_wsgi(mock: InventoryMock, method: str, path: str, body: bytes, content_length: str) -> tuple[str, bytes]:
    """Run the app on a hand-made environ: a body that disagrees with its Content-Length."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": content_length,
        "HTTP_AUTHORIZATION": f"Bearer {READ_WRITE}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    started: list[str] = []
    chunks = mock.app(environ, lambda status, _headers, _exc=None: started.append(status))
    return started[0], b"".join(chunks)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_body_shorter_than_its_content_length(method: str) -> None:
    # The journal re-reads the body after the answer; it used to turn a 200 into an internal error.
    mock = frozen_mock()
    before = mock.dump()
    path = api(rest="/adjust") if method == "POST" else api()
    status, body = call_raw_wsgi(mock, method, path, b'{"p1_id": 12345}', "100")
    if method == "GET":
        assert status == "200 OK", body
    else:
        assert_error_body(int(status[:3]), "application/json", body)
        assert json.loads(body)["field"] == "body"
    assert mock.dump() == before
    entry = mock.journal.entries()[-1]
    assert entry.body == "<100 bytes announced, not readable>"
