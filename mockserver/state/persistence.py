"""The state file of ``serve --state-file``: atomic writes, a checked read, a saver that bounds the loss.

A crash or a SIGKILL loses at most the writes since the last save: the saver writes after every
``every_writes`` accepted writes and every ``interval`` seconds when something changed, from its
own thread (the request threads only count). Each save replaces the file atomically (temporary
file in the same directory, fsync, rename, fsync of the directory): a reader, or a restart after
a power cut, sees the old state or the new one, never a mix.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("mockserver.state")


class StateFileError(ValueError):
    """A state file that cannot be read as a state (the file is left as it is)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"state file {path} is not valid: {problem}; it was left untouched")
        self.path = path
        self.problem = problem


def state_text(state: dict[str, Any]) -> str:
    """The file's text of ``state``."""
    return json.dumps(state, ensure_ascii=False, indent=1)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: a reader sees the old file or the new one, never half."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    ) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)
    _fsync_directory(path.parent)


def write_state(state: dict[str, Any], path: Path) -> None:
    """Write ``state`` to ``path`` atomically (nothing is written if it cannot be serialized)."""
    write_atomic(path, state_text(state))


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def read_state(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; ``StateFileError`` naming the file and the problem otherwise.

    The seed schema is checked by whoever loads the result (``InventoryMock``).
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StateFileError(path, f"cannot be read ({error.strerror})") from None
    if not raw.strip():
        raise StateFileError(path, "it is empty (a truncated write?)")
    try:
        state = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise StateFileError(path, f"not UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise StateFileError(path, f"not JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    if not isinstance(state, dict):
        raise StateFileError(path, f"must hold a JSON object (a state in the seed format), not {type(state).__name__}")
    return state


class Saver:
    """Writes ``dump()`` to ``path`` after ``every_writes`` noted writes and every ``interval``
    seconds when a write was noted since the last save; ``stop`` ends the thread after a last save."""

    def __init__(self, path: Path, dump: Callable[[], dict[str, Any]], *, every_writes: int, interval: float) -> None:
        if every_writes < 1 or interval <= 0:
            raise ValueError("every_writes must be at least 1 and interval above 0")
        self.path = path
        self.every_writes = every_writes
        self.interval = interval
        self._dump = dump
        self._pending = 0
        self._count_lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inventory-mock:saver", daemon=True)
        self.saves = 0

    def note_write(self) -> None:
        """Count one accepted write (called on request threads: no I/O here)."""
        with self._count_lock:
            self._pending += 1
            if self._pending >= self.every_writes:
                self._wake.set()

    def start(self) -> Saver:
        self._thread.start()
        return self

    def save(self) -> None:
        """Write the state now (serialized against concurrent saves)."""
        with self._save_lock:
            with self._count_lock:
                self._pending = 0
            write_state(self._dump(), self.path)
            self.saves += 1

    def stop(self) -> None:
        """End the thread, then write the state a last time."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()
        self.save()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            with self._count_lock:
                changed = self._pending > 0
            if changed:
                try:
                    self.save()
                except (OSError, TypeError, ValueError) as error:  # keep serving; the next save retries
                    log.warning("inventory-mock: could not write the state file %s: %s", self.path, error)
