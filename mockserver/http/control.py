"""The control API under ``/_mock/``: reset, seed, state, products, tokens, clock, journal.

Not part of the Inventory & stock API; only the fake has it. Errors use the same
body as the API (``{"error", "message"}``).
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, request

from mockserver.alerts.events import DEFAULT_LOW_STOCK_THRESHOLD
from mockserver.clock import EARLIEST, LATEST, format_timestamp, in_range, parse_timestamp
from mockserver.errors import InvalidRequest, MockUsageError, ProfileError, SeedError, Unauthorized
from mockserver.http.bodies import CONTROL_PREFIX, json_object_body, json_response
from mockserver.profile import Profile
from mockserver.state.journal import Journal
from mockserver.state.seed import check_seed
from mockserver.state.store import Store

CONTROL_TOKEN_HEADER = "X-Mock-Control-Token"


def control_blueprint(store: Store, journal: Journal, control_token: str | None, seed_label: str) -> Blueprint:
    """Routes of the control API, bound to one store and journal."""
    control = Blueprint("control", __name__, url_prefix=CONTROL_PREFIX)
    expected = b"" if control_token is None else control_token.encode("utf-8", "surrogateescape")

    @control.before_request
    def require_control_token() -> None:
        if control_token is None:
            return
        # Compare bytes as they came over the wire (WSGI headers are latin-1 strings)
        # with the token's bytes as given on the command line (argv: surrogateescape).
        given = request.headers.get(CONTROL_TOKEN_HEADER, "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, expected):
            raise Unauthorized(f"the control API needs the header {CONTROL_TOKEN_HEADER}", field=CONTROL_TOKEN_HEADER)

    @control.post("/reset")
    def reset() -> Response:
        store.reset()
        store.clock.reset()
        journal.clear()
        return json_response({"status": "ok"})

    @control.put("/seed")
    def load_seed() -> Response:
        seed = json_object_body()
        try:
            check_seed(seed, "PUT /_mock/seed")
            store.load(seed, "PUT /_mock/seed")
        except SeedError as error:
            raise InvalidRequest(f"seed: {error.path}: {error.problem}", field=error.path) from None
        journal.clear()
        return json_response({"status": "ok"})

    @control.get("/state")
    def state() -> Response:
        return json_response(store.dump())

    @control.post("/products")
    def add_product() -> Response:
        org_id, product = _seed_item("products")
        if product.get("log"):
            raise InvalidRequest("log: add a product without a log, then adjust it or load a seed", field="log")
        _usage(
            store.add_product,
            org_id,
            product["p1_id"],
            product["name"],
            product["stockquantity"],
            incoming=product.get("incoming", 0),
            price=product.get("price"),
            category=product.get("category"),
            low_stock_threshold=product.get("low_stock_threshold", DEFAULT_LOW_STOCK_THRESHOLD),
        )
        return json_response({"status": "ok"}, 201)

    @control.post("/tokens")
    def add_token() -> Response:
        org_id, token = _seed_item("tokens")
        _usage(store.add_token, org_id, token["token"], token["scopes"])
        return json_response({"status": "ok"}, 201)

    @control.get("/profile")
    def read_profile() -> Response:
        return json_response(store.profile.to_json())

    @control.put("/profile")
    def set_profile() -> Response:
        try:
            store.profile = Profile.from_json(json_object_body(), "PUT /_mock/profile")
        except ProfileError as error:
            raise InvalidRequest(f"profile: {error.path}: {error.problem}", field=error.path) from None
        return json_response(store.profile.to_json())

    @control.get("/clock")
    def read_clock() -> Response:
        return _clock_state(store)

    @control.post("/clock")
    def drive_clock() -> Response:
        body = json_object_body()
        unknown = set(body) - {"now", "advance_seconds", "frozen"}
        if unknown:
            raise InvalidRequest(
                f"{sorted(unknown)[0]}: is not an allowed field (allowed: advance_seconds, frozen, now)"
            )
        clock = store.clock
        if "now" in body:
            try:
                clock.set(parse_timestamp(body["now"]))
            except (TypeError, ValueError, AttributeError):
                raise InvalidRequest(
                    f"now: must be an ISO 8601 date-time with an offset, in {EARLIEST.year}..{LATEST.year - 1}",
                    field="now",
                ) from None
        if "advance_seconds" in body:
            step = body["advance_seconds"]
            if isinstance(step, bool) or not isinstance(step, int | float) or abs(step) > 10**10:
                raise InvalidRequest("advance_seconds: must be a number of seconds", field="advance_seconds")
            try:
                in_range(clock.now() + timedelta(seconds=step))
            except (OverflowError, ValueError):
                raise InvalidRequest(
                    f"advance_seconds: would move the clock outside {EARLIEST.year}..{LATEST.year - 1}",
                    field="advance_seconds",
                ) from None
            clock.advance(seconds=step)
        if "frozen" in body:
            if not isinstance(body["frozen"], bool):
                raise InvalidRequest("frozen: must be a boolean", field="frozen")
            clock.freeze() if body["frozen"] else clock.unfreeze()
        return _clock_state(store)

    @control.get("/journal")
    def read_journal() -> Response:
        return json_response({"data": [entry.to_json() for entry in journal.entries()]})

    @control.delete("/journal")
    def clear_journal() -> Response:
        journal.clear()
        return json_response({"status": "ok"})

    return control


def _clock_state(store: Store) -> Response:
    return json_response({"now": format_timestamp(store.clock.now()), "frozen": store.clock.frozen})


def _seed_item(kind: str) -> tuple[str, dict[str, Any]]:
    """``(org_id, item)`` from a body ``{"org_id", ...item}``, the item checked as a seed's ``kind``."""
    body = json_object_body()
    org_id = body.get("org_id")
    if not isinstance(org_id, str):
        raise InvalidRequest("org_id: is required and must be a string", field="org_id")
    item = {key: value for key, value in body.items() if key != "org_id"}
    try:
        check_seed({"orgs": [{"id": org_id, kind: [item]}]}, f"POST /_mock/{kind}")
    except SeedError as error:
        path = error.path.replace(f"$.orgs[0].{kind}[0]", "$").replace("$.orgs[0].id", "$.org_id")
        raise InvalidRequest(f"{path}: {error.problem}", field=path.removeprefix("$.")) from None
    return org_id, item


def _usage(method: Any, *args: Any, **kwargs: Any) -> None:
    try:
        method(*args, **kwargs)
    except MockUsageError as error:
        raise InvalidRequest(str(error)) from None
