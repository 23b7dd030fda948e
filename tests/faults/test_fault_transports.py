"""Each fault kind on both transports, and what a faulted request does to the state."""

from __future__ import annotations

import threading
import time

import pytest
import requests

import schemas
from mockserver import InventoryMock
from tests.faults.fault_target import Target


def log_size(target: Target) -> int:
    return len(target.mock.log(12345))


@pytest.mark.parametrize(
    ("status", "code"), [(503, "service_unavailable"), (500, "internal_error"), (429, "rate_limited")]
)
def test_status_fault_answers_the_api_error_body_and_changes_nothing(target: Target, status: int, code: str) -> None:
    target.mock.fail_next("adjust", status=status)
    answer = target.call("adjust")
    assert answer.status_code == status
    assert answer.json()["error"] == code
    assert schemas.violations("error-response", answer.json()) == []
    assert (answer.headers.get("Retry-After") == "1") is (status == 429)
    assert (target.mock.stock(12345), log_size(target)) == (50, 2)
    assert target.call("adjust").status_code == 200  # only the next one
    assert target.mock.stock(12345) == 49


def test_retry_after_can_be_chosen(target: Target) -> None:
    target.mock.fail_next("list", status=503, retry_after=7)
    assert target.call("list").headers["Retry-After"] == "7"


def test_status_after_applying_applies_the_write(target: Target) -> None:
    target.mock.fail_next("adjust", status=503, after_applying=True)
    answer = target.call("adjust")
    assert answer.status_code == 503
    assert "after applying" in answer.json()["message"]
    assert (target.mock.stock(12345), log_size(target)) == (49, 3)


def test_disconnect_drops_the_connection_and_changes_nothing(target: Target) -> None:
    target.mock.drop_next("adjust")
    with pytest.raises(requests.ConnectionError):
        target.call("adjust")
    assert (target.mock.stock(12345), log_size(target)) == (50, 2)
    assert target.mock.journal.entries()[-1].error == "connection_dropped"
    assert target.call("adjust").status_code == 200


def test_disconnect_after_applying_loses_only_the_answer(target: Target) -> None:
    target.mock.drop_next("adjust", after_applying=True)
    with pytest.raises(requests.ConnectionError):
        target.call("adjust")
    assert (target.mock.stock(12345), log_size(target)) == (49, 3)


def test_timeout_raises_a_read_timeout_and_changes_nothing(target: Target) -> None:
    target.mock.timeout_next("adjust", seconds=60)
    with pytest.raises(requests.ReadTimeout):
        target.call("adjust", timeout=0.5)  # socket: the fake holds the connection; in-process: at once
    assert (target.mock.stock(12345), log_size(target)) == (50, 2)
    target.mock.clear_faults()  # lets the socket server's held thread go
    assert target.call("adjust").status_code == 200


def test_latency_holds_the_request_until_it_is_over(target: Target) -> None:
    target.mock.delay("history", 60)
    answers: list[int] = []
    client = threading.Thread(target=lambda: answers.append(target.call("history", timeout=90).status_code))
    client.start()
    deadline = time.monotonic() + 10
    while not target.mock.faults[0]["fired"] and time.monotonic() < deadline:
        time.sleep(0.005)  # waits for the request to reach the fault; asserts nothing about speed
    assert target.mock.faults[0]["fired"] == 1
    assert answers == []  # held by the 60 s delay
    target.mock.clear_faults()
    client.join(10)
    assert answers == [200]


def test_short_random_latency_still_answers(target: Target) -> None:
    target.mock.delay("log", (0.0, 0.02), seed=1)
    assert [target.call("log").status_code for _ in range(3)] == [200, 200, 200]
    assert target.mock.faults[0]["fired"] == 3


def test_next_n_then_success_with_the_python_helper(target: Target) -> None:
    target.mock.fail_next("adjust", status=503, times=2)
    statuses = [target.call("adjust").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert target.mock.stock(12345) == 49


def test_every_kth_request(target: Target) -> None:
    target.mock.add_fault("list", "status", status=503, every=3)
    assert [target.call("list").status_code for _ in range(6)] == [200, 200, 503, 200, 200, 503]


def test_probability_is_reproducible_under_a_seed(target: Target) -> None:
    def run(mock: InventoryMock, call: object) -> list[int]:
        mock.add_fault("list", "status", status=503, probability=0.5, seed=2024)
        return [call().status_code for _ in range(20)]  # type: ignore[operator]

    first = run(target.mock, lambda: target.call("list"))
    target.mock.clear_faults()
    second = run(target.mock, lambda: target.call("list"))
    assert first == second
    assert {200, 503} == set(first)


def test_faults_are_scoped_to_their_route_and_never_hit_the_control_api(target: Target) -> None:
    target.mock.add_fault("adjust", "status", status=503)  # every adjust
    assert [target.call(route).status_code for route in ("list", "log", "history")] == [200, 200, 200]
    assert target.call("adjust").status_code == 503
    target.mock.add_fault("*", "status", status=500)
    assert target.call("list").status_code == 500
    if target.transport == "socket":
        assert requests.get(f"{target.base}/_mock/state", timeout=10).status_code == 200


def test_injected_errors_are_in_the_journal_but_not_violations(target: Target) -> None:
    target.mock.fail_next("list", status=503)
    target.call("list")
    entry = target.mock.journal.entries()[-1]
    assert (entry.status, entry.error, entry.violations) == (503, "service_unavailable", ())
