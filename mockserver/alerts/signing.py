"""Webhook signatures (inferred, Stripe-like).

``X-Inventory-Timestamp: <unix seconds>`` and ``X-Inventory-Signature: sha256=<hex
HMAC-SHA256 of "<timestamp>." + body under the secret>``. ``verify_signature`` checks
one, so integrators can test their receiver's check.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Inventory-Signature"
TIMESTAMP_HEADER = "X-Inventory-Timestamp"
DEFAULT_TOLERANCE = 300.0


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """The value of ``X-Inventory-Signature`` for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The signature headers for ``body`` (now, unless ``timestamp`` is given)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: signature(body, secret, stamp)}


def verify_signature(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: float | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Whether ``headers`` carry a valid signature of ``body`` under ``secret``.

    ``body`` must be the raw bytes received. ``tolerance``: the largest accepted age
    (or clock skew) of the timestamp in seconds; ``None`` skips that check.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    try:
        stamp = int(lowered.get(TIMESTAMP_HEADER.lower(), ""))
    except ValueError:
        return False
    if tolerance is not None and abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    return hmac.compare_digest(given.encode(), signature(body, secret, stamp).encode())
