"""A webhook receiver that reorders a product when it runs out of stock.

It checks the signature (the fake's inferred scheme: ``X-Inventory-Signature:
sha256=HMAC-SHA256(secret, "<X-Inventory-Timestamp>." + body)``), handles each event id
once (deliveries are retried, so duplicates happen), and on ``out_of_stock`` books the
reorder as incoming stock through the API.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time

import requests
from flask import Flask, request

TOLERANCE_SECONDS = 300


def signature_ok(body: bytes, timestamp: str, signature: str, secret: str) -> bool:
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, f"sha256={expected}")


def create_receiver(secret: str, inventory_url: str, org_id: str, token: str, reorder_quantity: int = 50) -> Flask:
    """The receiver app; ``inventory_url`` is the API's base URL."""
    app = Flask("stock-alert-receiver")
    seen: set[str] = set()
    lock = threading.Lock()
    app.config["low_stock"] = low_stock = []

    @app.post("/webhooks/inventory")
    def inventory_alert() -> tuple[str, int]:
        body = request.get_data()
        timestamp = request.headers.get("X-Inventory-Timestamp", "")
        if not signature_ok(body, timestamp, request.headers.get("X-Inventory-Signature", ""), secret):
            return "bad signature", 401
        event = request.get_json()
        with lock:
            if event["id"] in seen:
                return "", 200  # a retried delivery we already handled
            seen.add(event["id"])
        if event["type"] == "low_stock":
            low_stock.append(event["p1_id"])
        elif event["type"] == "out_of_stock":
            answer = requests.post(
                f"{inventory_url}/api/v2/public/orgs/{org_id}/inventory/adjust",
                json={
                    "p1_id": event["p1_id"],
                    "delta_incoming": reorder_quantity,
                    "reason": f"reorder after out_of_stock {event['id']}",
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            if answer.status_code != 200:
                with lock:
                    seen.discard(event["id"])  # not handled: let the retry come in
                return "reorder failed", 502
        return "", 204

    return app
