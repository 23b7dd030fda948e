"""The fake over a real socket: a threaded WSGI server in a background thread."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mockserver.fault_injection import DropConnections

_log = logging.getLogger("mockserver.requests")


class _RequestHandler(WSGIRequestHandler):
    # HTTP/1.1 keeps connections alive between requests of one client.
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        _log.info('%s "%s %s" %s', self.address_string(), self.command, self.path, code)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug(format, *args)


class LiveServer:
    """Serve a WSGI app on ``host:port`` (port 0: a free one) until ``stop()``.

    Usable as a context manager. ``url`` is ``http://HOST:PORT``.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server: BaseWSGIServer = make_server(
            host, port, DropConnections(app), threaded=True, request_handler=_RequestHandler
        )
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
        # A short poll interval: stop() waits for it (0.5 s by default, at every session end).
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"inventory-mock:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` is called from another one."""
        self._server.serve_forever()

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
