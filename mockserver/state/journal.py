"""A bounded record of the API requests the fake received, newest last."""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, overload

MAX_JOURNAL_ENTRIES = 10_000


def redact(token: str | None) -> str | None:
    """A token as ``acme…#3f2a``: its first 4 characters and 4 hex digits of its SHA-256, so
    that two tokens with one prefix (``acme-rw``, ``acme-ro``) are told apart, none disclosed."""
    if token is None:
        return None
    return _redacted(token)


@lru_cache(maxsize=1024)
def _redacted(token: str) -> str:
    prefix = token[:4] if len(token) > 4 else ""
    return f"{prefix}…#{hashlib.sha256(token.encode()).hexdigest()[:4]}"


@dataclass(frozen=True, slots=True)
class Violation:
    """A way a request broke the contract: the rule (docs/design.md id) and what was wrong."""

    rule: str
    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One API request and the fake's answer."""

    method: str
    path: str
    query: str
    body: Any
    status: int
    token: str | None = None  # redacted
    error: str | None = None
    violations: tuple[Violation, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The entry as ``GET /_mock/journal`` shows it."""
        data = asdict(self)
        data["violations"] = [asdict(v) for v in self.violations]
        return data


class Journal:
    """Thread-safe, bounded (``MAX_JOURNAL_ENTRIES``, oldest dropped first).

    Reads like ``responses.calls``: ``len(journal)``, ``journal[-1]``, ``for entry in journal``
    (each over a snapshot, oldest first), besides ``entries()``.
    """

    def __init__(self, max_entries: int = MAX_JOURNAL_ENTRIES) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries)
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JournalEntry]:
        """A snapshot of the entries, oldest first."""
        with self._lock:
            return list(self._entries)

    def violations(self) -> list[tuple[JournalEntry, Violation]]:
        """Every recorded contract violation with the request it came from."""
        return [(entry, v) for entry in self.entries() for v in entry.violations]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    @overload
    def __getitem__(self, index: int) -> JournalEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[JournalEntry]: ...

    def __getitem__(self, index: int | slice) -> JournalEntry | list[JournalEntry]:
        return self.entries()[index]
