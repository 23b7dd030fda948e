"""``pytest --inventory-mutants``: would the suite notice the API breaking a documented rule?

A deliberately weak suite, written into a pytester project: a client that turns a 404 into
an empty log, a sale test, a test of a sale beyond the stock. The mutation score must name
exactly the mutants those tests catch, and every other one as a survivor with its rule,
the document's sentence and a hint.
"""

from __future__ import annotations

import json

import pytest

import schemas
from mockserver.mutants import MUTANTS

CLIENT = """
import requests


class Refused(Exception):
    pass


class Client:
    def __init__(self, fake):
        self.url = f"{fake.base_url}/api/v2/public/orgs/{fake.org_id}/inventory"
        self.headers = {"Authorization": f"Bearer {fake.tokens['read_write']}"}

    def sell(self, p1_id, quantity):
        body = {"p1_id": str(p1_id), "delta_on_hand": -quantity, "reason": "POS sale"}
        answer = requests.post(f"{self.url}/adjust", json=body, headers=self.headers, timeout=10)
        if 400 <= answer.status_code < 500:
            raise Refused(answer.status_code)
        answer.raise_for_status()

    def log(self, p1_id):
        answer = requests.get(f"{self.url}/{p1_id}/log", headers=self.headers, timeout=10)
        if answer.status_code == 404:
            return []  # fragile: a product the org does not have looks like one without entries
        answer.raise_for_status()
        return answer.json()["data"]
"""

WEAK_SUITE = """
import pytest
from client import Client, Refused


def test_sale_lowers_the_stock(inventory_mock):
    Client(inventory_mock).sell(12345, 2)
    assert inventory_mock.stock(12345) == 48


def test_log_of_a_product_we_do_not_have_is_empty(inventory_mock):
    assert Client(inventory_mock).log(99999) == []


def test_unrelated():
    assert "".join(["a", "b"]) == "ab"
"""

SALE_BEYOND_STOCK = """
import pytest
from client import Client, Refused


def test_sale_beyond_stock_is_refused(inventory_mock):
    with pytest.raises(Refused):
        Client(inventory_mock).sell(12347, 9)
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(client=CLIENT, test_weak=WEAK_SUITE)
    return pytester


def _run(project: pytest.Pytester, report: object, *extra: str) -> pytest.RunResult:
    return project.runpytest_inprocess("-p", "no:cacheprovider", "--inventory-mutants",
                                       f"--inventory-mutants-report={report}", *extra)  # fmt: skip


def test_the_score_names_exactly_what_a_weak_suite_catches(project: pytest.Pytester, tmp_path) -> None:
    report = tmp_path / "mutants.json"
    result = _run(project, report)
    assert result.ret == 0  # a caught mutant is information, not a failure
    data = json.loads(report.read_text())
    caught = {row["name"] for row in data["mutants"] if row["status"] == "caught"}
    assert caught == {"adjust-applied-twice"}  # the sale test sees the stock drop by 4
    assert {row["name"] for row in data["mutants"]} == set(MUTANTS)
    assert data["score"] == {"caught": 1, "total": len(MUTANTS), "ratio": round(1 / len(MUTANTS), 3)}
    survivor = next(row for row in data["mutants"] if row["name"] == "foreign-product-log-200")
    assert survivor["status"] == "survived"
    assert survivor["quote"] == schemas.rules()["NOT-FOUND"]["quote"]
    assert survivor["hint"] == MUTANTS["foreign-product-log-200"].hint
    result.stdout.fnmatch_lines(
        [
            f"mutation score: 1 of {len(MUTANTS)} mutants caught by 2 tests that pass against the faithful fake",
            "caught    adjust-applied-twice [[]AUDIT[]] by test_sale_lowers_the_stock",
            "SURVIVED  foreign-product-log-200 [[]NOT-FOUND[]]: *",
            "  the document: *",
            f"  a test that would catch it: {MUTANTS['foreign-product-log-200'].hint}",
        ]
    )


def test_a_test_of_the_refusal_catches_the_below_zero_mutant(project: pytest.Pytester, tmp_path) -> None:
    project.makepyfile(test_beyond=SALE_BEYOND_STOCK)
    report = tmp_path / "mutants.json"
    assert _run(project, report).ret == 0
    rows = {row["name"]: row for row in json.loads(report.read_text())["mutants"]}
    assert rows["stock-below-zero"]["caught_by"] == ["test_beyond.py::test_sale_beyond_stock_is_refused"]
    assert rows["adjust-applied-twice"]["caught_by"] == ["test_weak.py::test_sale_lowers_the_stock"]
    assert {name for name, row in rows.items() if row["status"] == "caught"} == {
        "adjust-applied-twice",
        "stock-below-zero",
    }


def test_one_extra_run_per_mutant_each_under_its_own_mutant(project: pytest.Pytester, tmp_path) -> None:
    project.makepyfile(
        test_zz_after="""
        def test_each_run_has_its_own_mutant_and_the_baseline_none(inventory_mock, request):
            name = request.node.name
            expected = None if name.endswith("[baseline]") else name.split("[mutant-", 1)[1][:-1]
            assert (inventory_mock.mutant.name if inventory_mock.mutant else None) == expected
        """
    )
    result = _run(project, tmp_path / "m.json")
    outcomes = result.parseoutcomes()
    fixture_tests = 3  # two weak tests and this one
    assert outcomes["passed"] + outcomes.get("xfailed", 0) == fixture_tests * (1 + len(MUTANTS)) + 1


def test_mutants_under_xdist(project: pytest.Pytester, tmp_path) -> None:
    report = tmp_path / "mutants.json"
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--inventory-mutants",
                                          f"--inventory-mutants-report={report}")  # fmt: skip
    assert result.ret == 0
    caught = {row["name"] for row in json.loads(report.read_text())["mutants"] if row["status"] == "caught"}
    assert caught == {"adjust-applied-twice"}
