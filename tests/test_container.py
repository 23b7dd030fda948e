"""The container's entry command (``python -m mockserver.container``) and ``docs/docker/Dockerfile``:
the image cannot be built here (no registry for base images), so what is tested is what it runs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mockserver import cli, container

ROOT = Path(__file__).parent.parent
DOCKERFILE = ROOT / "docs" / "docker" / "Dockerfile"
LIST = "/api/v2/public/orgs/demo-org/inventory"


@pytest.mark.parametrize(
    ("environ", "host", "more", "notice"),
    [
        ({}, "127.0.0.1", [], True),
        ({"INVENTORY_MOCK_CONTROL_TOKEN": "ctl"}, "0.0.0.0", ["--control-token", "ctl"], False),
        ({"INVENTORY_MOCK_NO_CONTROL": "1"}, "0.0.0.0", ["--no-control"], False),
        ({"INVENTORY_MOCK_NO_CONTROL": "no"}, "127.0.0.1", [], True),
        (
            {"INVENTORY_MOCK_HOST": "127.0.0.1", "INVENTORY_MOCK_CONTROL_TOKEN": "c"},
            "127.0.0.1",
            ["--control-token", "c"],
            False,
        ),
    ],
    ids=["nothing set", "control token", "no control", "no control: no", "host given"],
)
def test_the_fake_binds_every_interface_only_with_its_control_api_protected_or_off(
    environ: dict[str, str], host: str, more: list[str], notice: bool
) -> None:
    arguments, said = container.serve_arguments(environ)
    assert arguments == ["serve", "--host", host, "--port", "8080", *more]
    assert (said is not None) == notice
    if said:
        assert "INVENTORY_MOCK_CONTROL_TOKEN" in said
        assert "127.0.0.1" in said
    cli.build_parser().parse_args(arguments)  # serve accepts them


def test_files_mutant_and_extra_arguments_reach_serve() -> None:
    environ = {
        "INVENTORY_MOCK_PORT": "9000",
        "INVENTORY_MOCK_SEED": "/data/seed.json",
        "INVENTORY_MOCK_PROFILE": "/data/staging-profile.json",
        "INVENTORY_MOCK_MUTANT": "log-over-cap",
        "INVENTORY_MOCK_NO_CONTROL": "true",
    }
    arguments, _ = container.serve_arguments(environ, ["--quiet"])
    assert arguments == [
        "serve", "--host", "0.0.0.0", "--port", "9000", "--seed", "/data/seed.json",
        "--profile", "/data/staging-profile.json", "--mutant", "log-over-cap", "--no-control", "--quiet",
    ]  # fmt: skip
    parsed = cli.build_parser().parse_args(arguments)
    assert (parsed.port, parsed.mutant, parsed.no_control, parsed.quiet) == (9000, "log-over-cap", True, True)


def _run_entry(environ: dict[str, str], *extra: str) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVENTORY_MOCK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver.container", "--server", "werkzeug", "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "INVENTORY_MOCK_PORT": "0", **environ},
    )
    banner = process.stdout.readline()  # type: ignore[union-attr]  # blocks until it listens (or exits)
    found = re.search(r"on (http://127\.0\.0\.1:\d+)", banner)
    assert found, (banner, process.stderr.read() if process.poll() is not None else "")  # type: ignore[union-attr]
    return process, found.group(1)


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    return process.returncode, err


def test_the_entry_command_serves_on_loopback_and_says_why() -> None:
    process, url = _run_entry({})
    try:
        answer = requests.get(url + LIST, headers={"Authorization": "Bearer demo-read-write"}, timeout=10)
        assert answer.status_code == 200
        assert requests.post(url + "/_mock/reset", timeout=10).status_code == 200  # loopback: control open
    finally:
        status, err = _stop(process)
    assert status == 0
    assert "serving on 127.0.0.1 inside the container only" in err


def test_the_entry_command_with_a_control_token_protects_the_control_api() -> None:
    process, url = _run_entry({"INVENTORY_MOCK_CONTROL_TOKEN": "ctl", "INVENTORY_MOCK_HOST": "127.0.0.1"})
    try:
        assert requests.post(url + "/_mock/reset", timeout=10).status_code == 401
        assert requests.post(url + "/_mock/reset", headers={"X-Mock-Control-Token": "ctl"}, timeout=10).ok
    finally:
        status, err = _stop(process)
    assert status == 0
    assert "inside the container only" not in err


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text("utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0], line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_the_dockerfile_runs_the_tested_entry_command_as_a_user_that_is_not_root() -> None:
    instructions = _instructions()
    final = instructions[max(i for i, (op, _) in enumerate(instructions) if op == "FROM") :]
    values = {op: arg for op, arg in final}
    assert json.loads(values["ENTRYPOINT"]) == ["python", "-m", "mockserver.container"]
    assert values["USER"].isdigit()
    assert int(values["USER"]) != 0
    assert values["EXPOSE"] == container.DEFAULT_PORT
    assert "useradd --uid " + values["USER"] in values["RUN"]
    assert "0.0.0.0" not in DOCKERFILE.read_text("utf-8")  # binding every interface is the entry's decision
    for op, arg in instructions:
        if op == "COPY" and not arg.startswith("--from"):
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), source


def test_the_dockerfiles_comments_name_its_build_command_and_only_variables_the_entry_reads() -> None:
    text = DOCKERFILE.read_text("utf-8")
    assert "docker build -f docs/docker/Dockerfile -t inventory-mock ." in text
    named = {f"INVENTORY_MOCK_{suffix}" for suffix in re.findall(r"INVENTORY_MOCK_([A-Z_]*[A-Z])", text)}
    read = {*container.VALUED, "INVENTORY_MOCK_NO_CONTROL", "INVENTORY_MOCK_HOST"}
    assert named == read
