"""The retrying POS client against the fake's injected faults (docs/alerts-and-faults.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from retry_client import InventoryClient, SaleNotRecorded

from mockserver import InventoryMock

BASE = "http://inventory.test"


@pytest.fixture(params=["in-process", "socket"])
def setup(request: pytest.FixtureRequest) -> Iterator[tuple[InventoryMock, InventoryClient, list[float]]]:
    mock = InventoryMock()
    slept: list[float] = []
    if request.param == "in-process":
        with mock.intercept(BASE):
            yield mock, InventoryClient(BASE, "demo-org", "demo-read-write", sleep=slept.append), slept
    else:
        with mock.serve() as server:
            yield mock, InventoryClient(server.url, "demo-org", "demo-read-write", sleep=slept.append), slept


def sales(mock: InventoryMock, pos_ref: str) -> int:
    return sum(entry["reason"] == f"POS sale {pos_ref}" for entry in mock.log(12345))


def test_503s_before_the_write_are_retried(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    mock, client, slept = setup
    mock.fail_next("adjust", status=503, times=2)
    sale_id = client.record_sale(12345, 2, "TX-1")
    assert mock.stock(12345) == 48
    assert sales(mock, "TX-1") == 1
    assert mock.log(12345)[0]["id"] == sale_id
    assert slept == [0.2, 0.4]


def test_a_503_after_the_write_is_not_counted_twice(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    mock, client, _ = setup
    mock.fail_next("adjust", status=503, after_applying=True)
    sale_id = client.record_sale(12345, 2, "TX-2")
    assert mock.stock(12345) == 48  # once, although the client saw a 503
    assert sales(mock, "TX-2") == 1
    assert mock.log(12345)[0]["id"] == sale_id


def test_a_lost_answer_is_not_counted_twice(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    mock, client, _ = setup
    mock.drop_next("adjust", after_applying=True)
    mock.fail_next("log", status=503)  # and the first look in the log fails too
    client.record_sale(12345, 3, "TX-3")
    assert mock.stock(12345) == 47
    assert sales(mock, "TX-3") == 1


def test_retry_after_is_honoured(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    mock, client, slept = setup
    mock.fail_next("adjust", status=429, retry_after=3)
    client.record_sale(12345, 1, "TX-4")
    assert slept == [3.0]
    assert mock.stock(12345) == 49


def test_gives_up_after_its_attempts(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    mock, client, _ = setup
    mock.add_fault("adjust", "status", status=503)  # every adjust
    with pytest.raises(SaleNotRecorded):
        client.record_sale(12345, 1, "TX-5")
    assert mock.stock(12345) == 50


def test_a_naive_retry_double_counts(setup: tuple[InventoryMock, InventoryClient, list[float]]) -> None:
    """Why the client checks the log: re-sending blindly after a lost answer sells twice."""
    mock, client, _ = setup
    mock.fail_next("adjust", status=503, after_applying=True)
    body = {"p1_id": 12345, "delta_on_hand": -2, "reason": "POS sale TX-6"}
    url = f"{client.base_url}/api/v2/public/orgs/demo-org/inventory/adjust"
    headers = {"Authorization": "Bearer demo-read-write"}
    for _ in range(2):
        if requests.post(url, json=body, headers=headers, timeout=5).status_code == 200:
            break
    assert mock.stock(12345) == 46  # counted twice
