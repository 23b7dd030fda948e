"""The out-of-stock receiver against the fake: in-process, over HTTP, and its own checks."""

from __future__ import annotations

import json

import requests
from stock_alert_receiver import create_receiver

from mockserver import InventoryMock, LiveServer, sign

BASE = "http://inventory.test"
SECRET = "whsec-example"
TOKEN = "demo-read-write"


def sell_out(base_url: str) -> None:
    answer = requests.post(
        f"{base_url}/api/v2/public/orgs/demo-org/inventory/adjust",
        json={"p1_id": 12347, "delta_on_hand": -8, "reason": "POS sale TX-9"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 200


def test_in_process_receiver_reorders_when_out_of_stock() -> None:
    mock = InventoryMock()
    receiver = create_receiver(SECRET, BASE, "demo-org", TOKEN, reorder_quantity=24)
    mock.subscribe("https://shop.example/webhooks/inventory", events=["out_of_stock"], secret=SECRET, app=receiver)
    with mock.intercept(BASE):
        sell_out(BASE)
        mock.wait_for_deliveries()
    event = mock.assert_event("out_of_stock", p1_id=12347, count=1)
    assert [d.state for d in mock.deliveries(event)] == ["delivered"]
    assert (mock.stock(12347), mock.incoming(12347)) == (0, 24)
    assert mock.log(12347)[0]["reason"] == f"reorder after out_of_stock {event.id}"


def test_receiver_over_http_survives_a_failed_first_delivery() -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=0.01)
    with mock.serve() as api:
        receiver = create_receiver(SECRET, api.url, "demo-org", TOKEN)
        with LiveServer(receiver) as hooks:
            mock.subscribe(f"{hooks.url}/webhooks/inventory", secret=SECRET)
            # The 3rd adjust is the receiver's first reorder: it fails, so the receiver answers 502.
            mock.add_fault("adjust", "status", status=503, every=3, times=1)
            # Sell 12347 out in two steps: low_stock at 3, then out_of_stock.
            for delta in (-5, -3):
                requests.post(
                    f"{api.url}/api/v2/public/orgs/demo-org/inventory/adjust",
                    json={"p1_id": 12347, "delta_on_hand": delta, "reason": "POS sale"},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=10,
                ).raise_for_status()
            events = requests.get(f"{api.url}/_mock/events", params={"wait_seconds": 10}, timeout=20).json()
    assert [e["type"] for e in events["data"]] == ["low_stock", "out_of_stock"]
    assert receiver.config["low_stock"] == [12347]
    out = events["data"][1]["deliveries"][0]
    assert [a["status"] for a in out["attempts"]] == [502, 204]
    assert mock.incoming(12347) == 50  # reordered once


def test_receiver_rejects_bad_signatures_and_handles_duplicates_once() -> None:
    mock = InventoryMock()
    receiver = create_receiver(SECRET, BASE, "demo-org", TOKEN).test_client()
    body = json.dumps(
        {
            "id": "evt-1",
            "type": "out_of_stock",
            "org_id": "demo-org",
            "p1_id": 12349,
            "stockquantity": 0,
            "threshold": 5,
            "occurred_at": "2026-06-05T14:00:00Z",
            "log_entry_id": "x",
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    assert (
        receiver.post("/webhooks/inventory", data=body, headers={**headers, **sign(body, "wrong")}).status_code == 401
    )
    stale = sign(body, SECRET, timestamp=1_600_000_000)
    assert receiver.post("/webhooks/inventory", data=body, headers={**headers, **stale}).status_code == 401
    with mock.intercept(BASE):
        for _ in range(2):
            answer = receiver.post("/webhooks/inventory", data=body, headers={**headers, **sign(body, SECRET)})
            assert answer.status_code in (200, 204)
    assert mock.incoming(12349) == 250  # 200 + one reorder of 50
