"""Tests of the urllib POS sync client against ``inventory_server`` (a real socket)."""

import pytest
from pos_sync_urllib import OutOfStock, PosSync


@pytest.fixture
def pos(inventory_server):
    token = inventory_server.tokens["read_write"]
    return PosSync(inventory_server.url, inventory_server.org_id, token, shop_id="shop1")


def test_snapshot_has_every_product(pos, inventory_server):
    assert pos.snapshot()[12346] == inventory_server.stock(12346) == 120


def test_sale_then_delivery(pos, inventory_server):
    pos.sale(12348, 3, pos_ref="TX-2001")
    pos.delivery(12348, 10, delivery_note="DN-18")
    assert inventory_server.stock(12348) == 10
    inventory_server.assert_adjusted(12348, delta_on_hand=-3, reason="POS sale")
    inventory_server.assert_adjusted(12348, delta_on_hand=10, reason="delivery")
    inventory_server.assert_calls(adjust=2)


def test_sale_of_an_empty_product_is_refused(pos, inventory_server):
    with pytest.raises(OutOfStock):
        pos.sale(12349, 1, pos_ref="TX-2002")  # on-hand 0, 200 incoming
    assert inventory_server.stock(12349) == 0
    inventory_server.assert_not_adjusted(12349)
