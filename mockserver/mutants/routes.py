"""``GET|PUT /_mock/mutant``: which documented rule the standalone fake breaks (``{"mutant": name | null}``)."""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.errors import InvalidRequest, UnknownMutant
from mockserver.http.bodies import json_object_body, json_response
from mockserver.mutants.switch import MutantSwitch


def mutant_blueprint(switch: MutantSwitch) -> Blueprint:
    """The mutant route, nested in the ``/_mock/`` blueprint (same token check)."""
    routes = Blueprint("mutant", __name__)

    def state() -> Response:
        current = switch.current
        return json_response({"mutant": None if current is None else current.name})

    @routes.get("/mutant")
    def read_mutant() -> Response:
        return state()

    @routes.put("/mutant")
    def set_mutant() -> Response:
        body = json_object_body()
        unknown = sorted(set(body) - {"mutant"})
        if unknown or "mutant" not in body:
            raise InvalidRequest('body: must be {"mutant": <name> or null}', field=unknown[0] if unknown else "mutant")
        name = body["mutant"]
        if name is not None and not isinstance(name, str):
            raise InvalidRequest("mutant: must be a mutant's name or null", field="mutant")
        try:
            switch.set(name)
        except UnknownMutant as error:
            raise InvalidRequest(f"mutant: {error}", field="mutant") from None
        return state()

    return routes
