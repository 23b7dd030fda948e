"""Every argument of `inventory-mock serve` and `check`, given a bad value: exit 2 and a
message that names the argument and the rule -- never a traceback (a real process each)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.cli import build_parser

COMMAND = [sys.executable, "-m", "contract_tests.cli"]
# A complete `check` target that nothing answers: the settings are judged before any request.
TARGET = ["--base-url", "http://127.0.0.1:9", "--org-id", "acme", "--product-id", "1", "--token-read-write", "rw"]

# option -> (its bad arguments, a fragment the error must show). {dir} is a directory,
# {missing} a path that does not exist, {file} a file.
SERVE_CASES: dict[str, tuple[list[str], str]] = {
    "--host": (["--host", "300.1.1.1", "--no-control", "--port", "0"], "cannot bind 300.1.1.1"),
    "--port": (["--port", "99999"], "argument --port: '99999' is not a port: give 0..65535"),
    "--seed": (["--seed", "{missing}"], "bad seed: {missing}: $: cannot read the file"),
    "--profile": (["--profile", "{missing}"], "bad profile: {missing}"),
    "--allow-webhook-host": (["--allow-webhook-host", ""], "argument --allow-webhook-host: must not be empty"),
    "--control-token": (["--control-token", ""], "argument --control-token: must not be empty"),
    "--no-control": (["--no-control", "--control-token", "t"], "--control-token and --no-control contradict"),
    "--state-file": (["--state-file", "{dir}"], "state file {dir} is not valid: cannot be read"),
    "--save-every-writes": (["--save-every-writes", "0"], "argument --save-every-writes: '0' must be above 0"),
    "--save-interval": (["--save-interval", "nan"], "argument --save-interval: 'nan' must be above 0"),
    "--mutant": (["--mutant", "no-such-rule"], "bad --mutant: no mutant 'no-such-rule'"),
    "--server": (["--server", "gunicorn"], "argument --server: invalid choice: 'gunicorn'"),
}
SERVE_MORE_CASES: list[tuple[list[str], str]] = [
    (["--port", "-1"], "argument --port: '-1' is not a port"),
    (["--port", "http"], "argument --port: 'http' is not a port number"),
    (["--save-interval", "5"], "--save-every-writes and --save-interval need --state-file"),
    (["--state-file", "{missing}/state.json"], "no directory for --state-file"),
    (["--host", "0.0.0.0"], "refusing to expose the control API on 0.0.0.0"),
]
CHECK_CASES: dict[str, tuple[list[str], str]] = {
    "--config": (["--config", "{missing}"], "{missing}: cannot read the config file"),
    "--base-url": (["--base-url", "ftp://x"], "base_url: must be an http(s) URL"),
    "--org-id": (["--org-id", ""], "missing settings: --org-id"),
    "--product-id": (["--product-id", "x"], "--product-id: must be an integer (got 'x')"),
    "--foreign-product-id": (["--foreign-product-id", "0"], "foreign_product_id: must be a positive integer"),
    "--token-read-write": (["--token-read-write", "rw token"], "token_read_write: must be one word"),
    "--token-read-only": (["--token-read-only", "ro\ntoken"], "token_read_only: must be one word"),
    "--token-write-only": (["--token-write-only", "wo\ttoken"], "token_write_only: must be one word"),
    "--token-other-org": (["--token-other-org", "é"], "token_other_org: must be one word"),
    "--rate-limit": (["--rate-limit", "-1"], "rate_limit: must be >= 0"),
    "--max-examples": (["--max-examples", "0"], "max_examples: must be at least 1"),
    "--max-steps": (["--max-steps", "-2"], "max_steps: must be at least 1"),
    "--timeout": (["--timeout", "0"], "timeout: must be a number of seconds above 0"),
    "--seed": (["--seed", "lucky"], "--seed: must be an integer (got 'lucky')"),
    "--report": (["--report", "{dir}"], "--report: {dir} is a directory"),
    "--write-profile": (
        ["--write-profile", "{file}/p.json"],
        "--write-profile: cannot write {file}/p.json: {file} is a file",
    ),
}
CHECK_MORE_CASES: list[tuple[list[str], str]] = [
    (["--timeout", "inf"], "timeout: must be a number of seconds above 0"),
    (["--rate-limit", "nan"], "rate_limit: must be >= 0"),
    (["--allow-writes", "--max-steps", "x"], "--max-steps: must be an integer (got 'x')"),
]


def _options_taking_a_value(command: str) -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = commands.choices[command]
    return {
        option
        for action in sub._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
        if option.startswith("--")
    }


@pytest.mark.parametrize("command", ["serve", "check"])
def test_every_option_has_a_bad_value_case(command: str) -> None:
    cases = SERVE_CASES if command == "serve" else CHECK_CASES
    flags_with_no_value = {"--quiet", "--allow-writes"}
    assert _options_taking_a_value(command) - flags_with_no_value == set(cases)


def _run(tmp_path: Path, command: list[str], args: list[str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "a-file").write_text("", "utf-8")
    places = {"dir": str(tmp_path), "missing": str(tmp_path / "missing"), "file": str(tmp_path / "a-file")}
    filled = [arg.format(**places) for arg in args]
    return subprocess.run(
        [*COMMAND, *command, *filled], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False
    )


def _assert_usage_error(result: subprocess.CompletedProcess[str], expected: str, tmp_path: Path) -> None:
    fragment = expected.format(dir=tmp_path, missing=tmp_path / "missing", file=tmp_path / "a-file")
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    last = result.stderr.rstrip("\n").splitlines()[-1]
    assert fragment in last, result.stderr
    if not last.startswith("inventory-mock serve: error:") and not last.startswith("inventory-mock check: error:"):
        assert len(result.stderr.rstrip("\n").splitlines()) == 1, result.stderr  # our own errors: one line


@pytest.mark.parametrize(
    ("args", "expected"),
    [*SERVE_CASES.values(), *SERVE_MORE_CASES],
    ids=[*SERVE_CASES, *(" ".join(a) for a, _ in SERVE_MORE_CASES)],
)
def test_serve_refuses_a_bad_argument_in_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    _assert_usage_error(_run(tmp_path, ["serve", "--port", "0"], args), expected, tmp_path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [*CHECK_CASES.values(), *CHECK_MORE_CASES],
    ids=[*CHECK_CASES, *(" ".join(a) for a, _ in CHECK_MORE_CASES)],
)
def test_check_refuses_a_bad_argument_in_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    _assert_usage_error(_run(tmp_path, ["check", *TARGET], args), expected, tmp_path)
