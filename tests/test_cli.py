"""The `inventory-mock` command: serve (a real process), openapi, --help, refusals."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
import requests

import schemas
from mockserver.mutants import MUTANTS

COMMAND = [sys.executable, "-m", "mockserver.cli"]


@dataclass
class Served:
    """A running `inventory-mock serve`; after it stops: exit status and remaining output."""

    url: str
    banner: list[str]
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    _lines: list[str] = field(default_factory=list)

    def wait_for_output(self, pattern: str, timeout: float = 20.0) -> None:
        """Block until a line of the server's output so far matches ``pattern`` (a loaded
        machine may write the access log well after the answer)."""
        deadline = time.monotonic() + timeout
        while not any(re.search(pattern, line) for line in list(self._lines)):
            assert time.monotonic() < deadline, f"no output matching {pattern!r} in {timeout} s: {self._lines}"
            time.sleep(0.02)


@contextmanager
def running_server(*args: str, banner_lines: int = 1) -> Iterator[Served]:
    """Start `inventory-mock serve ARGS` on loopback; yield it; stop it with SIGTERM."""
    with subprocess.Popen(
        [*COMMAND, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        out: list[str] = []
        err: list[str] = []
        readers: list[threading.Thread] = []
        try:
            banner = [process.stdout.readline() for _ in range(banner_lines)]
            match = re.search(r"on (http://127\.0\.0\.1:\d+)", banner[0])
            assert match, f"no URL in banner {banner!r}"
            served = Served(match.group(1), banner)
            readers = [
                threading.Thread(target=_collect, args=(stream, served._lines, sink), daemon=True)
                for stream, sink in ((process.stdout, out), (process.stderr, err))
            ]
            for reader in readers:
                reader.start()
            yield served
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
            for reader in readers:
                reader.join(timeout=20)
        served.stdout, served.stderr, served.returncode = "".join(out), "".join(err), process.returncode


def _collect(stream: IO[str] | None, lines: list[str], sink: list[str]) -> None:
    assert stream is not None
    for line in stream:
        lines.append(line)
        sink.append(line)


def test_serve_answers_logs_requests_and_stops_cleanly_on_sigterm() -> None:
    with running_server("--port", "0") as served:
        answer = requests.get(
            f"{served.url}/api/v2/public/orgs/demo-org/inventory",
            headers={"Authorization": "Bearer demo-read-only"},
            timeout=5,
        )
        assert answer.status_code == 200
        assert [p["p1_id"] for p in answer.json()["data"]] == [12345, 12346, 12347, 12348, 12349]
        served.wait_for_output(r'"GET /api/v2/public/orgs/demo-org/inventory[^"]*" 200')
    assert served.returncode == 0
    assert "stopped" in served.stdout
    log = served.stdout + served.stderr  # one line per request, whichever server logs it
    assert re.search(r'"GET /api/v2/public/orgs/demo-org/inventory[^"]*" 200', log), log
    request_lines = [line for line in log.splitlines() if '"GET /api/' in line]
    assert request_lines
    assert not any("demo-read-only" in line for line in request_lines)  # the banner shows demo tokens; the log never


def test_serve_prints_the_tokens_and_a_curl_command() -> None:
    with running_server("--port", "0", banner_lines=6) as served:
        url = served.url
    text = "".join(served.banner)
    for token in ("demo-read-write", "demo-read-only", "demo-write-only"):
        assert token in text
    assert f"curl -H 'Authorization: Bearer demo-read-write' {url}/api/v2/public/orgs/demo-org/inventory" in text


def test_serve_with_a_seed_file_and_a_control_token(tmp_path: Path) -> None:
    seed = {
        "orgs": [
            {
                "id": "acme",
                "products": [{"p1_id": 1, "name": "Widget", "stockquantity": 2}],
                "tokens": [{"token": "acme-rw", "scopes": ["inventory.read", "inventory.write"]}],
            }
        ]
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), "utf-8")
    with running_server("--port", "0", "--seed", str(path), "--control-token", "ctl") as served:
        url = served.url
        listed = requests.get(
            f"{url}/api/v2/public/orgs/acme/inventory", headers={"Authorization": "Bearer acme-rw"}, timeout=5
        )
        assert listed.json()["data"][0]["name"] == "Widget"
        assert requests.post(f"{url}/_mock/reset", timeout=5).status_code == 401
        assert (
            requests.post(f"{url}/_mock/reset", headers={"X-Mock-Control-Token": "ctl"}, timeout=5).status_code == 200
        )


def test_serve_with_a_bad_seed_exits_2_naming_file_path_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"orgs": [{"id": "x", "products": [{"p1_id": 1, "name": "n", "stockquantity": -1}]}]}))
    done = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--seed", str(path)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert str(path) in done.stderr
    assert "$.orgs[0].products[0].stockquantity" in done.stderr
    assert ">= 0" in done.stderr


def test_serve_refuses_a_public_address_without_a_control_token() -> None:
    done = subprocess.run(
        [*COMMAND, "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "--control-token" in done.stderr


def test_openapi_prints_the_document_built_from_the_schemas() -> None:
    done = subprocess.run([*COMMAND, "openapi"], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(done.stdout) == schemas.openapi()


def test_serve_with_a_mutant_says_so_and_breaks_its_rule() -> None:
    with running_server(
        "--port", "0", "--server", "werkzeug", "--mutant", "no-token-accepted", banner_lines=6
    ) as served:
        listed = requests.get(f"{served.url}/api/v2/public/orgs/demo-org/inventory", timeout=10)
        assert listed.status_code == 200  # no token, and yet served
        assert requests.get(f"{served.url}/_mock/mutant", timeout=10).json() == {"mutant": "no-token-accepted"}
        switched = requests.put(f"{served.url}/_mock/mutant", json={"mutant": None}, timeout=10)
        assert switched.json() == {"mutant": None}
        assert requests.get(f"{served.url}/api/v2/public/orgs/demo-org/inventory", timeout=10).status_code == 401
    banner = "".join(served.banner)
    assert "MUTANT no-token-accepted: a documented rule is BROKEN on purpose (AUTH)" in banner


def test_serve_with_an_unknown_mutant_exits_2_with_one_line() -> None:
    done = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--mutant", "stock-below-one"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "'stock-below-one'" in line
    assert "stock-below-zero" in line


def test_mutants_lists_name_rule_and_what_each_breaks() -> None:
    done = subprocess.run([*COMMAND, "mutants"], capture_output=True, text=True, timeout=30, check=True)
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [[m.name, m.rule] for m in MUTANTS.values()]
    assert all(line.endswith(m.breaks) for line, m in zip(lines, MUTANTS.values(), strict=True))


@pytest.mark.parametrize("args", [[], ["serve"], ["openapi"], ["mutants"]])
def test_every_command_has_help(args: list[str]) -> None:
    done = subprocess.run([*COMMAND, *args, "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert "usage: inventory-mock" in done.stdout


def test_the_banner_tells_a_user_seeds_tokens_apart_without_showing_them(tmp_path: Path) -> None:
    scopes = {"acme-rw": ["inventory.read", "inventory.write"], "acme-ro": ["inventory.read"]}
    tokens = [{"token": token, "scopes": granted} for token, granted in scopes.items()]
    seed = {"orgs": [{"id": "acme", "products": [], "tokens": tokens}]}
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), "utf-8")
    with running_server("--port", "0", "--seed", str(path), banner_lines=3) as served:
        pass
    lines = {line.split()[1]: line.split()[2] for line in served.banner[1:3]}
    assert set(lines) == {"read_write", "read_only"}, served.banner
    fingerprint = {token: hashlib.sha256(token.encode()).hexdigest()[:4] for token in scopes}
    assert lines == {"read_write": f"acme…#{fingerprint['acme-rw']}", "read_only": f"acme…#{fingerprint['acme-ro']}"}
    assert not any(token in "".join(served.banner) for token in scopes)
