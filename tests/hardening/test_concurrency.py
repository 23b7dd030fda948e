"""8 threads x 2,000 adjusts against one product, over a socket and in-process.

A fifth of the adjusts must be refused (no reason, delta out of range, read-only
token, another org, incoming below zero), and stock sits near zero so that many
more are refused for insufficient stock. A reader thread watches the list the
whole time. Afterwards the state must account for exactly the accepted adjusts.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from .support import ORG, OTHER_ORG, READ_ONLY, READ_WRITE, api, find_product, frozen_mock, serve_process, stop_process

THREADS = 8
PER_THREAD = 2000
PRODUCT = 12347  # starts with 8 on hand, 0 incoming, no log
LOG_CAP = 200

# A transport sends (method, path, token, body) and returns (status, JSON body).
Send = Callable[[str, str, str, Any], tuple[int, Any]]


@dataclass(frozen=True)
class Outcome:
    thread: int
    seq: int
    kind: str
    body: dict[str, Any]
    status: int
    answer: Any
    sent_at: float
    received_at: float

    @property
    def reason(self) -> str:
        return str(self.body.get("reason"))


def planned(thread: int, seq: int, rng: random.Random) -> tuple[str, str, str, dict[str, Any]]:
    """(kind, org path, token, body) of one adjust; every kind but "adjust" must be refused."""
    body: dict[str, Any] = {"p1_id": PRODUCT, "reason": f"t{thread}-{seq}", "delta_on_hand": rng.randint(-3, 3)}
    kind = rng.choices(
        ["adjust", "no-reason", "too-big", "read-only", "other-org", "incoming-below-zero"],
        weights=[80, 4, 4, 4, 4, 4],
    )[0]
    token, path = READ_WRITE, api(rest="/adjust")
    if kind == "adjust" and rng.random() < 0.3:
        body["delta_incoming"] = rng.randint(0, 2)
    elif kind == "no-reason":
        del body["reason"]
    elif kind == "too-big":
        body["delta_on_hand"] = rng.choice([10**9 + 1, -(10**9) - 1])
    elif kind == "read-only":
        token = READ_ONLY
    elif kind == "other-org":
        path = api(OTHER_ORG, "/adjust")
    elif kind == "incoming-below-zero":
        body["delta_incoming"] = -(10**6)
    return kind, path, token, body


EXPECTED_REFUSAL = {
    "no-reason": 400,
    "too-big": 400,
    "read-only": 403,
    "other-org": 403,
    "incoming-below-zero": 409,
}


def hammer(send: Send) -> tuple[list[Outcome], list[int]]:
    """Run the writers and one reader; return every outcome and every stock the reader saw."""
    outcomes: list[list[Outcome]] = [[] for _ in range(THREADS)]
    seen: list[int] = []
    done = threading.Event()
    failures: list[BaseException] = []

    def writer(thread: int) -> None:
        rng = random.Random(thread)
        try:
            for seq in range(PER_THREAD):
                kind, path, token, body = planned(thread, seq, rng)
                sent_at = time.monotonic()
                status, answer = send("POST", path, token, body)
                outcomes[thread].append(Outcome(thread, seq, kind, body, status, answer, sent_at, time.monotonic()))
        except BaseException as error:  # re-raised in the test thread
            failures.append(error)

    def reader() -> None:
        try:
            while not done.is_set():
                status, answer = send("GET", api(), READ_WRITE, None)
                assert status == 200, answer
                seen.extend(item["stockquantity"] for item in answer["data"] if item["p1_id"] == PRODUCT)
                done.wait(0.005)  # a few hundred reads; the writers keep the CPU
        except BaseException as error:
            failures.append(error)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    watcher = threading.Thread(target=reader)
    for thread in [*writers, watcher]:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    watcher.join()
    if failures:
        raise failures[0]
    return [outcome for per_thread in outcomes for outcome in per_thread], seen


def check_accounting(send: Send, outcomes: list[Outcome], seen: list[int]) -> None:
    assert len(outcomes) == THREADS * PER_THREAD
    assert seen, "the reader never read"
    assert min(seen) >= 0, "a reader saw negative stock"
    for outcome in outcomes:
        assert outcome.status < 500, outcome
        if outcome.kind != "adjust":
            assert outcome.status == EXPECTED_REFUSAL[outcome.kind], outcome
        else:
            assert outcome.status in (200, 409), outcome
    accepted = [outcome for outcome in outcomes if outcome.status == 200]
    refused = len(outcomes) - len(accepted)
    assert refused > THREADS * PER_THREAD // 10, "too few refusals to test anything"

    ids = [outcome.answer["id"] for outcome in accepted]
    assert len(set(ids)) == len(ids), "an id was returned twice"

    _status, listing = send("GET", api(), READ_WRITE, None)
    item = next(item for item in listing["data"] if item["p1_id"] == PRODUCT)
    assert item["stockquantity"] == 8 + sum(outcome.body["delta_on_hand"] for outcome in accepted)
    _status, state = send("GET", "/_mock/state", READ_WRITE, None)
    product = find_product(state, ORG, PRODUCT)
    assert product is not None
    assert product["incoming"] == sum(outcome.body.get("delta_incoming", 0) for outcome in accepted)
    assert item["log_entries"] == len(accepted)

    _status, log = send("GET", api(rest=f"/{PRODUCT}/log"), READ_WRITE, None)
    newest = log["data"]  # newest first
    assert len(newest) == LOG_CAP
    by_id = {outcome.answer["id"]: outcome for outcome in accepted}
    for entry in newest:
        outcome = by_id[entry["id"]]  # KeyError: the log has an entry nobody was told about
        assert (entry["reason"], entry["delta_on_hand"]) == (outcome.reason, outcome.body["delta_on_hand"])
    check_newest_are_the_last_accepted([by_id[entry["id"]] for entry in reversed(newest)], accepted)


def check_newest_are_the_last_accepted(in_log: list[Outcome], accepted: list[Outcome]) -> None:
    """The log's 200 (oldest first) are the last 200 accepted, in the order they were applied.

    The clients cannot see the server's order directly, but they bound it: an adjust
    applied after another cannot have been answered before the other was sent.
    """
    kept = {id(outcome) for outcome in in_log}
    for thread in range(THREADS):
        mine = [outcome for outcome in accepted if outcome.thread == thread]
        flags = [id(outcome) in kept for outcome in mine]
        assert flags == sorted(flags), f"thread {thread}: an older adjust was kept while a newer one was dropped"
    for older, newer in itertools.pairwise(in_log):
        assert not older.sent_at > newer.received_at, (older, newer)
        if older.thread == newer.thread:
            assert older.seq < newer.seq
    dropped = [outcome for outcome in accepted if id(outcome) not in kept]
    if dropped:
        assert max(outcome.sent_at for outcome in dropped) < min(outcome.received_at for outcome in in_log)


# -- transports ---------------------------------------------------------------------------------


@pytest.fixture
def over_socket() -> Iterator[Send]:
    # The server in its own process, as `inventory-mock serve` runs in CI: it has its own
    # interpreter lock, so clients and server use both cores.
    with serve_process("--quiet") as (process, _banner, port):

        def send(method: str, path: str, token: str, body: Any) -> tuple[int, Any]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                connection.request(method, path, None if body is None else json.dumps(body), headers)
                response = connection.getresponse()
                return response.status, json.loads(response.read())
            finally:
                connection.close()

        yield send
        stop_process(process, signal.SIGTERM)


@pytest.fixture
def in_process() -> Iterator[Send]:
    mock = frozen_mock()
    base = "http://inventory.test"
    local = threading.local()

    def send(method: str, path: str, token: str, body: Any) -> tuple[int, Any]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.trust_env = False  # no proxy lookups in os.environ: a third of the time per call
        response = session.request(method, base + path, json=body, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.json()

    with mock.intercept(base):
        yield send


def test_concurrent_adjusts_over_a_socket(over_socket: Send) -> None:
    outcomes, seen = hammer(over_socket)
    check_accounting(over_socket, outcomes, seen)


def test_concurrent_adjusts_in_process(in_process: Send) -> None:
    outcomes, seen = hammer(in_process)
    check_accounting(in_process, outcomes, seen)
