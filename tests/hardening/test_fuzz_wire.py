"""The same properties over a real socket, with requests written byte by byte.

What only the wire can carry: encoded slashes and ``..`` that no client library
normalised, raw non-ASCII bytes in the request line, duplicated and odd headers,
header lines and request lines past http.server's limits, chunked bodies, 10 MB.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import InventoryMock, LiveServer
from mockserver.http import parsing

from .strategies import FUZZ, TEN_MB, adjust_bodies, authorizations, bodies, methods, paths, queries
from .support import FROZEN_AT, ORG, READ_WRITE, Answer, after_adjust, api, assert_error_body, exchange, request_bytes

WIRE_EXAMPLES = 400


def check(mock: InventoryMock, before: dict[str, Any], method: str, answer: Answer) -> None:
    assert answer.status < 500, answer
    if answer.status >= 400:
        assert_error_body(answer.status, answer.headers.get("content-type"), answer.body, method)
        assert mock.dump() == before, "a rejected request changed the state"


@st.composite
def targets(draw: st.DrawFn) -> bytes:
    """A request target as raw bytes: percent-encoded, or raw UTF-8 / latin-1 bytes."""
    path = draw(paths())
    raw = path.encode("utf-8") if draw(st.booleans()) else quote(path, safe="/%").encode("ascii")
    query = draw(queries)
    return raw + (b"?" + query.encode("latin-1", "replace") if query else b"")


header_bytes = st.binary(min_size=0, max_size=30).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@st.composite
def raw_headers(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    names = [b"Authorization", b"authorization", b"AUTHORIZATION"]
    headers = [
        (draw(st.sampled_from(names)), value.encode("latin-1", "replace").replace(b"\r", b"").replace(b"\n", b""))
        for value in draw(st.lists(authorizations, max_size=3))
    ]
    if draw(st.booleans()):
        headers.append((b"Content-Type", draw(st.sampled_from([b"application/json", b"text/plain", b"", b"\xff"]))))
    headers += [(b"X-Fuzz", value) for value in draw(st.lists(header_bytes, max_size=2))]
    if draw(st.integers(0, 15)) == 0:
        headers.append((b"X-Huge", b"h" * draw(st.integers(1_000, 60_000))))
    return headers


def test_any_request_over_the_wire(mock: InventoryMock, live: LiveServer) -> None:
    sent: list[None] = []

    @settings(FUZZ, max_examples=WIRE_EXAMPLES)
    @given(
        method=methods,
        target=targets(),
        headers=raw_headers(),
        body=bodies.filter(lambda body: body is None or len(body) < 100_000),
    )
    def run(method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes | None) -> None:
        # A fresh state: a generated request may have subscribed a webhook or planted a fault.
        mock.reset()
        mock.set_clock(FROZEN_AT)
        before = mock.dump()
        answer = exchange(live.host, live.port, request_bytes(method, target, headers, body))
        sent.append(None)
        check(mock, before, method, answer)

    run()
    assert len(sent) >= WIRE_EXAMPLES


def test_adjusts_over_the_wire_do_exactly_what_they_say(mock: InventoryMock, live: LiveServer) -> None:
    sent: list[None] = []
    accepted: list[None] = []

    @settings(FUZZ, max_examples=150)
    @given(body=adjust_bodies(), chunked=st.booleans())
    def run(body: dict[str, Any], chunked: bool) -> None:
        before = mock.dump()
        payload = json.dumps(body).encode()
        headers = [(b"Authorization", f"Bearer {READ_WRITE}".encode()), (b"Content-Type", b"application/json")]
        if chunked:
            raw = request_bytes("POST", api(rest="/adjust").encode(), [*headers, (b"Transfer-Encoding", b"chunked")])
            raw += b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
        else:
            raw = request_bytes("POST", api(rest="/adjust").encode(), headers, payload)
        answer = exchange(live.host, live.port, raw)
        sent.append(None)
        check(mock, before, "POST", answer)
        if answer.status == 200:
            accepted.append(None)
            assert mock.dump() == after_adjust(before, ORG, body, answer.json()["id"], FROZEN_AT)

    run()
    assert len(sent) >= 150
    assert len(accepted) >= 15, "too few valid adjusts were generated to test their effect"


AUTH = [(b"Authorization", f"Bearer {READ_WRITE}".encode())]
JSON = [(b"Content-Type", b"application/json")]


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "status"),
    [
        pytest.param("POST", api(rest="/adjust"), AUTH + JSON, TEN_MB, 413, id="10MB-adjust"),
        pytest.param("GET", api(), AUTH, TEN_MB, 200, id="10MB-list-body-ignored"),
        pytest.param("PUT", "/_mock/seed", JSON, TEN_MB, 413, id="10MB-seed"),
        pytest.param("POST", api(rest="/adjust"), JSON, TEN_MB, 401, id="10MB-adjust-no-token"),
        pytest.param("GET", api("demo-org%2F..%2Fother-org"), AUTH, None, 404, id="encoded-slash-dotdot"),
        pytest.param("GET", api(rest="/%2E%2E/inventory"), AUTH, None, 404, id="encoded-dotdot"),
        pytest.param("GET", api(rest="/12345/log/../../../other-org/inventory"), AUTH, None, 404, id="raw-dotdot"),
        pytest.param("GET", "/api/v2/public/orgs/d\xc3\xa9mo/inventory", AUTH, None, 403, id="raw-utf8-org"),
        pytest.param("GET", "/api/v2/public/orgs/d\xe9mo/inventory", AUTH, None, 403, id="raw-latin1-org"),
        pytest.param("GET", api(), [(b"authorization", f"bearer {READ_WRITE}".encode())], None, 200, id="lowercase"),
        pytest.param("GET", api(), [*AUTH, (b"Authorization", b"Bearer nope")], None, 401, id="duplicate-auth"),
        pytest.param("GET", api(), [(b"Authorization", b"Bearer " + b"t" * 60_000)], None, 401, id="huge-token"),
        pytest.param("GET", api(), [(b"X-Big", b"b" * 70_000)], None, 431, id="header-line-too-long"),
        pytest.param("GET", api(), [(b"X-%d" % i, b"1") for i in range(120)], None, 431, id="too-many-headers"),
        pytest.param("GET", "/" + "a" * 70_000, [], None, 414, id="request-line-too-long"),
    ],
)
def test_telling_requests_over_the_wire(
    mock: InventoryMock,
    live: LiveServer,
    method: str,
    target: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes | None,
    status: int,
) -> None:
    before = mock.dump()
    answer = exchange(live.host, live.port, request_bytes(method, target.encode("latin-1"), headers, body))
    assert answer.status == status, answer
    check(mock, before, method, answer)


def test_chunked_body_over_the_limit_is_refused_not_truncated(mock: InventoryMock, live: LiveServer) -> None:
    # Valid JSON followed by spaces: truncated at the limit it would still parse and be accepted.
    payload = json.dumps({"p1_id": 12345, "reason": "padded", "delta_on_hand": 1}).encode()
    payload += b" " * (parsing.MAX_BODY_BYTES + 1 - len(payload))
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:40_000], payload[40_000:]))
    raw = request_bytes("POST", api(rest="/adjust").encode(), AUTH + JSON + [(b"Transfer-Encoding", b"chunked")])
    before = mock.dump()
    answer = exchange(live.host, live.port, raw + chunks + b"0\r\n\r\n")
    assert answer.status == 413, answer
    assert answer.json()["error"] == "payload_too_large"
    assert mock.dump() == before


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(b"GARBAGE\r\n\r\n", 400, id="no-method-target-version"),
        pytest.param(b"GET / HTTP/9.9\r\n\r\n", 400, id="unknown-version"),
        pytest.param(b"GET / HTTP/1.1 extra\r\n\r\n", 400, id="extra-word"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, id="tls-hello"),
        # http.server skips a header line without a colon; the request goes on to routing.
        pytest.param(b"GET / HTTP/1.1\r\nbad header line\r\n\r\n", 404, id="header-without-colon"),
        pytest.param(
            request_bytes("POST", api(rest="/adjust").encode(), [*AUTH, *JSON, (b"Transfer-Encoding", b"chunked")])
            + b"ZZ\r\n{}\r\n0\r\n\r\n",
            400,
            id="malformed-chunk",
        ),
    ],
)
def test_malformed_requests_get_a_json_error(live: LiveServer, raw: bytes, status: int) -> None:
    answer = exchange(live.host, live.port, raw)
    assert answer.status == status, answer
    assert_error_body(answer.status, answer.headers.get("content-type"), answer.body)
