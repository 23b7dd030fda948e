"""Tests of the POS sync client against ``inventory_mock`` (in-process, no server)."""

from datetime import UTC, datetime

import pytest
import requests
from pos_sync import OutOfStock, PosSync


@pytest.fixture
def pos(inventory_mock):
    token = inventory_mock.tokens["read_write"]
    return PosSync(inventory_mock.base_url, inventory_mock.org_id, token, shop_id="shop1")


def test_snapshot_has_every_product(pos, inventory_mock):
    stock = pos.snapshot()
    assert stock[12345] == inventory_mock.stock(12345) == 50
    inventory_mock.assert_calls(list=1, adjust=0)


def test_sale_lowers_stock_and_is_logged(pos, inventory_mock):
    inventory_mock.clock.set(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    pos.sale(12345, 2, pos_ref="TX-999")
    assert inventory_mock.stock(12345) == 48
    inventory_mock.assert_adjusted(12345, delta_on_hand=-2, reason="POS sale", shop_id="shop1")
    newest = inventory_mock.log(12345)[0]
    assert newest["created_at"] == "2026-06-10T12:00:00Z"


def test_delivery_of_a_new_product(pos, inventory_mock):
    inventory_mock.add_product(50001, "Grinder Steel", stockquantity=0)
    pos.delivery(50001, 12, delivery_note="DN-17")
    assert inventory_mock.stock(50001) == 12


def test_sale_beyond_stock_is_refused_and_changes_nothing(pos, inventory_mock):
    with pytest.raises(OutOfStock, match="below zero"):
        pos.sale(12347, 9, pos_ref="TX-1000")  # 8 in stock
    assert inventory_mock.stock(12347) == 8
    inventory_mock.assert_not_adjusted()


@pytest.mark.inventory_allow_invalid  # a read-only token on adjust breaks SCOPE-WRITE on purpose
def test_a_read_only_token_cannot_sell(inventory_mock):
    pos = PosSync(inventory_mock.base_url, inventory_mock.org_id, inventory_mock.tokens["read_only"], "shop1")
    with pytest.raises(requests.HTTPError, match="403"):
        pos.sale(12345, 1, pos_ref="TX-1001")
    [(request, violation)] = inventory_mock.journal.violations()
    assert (request.status, violation.rule) == (403, "SCOPE-WRITE")
