"""``serve --state-file`` durability: saves after N writes and periodically, atomically; a crash
(SIGKILL) loses at most the writes since the last save; a corrupt file is refused and kept."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver import InventoryMock
from mockserver.state.persistence import Saver, StateFileError, read_state, state_text, write_atomic

from .support import PRODUCT, READ_WRITE, api, bearer, serve_process, stop_process

WAIT = 60.0  # generous bound for conditions on a loaded machine


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}"
        pause.wait(0.02)


def entries_in(path: Path) -> int:
    """The saved log size of PRODUCT (0 while no file is there)."""
    if not path.exists():
        return 0
    return _product(json.loads(path.read_text("utf-8")))["log_entries"]  # type: ignore[no-any-return]


def _product(state: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in state["orgs"][0]["products"] if p["p1_id"] == PRODUCT)


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def _adjust(session: requests.Session, port: int, n: int) -> int:
    body = {"p1_id": PRODUCT, "reason": f"write {n}", "delta_on_hand": 1}
    return session.post(
        f"http://127.0.0.1:{port}" + api(rest="/adjust"), json=body, headers=bearer(READ_WRITE)
    ).status_code


def _write(mock: InventoryMock, reason: str) -> None:
    body = {"p1_id": PRODUCT, "reason": reason, "delta_on_hand": 1}
    assert mock.app.test_client().post(api(rest="/adjust"), json=body, headers=bearer(READ_WRITE)).status_code == 200


# -- reading ------------------------------------------------------------------------------------

VALID = state_text(InventoryMock().dump())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "it is empty"),
        (VALID[: len(VALID) // 2], "not JSON at line"),
        ("{bad", "not JSON at line 1 column 2"),
        ("[]", "must hold a JSON object"),
    ],
    ids=["empty", "truncated", "garbage", "array"],
)
def test_a_bad_state_file_is_named_with_its_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(text, "utf-8")
    with pytest.raises(StateFileError) as raised:
        read_state(path)
    assert problem in str(raised.value)
    assert str(path) in str(raised.value)
    assert str(raised.value).endswith("it was left untouched")


def test_a_saved_state_reads_back_as_the_same_state(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_atomic(path, VALID)
    assert read_state(path) == json.loads(VALID)
    assert InventoryMock(read_state(path)).dump() == json.loads(VALID)


# -- the saver ----------------------------------------------------------------------------------


def test_the_saver_writes_after_every_n_writes(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mock = InventoryMock()
    saver = Saver(path, mock.dump, every_writes=3, interval=3600).start()
    try:
        for _ in range(2):
            _write(mock, "counted")
            saver.note_write()
        assert saver.saves == 0  # below N, and the interval is an hour: nothing written yet
        _write(mock, "counted")
        saver.note_write()
        wait_until(lambda: entries_in(path) == 5, "the third write reached the file")
    finally:
        saver.stop()
    assert saver.saves == 2  # the one at N, the last one at stop


def test_the_saver_writes_every_interval_when_something_changed(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mock = InventoryMock()
    saver = Saver(path, mock.dump, every_writes=1000, interval=0.05).start()
    try:
        _write(mock, "periodic")
        saver.note_write()
        wait_until(lambda: entries_in(path) == 3, "the periodic save wrote the write")
    finally:
        saver.stop()


def test_the_saver_refuses_bounds_that_save_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="every_writes"):
        Saver(tmp_path / "s.json", dict, every_writes=0, interval=1)
    with pytest.raises(ValueError, match="interval"):
        Saver(tmp_path / "s.json", dict, every_writes=1, interval=0)


def test_a_reader_never_sees_a_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mock = InventoryMock()
    saver = Saver(path, mock.dump, every_writes=1, interval=3600)
    saver.save()
    done = threading.Event()
    reads: list[int] = []

    def reader() -> None:
        while not done.is_set():
            reads.append(_product(json.loads(path.read_text("utf-8")))["log_entries"])  # raises on half a file

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(60):
            _write(mock, "atomic")
            saver.save()
    finally:
        done.set()
        thread.join(WAIT)
    assert reads, "the reader read nothing"
    assert reads == sorted(reads)  # every read a whole state, never older than the one before
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"], "a temporary file was left behind"


# -- serve, in a real process -------------------------------------------------------------------


def test_sigkill_loses_at_most_the_writes_since_the_last_save(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    every = 10
    options = ("--state-file", str(state_file), "--save-every-writes", str(every), "--save-interval", "3600")
    with serve_process(*options, "--quiet") as (process, _banner, port):
        wait_until(lambda: entries_in(state_file) == 2, "the seed's state written at start")
        session = _session()
        for n in range(25):
            assert _adjust(session, port, n) == 200
        # 25 writes with N=10: the saves at 10 and 20 hold at least 20 of them.
        wait_until(lambda: entries_in(state_file) >= 2 + 20, "the save after the 20th write")
        accepted = [0]
        stop = threading.Event()

        def load() -> None:  # writers still going when the process dies
            load_session = _session()
            while not stop.is_set():
                try:
                    if _adjust(load_session, port, 100 + accepted[0]) == 200:
                        accepted[0] += 1
                except requests.ConnectionError:
                    return

        writer = threading.Thread(target=load)
        writer.start()
        wait_until(lambda: accepted[0] >= 30, "writes under load")
        saved_before_kill = entries_in(state_file)
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)
        stop.set()
        writer.join(WAIT)

    restored = read_state(state_file)  # a whole state: the kill never leaves half a file
    product = _product(restored)
    assert product["log_entries"] >= saved_before_kill >= 2 + 20
    # What a kill loses is bounded by the saves: the 20 of the first 25 writes were on disk within
    # the wait above (N=10); the writes after the last save before the kill are the ones lost.
    assert product["log_entries"] <= 2 + 25 + accepted[0]
    assert product["stockquantity"] == 50 + (product["log_entries"] - 2)  # consistent: each write +1
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]

    with serve_process("--state-file", str(state_file), "--quiet") as (process, _banner, port):
        listing = _session().get(f"http://127.0.0.1:{port}" + api(), headers=bearer(READ_WRITE)).json()["data"]
        item = next(i for i in listing if i["p1_id"] == PRODUCT)
        assert item["log_entries"] == product["log_entries"]
        stop_process(process, signal.SIGTERM)


def test_serve_saves_periodically(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    options = ("--state-file", str(state_file), "--save-every-writes", "1000", "--save-interval", "0.2")
    with serve_process(*options, "--quiet") as (process, _banner, port):
        session = _session()
        for n in range(3):
            assert _adjust(session, port, n) == 200
        wait_until(lambda: entries_in(state_file) == 5, "the periodic save")
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)


BAD_FILES = {
    "garbage": "{bad",
    "truncated": VALID[: len(VALID) // 3],
    "empty": "",
    "not-a-state": '{"orgs": 5}',
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_corrupt_state_file_stops_serve_with_one_line_and_is_kept(tmp_path: Path, name: str) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(BAD_FILES[name], "utf-8")
    before = state_file.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--state-file", str(state_file)],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"inventory-mock: state file {state_file} is not valid: ")
    assert lines[0].endswith("; it was left untouched")
    assert state_file.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.parametrize(
    "arguments",
    [
        ("--save-every-writes", "0"),
        ("--save-every-writes", "ten"),
        ("--save-interval", "-1"),
        ("--save-interval", "nan"),
    ],
)
def test_bad_save_bounds_are_usage_errors(tmp_path: Path, arguments: tuple[str, str]) -> None:
    command = [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--state-file", str(tmp_path / "s.json")]
    done = subprocess.run([*command, *arguments], capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 2
    assert f"argument {arguments[0]}" in done.stderr
    assert "Traceback" not in done.stderr


def test_save_bounds_without_a_state_file_are_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", "0", "--save-interval", "1"],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "inventory-mock: --save-every-writes and --save-interval need --state-file"
