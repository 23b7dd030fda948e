"""``pytest --inventory-variants``: which tests depend on a choice the API document never made.

Deliberately fragile clients, written into a pytester project: one hard-codes 409 for a
below-zero adjust, one takes the first product of the list as the lowest p1_id. A robust
client beside them must be reported as depending on nothing.
"""

from __future__ import annotations

import json

import pytest

from contract_tests import _behaviours
from mockserver.profile import ALTERNATIVES, Profile

CLIENTS = """
import requests


class OutOfStock(Exception):
    pass


class Client:
    def __init__(self, fake, *, any_4xx):
        self.url = f"{fake.base_url}/api/v2/public/orgs/{fake.org_id}/inventory"
        self.headers = {"Authorization": f"Bearer {fake.tokens['read_write']}"}
        self.any_4xx = any_4xx

    def sell(self, p1_id, quantity):
        body = {"p1_id": str(p1_id), "delta_on_hand": -quantity, "reason": "POS sale"}
        answer = requests.post(f"{self.url}/adjust", json=body, headers=self.headers, timeout=10)
        refused = 400 <= answer.status_code < 500 if self.any_4xx else answer.status_code == 409
        if refused:
            raise OutOfStock(answer.status_code)
        answer.raise_for_status()
        return answer.json()["id"]

    def products(self):
        answer = requests.get(self.url, headers=self.headers, timeout=10)
        answer.raise_for_status()
        return answer.json()["data"]
"""

TESTS = """
import pytest
from clients import Client, OutOfStock


def test_sale_beyond_stock_fragile(inventory_mock):
    with pytest.raises(OutOfStock):
        Client(inventory_mock, any_4xx=False).sell(12347, 9)
    assert inventory_mock.stock(12347) == 8


def test_sale_beyond_stock_robust(inventory_mock):
    with pytest.raises(OutOfStock):
        Client(inventory_mock, any_4xx=True).sell(12347, 9)
    assert inventory_mock.stock(12347) == 8


def test_first_listed_is_the_lowest_id(inventory_mock):
    assert Client(inventory_mock, any_4xx=True).products()[0]["p1_id"] == 12345


def test_lookup_by_id(inventory_server):
    client = Client(inventory_server, any_4xx=True)
    client.url = f"{inventory_server.url}/api/v2/public/orgs/{inventory_server.org_id}/inventory"
    assert {p["p1_id"]: p["stockquantity"] for p in client.products()}[12345] == 50


def test_without_the_fake():
    assert 1 + 1 == 2
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(clients=CLIENTS, test_fragile=TESTS)
    return pytester


def _variants() -> list[_behaviours.Behaviour]:
    return _behaviours.variants(Profile(), _behaviours.DEFAULT_COMBINATIONS)


def test_one_variant_per_other_value_of_every_setting_plus_the_combinations() -> None:
    found = _variants()
    singles = [b for b in found if len(b.changes) == 1]
    expected = sum(len(v) for v in ALTERNATIVES.values()) - len(_behaviours.AGAINST_THE_EXAMPLE)
    assert len(singles) == expected
    assert {name for b in singles for name in b.changes} == set(ALTERNATIVES)
    assert len(found) - len(singles) == _behaviours.DEFAULT_COMBINATIONS
    assert set(_behaviours.SILENT_CHOICES) == set(ALTERNATIVES)  # every setting has its words


def test_the_report_names_exactly_the_silent_choices_each_test_depends_on(project: pytest.Pytester, tmp_path) -> None:
    report = tmp_path / "variants.json"
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-variants",
                                         f"--inventory-variants-report={report}")  # fmt: skip
    assert result.ret == 0  # by default a report, not a failure
    data = json.loads(report.read_text())
    depends = {t["test"].split("::")[1]: {d["variant"] for d in t["depends_on"]} for t in data["tests"]}
    assert set(depends) == {"test_sale_beyond_stock_fragile", "test_first_listed_is_the_lowest_id"}
    fragile = depends["test_sale_beyond_stock_fragile"]
    refusal_statuses = {"below_zero_status=422", "below_zero_status=400"}
    assert {v for v in fragile if not v.startswith("combination-")} == refusal_statuses
    ordered = depends["test_first_listed_is_the_lowest_id"]
    assert {v for v in ordered if not v.startswith("combination-")} == {"list_order=descending"}
    result.stdout.fnmatch_lines(
        [
            "*inventory variants: silent choices the tests depend on*",
            "2 of 4 tests depend on a choice the API document never made*",
            "test_sale_beyond_stock_fragile: passes with the default profile, "
            "fails when a below-zero adjust is refused with 422 or 400",
            "    the API document names no status for this refusal: handle any 4xx*",
        ]
    )
    variants = len(_variants())
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] + outcomes["xfailed"] == 4 * (1 + variants) + 1  # one extra run per variant


def test_strict_makes_a_dependency_fail_the_run(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-variants=strict",
                                         "--inventory-variants-combinations=0", "-k", "stock_fragile")  # fmt: skip
    assert result.ret == 1
    singles = len(_behaviours.variants(Profile(), 0))
    result.assert_outcomes(passed=1 + singles - 2, failed=2)
    result.stdout.fnmatch_lines(["FAILED *test_sale_beyond_stock_fragile[[]below_zero_status=422[]]*"])


def test_a_variant_starts_from_the_ini_profile(project: pytest.Pytester) -> None:
    project.path.joinpath("staging.json").write_text(json.dumps({"name": "staging", "below_zero_status": 422}))
    project.makeini("[pytest]\ninventory_profile = staging.json\n")
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-variants", "-k", "beyond_stock")
    # As configured (422) the fragile test fails: it is not judged; 409 is now a variant.
    result.stdout.fnmatch_lines(["*not judged (they fail as configured): test_sale_beyond_stock_fragile*"])
    assert result.ret == 1  # its own failure under the ini profile still fails the run
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-variants", "-k", "stock_fragile",
                                         "--co", "-q")  # fmt: skip
    assert "test_fragile.py::test_sale_beyond_stock_fragile[below_zero_status=409]" in result.outlines
    assert not any("below_zero_status=422]" in line for line in result.outlines)


def test_variants_under_xdist_report_on_the_controller(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--inventory-variants",
                                          "--inventory-variants-combinations=0")  # fmt: skip
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "2 of 4 tests depend on a choice the API document never made*",
            "test_first_listed_is_the_lowest_id: passes with the default profile, "
            "fails when the inventory list is in descending order",
        ]
    )


def test_without_the_option_nothing_is_rerun(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
    assert "inventory variants" not in result.stdout.str()
