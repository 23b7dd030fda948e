"""While the fake answers a base URL in-process, a client library it cannot intercept (urllib,
aiohttp, a socket of its own) fails to resolve the base URL's host with a message that says
what to do, instead of a bare "Name or service not known"."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

INTERCEPTED = "requests and httpx"


def _is_literal(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@contextmanager
def hinting(base_url: str) -> Iterator[None]:
    """Make resolving ``base_url``'s host raise ``socket.gaierror`` naming the fix.

    A made-up host (``inventory.mock``) is refused on every port: another port or scheme is a
    wrong base URL. An IP address or ``localhost`` is refused on the base URL's port only.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _is_literal(host)
    original = socket.getaddrinfo

    def getaddrinfo(name: Any, service: Any, *args: Any, **kwargs: Any) -> Any:
        asked = name.decode() if isinstance(name, bytes) else name
        asked_port = _port(service)
        if isinstance(asked, str) and asked.lower().strip("[]") == host and (not literal or asked_port == port):
            if asked_port in (port, None):
                problem = (
                    f"{base_url} is answered in-process for {INTERCEPTED} clients only; this client uses "
                    "another library: serve the fake on a socket instead (the inventory_server fixture, "
                    "or InventoryMock.serve())"
                )
            else:
                problem = (
                    f"{host}:{asked_port} is not the fake: it answers {base_url} in-process "
                    "(a wrong scheme or port; use the fixture's base_url)"
                )
            raise socket.gaierror(socket.EAI_NONAME, problem)
        return original(name, service, *args, **kwargs)

    with mock.patch.object(socket, "getaddrinfo", getaddrinfo):
        yield


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
