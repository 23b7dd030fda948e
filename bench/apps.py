"""WSGI apps the servers are compared on: the fake, and a bare Flask app with the same static bodies.

Both are module-level objects so every server (werkzeug, waitress, gunicorn, granian)
can load them by ``bench.apps:NAME``.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response

from mockserver.fake import InventoryMock

ORG = "demo-org"
LIST_PATH = f"/api/v2/public/orgs/{ORG}/inventory"
ADJUST_PATH = f"{LIST_PATH}/adjust"
ADJUST_BODY = json.dumps({"p1_id": 12345, "delta_on_hand": 1, "reason": "bench"}).encode()


def _static_bodies() -> tuple[bytes, bytes]:
    """The fake's own answers to the two requests, so both apps send the same bytes."""
    mock = InventoryMock()
    client = mock.app.test_client()
    headers = {"Authorization": "Bearer demo-read-write"}
    listing = client.get(LIST_PATH, headers=headers).data
    adjusted = client.post(ADJUST_PATH, data=ADJUST_BODY, headers=headers, content_type="application/json").data
    return listing, adjusted


def create_bare_app() -> Flask:
    """A bare Flask app answering the two routes with static bodies (no auth, no state)."""
    listing, adjusted = _static_bodies()
    app = Flask("bare")

    @app.get(LIST_PATH)
    def list_inventory() -> Response:
        return Response(listing, mimetype="application/json")

    @app.post(ADJUST_PATH)
    def adjust() -> Response:
        return Response(adjusted, mimetype="application/json")

    return app


def create_fake_app() -> Flask:
    """The fake on the demo seed, as ``inventory-mock serve --quiet`` serves it."""
    logging.getLogger("mockserver.requests").setLevel(logging.WARNING)
    return InventoryMock().app


bare_app = create_bare_app()
fake_app = create_fake_app()
