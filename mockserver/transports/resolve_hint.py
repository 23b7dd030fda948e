"""While the fake answers a base URL in-process, a client library it cannot intercept (urllib,
aiohttp, a socket of its own) fails to resolve the base URL's host with a message that says
what to do, instead of a bare "Name or service not known"."""

from __future__ import annotations

import ipaddress
import socket
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from mockserver.transports.swap import Routed

INTERCEPTED = "requests and httpx"


def _is_literal(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def hinting(base_url: str) -> AbstractContextManager[None]:
    """Inside the block, resolving ``base_url``'s host raises ``socket.gaierror`` naming the fix.

    A made-up host (``inventory.mock``) is refused on every port: another port or scheme is a
    wrong base URL. An IP address or ``localhost`` is refused on the base URL's port only.
    """
    return _ROUTED.active(base_url)


def _getaddrinfo(name: Any, service: Any, *args: Any, **kwargs: Any) -> Any:
    asked = (name.decode() if isinstance(name, bytes) else name) if name is not None else None
    if isinstance(asked, str):
        asked = asked.lower().strip("[]")
        for base_url in reversed(_ROUTED.routes):
            problem = _problem(base_url, asked, _port(service))
            if problem is not None:
                raise socket.gaierror(socket.EAI_NONAME, problem)
    return _ROUTED.original(socket, "getaddrinfo")(name, service, *args, **kwargs)


def _problem(base_url: str, asked: str, asked_port: int | None) -> str | None:
    host, port, literal = _target(base_url)
    if asked != host or (literal and asked_port != port):
        return None
    if asked_port in (port, None):
        return (
            f"{base_url} is answered in-process for {INTERCEPTED} clients only; this client uses "
            "another library: serve the fake on a socket instead (the inventory_server fixture, "
            "or InventoryMock.serve())"
        )
    return (
        f"{host}:{asked_port} is not the fake: it answers {base_url} in-process "
        "(a wrong scheme or port; use the fixture's base_url)"
    )


_ROUTED: Routed[str] = Routed(lambda: [(socket, "getaddrinfo", _getaddrinfo)])


@lru_cache(maxsize=64)
def _target(base_url: str) -> tuple[str, int, bool]:
    """(host, port, whether the host is an address or localhost) of ``base_url``."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    return host, parts.port or (443 if parts.scheme == "https" else 80), _is_literal(host)


def _port(service: Any) -> int | None:
    if service is None:
        return None
    if isinstance(service, bytes):
        service = service.decode()
    if isinstance(service, int):
        return service
    if str(service).isdigit():
        return int(service)
    try:
        return socket.getservbyname(str(service), "tcp")
    except OSError:
        return None
