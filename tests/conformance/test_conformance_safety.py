"""The conformance run is safe to point at staging: it writes only when allowed, only on
`product_id`, with `contract-test` reasons, and restores stock when the server fails midway.

Each test runs the real suite against a recording server (a WSGI middleware around the fake)
that can fail on purpose.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from conformance_support import PRODUCT, SUITE_OPTIONS, RunSuite

from mockserver import InventoryMock

Recorded = tuple[str, str, Any]


class RecordingServer:
    """Records every request (method, path, JSON body); from adjust number ``fail_from`` on,
    answers the next ``fail_count`` adjusts with a 503 without passing them to the fake."""

    def __init__(self, app: Callable[..., Iterable[bytes]], fail_from: int | None = None, fail_count: int = 0) -> None:
        self.app = app
        self.requests: list[Recorded] = []
        self.fail_from, self.fail_count = fail_from, fail_count
        self.failed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(raw)
        body = json.loads(raw) if raw else None
        self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], body))
        adjusts = sum(1 for method, _, _ in self.requests if method == "POST")
        failing = self.fail_from is not None and adjusts >= self.fail_from and self.failed < self.fail_count
        if failing and environ["REQUEST_METHOD"] == "POST":
            self.failed += 1
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": "unavailable", "message": "failing on purpose"}']
        return self.app(environ, start_response)

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r[0] not in ("GET", "HEAD", "OPTIONS")]


def _others(mock: InventoryMock) -> list[dict[str, Any]]:
    """Every product but the one the run may adjust, in every org."""
    return [p for org in mock.dump()["orgs"] for p in org["products"] if p["p1_id"] != PRODUCT]


def test_a_read_only_run_sends_no_write_at_all(run_suite: RunSuite, mock: InventoryMock) -> None:
    recorder = RecordingServer(mock.app)
    before = mock.dump()
    result = run_suite(*SUITE_OPTIONS, app=recorder)
    assert result.ret == 0, result.stdout.str()
    assert len(recorder.requests) > 20
    assert recorder.writes() == []
    assert mock.dump() == before


def test_a_writing_run_touches_only_product_id_with_contract_test_reasons(
    run_suite: RunSuite, mock: InventoryMock
) -> None:
    recorder = RecordingServer(mock.app)
    others = _others(mock)
    on_hand, incoming = mock.stock(PRODUCT), mock.incoming(PRODUCT)
    result = run_suite(*SUITE_OPTIONS, "--inventory-allow-writes", app=recorder)
    assert result.ret == 0, result.stdout.str()
    writes = recorder.writes()
    assert len(writes) > 200  # the log-cap check alone makes more than 200
    listed = {p["p1_id"] for p in mock.dump()["orgs"][0]["products"]}
    for method, path, body in writes:
        assert (method, path.rsplit("/", 1)[-1]) == ("POST", "adjust")
        if not isinstance(body, dict):
            continue  # malformed on purpose (the SHAPES checks)
        if "p1_id" in body and str(body["p1_id"]) != str(PRODUCT):
            # The NOT-FOUND probe: an id absent from the org's inventory, and a zero delta.
            assert int(body["p1_id"]) not in listed, body
            assert body.get("delta_on_hand", 0) == body.get("delta_incoming", 0) == 0, body
        if isinstance(body.get("reason"), str) and body["reason"]:
            assert body["reason"].startswith("contract-test"), body
    assert _others(mock) == others
    assert (mock.stock(PRODUCT), mock.incoming(PRODUCT)) == (on_hand, incoming)


def test_a_server_failing_midway_fails_the_run_and_the_stock_is_restored(
    run_suite: RunSuite, mock: InventoryMock, tmp_path
) -> None:
    recorder = RecordingServer(mock.app, fail_from=40, fail_count=3)
    on_hand, incoming = mock.stock(PRODUCT), mock.incoming(PRODUCT)
    report_path = tmp_path / "report.json"
    options = (*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-report={report_path}")
    result = run_suite(*options, "-k", "not stateful", app=recorder)
    assert recorder.failed == 3
    assert result.ret == 1
    assert (mock.stock(PRODUCT), mock.incoming(PRODUCT)) == (on_hand, incoming)
    assert json.loads(report_path.read_text())["restore"]["restored"] is True
