"""Malformed adjust requests: a 4xx JSON error naming the field and the rule, nothing written."""

import hashlib
import json

import pytest

from mockserver import InventoryMock
from tests.conftest import PREFIX, Api

VALID = {"p1_id": 12345, "delta_on_hand": -1, "reason": "POS sale"}


def _rejected(mock: InventoryMock, api: Api, body: object, status: int = 400) -> dict:  # type: ignore[type-arg]
    before = mock.dump()
    answer = api.adjust(body)
    assert answer.status == status, answer
    assert mock.dump() == before
    return answer.body  # type: ignore[no-any-return]


@pytest.mark.parametrize("missing", ["p1_id", "reason"])
def test_required_fields(mock: InventoryMock, api: Api, missing: str) -> None:
    body = {k: v for k, v in VALID.items() if k != missing}
    error = _rejected(mock, api, body)
    assert error["field"] == missing
    assert "required" in error["message"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("delta_on_hand", 1.5, "integer"),
        ("delta_on_hand", 1.0, "integer"),
        ("delta_on_hand", True, "integer"),
        ("delta_on_hand", "-1", "integer"),
        ("delta_on_hand", None, "integer"),
        ("delta_incoming", [1], "integer"),
        ("delta_on_hand", 10**9 + 1, "<="),
        ("delta_incoming", -(10**9) - 1, ">="),
        ("p1_id", "12a45", "string of digits"),
        ("p1_id", -5, "positive integer"),
        ("p1_id", 0, "positive integer"),
        ("p1_id", 12345.0, "positive integer"),
        ("p1_id", True, "positive integer"),
        ("reason", "", "empty"),
        ("reason", "x" * 501, "500"),
        ("reason", 42, "string"),
        ("shop_id", 1, "string"),
    ],
)
def test_wrong_types_and_values_name_the_field_and_the_rule(
    mock: InventoryMock, api: Api, field: str, value: object, words: str
) -> None:
    error = _rejected(mock, api, {**VALID, field: value})
    assert error["error"] == "invalid_request"
    assert error["field"] == field
    assert words in error["message"]


@pytest.mark.parametrize("typo", ["delta_onhand", "quantity", "org_id"])
def test_unknown_fields_are_rejected(mock: InventoryMock, api: Api, typo: str) -> None:
    error = _rejected(mock, api, {**VALID, typo: 1})
    assert error["field"] == typo
    assert "not an allowed field" in error["message"]


def test_reason_of_exactly_500_characters_is_accepted(api: Api) -> None:
    assert api.adjust({**VALID, "reason": "é" * 500}).status == 200


def test_metadata_over_16_kib_is_rejected_and_16_kib_accepted(mock: InventoryMock, api: Api) -> None:
    error = _rejected(mock, api, {**VALID, "metadata": "x" * (16 * 1024)})
    assert error["field"] == "metadata"
    assert "16384" in error["message"]
    assert api.adjust({**VALID, "metadata": "x" * (16 * 1024 - 2)}).status == 200  # 2 bytes of quotes


def test_metadata_nested_too_deeply_is_rejected(mock: InventoryMock, api: Api) -> None:
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    assert _rejected(mock, api, {**VALID, "metadata": deep})["field"] == "metadata"


@pytest.mark.parametrize("body", [[VALID], "text", 12, False])
def test_body_must_be_an_object(mock: InventoryMock, api: Api, body: object) -> None:
    assert _rejected(mock, api, body)["field"] == "body"


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"null",
        b"",
        b'{"p1_id": 12345, "reason": "r", "delta_on_hand": NaN}',
        b'{"p1_id": 12345, "reason": "r", "reason": "again"}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"p1_id": 1' + b"0" * 5000 + b', "reason": "r"}',
    ],
)
def test_malformed_json_is_400(mock: InventoryMock, api: Api, raw: bytes) -> None:
    before = mock.dump()
    answer = api.request("POST", f"{PREFIX}/adjust", data=raw, headers={"Content-Type": "application/json"})
    assert answer.status in (400, 413)
    assert answer.body["field"] == "body"
    assert mock.dump() == before


def test_a_body_that_is_not_json_is_415(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    answer = api.request("POST", f"{PREFIX}/adjust", data=json.dumps(VALID), headers={"Content-Type": "text/plain"})
    assert answer.status == 415
    assert answer.body["error"] == "unsupported_media_type"
    assert mock.dump() == before


def test_json_with_charset_is_accepted(api: Api) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert api.request("POST", f"{PREFIX}/adjust", data=json.dumps(VALID), headers=headers).status == 200


def test_oversized_body_is_413(mock: InventoryMock, api: Api) -> None:
    before = mock.dump()
    body = {**VALID, "metadata": "x" * (70 * 1024)}
    answer = api.adjust(body)
    assert answer.status == 413
    assert answer.body["error"] == "payload_too_large"
    assert mock.dump() == before


def test_unknown_route_and_wrong_method_are_json(api: Api) -> None:
    missing = api.request("GET", "/api/v2/public/orgs/demo-org/nothing")
    assert (missing.status, missing.body["error"]) == (404, "not_found")
    wrong = api.request("DELETE", f"{PREFIX}/adjust")
    assert (wrong.status, wrong.body["error"]) == (405, "method_not_allowed")
    assert "POST" in wrong.body["message"]


def test_every_rejection_is_recorded_in_the_journal_with_its_rule(mock: InventoryMock, api: Api) -> None:
    api.adjust({"p1_id": 12345, "delta_on_hand": -1})
    entry = mock.journal.entries()[-1]
    assert entry.status == 400
    assert [(v.rule, v.field) for v in entry.violations] == [("REASON", "reason")]
    assert entry.body == {"p1_id": 12345, "delta_on_hand": -1}
    assert entry.token == "demo…#" + hashlib.sha256(b"demo-read-write").hexdigest()[:4]


def test_business_rejections_are_not_contract_violations(mock: InventoryMock, api: Api) -> None:
    api.adjust({"p1_id": 12345, "delta_on_hand": -1000, "reason": "r"})
    api.adjust({"p1_id": 424242, "delta_on_hand": 1, "reason": "r"})
    assert [e.status for e in mock.journal.entries()] == [409, 404]
    assert mock.journal.violations() == []
