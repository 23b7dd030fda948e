"""Behaviour profiles: each setting changes exactly what it names; four ways to load one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver import InventoryMock
from mockserver.errors import ProfileError
from mockserver.profile import ALTERNATIVES, LIMIT_PRESETS, Profile

BASE = "https://inventory.test"
INVENTORY = f"{BASE}/api/v2/public/orgs/demo-org/inventory"
RW = {"Authorization": "Bearer demo-read-write"}


def _fake(**settings: Any) -> InventoryMock:
    return InventoryMock(profile=settings)


def _adjust(mock: InventoryMock, body: Any, **options: Any) -> requests.Response:
    options.setdefault("headers", RW)
    with mock.intercept(BASE):
        return requests.post(f"{INVENTORY}/adjust", json=body, timeout=5, **options)


def _get(mock: InventoryMock, path: str = "") -> requests.Response:
    with mock.intercept(BASE):
        return requests.get(f"{INVENTORY}{path}", headers=RW, timeout=5)


SALE = {"p1_id": "12345", "delta_on_hand": -1, "reason": "POS sale"}
BELOW_ZERO = {"p1_id": "12345", "delta_on_hand": -(10**6), "reason": "POS sale"}


@pytest.mark.parametrize("status", [409, 422, 400])
def test_below_zero_status(status: int) -> None:
    mock = _fake(below_zero_status=status)
    answer = _adjust(mock, BELOW_ZERO)
    assert answer.status_code == status
    assert answer.json()["error"] == "insufficient_stock"
    assert mock.stock(12345) == 50  # still refused, whatever the status


def test_error_body_detail() -> None:
    answer = _adjust(_fake(error_body="detail"), {"p1_id": "12345"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"detail", "code"}
    assert "reason" in answer.json()["detail"]


def test_error_body_problem_json() -> None:
    answer = _adjust(_fake(error_body="problem"), BELOW_ZERO)
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == answer.status_code == 409
    assert body["title"] == "Conflict"
    assert body["type"] == "about:blank"
    assert "below zero" in body["detail"]


def test_the_control_api_keeps_its_own_error_body() -> None:
    mock = _fake(error_body="problem")
    with mock.intercept(BASE):
        answer = requests.post(f"{BASE}/_mock/clock", json={"bogus": 1}, timeout=5)
    assert answer.status_code == 400
    assert "error" in answer.json()


@pytest.mark.parametrize(
    ("order", "expected"),
    [("p1_id", [1, 5, 9]), ("descending", [9, 5, 1]), ("insertion", [5, 1, 9])],
)
def test_list_order(order: str, expected: list[int]) -> None:
    mock = InventoryMock(
        {"orgs": [{"id": "demo-org", "tokens": [{"token": "demo-read-write", "scopes": ["inventory.read"]}]}]},
        profile={"list_order": order},
    )
    for p1_id in (5, 1, 9):
        mock.add_product(p1_id, f"product {p1_id}", 1)
    assert [item["p1_id"] for item in _get(mock).json()["data"]] == expected


def test_history_newest_first() -> None:
    days = [
        item["date"] for item in _get(_fake(history_order="newest_first"), "/12345/history?days=365").json()["data"]
    ]
    assert len(days) >= 2
    assert days == sorted(days, reverse=True)


def test_unknown_fields_ignored() -> None:
    mock = _fake(unknown_fields="ignore")
    answer = _adjust(mock, {**SALE, "delta_onhand": -5})
    assert answer.status_code == 200
    assert mock.stock(12345) == 49  # the typo'd field had no effect
    assert _adjust(InventoryMock(), {**SALE, "delta_onhand": -5}).status_code == 400


def test_metadata_objects_only() -> None:
    mock = _fake(metadata="object")
    refused = _adjust(mock, {**SALE, "metadata": [1, 2]})
    assert refused.status_code == 400
    assert refused.json()["field"] == "metadata"
    assert _adjust(mock, {**SALE, "metadata": {"pos_ref": "TX-1"}}).status_code == 200


@pytest.mark.parametrize(("form", "refused"), [("string", 12345), ("int", "12345")])
def test_p1_id_in_body(form: str, refused: Any) -> None:
    mock = _fake(p1_id_in_body=form)
    answer = _adjust(mock, {**SALE, "p1_id": refused})
    assert answer.status_code == 400
    assert answer.json()["field"] == "p1_id"
    accepted = int(refused) if form == "int" else str(refused)
    assert _adjust(mock, {**SALE, "p1_id": accepted}).status_code == 200


def test_timestamps_in_milliseconds() -> None:
    mock = _fake(timestamps="milliseconds")
    assert _adjust(mock, SALE).status_code == 200
    entry = _get(mock, "/12345/log").json()["data"][0]
    item = next(i for i in _get(mock).json()["data"] if i["p1_id"] == 12345)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["created_at"])
    assert item["last_activity"] == entry["created_at"]


def test_content_type_unchecked() -> None:
    body = json.dumps(SALE).encode()
    plain = {"Content-Type": "text/plain"}
    assert _adjust(InventoryMock(), None, data=body, headers={**RW, **plain}).status_code == 415
    assert _adjust(_fake(content_type="unchecked"), None, data=body, headers={**RW, **plain}).status_code == 200


def test_smaller_and_no_limits() -> None:
    smaller = _fake(limits={"reason_max_length": 64, "shop_id_max_length": 32})
    too_long = _adjust(smaller, {**SALE, "reason": "r" * 65})
    assert too_long.status_code == 400
    assert too_long.json()["field"] == "reason"
    unlimited = InventoryMock(profile={"limits": {k: None for k in ("reason_max_length", "body_max_bytes")}})
    assert _adjust(unlimited, {**SALE, "reason": "r" * 10_000}).status_code == 200
    assert _adjust(InventoryMock(), {**SALE, "reason": "r" * 501}).status_code == 400


def test_adjust_status_201() -> None:
    answer = _adjust(_fake(adjust_status=201), SALE)
    assert answer.status_code == 201
    assert answer.json()["status"] == "ok"


def test_no_profile_lets_stock_go_below_zero() -> None:
    for name, values in ALTERNATIVES.items():
        for value in values:
            mock = InventoryMock(profile={name: value})
            body = {**BELOW_ZERO, "p1_id": 12345} if value == "int" else BELOW_ZERO
            assert 400 <= _adjust(mock, body).status_code < 500, (name, value)
            assert mock.stock(12345) == 50


def test_a_profile_round_trips_and_names_bad_values(tmp_path: Path) -> None:
    profile = Profile.from_json({"below_zero_status": 422, "limits": {"reason_max_length": None}, "name": "staging"})
    assert Profile.from_json(profile.to_json()) == profile
    assert LIMIT_PRESETS["default"] == Profile().limits
    with pytest.raises(ProfileError, match=r"\$\.below_zero_status: must be one of \[409, 422, 400\]"):
        Profile.from_json({"below_zero_status": 418})
    toml = tmp_path / "p.toml"
    toml.write_text('list_order = "descending"\n[limits]\nreason_max_length = 64\n')
    assert Profile.load(toml).limits.reason_max_length == 64
    broken = tmp_path / "bad.json"
    broken.write_text("{")
    with pytest.raises(ProfileError, match=r"bad\.json"):
        Profile.load(broken)


def test_set_profile_and_reset_keeps_it() -> None:
    mock = InventoryMock()
    mock.set_profile({"adjust_status": 201})
    mock.reset()
    assert mock.profile.adjust_status == 201
    assert _adjust(mock, SALE).status_code == 201


def test_put_and_get_profile_over_the_control_api() -> None:
    mock = InventoryMock()
    with mock.intercept(BASE):
        assert requests.put(f"{BASE}/_mock/profile", json={"below_zero_status": 422}, timeout=5).status_code == 200
        assert requests.get(f"{BASE}/_mock/profile", timeout=5).json()["below_zero_status"] == 422
        bad = requests.put(f"{BASE}/_mock/profile", json={"list_order": "random"}, timeout=5)
    assert bad.status_code == 400
    assert bad.json()["field"] == "$.list_order"
    assert _adjust(mock, BELOW_ZERO).status_code == 422


def test_serve_with_a_profile(tmp_path: Path) -> None:
    path = tmp_path / "staging.json"
    path.write_text(json.dumps({"name": "staging", "below_zero_status": 422}))
    command = [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--quiet", "--profile", str(path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        try:
            lines = [process.stdout.readline() for _ in range(5)]
            url = re.search(r"on (http://127\.0\.0\.1:\d+)", lines[0])
            assert url, lines
            assert any("profile    staging: below_zero_status=422" in line for line in lines), lines
            answer = requests.post(
                f"{url.group(1)}/api/v2/public/orgs/demo-org/inventory/adjust", json=BELOW_ZERO, headers=RW, timeout=5
            )
            assert answer.status_code == 422
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_serve_refuses_a_bad_profile_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"timestamps": "minutes"}')
    done = subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--profile", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f'inventory-mock: bad profile: {path}: $.timestamps: must be one of ["seconds", "milliseconds"] (got "minutes")'
    ]


def test_the_ini_profile_reaches_both_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makefile(".json", staging='{"below_zero_status": 422, "adjust_status": 201}')
    pytester.makeini("[pytest]\ninventory_profile = staging.json\n")
    pytester.makepyfile(
        """
        import requests

        SALE = {"p1_id": "12345", "delta_on_hand": -1, "reason": "POS sale"}

        def test_in_process(inventory_mock):
            inventory_mock.set_profile({"adjust_status": 200})  # the next test gets the ini profile back

        def test_in_process_again(inventory_mock):
            url = inventory_mock.base_url + "/api/v2/public/orgs/demo-org/inventory/adjust"
            answer = requests.post(url, json=SALE, headers={"Authorization": "Bearer demo-read-write"}, timeout=5)
            assert answer.status_code == 201

        def test_server(inventory_server):
            url = inventory_server.base_url + "/api/v2/public/orgs/demo-org/inventory/adjust"
            big = {**SALE, "delta_on_hand": -10**6}
            answer = requests.post(url, json=big, headers={"Authorization": "Bearer demo-read-write"}, timeout=5)
            assert answer.status_code == 422
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_a_bad_ini_profile_is_one_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".json", staging='{"below_zero_status": 418}')
    pytester.makeini("[pytest]\ninventory_profile = staging.json\n")
    pytester.makepyfile("def test_x(inventory_mock):\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*inventory_profile: *staging.json: $.below_zero_status: must be one of*"])
