"""The preflight: a misconfiguration is one message and exit status 2, not a list of rule
failures; the run is bounded (restore adjusts no larger than the run's own) and leaves
nothing but its report in the current directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conformance_support import BASE_URL, PRODUCT, SUITE_OPTIONS, RunSuite, make_target, recent_seed
from test_conformance_safety import RecordingServer

from contract_tests.conformance import Context, Request, Response, TargetError, WsgiClient
from contract_tests.conformance.context import undo_steps, without_api_prefix
from mockserver import InventoryMock, LiveServer

BIN = Path(sys.executable).parent
READ_WRITE = "--token-read-write=demo-read-write"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INVENTORY_", "HYPOTHESIS_"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """The fake on 127.0.0.1 (the preflight only reads, so one per module)."""
    with LiveServer(InventoryMock().app) as server:
        yield server.url


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _run(program: str, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / program), *args], capture_output=True, text=True, cwd=cwd, env=_clean_env(**env), timeout=300
    )


def _cases(url: str, port: int) -> dict[str, tuple[list[str], str]]:
    """case -> (check options, the one message expected)."""
    org, product = "--org-id=demo-org", f"--product-id={PRODUCT}"
    listed = f"{url}/api/v2/public/orgs/demo-org/inventory"
    return {
        "unreachable": (
            [f"--base-url=http://127.0.0.1:{port}", org, product, READ_WRITE],
            f"cannot reach http://127.0.0.1:{port} (connection refused): check --base-url",
        ),
        "api prefix": (
            [f"--base-url={url}/api/v2/public", org, product, READ_WRITE],
            f"base_url {url}/api/v2/public includes the API path /api/v2/public: give the server's root, "
            f"--base-url {url} (the kit adds /api/v2/public/orgs/{{org_id}}/inventory itself)",
        ),
        "wrong org": (
            [f"--base-url={url}", "--org-id=other-org", product, READ_WRITE],
            f"the read_write token may not list org 'other-org' (403 from GET {url}/api/v2/public/orgs/other-org"
            "/inventory): check --org-id (the token's org) and that --token-read-write has the inventory.read scope",
        ),
        "bad token": (
            [f"--base-url={url}", org, product, "--token-read-write=no-such-token"],
            f"the read_write token is not accepted (401 from GET {listed}): check --token-read-write",
        ),
        "unknown product": (
            [f"--base-url={url}", org, "--product-id=4242", READ_WRITE],
            "product_id 4242 is not in the inventory of org 'demo-org': "
            "set --product-id to a product of that org the run may adjust",
        ),
        "foreign product in the org": (
            [f"--base-url={url}", org, product, READ_WRITE, "--foreign-product-id=12346"],
            "foreign_product_id 12346 is in the inventory of org 'demo-org': "
            "set --foreign-product-id to a p1_id that is NOT in that org",
        ),
        "read_only token of no scope": (
            [f"--base-url={url}", org, product, READ_WRITE, "--token-read-only=demo-write-only"],
            f"the read_only token may not list org 'demo-org' (403 from GET {listed}): "
            "check --token-read-only (a token of this org with only inventory.read)",
        ),
        "unknown write_only token": (
            [f"--base-url={url}", org, product, READ_WRITE, "--token-write-only=nope"],
            f"the write_only token is not accepted (401 from GET {listed}): "
            "check --token-write-only (a token of this org with only inventory.write)",
        ),
        "unknown other_org token": (
            [f"--base-url={url}", org, product, READ_WRITE, "--token-other-org=nope"],
            f"the other_org token is not accepted (401 from GET {listed}): "
            "check --token-other-org (another org's valid token)",
        ),
    }


CASES = list(_cases("URL", 0))


def _assert_one_message(done: subprocess.CompletedProcess[str], prefix: str, message: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr == f"{prefix}: {message}\n"
    assert "Traceback" not in done.stderr
    assert "urllib3" not in done.stderr


@pytest.mark.parametrize("case", CASES)
def test_check_reports_a_misconfiguration_in_one_message_with_status_2(
    case: str, server_url: str, tmp_path: Path
) -> None:
    args, message = _cases(server_url, _closed_port())[case]
    done = _run("inventory-mock", "check", *args, "--report=report.json", cwd=tmp_path)
    _assert_one_message(done, "inventory-mock check", message)
    assert list(tmp_path.iterdir()) == []  # no report: no verdict


@pytest.mark.parametrize("case", ["unreachable", "bad token", "unknown product"])
def test_the_pytest_entry_point_reports_it_the_same_way(case: str, server_url: str, tmp_path: Path) -> None:
    args, message = _cases(server_url, _closed_port())[case]
    options = [arg.replace("--", "--inventory-", 1) for arg in args]
    done = _run("pytest", "--pyargs", "contract_tests.conformance", "-p", "no:cacheprovider", *options, cwd=tmp_path)
    _assert_one_message(
        done,
        "inventory conformance",
        message.replace("check --", "check --inventory-").replace("set --", "set --inventory-"),
    )


def test_a_base_url_with_the_api_path_is_recognized() -> None:
    assert without_api_prefix("https://h.example/api/v2/public") == "https://h.example"
    assert without_api_prefix("https://h.example/x/api/v2/public/orgs/o1/inventory") == "https://h.example/x"
    assert without_api_prefix("https://h.example/api/v2/publicity") is None
    assert without_api_prefix("https://h.example") is None


def test_a_passing_check_leaves_only_its_report_and_a_clean_header(tmp_path: Path) -> None:
    cwd, cache = tmp_path / "run", tmp_path / "cache"
    cwd.mkdir()
    mock = InventoryMock(recent_seed())
    with LiveServer(mock.app) as server:
        done = _run(
            "inventory-mock",
            "check",
            f"--base-url={server.url}",
            *(option.replace("--inventory-", "--") for option in SUITE_OPTIONS),
            "--allow-writes",
            "--report=report.json",
            cwd=cwd,
            XDG_CACHE_HOME=str(cache),
        )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert sorted(p.name for p in cwd.iterdir()) == ["report.json", "report.md"]
    assert (cache / "inventory-contract-kit" / "hypothesis").is_dir()  # hypothesis' files went there
    assert "PytestAssertRewriteWarning" not in output
    assert "dev/null" not in output
    assert "configfile: none (the current directory's pytest settings are not read)" in output


def test_a_read_only_run_reports_restore_as_null(run_suite: RunSuite, mock: InventoryMock, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_suite(*SUITE_OPTIONS, f"--inventory-report={report}", app=mock.app)
    assert result.ret == 0, result.stdout.str()
    assert json.loads(report.read_text())["restore"] is None


# -- the restore is bounded ------------------------------------------------------------------


def test_undo_steps_are_no_larger_than_the_largest_delta() -> None:
    assert undo_steps(0, 0, 5, 5) == []
    assert undo_steps(7, 0, 7, 0) == [(-7, 0)]
    assert undo_steps(12, -5, 5, 3) == [(-5, 3), (-5, 2), (-2, 0)]
    assert undo_steps(-4, 9, 4, 9) == [(4, -9)]


def test_the_restore_splits_a_big_undo_into_adjusts_no_larger_than_the_runs(mock: InventoryMock) -> None:
    recorder = RecordingServer(mock.app)
    context = Context(make_target(), WsgiClient(recorder, BASE_URL))
    context.start()
    for _ in range(10):
        done = context.api.adjust(
            {"p1_id": str(PRODUCT), "delta_on_hand": 7, "delta_incoming": 1, "reason": context.reason("grow")}
        )
        assert done.response.status == 200
    sent = len(recorder.writes())
    restore = context.restore()
    assert restore.restored, restore.to_json()
    assert restore.undone == {"delta_on_hand": -70, "delta_incoming": -10}
    undo = [body for _method, _path, body in recorder.writes()[sent:]]
    assert len(undo) == 10
    assert all(abs(body["delta_on_hand"]) <= 7 and abs(body["delta_incoming"]) <= 1 for body in undo)
    assert sum(body["delta_on_hand"] for body in undo) == -70


# -- the target going away mid-run -------------------------------------------------------------


class GoesAway:
    """A client that answers like the app for ``answers`` requests, then cannot connect."""

    def __init__(self, app: Any, answers: int) -> None:
        self.inner = WsgiClient(app, BASE_URL)
        self.base_url = BASE_URL
        self.left = answers

    def send(self, request: Request) -> Response:
        self.left -= 1
        if self.left < 0:
            raise TargetError(
                f"cannot reach {BASE_URL} (connection refused)", base_url=BASE_URL, request=f"GET {request.path}"
            )
        return self.inner.send(request)

    def pytest_inventory_conformance_client(self, config: pytest.Config, target: Any) -> GoesAway:
        return self


def test_a_target_going_away_mid_run_is_one_line_and_status_2(
    pytester: pytest.Pytester, mock: InventoryMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTORY_"):
            monkeypatch.delenv(name)
    result = pytester.runpytest_inprocess(
        "--pyargs",
        "contract_tests.conformance",
        "-p",
        "no:cacheprovider",
        f"--inventory-base-url={BASE_URL}",
        *SUITE_OPTIONS,
        plugins=[GoesAway(mock.app, answers=12)],
    )
    output = result.stdout.str()
    assert result.ret == 2, output
    assert "inventory conformance: the target stopped answering at GET " in output
    assert f"cannot reach {BASE_URL} (connection refused)" in output
    assert "Traceback" not in output
    assert result.parseoutcomes().get("failed", 0) == 1  # the session stopped at the first
