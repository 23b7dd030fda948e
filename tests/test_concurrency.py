"""Many threads adjusting one product: never below zero, nothing lost."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from mockserver import InventoryMock

BASE = "https://inventory.mock"
URL = f"{BASE}/api/v2/public/orgs/demo-org/inventory/adjust"
HEADERS = {"Authorization": "Bearer demo-read-write"}


def _run(post, threads: int, per_thread: int) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    """Each thread sends random sales and deliveries; returns (delta, id or None) per request."""

    def worker(seed: int) -> list[tuple[int, str | None]]:
        rng = random.Random(seed)
        results = []
        for _ in range(per_thread):
            delta = rng.choice([-7, -3, -1, 1, 2])
            answer = post({"p1_id": 12348, "delta_on_hand": delta, "reason": "race"})
            assert answer.status_code in (200, 409), answer.text
            results.append((delta, answer.json()["id"] if answer.status_code == 200 else None))
        return results

    with ThreadPoolExecutor(threads) as pool:
        return [r for chunk in pool.map(worker, range(threads)) for r in chunk]


def _check(mock: InventoryMock, results: list[tuple[int, str | None]], initial: int) -> None:
    accepted = [(delta, entry_id) for delta, entry_id in results if entry_id is not None]
    rejected = len(results) - len(accepted)
    assert rejected > 0, "the mix must contain adjusts that would go below zero"
    assert mock.stock(12348) == initial + sum(delta for delta, _ in accepted)
    assert mock.stock(12348) >= 0
    ids = [entry_id for _, entry_id in accepted]
    assert len(set(ids)) == len(ids)
    log = mock.log(12348)
    assert {e["id"] for e in log} <= set(ids)
    summary = next(p for p in mock.dump()["orgs"][0]["products"] if p["p1_id"] == 12348)
    assert summary["log_entries"] == len(accepted)


def test_in_process_threads_never_drive_stock_below_zero_or_lose_an_entry() -> None:
    mock = InventoryMock()
    with mock.intercept(BASE):
        results = _run(lambda body: requests.post(URL, json=body, headers=HEADERS, timeout=10), 8, 150)
    _check(mock, results, initial=3)


def test_socket_threads_never_drive_stock_below_zero_or_lose_an_entry() -> None:
    mock = InventoryMock()
    server = mock.serve()
    sessions = threading.local()

    def post(body: dict) -> requests.Response:  # type: ignore[type-arg]
        if not hasattr(sessions, "s"):
            sessions.s = requests.Session()
        return sessions.s.post(
            f"{server.url}/api/v2/public/orgs/demo-org/inventory/adjust", json=body, headers=HEADERS, timeout=10
        )

    try:
        results = _run(post, 8, 100)
    finally:
        server.stop()
    _check(mock, results, initial=3)


def test_reads_during_writes_never_see_negative_stock() -> None:
    mock = InventoryMock()
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        with mock.app.test_client() as client:
            while not stop.is_set():
                data = client.get("/api/v2/public/orgs/demo-org/inventory", headers=HEADERS).get_json()["data"]
                seen.append(next(p["stockquantity"] for p in data if p["p1_id"] == 12348))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        with mock.intercept(BASE):
            _run(lambda body: requests.post(URL, json=body, headers=HEADERS, timeout=10), 4, 100)
    finally:
        stop.set()
        thread.join()
    assert seen
    assert min(seen) >= 0
