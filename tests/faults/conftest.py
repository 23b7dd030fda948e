"""Run each fault test on both transports: in-process (``responses``) and a loopback socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import InventoryMock
from tests.faults.fault_target import Target

IN_PROCESS_BASE = "http://inventory.test"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[InventoryMock, str]]:
    """One fake on a socket per module (starting and stopping servers is the slow part)."""
    mock = InventoryMock()
    with mock.serve() as server:
        yield mock, server.url


@pytest.fixture(params=["in-process", "socket"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "in-process":
        mock = InventoryMock()
        with mock.intercept(IN_PROCESS_BASE):
            yield Target(mock, IN_PROCESS_BASE, request.param)
        mock.clear_faults()
        return
    mock, url = request.getfixturevalue("served")
    mock.reset()  # state, faults, journal and events back to the seed
    yield Target(mock, url, request.param)
    mock.clear_faults()  # release requests a test left held
