"""Control API for fault rules, nested in the ``/_mock/`` blueprint (same token check).

- ``GET|POST|DELETE /_mock/faults``: list, add, remove every fault rule
- ``DELETE /_mock/faults/<id>``: remove one
"""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.errors import InvalidRequest, MockUsageError, NotFound
from mockserver.http.bodies import checked_seed_part, json_object_body, json_response
from mockserver.state.store import Store


def faults_blueprint(store: Store) -> Blueprint:
    """Routes for fault rules, bound to one store."""
    faults = Blueprint("faults", __name__)

    @faults.get("/faults")
    def list_faults() -> Response:
        return json_response({"data": store.faults.to_json()})

    @faults.post("/faults")
    def add_fault() -> Response:
        spec = json_object_body()
        checked_seed_part({"orgs": [], "faults": [spec]}, "$.faults[0]", "POST /_mock/faults")
        try:
            rule = store.faults.add(spec)
        except MockUsageError as error:
            raise InvalidRequest(str(error)) from None
        return json_response(rule.to_json(), 201)

    @faults.delete("/faults")
    def clear_faults() -> Response:
        store.faults.clear()
        return json_response({"status": "ok"})

    @faults.delete("/faults/<rule_id>")
    def remove_fault(rule_id: str) -> Response:
        try:
            store.faults.remove(rule_id)
        except MockUsageError as error:
            raise NotFound(str(error), field="id") from None
        return json_response({"status": "ok"})

    return faults
