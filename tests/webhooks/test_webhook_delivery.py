"""Delivery: in-process routing, HTTP to a loopback receiver, retries, never blocking the adjust."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
import requests
from flask import Flask, request

import schemas
from mockserver import InventoryMock, RetryPolicy, WebhookMessage, verify_signature
from mockserver.errors import MockUsageError
from mockserver.state.store import Adjustment
from tests.webhooks.loopback_receiver import Receiver

BASE = "http://inventory.test"
AUTH = {"Authorization": "Bearer demo-read-write"}


def sell(mock: InventoryMock, p1_id: int, quantity: int) -> str:
    return mock.store.adjust(mock.org_id, Adjustment(p1_id, "POS sale", delta_on_hand=-quantity)).id


def test_handler_receives_each_subscribed_event_type_only() -> None:
    mock = InventoryMock()
    everything: list[WebhookMessage] = []
    outages: list[WebhookMessage] = []
    mock.subscribe(handler=everything.append)
    mock.subscribe(events=["out_of_stock"], handler=outages.append)
    sell(mock, 12347, 4)  # low
    sell(mock, 12347, 4)  # out
    mock.wait_for_deliveries()
    assert [m.event["type"] for m in everything] == ["low_stock", "out_of_stock"]
    assert [m.event["type"] for m in outages] == ["out_of_stock"]
    for message in everything:
        assert schemas.violations("webhook-event", message.event) == []


def test_wsgi_receiver_in_process() -> None:
    mock = InventoryMock()
    seen: list[Any] = []
    app = Flask("receiver")

    @app.post("/hooks/stock")
    def hook() -> tuple[str, int]:
        ok = verify_signature(request.get_data(), request.headers, "k")
        seen.append((request.path, request.get_json()["type"], ok))
        return "", 204

    mock.subscribe("https://pos.example/hooks/stock", secret="k", app=app)
    sell(mock, 12347, 8)
    mock.wait_for_deliveries()
    assert seen == [("/hooks/stock", "out_of_stock", True)]
    [delivery] = mock.deliveries(mock.events[0])
    assert (delivery.state, [a.status for a in delivery.attempts]) == ("delivered", [204])


def test_retries_against_a_receiver_that_fails_then_succeeds(receiver: Receiver) -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=0.01, max_attempts=4)
    receiver.statuses = [500, 503]
    mock.subscribe(receiver.url, secret="k")
    sell(mock, 12347, 8)
    mock.wait_for_deliveries()
    [delivery] = mock.deliveries(mock.events[0])
    assert delivery.state == "delivered"
    assert [a.status for a in delivery.attempts] == [500, 503, 200]
    assert [a.number for a in delivery.attempts] == [1, 2, 3]
    bodies = {body for _headers, body in receiver.received}
    assert len(bodies) == 1  # the same event each time: receivers deduplicate on its id
    assert [h["X-Inventory-Delivery-Attempt"] for h, _ in receiver.received] == ["1", "2", "3"]
    assert all(verify_signature(body, headers, "k") for headers, body in receiver.received)


def test_retries_are_bounded_and_the_failure_is_recorded(receiver: Receiver) -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=0.0, max_attempts=3)
    receiver.statuses = [500] * 10
    mock.subscribe(receiver.url)
    sell(mock, 12347, 8)
    mock.wait_for_deliveries()
    [delivery] = mock.deliveries(mock.events[0])
    assert delivery.state == "failed"
    assert [a.status for a in delivery.attempts] == [500, 500, 500]
    assert len(receiver.received) == 3


def test_unreachable_receiver_and_raising_handler_are_failed_attempts() -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=0.0, max_attempts=2, timeout=2)

    def broken(_message: WebhookMessage) -> None:
        raise RuntimeError("receiver bug")

    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{probe.getsockname()[1]}/nobody-listens"
    mock.subscribe(handler=broken)
    mock.subscribe(nobody)
    sell(mock, 12347, 8)
    mock.wait_for_deliveries()
    by_url = {d.url: d for d in mock.deliveries(mock.events[0])}
    handler_delivery = next(d for url, d in by_url.items() if url.startswith("inprocess://"))
    assert handler_delivery.state == "failed"
    assert [a.error for a in handler_delivery.attempts] == ["RuntimeError: receiver bug"] * 2
    http_delivery = by_url[nobody]
    assert http_delivery.state == "failed"
    assert all(a.status is None and "ConnectionError" in (a.error or "") for a in http_delivery.attempts)


def test_a_blocked_receiver_never_blocks_or_fails_the_adjust() -> None:
    mock = InventoryMock()
    entered, release = threading.Event(), threading.Event()

    def slow(_message: WebhookMessage) -> int:
        entered.set()
        release.wait(30)
        return 500  # and it fails, too

    mock.configure_webhooks(max_attempts=1)
    mock.subscribe(handler=slow)
    with mock.intercept(BASE):
        url = f"{BASE}/api/v2/public/orgs/demo-org/inventory/adjust"
        answer = requests.post(url, json={"p1_id": 12347, "delta_on_hand": -8, "reason": "sale"}, headers=AUTH)
        assert answer.status_code == 200
        assert entered.wait(10)
        # The receiver is still stuck inside the delivery, yet the API answers on.
        answer = requests.post(url, json={"p1_id": 12347, "delta_on_hand": 1, "reason": "count"}, headers=AUTH)
        assert answer.status_code == 200
        [delivery] = mock.deliveries(mock.events[0])
        assert (delivery.state, delivery.attempts) == ("pending", ())
        release.set()
        mock.wait_for_deliveries()
    [delivery] = mock.deliveries(mock.events[0])
    assert delivery.state == "failed"
    assert mock.stock(12347) == 1


def test_live_server_delivers_over_http_and_control_api_shows_attempts(receiver: Receiver) -> None:
    mock = InventoryMock()
    receiver.statuses = [502]
    with mock.serve() as server:
        control = f"{server.url}/_mock"
        assert requests.put(f"{control}/webhooks/retry", json={"backoff": 0.01}).status_code == 200
        created = requests.post(
            f"{control}/webhooks", json={"org_id": "demo-org", "url": receiver.url, "secret": "k"}, timeout=5
        )
        assert created.status_code == 201
        assert requests.put(
            f"{control}/thresholds", json={"org_id": "demo-org", "p1_id": 12345, "low_stock_threshold": 45}
        ).ok
        sale = {"p1_id": 12345, "delta_on_hand": -5, "reason": "POS sale"}
        answer = requests.post(f"{server.url}/api/v2/public/orgs/demo-org/inventory/adjust", json=sale, headers=AUTH)
        assert answer.status_code == 200
        events = requests.get(f"{control}/events", params={"wait_seconds": 10}).json()
        listed = requests.get(f"{control}/webhooks").json()
    assert events["settled"] is True
    [event] = events["data"]
    assert event["type"] == "low_stock"
    assert event["log_entry_id"] == answer.json()["id"]
    assert [a["status"] for a in event["deliveries"][0]["attempts"]] == [502, 200]
    assert event["deliveries"][0]["state"] == "delivered"
    assert listed["data"] == [
        {"org_id": "demo-org", "url": receiver.url, "events": ["low_stock", "out_of_stock"], "secret": "k"}
    ]
    assert listed["retry"]["backoff"] == 0.01
    assert verify_signature(receiver.received[-1][1], receiver.received[-1][0], "k")


def test_control_api_rejects_bad_subscriptions_and_settings() -> None:
    mock = InventoryMock()
    with mock.serve() as server:
        control = f"{server.url}/_mock"
        missing_secret = requests.post(f"{control}/webhooks", json={"org_id": "demo-org", "url": "http://x"})
        bad_event = requests.post(
            f"{control}/webhooks", json={"org_id": "demo-org", "url": "http://x", "secret": "s", "events": ["sold"]}
        )
        bad_retry = requests.put(f"{control}/webhooks/retry", json={"max_attempts": 0})
        huge_factor = requests.put(f"{control}/webhooks/retry", json={"factor": 1e308})
        unknown_option = requests.put(f"{control}/webhooks/retry", json={"jitter": 1})
        bad_threshold = requests.put(
            f"{control}/thresholds", json={"org_id": "demo-org", "p1_id": 12345, "low_stock_threshold": -1}
        )
    assert (missing_secret.status_code, missing_secret.json()["message"]) == (400, "$.secret: is required")
    assert bad_event.status_code == 400
    assert bad_retry.status_code == 400
    assert (huge_factor.status_code, unknown_option.status_code) == (400, 400)
    assert mock.webhooks.policy == RetryPolicy()
    assert bad_threshold.status_code == 400
    assert mock.store.webhooks("demo-org") == []


def test_reset_drops_subscriptions_routes_and_pending_retries(receiver: Receiver) -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=30.0)  # the retry would wait long: reset must not wait for it
    receiver.statuses = [500]
    mock.subscribe(receiver.url)
    sell(mock, 12347, 8)
    while not mock.deliveries(mock.events[0])[0].attempts:
        mock.webhooks.wait_idle(0.05)
    mock.reset()
    mock.wait_for_deliveries(timeout=5)
    assert mock.events == []
    assert mock.store.webhooks(mock.org_id) == []
    assert len(receiver.received) == 1


def test_subscribe_needs_somewhere_to_deliver() -> None:
    mock = InventoryMock()
    with pytest.raises(MockUsageError):
        mock.subscribe()
    with pytest.raises(MockUsageError):
        mock.subscribe("http://x", events=["restocked"])
    with pytest.raises(MockUsageError):
        mock.route_webhooks("http://x")


@pytest.mark.parametrize(("method", "path"), [("POST", "/_mock/reset"), ("DELETE", "/_mock/events")])
def test_control_reset_and_clearing_events_stop_retries(method: str, path: str) -> None:
    mock = InventoryMock()
    mock.configure_webhooks(backoff=0.0, max_attempts=5)
    entered, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def failing(_message: WebhookMessage) -> int:
        calls.append(1)
        entered.set()
        release.wait(30)
        return 500

    mock.subscribe(handler=failing)
    with mock.serve() as server:
        sell(mock, 12347, 8)
        assert entered.wait(10)  # attempt 1 is in flight
        assert requests.request(method, f"{server.url}{path}", timeout=10).ok
        release.set()
        mock.wait_for_deliveries()
    assert calls == [1]  # its failure was not retried
    assert mock.events == []


def test_backoff_grows_by_factor_up_to_its_cap() -> None:
    policy = RetryPolicy(backoff=0.5, factor=3, max_backoff=10)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.5, 4.5, 10.0]
