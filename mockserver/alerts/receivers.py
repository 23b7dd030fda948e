"""Which webhook receivers the fake may POST to (docs/security.md).

By default only this machine: ``http(s)`` to a loopback host, or an in-process
``inprocess://`` receiver. Other hosts only when the user names them
(``InventoryMock(allow_webhook_hosts=...)``, ``serve --allow-webhook-host``, or the seed's
``allow_webhook_hosts``), so a seed or a control call cannot turn the fake into a client
of arbitrary hosts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(url: str, allowed_hosts: Iterable[str]) -> str | None:
    """Why the fake may not deliver to ``url``, or ``None`` when it may."""
    parts = urlsplit(url)
    if parts.scheme == "inprocess":
        return None
    if parts.scheme not in ("http", "https"):
        return f"webhook url {url!r}: only http(s) or inprocess:// receivers"
    host = (parts.hostname or "").lower()
    if is_loopback(host) or host in {h.lower() for h in allowed_hosts}:
        return None
    return (
        f"webhook url {url!r}: host {host!r} is not this machine; allow it with allow_webhook_hosts "
        f"(InventoryMock), --allow-webhook-host (serve) or the seed's allow_webhook_hosts"
    )
