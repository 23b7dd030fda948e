"""Control API for alerts and faults, nested in the ``/_mock/`` blueprint (same token check).

- ``GET|POST|DELETE /_mock/webhooks``: subscriptions (``{"org_id", "url", "secret", "events"?}``)
- ``PUT /_mock/webhooks/retry``: the delivery retry policy
- ``PUT /_mock/thresholds``: ``{"org_id", "p1_id", "low_stock_threshold"}``
- ``GET /_mock/events[?wait_seconds=N]``: every alert with its delivery attempts (after
  waiting up to N seconds for pending deliveries to settle); ``DELETE`` forgets them
- ``GET|POST|DELETE /_mock/faults``, ``DELETE /_mock/faults/<id>``: fault rules
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mockserver import parsing
from mockserver.app import json_response
from mockserver.errors import InvalidRequest, MockUsageError, NotFound, SeedError
from mockserver.events import Subscription
from mockserver.seed import check_seed
from mockserver.store import Store
from mockserver.webhooks import WebhookDispatcher

MAX_WAIT_SECONDS = 30.0


def alerts_blueprint(store: Store, webhooks: WebhookDispatcher) -> Blueprint:
    """Routes for webhooks, thresholds, events and faults, bound to one store and dispatcher."""
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
        body = _json_object()
        org_id = _string(body, "org_id")
        webhook = {key: value for key, value in body.items() if key != "org_id"}
        _check({"orgs": [{"id": org_id, "webhooks": [webhook]}]}, "$.orgs[0].webhooks[0]", "POST /_mock/webhooks")
        store.add_webhook(org_id, Subscription.from_seed(webhook))
        return json_response({"status": "ok"}, 201)

    @alerts.delete("/webhooks")
    def clear_webhooks() -> Response:
        store.clear_webhooks(request.args.get("org_id"))
        return json_response({"status": "ok"})

    @alerts.put("/webhooks/retry")
    def set_retry() -> Response:
        body = _json_object()
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
        body = _json_object()
        org_id = _string(body, "org_id")
        p1_id, threshold = body.get("p1_id"), body.get("low_stock_threshold")
        if isinstance(p1_id, bool) or not isinstance(p1_id, int):
            raise InvalidRequest("p1_id: is required and must be an integer", field="p1_id")
        try:
            store.set_low_stock_threshold(org_id, p1_id, threshold)  # type: ignore[arg-type]
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

    @alerts.get("/faults")
    def list_faults() -> Response:
        return json_response({"data": store.faults.to_json()})

    @alerts.post("/faults")
    def add_fault() -> Response:
        spec = _json_object()
        _check({"orgs": [], "faults": [spec]}, "$.faults[0]", "POST /_mock/faults")
        try:
            rule = store.faults.add(spec)
        except MockUsageError as error:
            raise InvalidRequest(str(error)) from None
        return json_response(rule.to_json(), 201)

    @alerts.delete("/faults")
    def clear_faults() -> Response:
        store.faults.clear()
        return json_response({"status": "ok"})

    @alerts.delete("/faults/<rule_id>")
    def remove_fault(rule_id: str) -> Response:
        try:
            store.faults.remove(rule_id)
        except MockUsageError as error:
            raise NotFound(str(error), field="id") from None
        return json_response({"status": "ok"})

    return alerts


def _json_object() -> dict[str, Any]:
    body = parsing.json_body(request.get_data(cache=True), request.mimetype)
    if not isinstance(body, dict):
        raise InvalidRequest("body: must be a JSON object", field="body")
    return body


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"{name}: is required and must be a string", field=name)
    return value


def _check(seed: dict[str, Any], prefix: str, label: str) -> None:
    try:
        check_seed(seed, label)
    except SeedError as error:
        raise InvalidRequest(f"{error.path.replace(prefix, '$')}: {error.problem}") from None
