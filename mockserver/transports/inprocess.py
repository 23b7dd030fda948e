"""The in-process transport: ``requests`` calls answered by the WSGI app, no socket.

``responses`` intercepts the call; ``call_wsgi`` turns the ``PreparedRequest``
into a WSGI environ and runs the app directly. ``intercepting`` nests with the
``responses`` mocks of the code under test (see its docstring).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from unittest import mock
from urllib.parse import unquote_to_bytes, urlsplit

import requests
import responses
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from mockserver.faults.hooks import DROP_KEY

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CallbackResult = tuple[int, dict[str, str], bytes]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@lru_cache(maxsize=64)
def _server(netloc: str, https: bool) -> tuple[str, str]:
    # Parsing host and port is a tenth of the environ's cost, and a test suite uses one or two base URLs.
    url = urlsplit(f"//{netloc}")
    return url.hostname or "localhost", str(url.port or (443 if https else 80))


def build_environ(request: PreparedRequest) -> dict[str, Any]:
    """The WSGI environ of a ``requests`` request (PEP 3333), built without werkzeug's test tools."""
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)
    return environ_of(str(request.method), str(request.url), request.headers.items(), body)


def environ_of(method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The WSGI environ of one request, whichever client library sent it."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": _server(parts.netloc, https)[0],
        "SERVER_PORT": _server(parts.netloc, https)[1],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "HOST"):
            environ[f"HTTP_{key}"] = value
    return environ


def run_wsgi(app: WsgiApp, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run ``app`` on ``environ``: ``(status, headers, body)``; the drop mark stays in ``environ``."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return lambda _data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status, headers = started
    return int(status[:3]), headers, body


def call_wsgi(app: WsgiApp, request: PreparedRequest) -> CallbackResult:
    """Run ``request`` through ``app``; return ``(status, headers, body)``."""
    environ = build_environ(request)
    status, headers, body = run_wsgi(app, environ)
    raise_if_dropped(environ, request)
    # responses sets Content-Length itself from the body.
    return status, {k: v for k, v in headers if k.lower() != "content-length"}, body


@lru_cache(maxsize=64)
def url_pattern(base_url: str) -> re.Pattern[str]:
    """A pattern matching ``base_url`` and every URL under it (not a longer host)."""
    return re.compile(re.escape(base_url.rstrip("/")) + r"(?:[/?#].*)?\Z")


class AnyMethodCallback(responses.CallbackResponse):
    """A callback registration that matches every method of ``METHODS`` (one instead of seven:
    each registration costs at every test's set-up, and each is tried at every request)."""

    def matches(self, request: PreparedRequest) -> tuple[bool, str]:
        if request.method not in METHODS:
            return False, "Method does not match"
        if not self._url_matches(self.url, str(request.url)):
            return False, "URL does not match"
        return True, ""


def register(mock: responses.RequestsMock, app: WsgiApp, base_url: str) -> None:
    """Route every method under ``base_url`` on ``mock`` into ``app``."""
    mock.add(AnyMethodCallback("GET", url_pattern(base_url), callback=lambda request: call_wsgi(app, request)))


def not_under(base_url: str) -> re.Pattern[str]:
    """A pattern matching every URL that is not under ``base_url`` (for pass-through)."""
    return re.compile(r"(?!" + url_pattern(base_url).pattern + r")")


@contextmanager
def intercepting(app: WsgiApp, base_url: str) -> Iterator[responses.RequestsMock]:
    """Answer every ``requests`` call under ``base_url`` with ``app`` until the block ends.

    Other URLs go to the ``HTTPAdapter.send`` that was in place before: the network,
    or a ``responses`` mock started earlier. A ``RequestsMock`` started inside the
    block (``@responses.activate``, ``with responses.RequestsMock()``,
    ``responses.start()``) answers from its own registrations first and passes the
    base-URL requests it does not match to ``app``; they are not added to its calls.
    """
    below = HTTPAdapter.send
    own = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=below)
    register(own, app, base_url)
    own.add_passthru(not_under(base_url))
    with own, _handing_over(own, url_pattern(base_url)):
        yield own


@contextmanager
def _handing_over(own: responses.RequestsMock, pattern: re.Pattern[str]) -> Iterator[None]:
    # responses passes unmatched requests to ``real_adapter_send``, which defaults to
    # the HTTPAdapter.send of import time, i.e. past ``own`` to the network. Every mock
    # computes its patch with ``unbound_on_send()`` when it starts (even through the
    # bound ``responses.start``), so that is where a later mock learns to hand the
    # base URL down to ``own``. ``touched`` restores those mocks when the block ends.
    touched: list[tuple[responses.RequestsMock, Any]] = []
    original = responses.RequestsMock.unbound_on_send

    def unbound_on_send(later: responses.RequestsMock) -> Any:
        if later is not own:
            if not any(seen is later for seen, _ in touched):
                touched.append((later, later._real_send))
            later._real_send = HTTPAdapter.send
            if pattern not in later.passthru_prefixes:
                later.add_passthru(pattern)
        return original(later)

    try:
        with mock.patch.object(responses.RequestsMock, "unbound_on_send", unbound_on_send):
            yield
    finally:
        for later, real_send in touched:
            later._real_send = real_send
            later.passthru_prefixes = tuple(p for p in later.passthru_prefixes if p is not pattern)


def raise_if_dropped(environ: dict[str, Any], prepared: requests.PreparedRequest) -> None:
    """In-process transport: turn a drop mark into the exception ``requests`` would raise."""
    mark = environ.get(DROP_KEY)
    if mark is None:
        return
    kind = mark[0]
    if kind == "timeout":
        raise requests.ReadTimeout(
            f"injected fault: read timed out ({prepared.method} {prepared.url})", request=prepared
        )
    raise requests.ConnectionError(
        f"injected fault: connection dropped without a response ({prepared.method} {prepared.url})", request=prepared
    )
