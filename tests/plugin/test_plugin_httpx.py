"""httpx under ``inventory_mock``: sync and async clients answered in-process with no change to
the client, strict mode and assertions alike; other libraries and wrong base URLs get a hint."""

import pytest

HEADER = """
import asyncio
import http.server
import threading
import urllib.request

import httpx
import pytest
import requests

ROOT = "/api/v2/public/orgs/demo-org/inventory"
AUTH = {"Authorization": "Bearer demo-read-write"}
SALE = {"p1_id": 12345, "delta_on_hand": -2, "reason": "POS sale"}
MODULE_CLIENT = httpx.Client()  # made at import time, before any fixture: answered all the same
"""


def test_httpx_clients_are_answered_in_process_without_any_change(pytester):
    pytester.makepyfile(
        test_client=HEADER
        + """
def test_sync_client(inventory_mock):
    with httpx.Client(base_url=inventory_mock.base_url, headers=AUTH) as client:
        assert client.post(ROOT + "/adjust", json=SALE).status_code == 200
        assert client.get(ROOT).json()["data"][0]["stockquantity"] == 48
    assert MODULE_CLIENT.get(inventory_mock.base_url + ROOT, headers=AUTH).status_code == 200
    log = httpx.get(inventory_mock.base_url + ROOT + "/12345/log", headers=AUTH).json()["data"]
    assert log[0]["reason"] == "POS sale"
    inventory_mock.assert_adjusted(12345, delta_on_hand=-2, times=1)
    inventory_mock.assert_calls(list=2, adjust=1, log=1)

def test_async_client(inventory_mock):
    async def sync_twice():
        async with httpx.AsyncClient(base_url=inventory_mock.base_url, headers=AUTH) as client:
            answers = await asyncio.gather(*(client.post(ROOT + "/adjust", json=SALE) for _ in range(2)))
            return [a.status_code for a in answers], (await client.get(ROOT)).json()["data"][0]["stockquantity"]
    assert asyncio.run(sync_twice()) == ([200, 200], 46)

def test_the_fixtures_own_clients(inventory_mock):
    with inventory_mock.httpx_client(headers=AUTH) as client:
        assert client.get(ROOT).status_code == 200
    async def one():
        async with inventory_mock.async_httpx_client(headers=AUTH) as client:
            return (await client.get(ROOT)).status_code
    assert asyncio.run(one()) == 200

def test_each_test_starts_from_the_seed(inventory_mock):
    assert httpx.get(inventory_mock.base_url + ROOT, headers=AUTH).json()["data"][0]["stockquantity"] == 50

def test_requests_and_httpx_see_one_fake(inventory_mock):
    httpx.post(inventory_mock.base_url + ROOT + "/adjust", json=SALE, headers=AUTH)
    assert requests.get(inventory_mock.base_url + ROOT, headers=AUTH).json()["data"][0]["stockquantity"] == 48
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=5)


def test_strict_mode_reports_an_httpx_clients_broken_request(pytester):
    pytester.makepyfile(
        test_client=HEADER
        + """
def test_typo(inventory_mock):
    answer = httpx.post(inventory_mock.base_url + ROOT + "/adjust", json={**SALE, "delta_onhand": 1}, headers=AUTH)
    assert answer.status_code == 400
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "inventory_mock: the client broke the API contract in 1 request (strict mode)",
            "1. POST /api/v2/public/orgs/demo-org/inventory/adjust -> 400 invalid_request",
            "   wrong:    delta_onhand: is not an allowed field*",
        ]
    )


def test_other_hosts_pass_through_to_the_network(pytester):
    pytester.makepyfile(
        test_client=HEADER
        + """
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")
    def log_message(self, *args):
        pass

def test_other_host(inventory_mock):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert httpx.get(url).text == "hello"
        async def get():
            async with httpx.AsyncClient() as client:
                return (await client.get(url)).text
        assert asyncio.run(get()) == "hello"
    finally:
        server.shutdown()
        server.server_close()
    assert inventory_mock.journal.entries() == []
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            "urllib.request.urlopen(inventory_mock.base_url + ROOT)",
            "urllib.error.URLError",
            "*https://inventory.mock is answered in-process for requests and httpx clients only; this client uses "
            "another library: serve the fake on a socket instead (the inventory_server fixture*",
        ),
        (
            "requests.get('http://inventory.mock' + ROOT, headers=AUTH)",
            "requests.ConnectionError",
            "*inventory.mock:80 is not the fake: it answers https://inventory.mock in-process (a wrong scheme*",
        ),
        (
            "httpx.get('http://inventory.mock' + ROOT, headers=AUTH)",
            "httpx.ConnectError",
            "*inventory.mock:80 is not the fake: it answers https://inventory.mock in-process (a wrong scheme*",
        ),
    ],
    ids=["urllib", "requests-http", "httpx-http"],
)
def test_a_client_the_fake_cannot_answer_is_told_what_to_do(pytester, call, error, message):
    pytester.makepyfile(
        test_client=HEADER
        + f"""
import urllib.error

def test_call(inventory_mock):
    with pytest.raises({error}) as raised:
        {call}
    print("RAISED:", raised.value)
"""
    )
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*RAISED: {message}"])


def test_the_patches_end_with_the_fixture(pytester):
    pytester.makepyfile(
        test_client=HEADER
        + """
import socket
RESOLVER = socket.getaddrinfo
SEND = httpx.HTTPTransport.handle_request

def test_inside(inventory_mock):
    assert socket.getaddrinfo is not RESOLVER and httpx.HTTPTransport.handle_request is not SEND
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("inventory.mock", 443)

def test_after():  # no lookup here: inventory.mock would go to the machine's resolver
    assert socket.getaddrinfo is RESOLVER and httpx.HTTPTransport.handle_request is SEND
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
