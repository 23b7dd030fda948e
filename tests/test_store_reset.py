"""``Store.reset`` restores the seeded state exactly, however the state was changed before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mockserver.fake import InventoryMock
from mockserver.state.store import Adjustment


def _churn(mock: InventoryMock) -> None:
    mock.set_clock(datetime(2026, 6, 5, 14, tzinfo=UTC))
    for day in range(3):
        mock.store.adjust("demo-org", Adjustment(p1_id=12345, reason="sale", delta_on_hand=-1, delta_incoming=2))
        mock.clock.advance(days=1 + day)
    mock.add_product(777, "New", 3)
    mock.add_token("added-token")


@pytest.mark.parametrize("id_seed", [None, 7])
def test_reset_gives_back_the_state_as_built(id_seed: int | None) -> None:
    mock = InventoryMock(id_seed=id_seed)
    before = mock.dump()
    _churn(mock)
    assert mock.dump() != before
    mock.reset()
    after = mock.dump()
    if id_seed is not None:  # a seeded store parses the seed again: the seed's log entries get new ids
        for state in (before, after):
            for org in state["orgs"]:
                for product in org["products"]:
                    for entry in product["log"]:
                        entry.pop("id")
    assert after == before


def test_changes_after_a_reset_do_not_leak_into_the_next_reset() -> None:
    mock = InventoryMock()
    before = mock.dump()
    for _ in range(3):
        mock.reset()
        _churn(mock)
        assert mock.stock(12345) == before["orgs"][0]["products"][0]["stockquantity"] - 3
    mock.reset()
    assert mock.dump() == before
    assert "added-token" not in [grant.token for grant in mock.store.grants("demo-org")]
    assert len(mock.log(12345)) == len(before["orgs"][0]["products"][0]["log"])


def test_reset_follows_the_last_loaded_seed() -> None:
    mock = InventoryMock()
    seed = mock.dump()
    seed["orgs"][0]["products"] = seed["orgs"][0]["products"][:1]
    mock.load_seed(seed)
    mock.store.adjust("demo-org", Adjustment(p1_id=12345, reason="x", delta_on_hand=1))
    mock.clock.set(datetime.now(UTC) + timedelta(days=2))
    mock.reset()
    assert [p["p1_id"] for p in mock.store.list_inventory("demo-org")] == [12345]
    assert mock.dump() == InventoryMock(seed).dump()
