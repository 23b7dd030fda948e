"""Big inventory: GET the list of 10,000 products in-process vs ``json.dumps`` of the same payload."""

from __future__ import annotations

import json

import requests

from bench._harness import Row, Scale, Target, interleave, per_call, ratio_row
from bench.subjects import BASE_URL, HEADERS, LIST_URL, ORG
from mockserver.fake import InventoryMock

FIRST_ID = 100_000


def big_mock(products: int) -> InventoryMock:
    """The demo seed plus ``products`` products in the demo org (with some activity on a few)."""
    mock = InventoryMock()
    for i in range(products):
        mock.store.add_product(
            ORG,
            FIRST_ID + i,
            f"Product {i}",
            i % 100,
            price=round(1 + i % 50 * 0.5, 2),
            category="Blüten" if i % 2 else "Öle",
        )
    return mock


def run(scale: Scale) -> list[Row]:
    mock = big_mock(scale.products)
    calls = max(1, scale.calls // 100)
    with mock.intercept(BASE_URL):
        payload = requests.get(LIST_URL, headers=HEADERS, timeout=30).json()
    assert len(payload["data"]) >= scale.products

    def get() -> None:
        requests.get(LIST_URL, headers=HEADERS, timeout=30).raise_for_status()

    def fake() -> float:
        with mock.intercept(BASE_URL):
            return per_call(get, calls)

    def dumps() -> float:
        return per_call(lambda: json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), calls)

    results = interleave({"GET": fake, "json.dumps": dumps}, scale.rounds, scale.slices)
    return [
        ratio_row(
            "big inventory",
            f"in-process `requests.get` of the list with {len(payload['data']):,} products vs "
            "`json.dumps(...).encode()` of the same payload",
            results,
            "GET",
            "json.dumps",
            "s",
            Target(1.5),
        )
    ]
