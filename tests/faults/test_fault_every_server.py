"""Every fault kind, seen by a client, on every transport: in-process, werkzeug (LiveServer), granian (serve).

Faults are added through ``POST /_mock/faults`` on the sockets (granian runs in another process) and
with the same rule through ``add_fault`` in-process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

import schemas
from mockserver import InventoryMock
from tests.serve_process import serving

TOKEN = {"Authorization": "Bearer demo-read-write"}
IN_PROCESS_BASE = "http://inventory.test"
HOLD = 0.4  # seconds of latency / of a timeout's hold: short, so the test is quick

AddFault = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def granian_url() -> Iterator[str]:
    with serving(server="granian") as url:
        yield url


@pytest.fixture(scope="module")
def werkzeug_fake() -> Iterator[tuple[InventoryMock, str]]:
    mock = InventoryMock()
    with mock.serve() as server:
        yield mock, server.url


def _over_http(base: str) -> AddFault:
    def add(spec: dict[str, Any]) -> None:
        answer = requests.post(f"{base}/_mock/faults", json=spec, timeout=30)
        assert answer.status_code == 201, answer.text

    return add


@pytest.fixture(params=["in-process", "werkzeug", "granian"])
def transport(request: pytest.FixtureRequest) -> Iterator[tuple[str, AddFault]]:
    """(base URL, how to add a fault rule) on one transport; rules are cleared afterwards."""
    if request.param == "in-process":
        mock = InventoryMock()
        with mock.intercept(IN_PROCESS_BASE):
            yield IN_PROCESS_BASE, lambda spec: mock.add_fault(**spec)
        mock.clear_faults()
        return
    if request.param == "werkzeug":
        mock, url = request.getfixturevalue("werkzeug_fake")
        mock.reset()
    else:
        url = request.getfixturevalue("granian_url")
        requests.post(f"{url}/_mock/reset", timeout=30).raise_for_status()
    yield url, _over_http(url)
    requests.delete(f"{url}/_mock/faults", timeout=30).raise_for_status()  # releases held requests


def _list(base: str, timeout: float = 10) -> requests.Response:
    return requests.get(f"{base}/api/v2/public/orgs/demo-org/inventory", headers=TOKEN, timeout=timeout)


@pytest.mark.parametrize("kind", ["latency", "status", "status-429", "disconnect", "timeout"])
def test_a_fault_looks_the_same_to_the_client_on_every_transport(
    transport: tuple[str, AddFault], kind: str, request: pytest.FixtureRequest
) -> None:
    base, add_fault = transport
    in_process = base == IN_PROCESS_BASE
    if kind == "latency":
        add_fault({"route": "list", "kind": "latency", "seconds": HOLD, "times": 1})
        started = time.monotonic()
        assert _list(base).status_code == 200
        assert time.monotonic() - started >= HOLD
    elif kind.startswith("status"):
        status = 429 if kind == "status-429" else 503
        add_fault({"route": "list", "kind": "status", "status": status, "times": 1})
        answer = _list(base)
        assert answer.status_code == status
        assert answer.headers["Content-Type"].startswith("application/json")
        assert schemas.violations("error-response", answer.json()) == []
        assert answer.json()["error"] == ("rate_limited" if status == 429 else "service_unavailable")
        assert answer.headers.get("Retry-After") == ("1" if status == 429 else None)
    elif kind == "disconnect":
        add_fault({"route": "list", "kind": "disconnect", "times": 1})
        with pytest.raises(requests.ConnectionError) as raised:
            _list(base)
        # A closed connection before any answer, not a status line with a cut body.
        assert not isinstance(raised.value, requests.exceptions.ChunkedEncodingError)
    else:
        add_fault({"route": "list", "kind": "timeout", "seconds": HOLD, "times": 1})
        started = time.monotonic()
        if in_process:  # in-process there is no socket to hold: the client's read times out at once
            with pytest.raises(requests.ReadTimeout):
                _list(base)
        else:  # held for `seconds`, then closed without an answer
            with pytest.raises(requests.ConnectionError) as raised:
                _list(base, timeout=30)
            assert not isinstance(raised.value, requests.ReadTimeout | requests.exceptions.ChunkedEncodingError)
            assert time.monotonic() - started >= HOLD
            add_fault({"route": "list", "kind": "timeout", "seconds": 30, "times": 1})
            with pytest.raises(requests.ReadTimeout):  # a client with a shorter timeout gives up first
                _list(base, timeout=HOLD)
    assert _list(base).status_code == 200  # the rule was used up; the server still answers


@pytest.mark.parametrize("server", ["werkzeug", "granian"])
def test_releasing_a_held_timeout_never_cuts_the_request_that_released_it(
    server: str, request: pytest.FixtureRequest
) -> None:
    # The held request looks for its own connection before the hold: after it, its client has given
    # up and the releasing DELETE may be the one connection waiting for an answer.
    if server == "werkzeug":
        mock, url = request.getfixturevalue("werkzeug_fake")
        mock.reset()
    else:
        url = request.getfixturevalue("granian_url")
    add = _over_http(url)
    for _ in range(8):
        add({"route": "list", "kind": "timeout", "seconds": 30, "times": 1})
        with pytest.raises(requests.ReadTimeout):
            _list(url, timeout=0.3)
        released = requests.delete(f"{url}/_mock/faults", timeout=30)
        assert released.status_code == 200, released.text
    assert _list(url).status_code == 200
