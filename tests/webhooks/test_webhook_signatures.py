"""HMAC-SHA256 signatures of webhook bodies, and the helper receivers use to check them."""

from __future__ import annotations

import hashlib
import hmac

from mockserver import InventoryMock, WebhookMessage, sign, verify_signature
from mockserver.alerts.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from mockserver.state.store import Adjustment

BODY = b'{"id":"e1","type":"low_stock"}'


def test_signature_is_hmac_sha256_of_timestamp_and_body() -> None:
    headers = sign(BODY, "s3cret", timestamp=1_700_000_000)
    expected = hmac.new(b"s3cret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {TIMESTAMP_HEADER: "1700000000", SIGNATURE_HEADER: f"sha256={expected}"}


def test_verify_accepts_a_fresh_valid_signature_in_any_header_case() -> None:
    headers = {key.lower(): value for key, value in sign(BODY, "s3cret").items()}
    assert verify_signature(BODY, headers, "s3cret")


def test_verify_rejects_tampering_wrong_secret_stale_or_missing_headers() -> None:
    headers = sign(BODY, "s3cret", timestamp=1_700_000_000)
    now = 1_700_000_010
    assert verify_signature(BODY, headers, "s3cret", now=now)
    assert not verify_signature(BODY + b" ", headers, "s3cret", now=now)
    assert not verify_signature(BODY, headers, "other", now=now)
    assert not verify_signature(BODY, headers, "s3cret", now=now + 3600)  # replayed an hour later
    assert verify_signature(BODY, headers, "s3cret", now=now + 3600, tolerance=None)
    assert not verify_signature(BODY, {SIGNATURE_HEADER: headers[SIGNATURE_HEADER]}, "s3cret", now=now)
    assert not verify_signature(BODY, {TIMESTAMP_HEADER: headers[TIMESTAMP_HEADER]}, "s3cret", now=now)
    forged = {**headers, TIMESTAMP_HEADER: str(now)}  # a fresh timestamp does not fit the old signature
    assert not verify_signature(BODY, forged, "s3cret", now=now)


def test_delivered_webhooks_verify_under_the_subscription_secret() -> None:
    mock = InventoryMock()
    received: list[WebhookMessage] = []
    mock.subscribe(secret="shop-secret", handler=received.append)
    mock.store.adjust(mock.org_id, Adjustment(12347, "sale", delta_on_hand=-8))
    mock.wait_for_deliveries()
    [message] = received
    assert verify_signature(message.body, message.headers, "shop-secret")
    assert not verify_signature(message.body, message.headers, "inventory-mock-webhook-secret")
    assert message.headers["X-Inventory-Event"] == "out_of_stock"
    assert message.headers["X-Inventory-Event-Id"] == message.event["id"]
    assert message.headers["X-Inventory-Delivery-Attempt"] == "1"
