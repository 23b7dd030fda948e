"""Every explicit limit of the fake, at its edge: the last value accepted, the first refused.

The figures are in docs/limits.md ("Limits and guarantees"); the header and request-line
limits of the live server are in test_fuzz_wire.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import schemas
from mockserver import InventoryMock
from mockserver.http import parsing
from mockserver.profile import DEFAULT
from mockserver.state import store

from .support import ORG, PRODUCT, READ_WRITE, api, bearer, find_product

METADATA_MAX = DEFAULT.limits.metadata_max_bytes or 0
ADJUST = api(rest="/adjust")
MAX_P1 = 2**53 - 1
TOKEN = {"token": READ_WRITE, "scopes": ["inventory.read", "inventory.write"]}


def adjust(mock: InventoryMock, body: Any, *, raw: bytes | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    headers = {**bearer(READ_WRITE), "Content-Type": "application/json"}
    return mock.app.test_client().post(ADJUST, data=data, headers=headers)


def refused(mock: InventoryMock, response: Any, status: int, code: str, field: str | None = None) -> None:
    """The answer is the expected JSON error and the state did not move."""
    assert response.status_code == status, response.get_data()[:300]
    body = response.get_json()
    assert body["error"] == code
    if field is not None:
        assert body["field"] == field


@pytest.fixture
def mock() -> InventoryMock:
    return InventoryMock(id_seed=3)


def test_limits_in_the_schema_match_the_fake() -> None:
    request = schemas.load("adjust-request")["properties"]
    assert request["reason"]["maxLength"] == 500
    for name in ("delta_on_hand", "delta_incoming"):
        assert (request[name]["minimum"], request[name]["maximum"]) == (-(10**9), 10**9)
    assert request["p1_id"]["oneOf"][0]["maximum"] == parsing.MAX_P1_ID == MAX_P1
    seed_count = schemas.load("seed")["$defs"]["count"]
    assert seed_count["maximum"] == store.MAX_STOCK == 10**12
    assert (
        schemas.openapi()["paths"]["/api/v2/public/orgs/{orgId}/inventory/{p1Id}/log"]["get"]["parameters"][1][
            "schema"
        ]["maximum"]
        == MAX_P1
    )


def test_body_size_limit(mock: InventoryMock) -> None:
    body = json.dumps({"p1_id": PRODUCT, "reason": "padded", "delta_on_hand": 1}).encode()
    at_limit = body + b" " * (parsing.MAX_BODY_BYTES - len(body))
    assert adjust(mock, None, raw=at_limit).status_code == 200
    before = mock.dump()
    refused(mock, adjust(mock, None, raw=at_limit + b" "), 413, "payload_too_large", "body")
    refused(mock, adjust(mock, None, raw=b"x" * 10_000_000), 413, "payload_too_large", "body")
    seed = mock.app.test_client().put("/_mock/seed", data=at_limit + b" ", content_type="application/json")
    refused(mock, seed, 413, "payload_too_large")
    assert mock.dump() == before


@pytest.mark.parametrize(
    ("reason", "ok"), [("r" * 500, True), ("é" * 500, True), ("r" * 501, False), ("", False), ("x", True)]
)
def test_reason_length(mock: InventoryMock, reason: str, ok: bool) -> None:
    before = mock.dump()
    response = adjust(mock, {"p1_id": PRODUCT, "reason": reason})
    if ok:
        assert response.status_code == 200
        assert mock.log(PRODUCT)[0]["reason"] == reason
    else:
        refused(mock, response, 400, "invalid_request", "reason")
        assert mock.dump() == before


def test_metadata_size_counts_utf8_bytes(mock: InventoryMock) -> None:
    fits = "é" * ((METADATA_MAX - 2) // 2)  # serialized: quotes + 2 bytes per character
    assert len(json.dumps(fits, ensure_ascii=False).encode()) == METADATA_MAX
    assert adjust(mock, {"p1_id": PRODUCT, "reason": "r", "metadata": fits}).status_code == 200
    assert mock.log(PRODUCT)[0]["metadata"] == fits
    before = mock.dump()
    refused(mock, adjust(mock, {"p1_id": PRODUCT, "reason": "r", "metadata": fits + "e"}), 400, "invalid_request")
    assert mock.dump() == before


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def test_metadata_depth(mock: InventoryMock) -> None:
    response = adjust(mock, {"p1_id": PRODUCT, "reason": "r", "metadata": nested(parsing.MAX_METADATA_DEPTH)})
    assert response.status_code == 200
    assert mock.log(PRODUCT)[0]["metadata"] == nested(32)
    before = mock.dump()
    response = adjust(mock, {"p1_id": PRODUCT, "reason": "r", "metadata": nested(33)})
    refused(mock, response, 400, "invalid_request", "metadata")
    assert mock.dump() == before


def deep_seed(metadata_depth: int) -> dict[str, Any]:
    # seed > orgs > org > products > product > log > entry: 7 levels before the metadata.
    entry = {"reason": "deep", "created_at": "2026-06-01T00:00:00Z", "metadata": nested(metadata_depth)}
    product = {"p1_id": PRODUCT, "name": "n", "stockquantity": 0, "log": [entry]}
    return {"orgs": [{"id": ORG, "products": [product], "tokens": [TOKEN]}]}


def test_json_nesting_depth(mock: InventoryMock) -> None:
    client = mock.app.test_client()
    assert client.put("/_mock/seed", json=deep_seed(parsing.MAX_JSON_DEPTH - 7)).status_code == 200
    before = mock.dump()
    refused(mock, client.put("/_mock/seed", json=deep_seed(parsing.MAX_JSON_DEPTH - 6)), 400, "invalid_request", "body")
    # Far deeper than Python's recursion limit: the same answer, not a crash.
    refused(mock, adjust(mock, None, raw=b"[" * 30_000 + b"]" * 30_000), 400, "invalid_request", "body")
    refused(mock, adjust(mock, {"p1_id": PRODUCT, "reason": "r", "metadata": nested(70)}), 400, "invalid_request")
    assert mock.dump() == before


@pytest.mark.parametrize("field", ["delta_on_hand", "delta_incoming"])
def test_delta_range(mock: InventoryMock, field: str) -> None:
    assert adjust(mock, {"p1_id": PRODUCT, "reason": "r", field: 10**9}).status_code == 200
    assert adjust(mock, {"p1_id": PRODUCT, "reason": "r", field: -(10**9)}).status_code == 200
    before = mock.dump()
    for value in (10**9 + 1, -(10**9) - 1, 2**64, 1.0, True, "1"):
        refused(mock, adjust(mock, {"p1_id": PRODUCT, "reason": "r", field: value}), 400, "invalid_request", field)
    assert mock.dump() == before


def test_id_range(mock: InventoryMock) -> None:
    mock.add_product(MAX_P1, "largest id", 1)
    client = mock.app.test_client()
    assert adjust(mock, {"p1_id": MAX_P1, "reason": "r"}).status_code == 200
    assert adjust(mock, {"p1_id": str(MAX_P1), "reason": "r"}).status_code == 200
    assert client.get(api(rest=f"/{MAX_P1}/log"), headers=bearer(READ_WRITE)).status_code == 200
    before = mock.dump()
    for p1_id in (MAX_P1 + 1, str(MAX_P1 + 1), 0, "0", -1):
        refused(mock, adjust(mock, {"p1_id": p1_id, "reason": "r"}), 400, "invalid_request", "p1_id")
    for segment in (MAX_P1 + 1, 0, "9" * 17):
        response = client.get(api(rest=f"/{segment}/history"), headers=bearer(READ_WRITE))
        refused(mock, response, 400, "invalid_request", "p1Id")
    assert mock.dump() == before


@pytest.mark.parametrize("field", ["delta_on_hand", "delta_incoming"])
def test_stock_never_exceeds_max_stock(field: str) -> None:
    top = store.MAX_STOCK
    product = {"p1_id": 1, "name": "n", "stockquantity": top - 5, "incoming": top - 5}
    seed = {"orgs": [{"id": ORG, "products": [product], "tokens": [TOKEN]}]}
    mock = InventoryMock(seed)
    assert adjust(mock, {"p1_id": 1, "reason": "r", field: 5}).status_code == 200
    before = mock.dump()
    refused(mock, adjust(mock, {"p1_id": 1, "reason": "r", field: 1}), 409, "stock_limit_exceeded", field)
    assert mock.dump() == before
    product = find_product(before, ORG, 1)
    assert product is not None
    assert top in (product["stockquantity"], product["incoming"])
    too_much = json.loads(json.dumps(seed))
    too_much["orgs"][0]["products"][0]["stockquantity"] = top + 1
    refused(mock, mock.app.test_client().put("/_mock/seed", json=too_much), 400, "invalid_request")
    assert mock.dump() == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"p1_id": 12345, "reason": "a", "reason": "b"}',
        b'{"p1_id": 12345, "reason": "r", "delta_on_hand": NaN}',
        b'{"p1_id": 12345, "reason": "r", "delta_on_hand": Infinity}',
        b'{"p1_id": 12345, "reason": "r", "delta_on_hand": ' + b"9" * 5000 + b"}",
        b'{"p1_id": 12345, "reason": "\xff"}',
        b'{"p1_id": 12345, "reason": "r"',
    ],
    ids=["duplicate-key", "nan", "infinity", "5000-digits", "not-utf8", "truncated"],
)
def test_malformed_json_is_a_400(mock: InventoryMock, raw: bytes) -> None:
    before = mock.dump()
    refused(mock, adjust(mock, None, raw=raw), 400, "invalid_request", "body")
    assert mock.dump() == before
