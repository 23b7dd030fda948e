"""Seed files: the documented format, backdated logs, and errors that name file, path and problem."""

import json
from pathlib import Path

import pytest

from mockserver import InventoryMock, MockUsageError, SeedError, demo_seed
from tests.conftest import Api

ISSUE_EXAMPLE = {
    "orgs": [
        {
            "id": "org1",
            "products": [
                {
                    "p1_id": 12345,
                    "name": "Example Strain",
                    "stockquantity": 50,
                    "incoming": 0,
                    "price": 8.99,
                    "category": "Blüten",
                    "log": [{"delta_on_hand": 50, "reason": "initial count", "created_at": "2026-06-01T09:00:00Z"}],
                }
            ],
            "tokens": [{"token": "org1-rw", "scopes": ["inventory.read", "inventory.write"]}],
        }
    ]
}


def test_the_documented_seed_example_loads_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(ISSUE_EXAMPLE), "utf-8")
    mock = InventoryMock.from_seed(path)
    item = Api(mock).inventory(token="org1-rw", org="org1").body["data"][0]
    assert (item["stockquantity"], item["log_entries"], item["last_activity"]) == (50, 1, "2026-06-01T09:00:00Z")
    assert mock.tokens == {"read_write": "org1-rw"}


def test_optional_product_fields_default() -> None:
    seed = {
        "orgs": [
            {
                "id": "o",
                "products": [{"p1_id": 1, "name": "n", "stockquantity": 0}],
                "tokens": [{"token": "t", "scopes": ["inventory.read"]}],
            }
        ]
    }
    mock = InventoryMock(seed)
    item = Api(mock).inventory(token="t", org="o").body["data"][0]
    assert (item["price"], item["category"], item["log_entries"], item["last_activity"]) == (None, None, 0, None)
    assert mock.incoming(1) == 0


def test_backdated_entries_in_any_order_count_everywhere() -> None:
    seed = json.loads(json.dumps(ISSUE_EXAMPLE))
    seed["orgs"][0]["products"][0]["log"] = [
        {"delta_on_hand": -5, "reason": "late", "created_at": "2026-06-03T10:00:00+02:00", "shop_id": "s1"},
        {"delta_on_hand": 55, "reason": "first", "created_at": "2026-06-01T09:00:00Z", "metadata": {"k": 1}},
    ]
    mock = InventoryMock(seed)
    mock.clock.set(mock.clock.now().replace(year=2026, month=6, day=10))
    api = Api(mock)
    log = api.log(12345, token="org1-rw", org="org1").body["data"]
    assert [e["reason"] for e in log] == ["late", "first"]
    assert log[0]["created_at"] == "2026-06-03T08:00:00Z"
    assert log[1]["metadata"] == {"k": 1}
    history = api.history(12345, "days=30", token="org1-rw", org="org1").body["data"]
    assert [(d["date"], d["delta_on_hand"]) for d in history] == [("2026-06-01", 55), ("2026-06-03", -5)]


def test_the_demo_seed_has_three_kinds_of_token_and_realistic_products() -> None:
    mock = InventoryMock()
    assert mock.org_id == "demo-org"
    assert mock.tokens == {
        "read_write": "demo-read-write",
        "read_only": "demo-read-only",
        "write_only": "demo-write-only",
    }
    assert len(demo_seed()["orgs"][0]["products"]) >= 5


def _bad(tmp_path: Path, content: str) -> SeedError:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(SeedError) as caught:
        InventoryMock.from_seed(path)
    assert str(path) in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (lambda s: s["orgs"][0]["products"][0].pop("name"), "$.orgs[0].products[0].name", "required"),
        (lambda s: s["orgs"][0]["products"][0].update(stockquantity=-1), "$.orgs[0].products[0].stockquantity", ">= 0"),
        (lambda s: s["orgs"][0]["products"][0].update(p1_id="12345"), "$.orgs[0].products[0].p1_id", "integer"),
        (lambda s: s["orgs"][0]["products"][0].update(stock=1), "$.orgs[0].products[0].stock", "not an allowed field"),
        (lambda s: s["orgs"][0]["tokens"][0].update(scopes="inventory.read"), "$.orgs[0].tokens[0].scopes", "array"),
        (
            lambda s: s["orgs"][0]["products"][0]["log"][0].update(created_at="yesterday"),
            "$.orgs[0].products[0].log[0].created_at",
            "must match",
        ),
        (
            lambda s: s["orgs"][0]["products"].append(dict(s["orgs"][0]["products"][0])),
            "$.orgs[0].products[1].p1_id",
            "appears twice",
        ),
        (lambda s: s["orgs"].append(dict(s["orgs"][0], products=[], tokens=[])), "$.orgs[1].id", "appears twice"),
        (
            lambda s: s["orgs"].append({"id": "org2", "tokens": s["orgs"][0]["tokens"]}),
            "$.orgs[1].tokens[0].token",
            "already defined",
        ),
    ],
)
def test_bad_seed_names_file_json_path_and_problem(tmp_path: Path, mutate, path: str, words: str) -> None:  # type: ignore[no-untyped-def]
    seed = json.loads(json.dumps(ISSUE_EXAMPLE))
    mutate(seed)
    error = _bad(tmp_path, json.dumps(seed))
    assert error.path == path
    assert words in error.problem


def test_seed_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    error = _bad(tmp_path, '{"orgs": [}')
    assert "line 1 column 11" in error.problem


def test_missing_seed_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read"):
        InventoryMock.from_seed(tmp_path / "absent.json")


def test_dump_loads_again_into_an_identical_state() -> None:
    mock = InventoryMock(id_seed=3)
    api = Api(mock)
    for n in range(230):
        api.adjust({"p1_id": 12346, "delta_on_hand": 1, "reason": f"count {n}", "metadata": {"n": n}})
        mock.clock.advance(seconds=3600)
    mock.add_token("extra", ["inventory.read"], org_id="other-org")
    dump = mock.dump()
    copy = InventoryMock(dump)
    assert copy.dump() == dump
    copy_api = Api(copy)
    copy.clock.set(mock.clock.now())
    mock.clock.set(mock.clock.now())
    for path_api in (api, copy_api):
        assert path_api.product(12346)["log_entries"] == 231
    assert copy_api.log(12346).body == api.log(12346).body
    assert copy_api.history(12346, "days=365").body == api.history(12346, "days=365").body


def test_a_scope_the_api_does_not_name_is_refused_at_load_with_its_path() -> None:
    seed = demo_seed()
    seed["orgs"][0]["tokens"][1]["scopes"] = ["inventory.reed"]
    with pytest.raises(SeedError) as refused:
        InventoryMock(seed)
    assert refused.value.path == "$.orgs[0].tokens[1].scopes[0]"
    assert "inventory.read" in refused.value.problem


def test_add_token_refuses_a_scope_the_api_does_not_name() -> None:
    with pytest.raises(MockUsageError, match=r"'inventory\.reed' is not a scope of the API"):
        InventoryMock().add_token("typo", ["inventory.reed"])
