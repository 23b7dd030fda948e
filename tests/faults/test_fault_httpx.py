"""Every fault kind as an httpx client sees it: in-process (patched default transport, the explicit
sync and async transports) the same as over a socket -- the exceptions httpx raises there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from mockserver import InventoryMock

TOKEN = {"Authorization": "Bearer demo-read-write"}
BASE = "https://inventory.test"
LIST = "/api/v2/public/orgs/demo-org/inventory"
HOLD = 0.4

Get = Callable[[str, float], httpx.Response]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[InventoryMock, str]]:
    mock = InventoryMock()
    with mock.serve() as server:
        yield mock, server.url


@pytest.fixture(params=["patched", "transport", "async-transport", "socket"])
def way(request: pytest.FixtureRequest) -> Iterator[tuple[InventoryMock, Get, bool]]:
    """(the fake, a GET through httpx, whether it is in-process) for one way of reaching the fake."""
    if request.param == "socket":
        mock, url = request.getfixturevalue("served")
        mock.reset()
        with httpx.Client(base_url=url, headers=TOKEN) as client:
            yield mock, lambda path, timeout: client.get(path, timeout=timeout), False
        mock.clear_faults()
        return
    mock = InventoryMock()
    if request.param == "patched":
        with mock.intercept(BASE), httpx.Client(base_url=BASE, headers=TOKEN) as client:
            yield mock, lambda path, timeout: client.get(path, timeout=timeout), True
    elif request.param == "transport":
        with httpx.Client(base_url=BASE, headers=TOKEN, transport=mock.httpx_transport(BASE)) as client:
            yield mock, lambda path, timeout: client.get(path, timeout=timeout), True
    else:

        def get(path: str, timeout: float) -> httpx.Response:
            async def once() -> httpx.Response:
                transport = mock.async_httpx_transport(BASE)
                async with httpx.AsyncClient(base_url=BASE, headers=TOKEN, transport=transport) as client:
                    return await client.get(path, timeout=timeout)

            return asyncio.run(once())

        yield mock, get, True


@pytest.mark.parametrize("kind", ["latency", "status", "disconnect", "timeout"])
def test_a_fault_looks_to_httpx_as_it_does_over_a_socket(way: tuple[InventoryMock, Get, bool], kind: str) -> None:
    mock, get, in_process = way
    if kind == "latency":
        mock.add_fault(route="list", kind="latency", seconds=HOLD, times=1)
        started = time.monotonic()
        assert get(LIST, 10).status_code == 200
        assert time.monotonic() - started >= HOLD
    elif kind == "status":
        mock.add_fault(route="list", kind="status", status=503, times=1)
        answer = get(LIST, 10)
        assert (answer.status_code, answer.json()["error"]) == (503, "service_unavailable")
    elif kind == "disconnect":
        mock.add_fault(route="list", kind="disconnect", times=1)
        with pytest.raises(httpx.RemoteProtocolError):  # what httpx raises for a closed connection
            get(LIST, 10)
    else:
        mock.add_fault(route="list", kind="timeout", seconds=30 if not in_process else HOLD, times=1)
        with pytest.raises(httpx.ReadTimeout):
            get(LIST, HOLD)
    assert get(LIST, 10).status_code == 200  # the rule was used up; the fake still answers


def test_the_async_transport_sleeps_a_latency_fault_outside_the_event_loop() -> None:
    mock = InventoryMock()
    mock.add_fault(route="list", kind="latency", seconds=HOLD, times=1)

    async def both() -> tuple[int, int]:
        ticks = 0
        done = asyncio.Event()

        async def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        async def call(client: httpx.AsyncClient) -> int:
            try:
                return (await client.get(LIST)).status_code
            finally:
                done.set()

        async with httpx.AsyncClient(base_url=BASE, headers=TOKEN, transport=mock.async_httpx_transport(BASE)) as c:
            status, _ = await asyncio.gather(call(c), tick())
        return status, ticks

    status, ticks = asyncio.run(both())
    assert status == 200
    assert ticks >= 2  # the loop kept running while the answer was held (inline, it would be 1 at most)
