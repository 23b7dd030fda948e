"""Shared fixtures: a fresh fake per test and a client that checks every response."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

import schemas
from mockserver import InventoryMock

pytest_plugins = ["pytester"]  # the plugin's tests (tests/plugin/) run pytest inside pytest
ORG = "demo-org"
PREFIX = f"/api/v2/public/orgs/{ORG}/inventory"
RW, RO, WO = "demo-read-write", "demo-read-only", "demo-write-only"
OTHER_TOKEN = "other-org-read-write"
# The adjust body of the API document's example, as written there.
DOCUMENTED_ADJUST = {
    "p1_id": "12345",
    "delta_on_hand": -2,
    "delta_incoming": 0,
    "reason": "POS sale",
    "shop_id": "shop1",
    "metadata": {"pos_ref": "TX-999"},
}

_RESPONSE_SCHEMAS = [
    (re.compile(r"^/api/v2/public/orgs/[^/]+/inventory$"), "GET", "inventory-list-response"),
    (re.compile(r"^/api/v2/public/orgs/[^/]+/inventory/adjust$"), "POST", "adjust-response"),
    (re.compile(r"^/api/v2/public/orgs/[^/]+/inventory/[^/]+/log$"), "GET", "log-response"),
    (re.compile(r"^/api/v2/public/orgs/[^/]+/inventory/[^/]+/history$"), "GET", "history-response"),
]


@dataclass
class Answer:
    """A response of the fake: status, JSON body, headers."""

    status: int
    body: Any
    headers: dict[str, str]


def check_response_shape(method: str, path: str, answer: Answer) -> None:
    """Every body the fake sends matches its schema (errors: the error schema)."""
    assert answer.headers.get("Content-Type", "").startswith("application/json"), answer.headers
    if answer.status >= 400:
        assert 400 <= answer.status < 500, answer
        problems = schemas.violations("error-response", answer.body)
    else:
        name = next((n for pattern, m, n in _RESPONSE_SCHEMAS if m == method and pattern.match(path)), None)
        problems = [] if name is None else schemas.violations(name, answer.body)
    assert not problems, f"{method} {path} -> {answer.status} {answer.body}: {problems}"


class Api:
    """Calls the fake's WSGI app in-process; checks the shape of every answer."""

    def __init__(self, mock: InventoryMock) -> None:
        self.mock = mock
        self._client = mock.app.test_client()

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = RW,
        json: Any = None,
        data: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        query: str = "",
    ) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        url = path + (f"?{query}" if query else "")
        response = self._client.open(url, method=method, json=json, data=data, headers=sent)
        answer = Answer(response.status_code, response.get_json(silent=True), dict(response.headers))
        check_response_shape(method, path, answer)
        return answer

    def inventory(self, token: str | None = RW, org: str = ORG) -> Answer:
        return self.request("GET", f"/api/v2/public/orgs/{org}/inventory", token=token)

    def adjust(self, body: Any, token: str | None = RW, org: str = ORG) -> Answer:
        return self.request("POST", f"/api/v2/public/orgs/{org}/inventory/adjust", token=token, json=body)

    def log(self, p1_id: int | str, token: str | None = RW, org: str = ORG) -> Answer:
        return self.request("GET", f"/api/v2/public/orgs/{org}/inventory/{p1_id}/log", token=token)

    def history(self, p1_id: int | str, query: str = "", token: str | None = RW, org: str = ORG) -> Answer:
        return self.request("GET", f"/api/v2/public/orgs/{org}/inventory/{p1_id}/history", token=token, query=query)

    def product(self, p1_id: int) -> dict[str, Any]:
        return next(item for item in self.inventory().body["data"] if item["p1_id"] == p1_id)


@pytest.fixture
def mock() -> InventoryMock:
    """A fresh fake on the demo seed, with reproducible ids."""
    return InventoryMock(id_seed=1)


@pytest.fixture
def api(mock: InventoryMock) -> Api:
    return Api(mock)
