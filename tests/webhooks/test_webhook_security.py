"""Webhook delivery under the security model: no redirect is followed, no org hears another's events."""

from __future__ import annotations

import threading

import pytest
import requests
from flask import Flask, redirect

from mockserver import InventoryMock, LiveServer, MockUsageError, WebhookMessage, demo_seed
from mockserver.state.store import Adjustment

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


def test_receivers_are_this_machine_unless_a_host_is_allowed() -> None:
    from mockserver.cli import build_parser

    with pytest.raises(MockUsageError, match=r"host 'hooks\.example\.com' is not this machine"):
        InventoryMock().subscribe("https://hooks.example.com/stock")
    InventoryMock().subscribe("http://127.0.0.1:9/stock")  # loopback: fine
    InventoryMock().subscribe("http://localhost:9/stock")
    allowed = InventoryMock(allow_webhook_hosts=["hooks.example.com"])
    assert allowed.subscribe("https://hooks.example.com/stock").url == "https://hooks.example.com/stock"

    # A seed's subscription may be routed in-process later; over HTTP, delivery refuses the host.
    seed = demo_seed()
    seed["orgs"][0]["webhooks"] = [{"url": "https://hooks.example.com/stock", "secret": "s"}]
    mock = InventoryMock(seed)
    mock.store.adjust("demo-org", Adjustment(12347, "sale", delta_on_hand=-8))  # 8 -> 0: out_of_stock
    mock.wait_for_deliveries()
    [event] = mock.events_of("out_of_stock")
    attempts = mock.deliveries(event)[0].attempts
    assert attempts
    assert all(a.status is None and "not this machine" in (a.error or "") for a in attempts)
    assert (
        "hooks.example.com"
        in InventoryMock({**seed, "allow_webhook_hosts": ["hooks.example.com"]}).store.allowed_webhook_hosts()
    )

    with InventoryMock().intercept("https://inventory.test"):
        answer = requests.post(
            "https://inventory.test/_mock/webhooks",
            json={"org_id": "demo-org", "url": "ftp://127.0.0.1/x", "secret": "s"},
            timeout=5,
        )
    assert answer.status_code == 400
    assert answer.json()["field"] == "url"
    args = build_parser().parse_args(["serve", "--allow-webhook-host", "a.test", "--allow-webhook-host", "b.test"])
    assert args.allow_webhook_host == ["a.test", "b.test"]
