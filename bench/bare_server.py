"""A bare Flask app with one static route, served like ``inventory-mock serve`` serves the fake.

``python -m bench.bare_server PORT SERVER`` (the start-up baseline): imports Flask and
``mockserver.transports.serving`` only, not the fake.
"""

from __future__ import annotations

import sys

from flask import Flask, Response

from mockserver.transports import serving

BODY = b'{"data":[]}'


def create_app() -> Flask:
    app = Flask("bare")

    @app.get("/api/v2/public/orgs/<org_id>/inventory")
    def list_inventory(org_id: str) -> Response:
        return Response(BODY, mimetype="application/json")

    return app


if __name__ == "__main__":
    serving.serve(create_app(), "127.0.0.1", int(sys.argv[1]), sys.argv[2], on_ready=lambda url: None)
