"""docs/ci.md: its workflows load as YAML, its exit-code table is the CLI's, and its conformance
steps, run as written against a fake on 127.0.0.1, write the JUnit XML and the report."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.conformance import cli as conformance_cli
from tests.serve_process import serving

CI_DOC = Path(__file__).parent.parent / "docs" / "ci.md"
BIN = str(Path(sys.executable).parent)


def _blocks() -> dict[str, Any]:
    text = CI_DOC.read_text("utf-8")
    github, gitlab = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return {"github": yaml.safe_load(github), "gitlab": yaml.safe_load(gitlab)}


def test_the_exit_code_table_is_the_clis() -> None:
    rows = dict(re.findall(r"^\| `(\d)` \| (\w[\w ]*?):", CI_DOC.read_text("utf-8"), re.M))
    codes = {conformance_cli.CONFORMANT: "conformant", conformance_cli.NOT_CONFORMANT: "not conformant"}
    codes[conformance_cli.NO_VERDICT] = "no verdict"
    assert {int(code): meaning for code, meaning in rows.items()} == codes


def test_the_github_workflow_has_both_uses() -> None:
    jobs = _blocks()["github"]["jobs"]
    assert set(jobs) == {"client-tests", "conformance"}
    client_runs = [step.get("run", "") for step in jobs["client-tests"]["steps"]]
    assert any(run.startswith("pytest --junitxml=") for run in client_runs)
    uploads = [step for step in jobs["conformance"]["steps"] if step.get("uses", "").startswith("actions/upload")]
    assert uploads[0]["if"] == "always()"
    assert uploads[0]["with"]["path"] == "conformance/"
    assert all("secrets." in value for key, value in jobs["conformance"]["env"].items() if "TOKEN" in key)


def test_the_gitlab_jobs_have_both_uses_and_keep_the_junit_report() -> None:
    jobs = _blocks()["gitlab"]
    assert jobs["client-tests"]["artifacts"]["reports"]["junit"] == "client-tests.xml"
    assert jobs["conformance"]["artifacts"]["reports"]["junit"] == "conformance/junit.xml"
    assert jobs["conformance"]["artifacts"]["when"] == "always"
    assert jobs["conformance"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]


@pytest.mark.parametrize("system", ["github", "gitlab"])
def test_the_conformance_steps_run_as_written(system: str, tmp_path: Path) -> None:
    blocks = _blocks()
    if system == "github":
        job = blocks["github"]["jobs"]["conformance"]
        steps = [step["run"] for step in job["steps"] if "run" in step]
    else:
        steps = list(blocks["gitlab"]["conformance"]["script"])
    steps = [step for step in steps if not step.startswith("pip install")]  # the kit is installed here
    with serving(server="werkzeug") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INVENTORY_")}
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
            HOME=str(tmp_path),  # hypothesis' files go under the user's cache
            INVENTORY_BASE_URL=url,
            INVENTORY_ORG_ID="demo-org",
            INVENTORY_PRODUCT_ID="12345",
            INVENTORY_TOKEN_READ_WRITE="demo-read-write",
            INVENTORY_TOKEN_READ_ONLY="demo-read-only",
            INVENTORY_MAX_EXAMPLES="2",  # a short stateful test: the steps are what is tested here
            INVENTORY_MAX_STEPS="5",
        )
        for step in steps:
            done = subprocess.run(
                ["bash", "-eu", "-c", step], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, (step, done.stdout[-3000:], done.stderr[-3000:])
    junit = ElementTree.parse(tmp_path / "conformance" / "junit.xml").getroot()
    cases = junit.findall(".//testcase")
    assert len(cases) > 10
    named = [c.get("name", "") for c in cases if c.get("name", "").startswith("test_contract[")]
    assert len(named) > 10
    assert all(re.match(r"test_contract\[[A-Z-]+:\w+\]", name) for name in named), named
    assert not junit.findall(".//failure")
    assert (tmp_path / "conformance" / "report.json").is_file()
    assert "| AUTH |" in (tmp_path / "conformance" / "report.md").read_text("utf-8")
    if system == "github":
        assert (tmp_path / "summary.md").read_text("utf-8") == (tmp_path / "conformance" / "report.md").read_text(
            "utf-8"
        )
