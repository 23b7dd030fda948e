"""A loopback webhook receiver the tests start and stop themselves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver import LiveServer
from tests.webhooks.loopback_receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    with LiveServer(found.app()) as server:
        found.url = f"{server.url}/hook"
        yield found
