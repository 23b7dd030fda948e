"""The in-process transport: ``requests`` calls answered by the WSGI app, no socket.

``responses`` intercepts the call; ``wsgi_callback`` turns the ``PreparedRequest``
into a WSGI environ and runs the app directly.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import responses
from requests import PreparedRequest

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CallbackResult = tuple[int, dict[str, str], bytes]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@lru_cache(maxsize=64)
def _server(netloc: str, https: bool) -> tuple[str, str]:
    # Parsing host and port is a tenth of the environ's cost, and a test suite uses one or two base URLs.
    url = urlsplit(f"//{netloc}")
    return url.hostname or "localhost", str(url.port or (443 if https else 80))


def build_environ(request: PreparedRequest) -> dict[str, Any]:
    """The WSGI environ of ``request`` (PEP 3333), built without werkzeug's test tools."""
    url = urlsplit(str(request.url))
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)
    https = url.scheme == "https"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": str(request.method),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
        "QUERY_STRING": url.query,
        "SERVER_NAME": _server(url.netloc, https)[0],
        "SERVER_PORT": _server(url.netloc, https)[1],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": url.netloc,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = value
    return environ


def call_wsgi(app: WsgiApp, request: PreparedRequest) -> CallbackResult:
    """Run ``request`` through ``app``; return ``(status, headers, body)``."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return lambda _data: None

    chunks = app(build_environ(request), start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status, headers = started
    # responses sets Content-Length itself from the body.
    return int(status[:3]), {k: v for k, v in headers if k.lower() != "content-length"}, body


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
