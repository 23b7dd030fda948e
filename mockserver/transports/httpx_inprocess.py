"""The in-process transport for httpx: requests under a base URL answered by the WSGI app.

Two ways in, one engine (``answer``):

- ``InventoryTransport`` / ``AsyncInventoryTransport``: httpx transports to hand to a
  client (``httpx.Client(transport=...)``); other hosts go to the transport given as
  ``passthrough`` (by default a real ``HTTPTransport``).
- ``patching``: while the block runs, every ``httpx.HTTPTransport`` and
  ``AsyncHTTPTransport`` -- the transports of every client that was not given its own --
  answers the base URL in-process, as ``responses`` does for ``requests``. What the
  ``inventory_mock`` fixture uses, so that a client under test needs no change.

The async transport runs the app inline, except while ``may_block()`` says the app may sleep
(a latency fault is armed): then in a worker thread (``anyio.to_thread``), so that the fault
sleeps there, not in the event loop, and the client's other tasks go on. Inline costs half as
much per request (docs/httpx.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import anyio.to_thread
import httpx

from mockserver.faults.hooks import DROP_KEY
from mockserver.transports.inprocess import WsgiApp, environ_of, run_wsgi, url_pattern
from mockserver.transports.swap import Routed

MayBlock = Callable[[], bool]
_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})


def answer(app: WsgiApp, request: httpx.Request) -> httpx.Response:
    """Run ``request`` through ``app``; raise what httpx raises for a dropped connection or a timeout."""
    body = request.read()
    environ = environ_of(request.method, str(request.url), request.headers.multi_items(), body)
    status, headers, content = run_wsgi(app, environ)
    mark = environ.get(DROP_KEY)
    if mark is not None:
        if mark[0] == "timeout":
            raise httpx.ReadTimeout(f"injected fault: read timed out ({request.method} {request.url})", request=request)
        raise httpx.RemoteProtocolError(
            f"injected fault: server disconnected without sending a response ({request.method} {request.url})",
            request=request,
        )
    kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
    return httpx.Response(status, headers=kept, content=content, request=request)


class InventoryTransport(httpx.BaseTransport):
    """An httpx transport: ``base_url`` answered by ``app``, other URLs by ``passthrough``."""

    def __init__(self, app: WsgiApp, base_url: str, passthrough: httpx.BaseTransport | None = None) -> None:
        self._app = app
        self._pattern = url_pattern(base_url)
        self._passthrough = passthrough

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._pattern.match(str(request.url)):
            return answer(self._app, request)
        if self._passthrough is None:
            self._passthrough = httpx.HTTPTransport()
        return self._passthrough.handle_request(request)

    def close(self) -> None:
        if self._passthrough is not None:
            self._passthrough.close()


async def answer_async(app: WsgiApp, request: httpx.Request, may_block: MayBlock) -> httpx.Response:
    """``answer`` for an async client: inline, or in a worker thread while the app may sleep."""
    await request.aread()
    if may_block():
        return await anyio.to_thread.run_sync(answer, app, request)
    return answer(app, request)


def _always() -> bool:
    return True


class AsyncInventoryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``InventoryTransport``; ``may_block`` as ``answer_async`` (default: always)."""

    def __init__(
        self,
        app: WsgiApp,
        base_url: str,
        passthrough: httpx.AsyncBaseTransport | None = None,
        may_block: MayBlock = _always,
    ) -> None:
        self._app = app
        self._pattern = url_pattern(base_url)
        self._passthrough = passthrough
        self._may_block = may_block

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._pattern.match(str(request.url)):
            return await answer_async(self._app, request, self._may_block)
        if self._passthrough is None:
            self._passthrough = httpx.AsyncHTTPTransport()
        return await self._passthrough.handle_async_request(request)

    async def aclose(self) -> None:
        if self._passthrough is not None:
            await self._passthrough.aclose()


def _routes() -> list[tuple[object, str, object]]:
    return [
        (httpx.HTTPTransport, "handle_request", _handle_request),
        (httpx.AsyncHTTPTransport, "handle_async_request", _handle_async_request),
    ]


_ROUTED: Routed[tuple[re.Pattern[str], WsgiApp, MayBlock]] = Routed(_routes)


def _route_of(url: str) -> tuple[re.Pattern[str], WsgiApp, MayBlock] | None:
    for route in reversed(_ROUTED.routes):  # the newest first: a nested fake answers its own URL
        if route[0].match(url):
            return route
    return None


def _handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    route = _route_of(str(request.url))
    if route is not None:
        return answer(route[1], request)
    send = _ROUTED.original(httpx.HTTPTransport, "handle_request")
    response: httpx.Response = send(transport, request)
    return response


async def _handle_async_request(transport: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
    route = _route_of(str(request.url))
    if route is not None:
        return await answer_async(route[1], request, route[2])
    send = _ROUTED.original(httpx.AsyncHTTPTransport, "handle_async_request")
    response: httpx.Response = await send(transport, request)
    return response


def patching(app: WsgiApp, base_url: str, may_block: MayBlock = _always) -> AbstractContextManager[None]:
    """Answer ``base_url`` in-process for every httpx client on the default transports, inside
    the block (the methods are replaced from the first active block to the last)."""
    return _ROUTED.active((url_pattern(base_url), app, may_block))
