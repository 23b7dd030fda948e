"""The fake over a real socket: a threaded WSGI server in a background thread."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from mockserver.faults.hooks import DROP_KEY
from mockserver.transports.connection import client_socket, shut

_log = logging.getLogger("mockserver.requests")


# http.server's own refusals (before the app sees the request), as the API's error codes.
_PROTOCOL_ERRORS = {
    414: ("uri_too_long", "request line: longer than 65536 bytes"),
    431: ("headers_too_large", "headers: a header line is longer than 65536 bytes, or there are more than 100"),
    400: ("invalid_request", "request: malformed request line or headers"),
    # http.server says 505; the fake keeps 5xx for its own bugs, and the client is at fault.
    505: ("invalid_request", "request line: only HTTP/1.0 and HTTP/1.1 are served"),
}
_STATUS = {505: 400}


def loggable_target(target: str) -> str:
    """The request target without its query string, which may carry a secret."""
    path, mark, _query = target.partition("?")
    return path + ("?…" if mark else "")


class _RequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    # Seconds a connection may stay silent: werkzeug drains an unread body after each
    # answer, which would otherwise hold a thread for as long as the client keeps the socket.
    timeout = 30

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Never the headers (Authorization) nor the query string (a token pasted into a URL).
        target = loggable_target(getattr(self, "path", "") or "-")
        _log.info('%s "%s %s" %s', self.address_string(), getattr(self, "command", None) or "-", target, code)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug(format, *args)

    def log_error(self, format: str, *args: Any) -> None:
        # http.server's messages quote the raw request line; log_request says enough.
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a request http.server refused to parse with the API's JSON error body."""
        error, text = _PROTOCOL_ERRORS.get(code, _PROTOCOL_ERRORS[400])
        code = _STATUS.get(code, code)
        body = json.dumps({"error": error, "message": text}).encode()
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsable request line: answer in HTTP/1.1 anyway
            self.request_version = self.protocol_version
        self.log_request(code)
        self.send_response_only(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)


class _ThreadReusingServer(ThreadedWSGIServer):
    """A thread per connection, as ``ThreadedWSGIServer``, but a thread that is done waits for the next one.

    Starting a thread cost ~100 µs here, and a test's ``requests.get`` opens a connection per call
    (werkzeug closes each). As many threads as connections at once; an idle one ends after ``idle_seconds``.
    """

    idle_seconds = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[queue.SimpleQueue[tuple[Any, Any] | None]] = []
        self._idle_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._idle_lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._work, args=(inbox,), name="inventory-mock:connection", daemon=True).start()
        inbox.put((request, client_address))

    def _work(self, inbox: queue.SimpleQueue[tuple[Any, Any] | None]) -> None:
        while True:
            try:
                job = inbox.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._idle_lock:
                    if any(waiting is inbox for waiting in self._idle):
                        self._idle = [waiting for waiting in self._idle if waiting is not inbox]
                        return
                job = inbox.get()  # taken from the idle list just now: its connection is on the way
            if job is None:
                return
            self.process_request_thread(*job)
            with self._idle_lock:
                self._idle.append(inbox)

    def server_close(self) -> None:
        super().server_close()
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for inbox in idle:
            inbox.put(None)


class LiveServer:
    """Serve a WSGI app on ``host:port`` (port 0: a free one) until ``stop()``.

    Usable as a context manager. ``url`` is ``http://HOST:PORT``.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        # What make_server(threaded=True) builds, typed as itself (make_server returns BaseWSGIServer).
        self._server = _ThreadReusingServer(host, port, DropConnections(app), handler=_RequestHandler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> LiveServer:
        """Start serving in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name=f"inventory-mock:{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` is called from another one."""
        # A short poll: stop() waits up to one interval (the default 0.5 s adds up over a test suite).
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop serving and close the socket (waits for the serving thread)."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LiveServer:
        # ``with mock.serve() as server`` gets a started server: starting it twice would leave
        # a second serving loop behind that ``stop()`` cannot end.
        return self if self._thread is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class DropConnections:
    """WSGI middleware for the socket transports: close marked connections without an answer.

    The same for werkzeug (``LiveServer``) and granian (``serving``): the hold of a timeout, then the
    connection ends before any byte of an answer (``connection.client_socket``).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        mark = environ.get(DROP_KEY)
        if mark is None:
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()
        kind, seconds, plan = mark
        # Found before the hold, while this request is the one waiting for an answer: after it, the
        # client may have given up and another connection (the request that released the hold) may
        # be the one waiting -- it must not be the one cut.
        connection = client_socket(environ)
        if kind == "timeout":
            plan.wait(seconds)
        if connection is not None:
            # The client sees the connection end without an answer, and the server does not
            # wait on it for a next request.
            shut(connection)
        if "werkzeug.socket" in environ:
            # werkzeug treats ConnectionError from the app as a dropped connection: it writes nothing.
            raise ConnectionAbortedError(f"injected fault: {kind}")
        if connection is None:
            # granian, the socket not found: the body fails and granian aborts the connection (the
            # status line may have gone out already).
            return _failing_body(kind)
        return [b""]  # granian: writing to the shut socket fails; nothing reaches the client


def _failing_body(kind: str) -> Iterator[bytes]:
    raise ConnectionAbortedError(f"injected fault: {kind}")
    yield b""  # pragma: no cover - makes this a generator
