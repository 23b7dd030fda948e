"""Run each fault test on both transports: in-process (``responses``) and a loopback socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_target import Target

from mockserver import InventoryMock

IN_PROCESS_BASE = "http://inventory.test"


@pytest.fixture(params=["in-process", "socket"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    mock = InventoryMock()
    try:
        if request.param == "in-process":
            with mock.intercept(IN_PROCESS_BASE):
                yield Target(mock, IN_PROCESS_BASE, request.param)
        else:
            with mock.serve() as server:
                yield Target(mock, server.url, request.param)
    finally:
        mock.clear_faults()  # release requests a test left held
