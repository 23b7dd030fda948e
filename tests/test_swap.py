"""``Routed``: replacements live from the first active route to the last; nested fakes each answer
their own base URL through httpx and the resolver hint."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import httpx
import pytest

from mockserver import InventoryMock
from mockserver.transports.swap import Routed

LIST = "/api/v2/public/orgs/demo-org/inventory"
TOKEN = {"Authorization": "Bearer demo-read-write"}


def test_replacements_live_from_the_first_route_to_the_last() -> None:
    owner = SimpleNamespace(greet=lambda: "hello")
    original = owner.greet
    routed: Routed[str] = Routed(lambda: [(owner, "greet", lambda: "routed " + ",".join(routed.routes))])
    with routed.active("a"):
        assert owner.greet() == "routed a"
        assert routed.original(owner, "greet") is original
        with routed.active("b"):
            assert owner.greet() == "routed a,b"
        assert owner.greet() == "routed a"
    assert owner.greet is original
    assert routed.routes == []


def test_a_route_ends_even_when_its_block_raises() -> None:
    owner = SimpleNamespace(value=1)
    routed: Routed[int] = Routed(lambda: [(owner, "value", 2)])
    seen = []

    def fail() -> None:
        seen.append(owner.value)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError), routed.active(0):
        fail()
    assert seen == [2]
    assert owner.value == 1


def test_two_fakes_each_answer_their_own_base_url_and_the_patches_end_with_them() -> None:
    send, resolve = httpx.HTTPTransport.handle_request, socket.getaddrinfo
    first, second = InventoryMock(), InventoryMock()
    second.add_product(777, "Only in the second", 3)
    with first.intercept("https://first.mock"), second.intercept("https://second.mock"):
        in_first = httpx.get("https://first.mock" + LIST, headers=TOKEN).json()["data"]
        in_second = httpx.get("https://second.mock" + LIST, headers=TOKEN).json()["data"]
        with pytest.raises(socket.gaierror, match=r"https://first\.mock is answered in-process"):
            socket.getaddrinfo("first.mock", 443)
    assert 777 not in {p["p1_id"] for p in in_first}
    assert 777 in {p["p1_id"] for p in in_second}
    assert httpx.HTTPTransport.handle_request is send
    assert socket.getaddrinfo is resolve
