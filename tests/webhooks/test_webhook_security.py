"""Webhook delivery under the security model: no redirect is followed, no org hears another's events."""

from __future__ import annotations

import threading

import requests
from flask import Flask, redirect

from mockserver import InventoryMock, LiveServer, WebhookMessage

BASE = "http://inventory.test"
TOKENS = {"demo-org": "demo-read-write", "other-org": "other-org-read-write"}


def sell(mock: InventoryMock, p1_id: int, delta: int, org_id: str = "demo-org") -> None:
    with mock.intercept(BASE):
        requests.post(
            f"{BASE}/api/v2/public/orgs/{org_id}/inventory/adjust",
            json={"p1_id": p1_id, "reason": "POS sale", "delta_on_hand": delta},
            headers={"Authorization": f"Bearer {TOKENS[org_id]}"},
            timeout=10,
        ).raise_for_status()


def test_a_redirect_is_a_failed_attempt_and_never_followed() -> None:
    followed = threading.Event()
    target = Flask("redirect-target")

    @target.post("/elsewhere")
    def elsewhere() -> tuple[str, int]:
        followed.set()
        return "", 200

    with LiveServer(target) as other:
        source = Flask("redirecting-receiver")

        @source.post("/hook")
        def hook() -> object:
            return redirect(f"{other.url}/elsewhere", code=307)  # 307 keeps the POST and its body

        with LiveServer(source) as receiver:
            mock = InventoryMock()
            mock.configure_webhooks(max_attempts=2, backoff=0)
            mock.subscribe(f"{receiver.url}/hook", events=["out_of_stock"])
            sell(mock, 12347, -8)  # 8 -> 0: out_of_stock
            mock.wait_for_deliveries()
    [delivery] = mock.deliveries(mock.assert_event("out_of_stock", p1_id=12347))
    assert delivery.state == "failed"
    assert [attempt.status for attempt in delivery.attempts] == [307, 307]
    assert not followed.is_set()


def test_a_subscription_of_one_org_never_receives_another_orgs_events() -> None:
    mock = InventoryMock()
    heard: dict[str, list[WebhookMessage]] = {"demo-org": [], "other-org": []}
    mock.subscribe(handler=heard["demo-org"].append, org_id="demo-org")
    mock.subscribe(handler=heard["other-org"].append, org_id="other-org")
    sell(mock, 99999, -5, "other-org")  # 5 -> 0 in other-org
    sell(mock, 12347, -8)  # 8 -> 0 in demo-org
    mock.wait_for_deliveries()
    assert [m.event["org_id"] for m in heard["other-org"]] == ["other-org"]
    assert [m.event["p1_id"] for m in heard["other-org"]] == [99999]
    assert {m.event["org_id"] for m in heard["demo-org"]} == {"demo-org"}
    assert 99999 not in {m.event["p1_id"] for m in heard["demo-org"]}
