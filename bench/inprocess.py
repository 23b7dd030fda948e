"""In-process call: ``requests`` through the fake vs one static ``responses`` mock with the same body."""

from __future__ import annotations

import json
from collections.abc import Callable

import requests
import responses

from bench._harness import Row, Scale, Target, interleave, per_call, ratio_row
from bench.subjects import ADJUST_BODY, ADJUST_URL, HEADERS, LIST_URL, SessionMock, inventory_mock_fixture


def _fake_calls(session: SessionMock, call: Callable[[], object], calls: int) -> Callable[[], float]:
    def measure() -> float:
        with inventory_mock_fixture(session):
            return per_call(call, calls)

    return measure


def _static_calls(method: str, url: str, body: bytes, call: Callable[[], object], calls: int) -> Callable[[], float]:
    def measure() -> float:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add(method, url, body=body, content_type="application/json")
            return per_call(call, calls)

    return measure


def run(scale: Scale) -> list[Row]:
    session = SessionMock()
    with inventory_mock_fixture(session):
        list_body = requests.get(LIST_URL, headers=HEADERS, timeout=5).content
        adjust_body = requests.post(ADJUST_URL, json=ADJUST_BODY, headers=HEADERS, timeout=5).content

    def get() -> None:
        requests.get(LIST_URL, headers=HEADERS, timeout=5).raise_for_status()

    def post() -> None:
        requests.post(ADJUST_URL, json=ADJUST_BODY, headers=HEADERS, timeout=5).raise_for_status()

    batch = max(1, scale.calls // scale.slices)
    results = interleave(
        {
            "fake GET": _fake_calls(session, get, batch),
            "static GET": _static_calls(responses.GET, LIST_URL, list_body, get, batch),
            "fake POST": _fake_calls(session, post, batch),
            "static POST": _static_calls(responses.POST, ADJUST_URL, adjust_body, post, batch),
        },
        scale.rounds,
        scale.slices,
    )
    assert json.loads(list_body)["data"], "the demo seed has products"
    targets = {"GET": Target(1.3), "POST": Target(1.4)}  # issue 13
    return [
        ratio_row(
            "in-process call (GET list)",
            "`requests.get` of the inventory list through the fake's in-process transport vs one static "
            "`responses` mock with the same body",
            results,
            "fake GET",
            "static GET",
            "s",
            targets["GET"],
        ),
        ratio_row(
            "in-process call (POST adjust)",
            "`requests.post` of an adjust through the fake vs one static `responses` mock with the same body",
            results,
            "fake POST",
            "static POST",
            "s",
            targets["POST"],
        ),
    ]
