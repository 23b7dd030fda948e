"""What the API document names, in one place: scopes, the four endpoints, the numbers.

No logic: the store enforces the rules, the app reads ``ENDPOINTS`` to route and to
authorize, the fault plan reads the endpoint names. The log cap and the history window
come from the schemas, where they are written once.
"""

from __future__ import annotations

from dataclasses import dataclass

import schemas

READ_SCOPE = "inventory.read"
WRITE_SCOPE = "inventory.write"
API_SCOPES = frozenset({READ_SCOPE, WRITE_SCOPE})
SCOPE_RULES = {READ_SCOPE: "SCOPE-READ", WRITE_SCOPE: "SCOPE-WRITE"}

_LIMITS = schemas.documented_limits()
LOG_CAP = _LIMITS.log_cap
HISTORY_DEFAULT_DAYS = _LIMITS.history_default_days
HISTORY_MAX_DAYS = _LIMITS.history_max_days

API_PREFIX = "/api/v2/public/orgs/<org_id>/inventory"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of the document: its name (also a fault rule's ``route``), method, path, scope."""

    name: str
    method: str
    path: str
    scope: str


ENDPOINTS = (
    Endpoint("list", "GET", API_PREFIX, READ_SCOPE),
    Endpoint("adjust", "POST", f"{API_PREFIX}/adjust", WRITE_SCOPE),
    Endpoint("log", "GET", f"{API_PREFIX}/<p1_id>/log", READ_SCOPE),
    Endpoint("history", "GET", f"{API_PREFIX}/<p1_id>/history", READ_SCOPE),
)
ENDPOINT_METHODS = {endpoint.name: endpoint.method for endpoint in ENDPOINTS}
