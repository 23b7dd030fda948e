"""The Flask app: maps HTTP to ``Store`` calls. No rule lives here.

Flow of an API request: route -> ``Store.authorize`` (401/403) -> ``parsing`` (415/400)
-> ``Store`` call (404/409) -> JSON. Every ``ApiError`` goes through one handler;
``after_request`` writes the journal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import NullSession, SessionInterface
from flask.wrappers import Request
from werkzeug.exceptions import ClientDisconnected, HTTPException

import schemas
from mockserver.alerts.delivery import WebhookDispatcher
from mockserver.api import ENDPOINTS
from mockserver.errors import (
    ApiError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
)
from mockserver.faults import hooks as fault_injection
from mockserver.http import parsing
from mockserver.http.alerts_routes import alerts_blueprint
from mockserver.http.bodies import COMPACT_JSON, CONTROL_PREFIX, error_response, json_response
from mockserver.http.control import control_blueprint
from mockserver.http.faults_routes import faults_blueprint
from mockserver.profile import DEFAULT
from mockserver.state.journal import Journal, JournalEntry, Violation, redact
from mockserver.state.store import Store

_log = logging.getLogger("mockserver")


@dataclass(frozen=True)
class ControlSettings:
    """How the control API under ``/_mock/`` is exposed."""

    enabled: bool = True
    token: str | None = None


class _NoSessions(SessionInterface):
    """The fake keeps no session: one shared, empty ``NullSession`` (it refuses writes), never saved."""

    null_session_class = NullSession
    _empty = NullSession()

    def open_session(self, app: Flask, request: Request) -> NullSession:
        return self._empty

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


class FakeFlask(Flask):
    """Flask without the per-request work the fake does not need (every view and hook is synchronous)."""

    session_interface = _NoSessions()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Flask asks inspect whether each hook and view is a coroutine function, on every request.
        return func


class ListBodies:
    """The list's JSON, item by item: an item's text is reused while the store hands out the same item.

    ``Store.list_inventory`` returns each product's rendering, kept until the product changes
    (``Product.rendered``); a changed product comes back as a new object and is encoded again. The
    joined text is byte-identical to ``json.dumps`` of the whole list (compact separators) and a newline,
    as every answer of the fake ends.
    """

    def __init__(self) -> None:
        self._texts: dict[str, dict[int, tuple[object, str]]] = {}

    def render(self, org_id: str, items: list[dict[str, Any]]) -> str:
        known = self._texts.get(org_id, {})
        texts: dict[int, tuple[object, str]] = {}
        for item in items:
            cached = known.get(id(item))
            # The cache holds the item itself, so its id cannot be reused by another object meanwhile.
            if cached is None or cached[0] is not item:
                cached = (item, COMPACT_JSON.encode(item))
            texts[id(item)] = cached
        self._texts[org_id] = texts  # only the current items: the cache stays as big as the list
        return '{"data":[' + ",".join(text for _, text in texts.values()) + "]}\n"


def create_app(
    store: Store,
    journal: Journal,
    control: ControlSettings | None = None,
    *,
    seed_label: str = "seed",
    webhooks: WebhookDispatcher | None = None,
    readers: parsing.Readers | None = None,
    control_routes: Iterable[Blueprint] = (),
) -> Flask:
    """Build the WSGI app of the fake around ``store`` and ``journal``.

    ``readers``: what turns request parts into values (a mutant swaps one; the faithful ones by
    default). ``control_routes``: more blueprints under ``/_mock/``, behind its token check.
    """
    if readers is None:
        readers = parsing.Readers()
    app = FakeFlask("mockserver")
    # One byte more than the limit: werkzeug truncates a chunked body at this maximum
    # instead of refusing it, so parsing.json_body can only see "too large" past it.
    app.config["MAX_CONTENT_LENGTH"] = parsing.MAX_BODY_BYTES + 1
    json_provider = DefaultJSONProvider(app)  # Flask's default provider, typed as itself (app.json: JSONProvider)
    json_provider.ensure_ascii = False
    app.json = json_provider
    # No 308 redirect (an HTML page) for "//" or a decoded %2F in a path: a JSON 404 instead.
    app.url_map.merge_slashes = False
    app.extensions["inventory_mock"] = {"store": store, "journal": journal, "readers": readers}

    list_bodies = ListBodies()

    def list_inventory(org_id: str) -> Response:
        return Response(list_bodies.render(org_id, store.list_inventory(org_id)), mimetype="application/json")

    def adjust(org_id: str) -> Response:
        profile = store.profile
        request.max_content_length = profile.limits.body_cap + 1  # see MAX_CONTENT_LENGTH above
        body = parsing.json_body(request.get_data(cache=True), request.mimetype, profile)
        g.journal_body = body  # the journal keeps it as parsed, instead of decoding the bytes again
        entry = store.adjust(org_id, readers.adjust(body, profile))
        return json_response({"status": "ok", "id": entry.id}, profile.adjust_status)

    def stock_log(org_id: str, p1_id: str) -> Response:
        return json_response({"data": store.log(org_id, parsing.product_id(p1_id))})

    def stock_history(org_id: str, p1_id: str) -> Response:
        product = parsing.product_id(p1_id)
        days = readers.days(request.args.getlist("days"))
        return json_response({"data": store.history(org_id, product, days)})

    views: dict[str, Callable[..., Response]] = {
        "list": list_inventory,
        "adjust": adjust,
        "log": stock_log,
        "history": stock_history,
    }
    for endpoint in ENDPOINTS:  # the table says which scope each endpoint needs
        app.add_url_rule(
            endpoint.path,
            endpoint.name,
            _authorized(store, endpoint.scope, views[endpoint.name]),
            methods=[endpoint.method],
        )

    @app.get("/openapi.json")
    def openapi_document() -> Response:
        return json_response(schemas.openapi())

    @app.errorhandler(ApiError)
    def render_api_error(error: ApiError) -> Response:
        g.api_error = error
        api = not request.path.startswith(CONTROL_PREFIX)  # the control API is the fake's own: one format
        return error_response(error, store.profile if api else DEFAULT)

    @app.errorhandler(HTTPException)
    def render_http_exception(error: HTTPException) -> Response:
        if error.code is not None and error.code >= 500:  # Flask's wrapper of an unhandled exception
            return render_unexpected(error)
        return render_api_error(_from_http_exception(error))

    @app.errorhandler(Exception)
    def render_unexpected(error: Exception) -> Response:
        # A bug in the fake: say so in JSON, keep the traceback in the server's log.
        _log.exception("unexpected error in the fake")
        return json_response({"error": "internal_error", "message": "the fake hit a bug; see its log"}, 500)

    @app.after_request
    def write_journal(response: Response) -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not ten
        path = current.path
        if not path.startswith(CONTROL_PREFIX) and path != "/openapi.json":
            journal.record(_journal_entry(current, response.status_code))
        return response

    fault_injection.install(app, store.faults, render_api_error)  # last: see install()
    if webhooks is None:  # delivers the store's stock alerts (InventoryMock passes its own)
        webhooks = WebhookDispatcher(store.events, store.clock, allowed_hosts=store.allowed_webhook_hosts)
        store.add_event_listener(webhooks.enqueue)
    app.extensions["inventory_mock"]["webhooks"] = webhooks

    if control is None:
        control = ControlSettings()
    if control.enabled:
        blueprint = control_blueprint(store, journal, control.token, seed_label)
        # under /_mock/, behind the same token check
        blueprint.register_blueprint(alerts_blueprint(store, webhooks))
        blueprint.register_blueprint(faults_blueprint(store))
        for routes in control_routes:
            blueprint.register_blueprint(routes)
        app.register_blueprint(blueprint)
    return app


def _authorized(store: Store, scope: str, view: Callable[..., Response]) -> Callable[..., Response]:
    """``view`` behind the bearer-token check for ``scope`` (401 -> 403, in the store)."""

    def authorized_view(org_id: str, **path: str) -> Response:
        token = parsing.bearer_token(request.headers.get("Authorization"))
        g.token = token
        store.authorize(token, org_id, scope)
        return view(org_id, **path)

    return authorized_view


def _from_http_exception(error: HTTPException) -> ApiError:
    if error.code == 404:
        # A typo in a client's URL is a contract violation, unlike an unknown product.
        return NotFound(f"no route for {request.method} {request.path[:200]}", field="path", rule="ENDPOINT")
    if error.code == 405:
        allowed = tuple(sorted(getattr(error, "valid_methods", None) or []))
        return MethodNotAllowed(
            f"method {request.method} is not allowed here (allowed: {', '.join(allowed)})",
            allowed=allowed,
            field="method",
        )
    if error.code == 413:
        cap = request.max_content_length - 1 if request.max_content_length else parsing.MAX_BODY_BYTES
        return PayloadTooLarge(f"body: must be at most {cap} bytes", field="body")
    if isinstance(error, ClientDisconnected):
        return InvalidRequest("body: ended before its Content-Length, or a malformed chunk", field="body")
    return InvalidRequest(f"request: {error.description or error.name}")


def _journal_entry(request: Request, status: int) -> JournalEntry:
    context = g._get_current_object()  # one proxy lookup
    error: ApiError | None = context.get("api_error")
    violations: tuple[Violation, ...] = ()
    if error is not None and error.rule is not None:
        violations = (Violation(error.rule, error.message, error.field),)
    parsed = context.get("journal_body", _NOT_PARSED)
    return JournalEntry(
        method=request.method,
        path=request.path,
        query=request.query_string.decode("latin-1"),
        body=_journal_body(request) if parsed is _NOT_PARSED else parsed,
        status=status,
        token=redact(context.get("token")),
        error=None if error is None else error.code,
        violations=violations,
    )


_NOT_PARSED = object()


def _journal_body(request: Request) -> Any:
    if request.environ.get("CONTENT_LENGTH") in (None, "", "0"):
        return None  # no body; cheaper than request.content_length, which parses headers on every request
    length = request.content_length
    if not length:
        return None
    if length > parsing.MAX_BODY_BYTES:
        return f"<{length} bytes, not kept>"
    try:
        raw = request.get_data(cache=True)
    except (HTTPException, OSError):  # a body shorter than its Content-Length: the answer stands
        return f"<{length} bytes announced, not readable>"
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw[:1000].decode("utf-8", "replace")
