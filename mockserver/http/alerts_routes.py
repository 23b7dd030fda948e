"""Control API for stock alerts, nested in the ``/_mock/`` blueprint (same token check).

- ``GET|POST|DELETE /_mock/webhooks``: subscriptions (``{"org_id", "url", "secret", "events"?}``)
- ``PUT /_mock/webhooks/retry``: the delivery retry policy
- ``PUT /_mock/thresholds``: ``{"org_id", "p1_id", "low_stock_threshold"}``
- ``GET /_mock/events[?wait_seconds=N]``: every alert with its delivery attempts (after
  waiting up to N seconds for pending deliveries to settle); ``DELETE`` forgets them
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mockserver.alerts.delivery import WebhookDispatcher
from mockserver.alerts.events import Subscription
from mockserver.alerts.receivers import refusal
from mockserver.errors import InvalidRequest, MockUsageError
from mockserver.http.bodies import checked_seed_part, json_object_body, json_response
from mockserver.state.store import Store

MAX_WAIT_SECONDS = 30.0


def alerts_blueprint(store: Store, webhooks: WebhookDispatcher) -> Blueprint:
    """Routes for webhooks, thresholds and events, bound to one store and dispatcher."""
    alerts = Blueprint("alerts", __name__)

    @alerts.get("/webhooks")
    def list_webhooks() -> Response:
        data = [
            {"org_id": org_id, **subscription.to_seed()}
            for org_id in store.org_ids()
            for subscription in store.webhooks(org_id)
        ]
        return json_response({"data": data, "retry": webhooks.policy.to_json()})

    @alerts.post("/webhooks")
    def add_webhook() -> Response:
        body = json_object_body()
        org_id = _string(body, "org_id")
        webhook = {key: value for key, value in body.items() if key != "org_id"}
        checked_seed_part(
            {"orgs": [{"id": org_id, "webhooks": [webhook]}]}, "$.orgs[0].webhooks[0]", "POST /_mock/webhooks"
        )
        refused = refusal(str(webhook.get("url")), store.allowed_webhook_hosts())
        if refused is not None:  # over HTTP no in-process route can follow: refuse now
            raise InvalidRequest(refused, field="url")
        store.add_webhook(org_id, Subscription.from_seed(webhook))
        return json_response({"status": "ok"}, 201)

    @alerts.delete("/webhooks")
    def clear_webhooks() -> Response:
        store.clear_webhooks(request.args.get("org_id"))
        return json_response({"status": "ok"})

    @alerts.put("/webhooks/retry")
    def set_retry() -> Response:
        body = json_object_body()
        for key, value in body.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidRequest(f"{key}: must be a number", field=key)
        try:
            policy = webhooks.configure(**body)
        except (MockUsageError, TypeError) as error:
            raise InvalidRequest(f"retry: {error}") from None
        return json_response({"retry": policy.to_json()})

    @alerts.put("/thresholds")
    def set_threshold() -> Response:
        body = json_object_body()
        org_id = _string(body, "org_id")
        p1_id, threshold = body.get("p1_id"), body.get("low_stock_threshold")
        if isinstance(p1_id, bool) or not isinstance(p1_id, int):
            raise InvalidRequest("p1_id: is required and must be an integer", field="p1_id")
        try:
            store.set_low_stock_threshold(org_id, p1_id, threshold)
        except MockUsageError as error:
            raise InvalidRequest(str(error)) from None
        return json_response({"status": "ok"})

    @alerts.get("/events")
    def list_events() -> Response:
        wait = request.args.get("wait_seconds")
        settled = True
        if wait is not None:
            try:
                seconds = float(wait)
            except ValueError:
                raise InvalidRequest("wait_seconds: must be a number", field="wait_seconds") from None
            settled = webhooks.wait_idle(max(0.0, min(seconds, MAX_WAIT_SECONDS)))
        return json_response({"data": store.events.to_json(), "settled": settled})

    @alerts.delete("/events")
    def clear_events() -> Response:
        store.events.clear()
        return json_response({"status": "ok"})

    return alerts


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"{name}: is required and must be a string", field=name)
    return value
