"""The schemas: valid 2020-12, strict integers, readable violations, one OpenAPI document."""

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import schemas
from tests.conftest import DOCUMENTED_ADJUST


@pytest.mark.parametrize("name", schemas.SCHEMA_NAMES)
def test_every_schema_is_valid_2020_12_and_titled(name: str) -> None:
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]


def test_validators_are_compiled_once() -> None:
    assert schemas.validator("adjust-request") is schemas.validator("adjust-request")


def test_unknown_schema_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="adjust-request"):
        schemas.load("adjust")


def test_the_documents_examples_match_their_schemas() -> None:
    listing = {
        "data": [
            {
                "p1_id": 12345,
                "name": "Example Strain",
                "stockquantity": 50,
                "price": 8.99,
                "category": "Blüten",
                "log_entries": 12,
                "last_activity": "2026-06-05T14:00:00Z",
            }
        ]
    }
    log = {
        "data": [
            {
                "id": "uuid",
                "p1_id": 12345,
                "shop_id": "shop1",
                "delta_on_hand": -2,
                "delta_incoming": 0,
                "reason": "POS sale",
                "created_at": "2026-06-05T14:00:00Z",
            }
        ]
    }
    assert schemas.violations("adjust-request", DOCUMENTED_ADJUST) == []
    assert schemas.violations("inventory-list-response", listing) == []
    assert schemas.violations("log-response", log) == []
    assert schemas.violations("adjust-response", {"status": "ok", "id": "log-entry-uuid"}) == []


def test_integers_are_strict() -> None:
    for value in (1.0, True, "1"):
        assert schemas.violations("adjust-request", {"p1_id": 1, "reason": "r", "delta_on_hand": value})


def test_violations_name_the_path_and_the_rule() -> None:
    found = schemas.violations("adjust-request", {"p1_id": 1, "delta_onhand": 2})
    assert [str(v) for v in found] == [
        "reason: is required",
        "delta_onhand: is not an allowed field "
        "(allowed: delta_incoming, delta_on_hand, metadata, p1_id, reason, shop_id)",
    ]


def test_inferred_parts_are_marked() -> None:
    for name in ("history-response", "error-response"):
        assert schemas.load(name)["x-inferred"] is True
    assert schemas.load("adjust-request")["properties"]["p1_id"]["x-inferred"] is True


def test_openapi_components_are_the_schema_files() -> None:
    document = schemas.openapi()
    for name, component in document["components"]["schemas"].items():
        expected = {k: v for k, v in schemas.load(name).items() if k not in ("$id", "$schema")}
        assert component == expected
    operations = {op["operationId"]: op for path in document["paths"].values() for op in path.values()}
    assert set(operations) == {"listInventory", "adjustStock", "stockLog", "stockHistory"}
    assert operations["adjustStock"]["x-scope"] == "inventory.write"
    days = next(p for p in operations["stockHistory"]["parameters"] if p["name"] == "days")
    assert days["schema"] == {"type": "integer", "minimum": 1, "maximum": 365, "default": 30}


RULE_IDS = (
    "AUTH",
    "SCOPE-READ",
    "SCOPE-WRITE",
    "ORG",
    "NOT-FOUND",
    "NON-NEGATIVE",
    "REASON",
    "LOG-CAP",
    "DAYS",
    "SHAPES",
    "AUDIT",
    "HISTORY",
)  # docs/design.md's table


def test_every_documented_rule_quotes_the_api_document() -> None:
    document = (Path(__file__).parent.parent / "docs" / "inventory-and-stock.txt").read_text("utf-8")
    flat = " ".join(document.split())
    rules = schemas.rules()
    assert set(rules) == set(RULE_IDS)
    # SHAPES quotes a response example; REASON and AUDIT quote two table rows each (below).
    for rule_id in set(RULE_IDS) - {"SHAPES", "REASON", "AUDIT"}:
        assert rules[rule_id]["quote"] in flat, rule_id
    for rule_id in ("REASON", "AUDIT"):  # two table rows, quoted together
        for part in rules[rule_id]["quote"].split(" / "):
            assert part in flat, rule_id
    for part in rules["SHAPES"]["request_quote"].split(" / "):
        assert part in flat
