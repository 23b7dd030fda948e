"""What crosses the wire: a request, its response, the pair; and token redaction.

Plain values with no transport behind them, so every part of the kit can hold them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from requests.structures import CaseInsensitiveDict


def redact(token: str) -> str:
    """A token cut to a prefix that tells tokens apart without disclosing them."""
    return token[:4] + "…" if len(token) > 8 else "…"


@dataclass(frozen=True)
class Request:
    """One API request: method, path under the base URL, query, headers, JSON body."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    base_url: str = ""

    @property
    def url(self) -> str:
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{self.base_url.rstrip('/')}{self.path}{query}"

    def curl(self) -> str:
        """The request as a curl command, the bearer token cut to a prefix."""
        parts = ["curl", "-X", self.method, self.url]
        for name, value in self.headers.items():
            if name.lower() == "authorization" and value.lower().startswith("bearer "):
                value = "Bearer " + redact(value[7:])
            parts += ["-H", f"{name}: {value}"]
        if self.body is not None:
            parts += ["--data", self.body.decode("utf-8", "replace")]
        return " ".join(shlex.quote(part) for part in parts)


@dataclass(frozen=True)
class Response:
    """What the target answered."""

    status: int
    headers: Mapping[str, str]  # looked up case-insensitively (HTTP/2 servers send lowercase names)
    content: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", CaseInsensitiveDict(self.headers))

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON (parsed once; do not modify it), or ``None`` when it is not JSON."""
        return self._parsed[0]

    @property
    def is_json(self) -> bool:
        return self._parsed[1]

    @cached_property
    def _parsed(self) -> tuple[Any, bool]:
        try:
            return json.loads(self.content), True
        except (ValueError, UnicodeDecodeError):
            return None, False


@dataclass(frozen=True)
class Exchange:
    """A request and its response."""

    request: Request
    response: Response
