"""The kit's three kinds of trouble: the server broke the contract, the kit was
misconfigured, the server could not be reached."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract_tests.conformance.wire import Exchange

MAX_BODY_SHOWN = 2000


class ContractViolation(AssertionError):
    """The server broke a documented rule.

    Carries the rule id, the API document's sentence it rests on, what was expected,
    and the exchange that showed it (rendered as a curl command, token redacted).
    """

    def __init__(self, rule: str, expected: str, exchange: Exchange | None = None, *, detail: str = "") -> None:
        self.rule = rule
        self.quote = _quote(rule)
        self.expected = expected
        self.exchange = exchange
        self.detail = detail
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [f"[{self.rule}] {self.expected}"]
        if self.detail:
            lines.append(f"  found:     {self.detail}")
        if self.exchange is not None:
            response = self.exchange.response
            lines.append(f"  received:  {response.status} {_shown(response.text)}")
        lines.append(f"  document:  {self.quote}")
        if self.exchange is not None:
            lines.append(f"  reproduce: {self.exchange.request.curl()}")
        return "\n".join(lines)


class ConfigError(Exception):
    """The kit was misused: a missing or malformed setting (not a server fault)."""


class TargetError(Exception):
    """The target could not be talked to (connection refused, timeout, endless 429s).

    The message is one line (``cannot reach URL (connection refused)``); ``request`` names
    the request that got no answer.
    """

    def __init__(self, message: str, *, base_url: str = "", request: str = "") -> None:
        super().__init__(message)
        self.base_url = base_url
        self.request = request


def _quote(rule: str) -> str:
    import schemas

    found = schemas.rules().get(rule)
    return f'"{found["quote"]}"' if found else "(no such rule in schemas/rules.json)"


def _shown(text: str) -> str:
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text if len(text) <= MAX_BODY_SHOWN else text[: MAX_BODY_SHOWN - 3] + "..."
