"""Fixtures of the hardening tests: a fake with a frozen clock, and the same fake on a socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import InventoryMock, LiveServer

from .support import frozen_mock


@pytest.fixture
def mock() -> InventoryMock:
    return frozen_mock()


@pytest.fixture
def live(mock: InventoryMock) -> Iterator[LiveServer]:
    with LiveServer(mock.app) as server:
        yield server
