"""Strict mode: a test whose client broke the API contract fails with a readable report."""

import pytest

CLIENT = """
import pytest
import requests

ROOT = "/api/v2/public/orgs/demo-org/inventory"


def adjust(fake, body, token="demo-read-write"):
    return requests.post(fake.base_url + ROOT + "/adjust", json=body, headers={"Authorization": f"Bearer {token}"})
"""


@pytest.mark.parametrize("fixture", ["inventory_mock", "inventory_server"])
def test_an_invalid_request_fails_the_test_with_the_request_and_the_rule(pytester, fixture):
    pytester.makepyfile(
        test_client=CLIENT
        + f"""
def test_typo({fixture}):
    answer = adjust({fixture}, {{"p1_id": "12345", "delta_onhand": -2, "reason": "POS sale"}})
    assert answer.status_code == 400
    assert "delta_onhand" in answer.json()["message"]
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"{fixture}: the client broke the API contract in 1 request (strict mode)",
            "1. POST /api/v2/public/orgs/demo-org/inventory/adjust -> 400 invalid_request",
            '   body:     {"p1_id": "12345", "delta_onhand": -2, "reason": "POS sale"}',
            "   wrong:    delta_onhand: is not an allowed field (allowed: *)",
            "   rule:     SHAPES: every body matches the documented shape",
            '   document: "*"',
            "*@pytest.mark.inventory_allow_invalid*",
            f"FAILED test_client.py::test_typo - Failed: {fixture}: the client broke*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_the_report_names_each_broken_rule_and_quotes_the_document(pytester):
    pytester.makepyfile(
        test_client=CLIENT
        + """
def test_three_mistakes(inventory_mock):
    adjust(inventory_mock, {"p1_id": 12345, "delta_on_hand": -1})
    adjust(inventory_mock, {"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token="demo-read-only")
    auth = {"Authorization": "Bearer demo-read-only"}
    requests.get(inventory_mock.base_url + ROOT + "/12345/history?days=400", headers=auth)
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "inventory_mock: the client broke the API contract in 3 requests (strict mode)",
            "   wrong:    reason: is required",
            "   rule:     REASON: p1_id and reason are required on adjust",
            "   token:    demo*",
            "   rule:     SCOPE-WRITE: adjust needs inventory.write",
            '   document: "Scope: inventory.write"',
            "3. GET /api/v2/public/orgs/demo-org/inventory/12345/history?days=400 -> 400 invalid_request",
            "   rule:     DAYS: history days defaults to 30, max 365",
        ]
    )


def test_business_refusals_and_valid_requests_pass(pytester):
    pytester.makepyfile(
        test_client=CLIENT
        + """
def test_business_answers(inventory_mock):
    assert adjust(inventory_mock, {"p1_id": 12347, "delta_on_hand": -9, "reason": "sale"}).status_code == 409
    assert adjust(inventory_mock, {"p1_id": 424242, "delta_on_hand": -1, "reason": "sale"}).status_code == 404
    assert adjust(inventory_mock, {"p1_id": 12347, "delta_on_hand": -8, "reason": "sale"}).status_code == 200
    assert inventory_mock.journal.violations() == []
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_marker_and_the_ini_option_opt_out(pytester):
    test = (
        CLIENT
        + """
@pytest.mark.inventory_allow_invalid
def test_marked(inventory_mock):
    assert adjust(inventory_mock, {"p1_id": 12345}).status_code == 400

def test_unmarked(inventory_mock):
    assert adjust(inventory_mock, {"p1_id": 12345}).status_code == 400
"""
    )
    pytester.makepyfile(test_client=test)
    pytester.runpytest().assert_outcomes(passed=1, failed=1)
    pytester.makeini("[pytest]\ninventory_strict = false\n")
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_violation_does_not_leak_into_the_next_test(pytester):
    pytester.makepyfile(
        test_client=CLIENT
        + """
@pytest.mark.inventory_allow_invalid
def test_bad(inventory_mock):
    adjust(inventory_mock, {"p1_id": 12345})

def test_good(inventory_mock):
    assert adjust(inventory_mock, {"p1_id": 12345, "reason": "recount"}).status_code == 200
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_when_the_test_fails_anyway_the_report_is_attached_to_its_failure(pytester):
    pytester.makepyfile(
        test_client=CLIENT
        + """
def test_fails(inventory_mock):
    answer = adjust(inventory_mock, {"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}, token="demo-read-only")
    assert answer.status_code == 200
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       assert 403 == 200",
            "*- Captured inventory contract call -*",
            "inventory_mock: the client broke the API contract in 1 request (strict mode)",
            "*SCOPE-WRITE*",
            "FAILED test_client.py::test_fails - assert 403 == 200*",
        ]
    )


def test_a_request_sent_in_fixture_teardown_errors_at_teardown(pytester):
    pytester.makepyfile(
        test_client=CLIENT
        + """
@pytest.fixture
def closing_client(inventory_mock):
    yield
    requests.get(inventory_mock.base_url + ROOT)  # no token

def test_uses_it(closing_client):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_uses_it*", "*AUTH: every endpoint needs*"])


@pytest.mark.parametrize("fixture", ["inventory_mock", "inventory_server"])
def test_a_path_or_method_of_no_endpoint_is_reported_with_the_nearest_endpoint(pytester, fixture):
    pytester.makepyfile(
        test_client=CLIENT
        + f"""
def test_routes({fixture}):
    headers = {{"Authorization": "Bearer demo-read-write"}}
    assert requests.get({fixture}.base_url + ROOT + "/", headers=headers).status_code == 404
    assert requests.get({fixture}.base_url + ROOT + "/12345/histroy", headers=headers).status_code == 404
    assert requests.get({fixture}.base_url + ROOT + "/adjust", headers=headers).status_code == 405
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"{fixture}: the client broke the API contract in 3 requests (strict mode)",
            "1. GET /api/v2/public/orgs/demo-org/inventory/ -> 404 not_found",
            "   wrong:    no such endpoint: the API document lists no GET /api/v2/public/orgs/demo-org/inventory/",
            "   nearest:  GET /api/v2/public/orgs/demo-org/inventory (no trailing slash)",
            '   document: "GET /api/v2/public/orgs/{orgId}/inventory"',
            "2. GET /api/v2/public/orgs/demo-org/inventory/12345/histroy -> 404 not_found",
            "   nearest:  GET /api/v2/public/orgs/demo-org/inventory/12345/history ('history', not 'histroy')",
            '   document: "GET /api/v2/public/orgs/{orgId}/inventory/{p1Id}/history"',
            "3. GET /api/v2/public/orgs/demo-org/inventory/adjust -> 405 method_not_allowed",
            "   nearest:  POST /api/v2/public/orgs/demo-org/inventory/adjust (the method POST, not GET)",
            '   document: "POST /api/v2/public/orgs/{orgId}/inventory/adjust"',
        ]
    )
    assert "SHAPES" not in result.stdout.str()
