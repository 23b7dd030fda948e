"""Calibration: ``--write-profile`` describes the target, and the fake loaded with it answers alike.

The round trip: run the suite against the fake under profile P and write the profile Q it
saw; run it again against the fake under Q; both runs' ``observed`` sections are identical.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from conformance_faults import FAULTS
from conformance_support import SUITE_OPTIONS, RunSuite, recent_seed
from test_profile_matrix import random_profile

import schemas
from mockserver import InventoryMock
from mockserver.profile import ALTERNATIVES, Profile

SEED = "--inventory-seed=20261202"  # both runs of a round trip make the same random adjusts
# What no run can tell apart, and so what calibration cannot recover (docs/profiles.md):
# the demo seed's products were added in p1_id order; a limit a probe stays under.
UNOBSERVABLE = {"list_order": {"insertion": "p1_id"}}


def _nth_alternative(n: int) -> dict[str, Any]:
    """A profile with the n-th alternative value of every setting that has one."""
    return {name: values[n] for name, values in ALTERNATIVES.items() if len(values) > n}


ROUND_TRIP = [
    pytest.param({}, id="default"),
    pytest.param(_nth_alternative(0), id="every-first-alternative"),
    pytest.param(_nth_alternative(1), id="every-second-alternative"),
    *(pytest.param(random_profile(random.Random(seed)), id=f"random-{seed}") for seed in (1, 2)),
]


def test_the_round_trip_profiles_cover_every_value() -> None:
    for name, values in ALTERNATIVES.items():
        for value in values:
            assert any(row.values[0].get(name) == value for row in ROUND_TRIP), (name, value)


def _run(run_suite: RunSuite, profile: Any, report: Path, *extra: str) -> pytest.RunResult:
    mock = InventoryMock(recent_seed(), profile=profile)
    return run_suite(
        *SUITE_OPTIONS, "--inventory-allow-writes", SEED, f"--inventory-report={report}", *extra, app=mock.app
    )


def _observed(report: Path) -> dict[str, Any]:
    return dict(json.loads(report.read_text())["observed"])


@pytest.mark.parametrize("profile", ROUND_TRIP)
def test_the_fake_calibrated_from_a_run_answers_like_its_target(
    run_suite: RunSuite, tmp_path: Path, profile: dict[str, Any]
) -> None:
    written = tmp_path / "calibrated.json"
    first = _run(run_suite, profile, tmp_path / "first.json", f"--inventory-write-profile={written}")
    assert first.ret == 0
    calibrated = json.loads(written.read_text())
    assert schemas.violations("profile", calibrated) == []
    second = _run(run_suite, calibrated, tmp_path / "second.json")
    assert second.ret == 0
    assert _observed(tmp_path / "second.json") == _observed(tmp_path / "first.json")
    # Every setting P chose that a run can observe comes back with P's value.
    target = Profile.load(profile).to_json()
    for name, value in Profile.load(calibrated).to_json().items():
        if name in ("name", "limits"):
            continue
        assert value == UNOBSERVABLE.get(name, {}).get(target[name], target[name]), name
    limits = calibrated.get("limits", {})
    for setting, limit in limits.items():
        assert target["limits"][setting] == limit, setting
    assert set(calibrated["calibration"]["not_observed"]) == {"limits.body_max_bytes"} | {
        f"limits.{name}" for name in target["limits"] if name not in limits and name != "body_max_bytes"
    }


def test_a_read_only_run_leaves_what_needs_writes_at_the_default_and_says_so(
    run_suite: RunSuite, tmp_path: Path
) -> None:
    written = tmp_path / "read-only.json"
    mock = InventoryMock(recent_seed(), profile={"error_body": "detail", "history_order": "newest_first"})
    result = run_suite(*SUITE_OPTIONS, f"--inventory-write-profile={written}", app=mock.app)
    assert result.ret == 0
    calibrated = json.loads(written.read_text())
    assert (calibrated["error_body"], calibrated["history_order"]) == ("detail", "newest_first")
    unseen = calibrated["calibration"]["not_observed"]
    for name in ("below_zero_status", "unknown_fields", "metadata", "content_type", "adjust_status", "p1_id_in_body"):
        assert name not in calibrated
        assert "--allow-writes" in unseen[name]
    assert Profile.load(calibrated).changed() == {"error_body": "detail", "history_order": "newest_first"}
    result.stdout.fnmatch_lines([f"*profile written to {written}*left at the fake's default: below_zero_status*"])


def test_no_profile_is_written_after_a_run_that_found_a_failure(run_suite: RunSuite, tmp_path: Path) -> None:
    fault = next(f for f in FAULTS if f.rule == "NON-NEGATIVE")
    written = tmp_path / "never.json"
    result = run_suite(*SUITE_OPTIONS, "--inventory-allow-writes", f"--inventory-write-profile={written}",
                       app=fault.build(InventoryMock(recent_seed())))  # fmt: skip
    assert result.ret == 1
    assert not written.exists()
    result.stdout.fnmatch_lines([f"*no profile written to {written}: the run was not conformant*"])


def test_a_calibrated_profile_loads_everywhere_a_profile_does(pytester: pytest.Pytester, tmp_path: Path) -> None:
    from contract_tests.conformance import calibrate

    observed = {
        "error_statuses": {"adjust taking on-hand stock below zero": [422]},
        "error body shape": ["detail/code"],
    }
    path = calibrate.write(
        calibrate.profile_from(observed, {"base_url": "https://staging.example"}), tmp_path / "s.json"
    )
    assert InventoryMock(profile=path).profile.below_zero_status == 422
    pytester.makeini(f"[pytest]\ninventory_profile = {path}\n")
    pytester.makepyfile(
        """
        import requests

        def test_refusal_status(inventory_mock):
            url = f"{inventory_mock.base_url}/api/v2/public/orgs/{inventory_mock.org_id}/inventory/adjust"
            body = {"p1_id": "12345", "delta_on_hand": -10**6, "reason": "sale"}
            token = inventory_mock.tokens["read_write"]
            answer = requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
            assert (answer.status_code, sorted(answer.json())) == (422, ["code", "detail"])
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
