"""How the suite talks to its target: one small interface, two transports.

``WsgiClient`` calls a WSGI app directly (no socket); ``HttpClient`` uses ``requests``
against a base URL, at most ``rate_limit`` requests a second, waiting out 429s.
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from contract_tests.conformance.config import DEFAULT_TIMEOUT
from contract_tests.conformance.errors import TargetError
from contract_tests.conformance.wire import Request, Response

MAX_RETRY_AFTER = 60.0  # seconds: a longer wait is reported instead of slept through
MAX_RETRIES = 5


class Client(Protocol):
    """Sends a ``Request`` to the target and returns its ``Response``."""

    base_url: str

    def send(self, request: Request) -> Response: ...


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WsgiClient:
    """Calls a WSGI app in-process (werkzeug builds the environ)."""

    def __init__(self, app: WsgiApp, base_url: str = "http://inventory.test") -> None:
        self.app = app
        self.base_url = base_url

    def send(self, request: Request) -> Response:
        from werkzeug.test import EnvironBuilder, run_wsgi_app

        builder = EnvironBuilder(
            path=request.path,
            base_url=self.base_url,
            method=request.method,
            query_string=dict(request.query),
            headers=list(request.headers.items()),
            data=request.body,
        )
        try:
            chunks, status, headers = run_wsgi_app(self.app, builder.get_environ(), buffered=True)
        finally:
            builder.close()
        return Response(int(status.split(" ", 1)[0]), dict(headers), b"".join(chunks))


class HttpClient:
    """``requests`` against ``base_url``: a request-rate cap and polite 429 handling."""

    def __init__(self, base_url: str, *, rate_limit: float = 0.0, timeout: float = DEFAULT_TIMEOUT) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.throttled = 0
        self._interval = 1.0 / rate_limit if rate_limit > 0 else 0.0
        self._next_slot = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "inventory-contract-kit"

    def send(self, request: Request) -> Response:
        import requests

        for _attempt in range(MAX_RETRIES + 1):
            self._wait_for_slot()
            try:
                answer = self._session.request(
                    request.method,
                    f"{self.base_url}{request.path}",
                    params=dict(request.query),
                    headers=dict(request.headers),
                    data=request.body,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                raise TargetError(
                    f"cannot reach {self.base_url} ({why_unreachable(error, self.timeout)})",
                    base_url=self.base_url,
                    request=f"{request.method} {request.path}",
                ) from None
            if answer.status_code != 429:
                return Response(answer.status_code, dict(answer.headers), answer.content)
            self.throttled += 1
            time.sleep(retry_after(answer.headers.get("Retry-After")))
        raise TargetError(
            f"{self.base_url} still answers 429 Too Many Requests after {MAX_RETRIES} retries: lower --rate-limit",
            base_url=self.base_url,
            request=f"{request.method} {request.path}",
        )

    def _wait_for_slot(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
        if slot > now:
            time.sleep(slot - now)

    def close(self) -> None:
        self._session.close()


def why_unreachable(error: BaseException, timeout: float) -> str:
    """A few words for why a request got no answer (``requests``/``urllib3`` errors say it
    in a screenful: the pool, the retries, the object addresses)."""
    import requests

    if isinstance(error, requests.ConnectTimeout):
        return f"no connection within {timeout:g} s"
    if isinstance(error, requests.ReadTimeout):
        return f"no answer within {timeout:g} s"
    if isinstance(error, requests.exceptions.SSLError):
        return "TLS handshake failed"
    if isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "invalid URL"
    seen: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in seen:
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__ or getattr(cause, "reason", None)
    for found in seen:
        if isinstance(found, ConnectionRefusedError):
            return "connection refused"
        if isinstance(found, socket.gaierror):
            return "host name not found"
        if isinstance(found, ConnectionResetError):
            return "connection reset"
        if isinstance(found, TimeoutError | socket.timeout):
            return f"no answer within {timeout:g} s"
        if isinstance(found, http.client.RemoteDisconnected):
            return "the connection closed without an answer"
        if isinstance(found, OSError) and found.strerror:
            return found.strerror.lower()
    return type(error).__name__


def retry_after(header: str | None, default: float = 1.0) -> float:
    """Seconds to wait for a ``Retry-After`` header (seconds or an HTTP date), capped."""
    if not header:
        return default
    try:
        seconds = float(header)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return default
        seconds = moment.timestamp() - time.time()
    if seconds > MAX_RETRY_AFTER:
        raise TargetError(f"the server asks to retry after {seconds:.0f} s (more than {MAX_RETRY_AFTER:.0f} s)")
    return max(0.0, seconds)
