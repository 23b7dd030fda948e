"""The assertion helpers of the fixture object, used through the installed plugin's ``inventory_mock``."""

import pytest
import requests

from mockserver import MockUsageError

ADJUST = "/api/v2/public/orgs/{org}/inventory/adjust"


def adjust(fake, body, token="read_write", org=None):
    url = fake.base_url + ADJUST.format(org=org or fake.org_id)
    return requests.post(url, json=body, headers={"Authorization": f"Bearer {fake.tokens[token]}"}, timeout=5)


def test_assert_adjusted_matches_the_given_fields_only(inventory_mock):
    adjust(inventory_mock, {"p1_id": "12345", "delta_on_hand": -2, "reason": "POS sale", "shop_id": "s1"})
    inventory_mock.assert_adjusted(12345)
    inventory_mock.assert_adjusted(12345, delta_on_hand=-2, reason="POS sale")
    inventory_mock.assert_adjusted(12345, delta_incoming=0, shop_id="s1", metadata=None, times=1)


def test_assert_adjusted_failure_lists_what_was_accepted_and_rejected(inventory_mock):
    adjust(inventory_mock, {"p1_id": 12345, "delta_on_hand": -3, "reason": "POS sale"})
    adjust(inventory_mock, {"p1_id": 12347, "delta_on_hand": -100, "reason": "POS sale"})  # 409: 8 in stock
    with pytest.raises(AssertionError) as failure:
        inventory_mock.assert_adjusted(12345, delta_on_hand=-2)
    message = str(failure.value)
    assert "expected at least one accepted adjust of product 12345 in org 'demo-org' with delta_on_hand=-2" in message
    assert '{"p1_id": 12345, "delta_on_hand": -3, "reason": "POS sale"}' in message
    assert "409 insufficient_stock" in message


def test_assert_adjusted_counts_with_times(inventory_mock):
    for _ in range(2):
        adjust(inventory_mock, {"p1_id": 12346, "delta_incoming": -1, "reason": "received"})
    inventory_mock.assert_adjusted(12346, delta_incoming=-1, times=2)
    with pytest.raises(AssertionError, match=r"expected 1 accepted adjust\(s\) .* found 2"):
        inventory_mock.assert_adjusted(12346, times=1)


def test_assert_adjusted_ignores_other_orgs(inventory_mock):
    inventory_mock.add_token("other-rw", org_id="other-org")
    requests.post(
        inventory_mock.base_url + ADJUST.format(org="other-org"),
        json={"p1_id": 99999, "delta_on_hand": -1, "reason": "sale"},
        headers={"Authorization": "Bearer other-rw"},
        timeout=5,
    )
    inventory_mock.assert_adjusted(99999, org_id="other-org")
    inventory_mock.assert_not_adjusted()
    with pytest.raises(AssertionError):
        inventory_mock.assert_not_adjusted(org_id="other-org")


def test_assert_not_adjusted(inventory_mock):
    inventory_mock.assert_not_adjusted()
    adjust(inventory_mock, {"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"})
    inventory_mock.assert_not_adjusted(12346)
    with pytest.raises(AssertionError, match="expected no accepted adjust of product 12345 in org 'demo-org'; found 1"):
        inventory_mock.assert_not_adjusted(12345)


def test_assert_calls_counts_per_endpoint_whatever_the_status(inventory_mock):
    headers = {"Authorization": f"Bearer {inventory_mock.tokens['read_only']}"}
    root = f"{inventory_mock.base_url}/api/v2/public/orgs/demo-org/inventory"
    requests.get(root, headers=headers, timeout=5)
    requests.get(f"{root}/12345/log", headers=headers, timeout=5)
    requests.get(f"{root}/12345/history?days=7", headers=headers, timeout=5)
    requests.get(f"{root}/424242/history", headers=headers, timeout=5)  # 404: a business answer
    inventory_mock.assert_calls(list=1, log=1, history=2, adjust=0)
    with pytest.raises(AssertionError) as failure:
        inventory_mock.assert_calls(list=2, history=2)
    assert str(failure.value).startswith("request counts differ: list: expected 2, got 1\n")
    assert "GET /api/v2/public/orgs/demo-org/inventory/12345/history?days=7 -> 200" in str(failure.value)


def test_helpers_reject_unknown_names(inventory_mock):
    with pytest.raises(MockUsageError, match="unknown endpoint"):
        inventory_mock.assert_calls(adjusts=1)
    with pytest.raises(MockUsageError, match="unknown field"):
        inventory_mock.assert_adjusted(12345, delta_onhand=-1)
