"""``inventory-mock check`` end to end: a served fake in a subprocess, exit statuses, report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conformance_faults import with_mutant

from contract_tests.cli import main
from mockserver import InventoryMock, LiveServer

SCRIPT = str(Path(sys.executable).with_name("inventory-mock"))
TOKENS = [
    "--token-read-write=demo-read-write",
    "--token-read-only=demo-read-only",
    "--token-write-only=demo-write-only",
    "--token-other-org=other-org-read-write",
]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("INVENTORY_")}


@pytest.fixture
def served() -> Iterator[str]:
    """``inventory-mock serve --port 0`` in a subprocess; yields its base URL."""
    process = subprocess.Popen(
        [SCRIPT, "serve", "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True, env=_clean_env()
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert " on http://127.0.0.1:" in first, first
        yield first.rsplit(" on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "check", *args], capture_output=True, text=True, cwd=cwd, env=_clean_env(), timeout=300
    )


def test_check_with_writes_against_a_served_fake_passes_every_rule(served: str, tmp_path: Path) -> None:
    config = tmp_path / "inventory-contract.toml"
    config.write_text(
        f'base_url = "{served}"\norg_id = "demo-org"\nproduct_id = 12345\nforeign_product_id = 99999\n'
        'allow_writes = false\n[tokens]\nread_write = "demo-read-write"\nread_only = "demo-read-only"\n'
        'write_only = "demo-write-only"\nother_org = "other-org-read-write"\n'
    )
    done = _check("--config", str(config), "--allow-writes", "--report", "report.json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert [rule["status"] for rule in report["rules"]] == ["passed"] * 12
    assert all(check["status"] == "passed" for rule in report["rules"] for check in rule["checks"])
    assert report["summary"]["skipped"] == 0
    assert report["target"]["allow_writes"] is True  # the option beat the file
    assert report["restore"]["restored"] is True
    markdown = (tmp_path / "report.md").read_text()
    assert "| LOG-CAP | passed |" in markdown
    assert "demo-read-write" not in (tmp_path / "report.json").read_text() + markdown


def test_check_fails_with_status_1_naming_the_broken_rule(tmp_path: Path) -> None:
    mock = InventoryMock()
    with LiveServer(with_mutant(mock, "no-token-accepted")) as server:
        done = _check(
            f"--base-url={server.url}",
            "--org-id=demo-org",
            "--product-id=12345",
            *TOKENS,
            "--report=out/report.json",
            cwd=tmp_path,
        )
    assert done.returncode == 1
    assert "[AUTH] list without Authorization: expected a 4xx answer" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    statuses = {rule["id"]: rule["status"] for rule in report["rules"]}
    assert statuses["AUTH"] == "failed"
    assert statuses["SHAPES"] == "passed"
    assert statuses["AUDIT"] == "skipped"  # no --allow-writes


def test_check_without_the_required_settings_exits_2(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    for name in list(os.environ):
        if name.startswith("INVENTORY_"):
            monkeypatch.delenv(name)
    assert main(["check", "--base-url", "http://127.0.0.1:9", "--org-id", "demo-org"]) == 2
    err = capsys.readouterr().err
    assert "missing settings: --product-id / INVENTORY_PRODUCT_ID / product_id in the TOML file" in err
    assert "--token-read-write / INVENTORY_TOKEN_READ_WRITE / [tokens] read_write in the TOML file" in err
