"""Fixtures of the hardening tests: a fake with a frozen clock, and the same fake on a socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import InventoryMock, LiveServer

from .support import FROZEN_AT


def frozen_mock() -> InventoryMock:
    """The demo seed, ids from a fixed seed, the clock frozen at ``FROZEN_AT``."""
    mock = InventoryMock(id_seed=7)
    mock.set_clock(FROZEN_AT)
    return mock


@pytest.fixture
def mock() -> InventoryMock:
    return frozen_mock()


@pytest.fixture
def live(mock: InventoryMock) -> Iterator[LiveServer]:
    with LiveServer(mock.app) as server:
        yield server
