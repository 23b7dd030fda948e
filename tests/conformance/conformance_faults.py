"""Deliberately broken variants of the fake, for the suite's own tests only.

Each fault breaks one documented rule. Most are the fake's own mutants (``mockserver.mutants``,
``with_mutant``); the few that are not are a ``Store`` subclass swapped onto a fake's store
(``break_store``) or a WSGI middleware around its app.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver import InventoryMock
from mockserver.mutants import mutant
from mockserver.state.store import Store

# -- broken stores (planted bugs that are no mutant of the fake) ------------------------------


class ShortLog(Store):
    """LOG-CAP broken: the log returns at most 150 entries."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        return super().log(org_id, p1_id)[:150]


class ListWithoutCategory(Store):
    """SHAPES broken: list items lack the documented ``category`` field."""

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        items = super().list_inventory(org_id)
        for item in items:
            del item["category"]
        return items


def break_store(mock: InventoryMock, broken: type[Store]) -> Any:
    """Swap the fake's store class for ``broken`` (same state); returns the app."""
    mock.store.__class__ = broken
    return mock.app


def with_mutant(mock: InventoryMock, name: str) -> Any:
    """Run the fake's mutant ``name`` (docs/mutants.md); returns the app."""
    mock.set_mutant(name)
    return mock.app


# -- broken HTTP layers (middleware) ---------------------------------------------------------

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def fills_in_missing_fields(app: WsgiApp) -> WsgiApp:
    """REASON broken: an adjust without reason or p1_id gets defaults instead of a refusal."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/adjust"):
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            try:
                body = json.loads(raw)
                body.setdefault("reason", "contract-test: default reason")
                body.setdefault("p1_id", 12345)
                raw = json.dumps(body).encode()
            except (ValueError, AttributeError):
                pass
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(raw), str(len(raw))
        return app(environ, start_response)

    return middleware


def plain_text_errors(app: WsgiApp) -> WsgiApp:
    """SHAPES broken: error answers are plain text, not JSON."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(app(environ, capture))
        status, headers = captured["status"], captured["headers"]
        if int(status[:3]) >= 400:
            body = status.encode()
            headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    return middleware


@dataclass(frozen=True)
class Fault:
    """A broken variant and the rule it breaks."""

    rule: str
    name: str
    build: Callable[[InventoryMock], WsgiApp]


def _store(broken: type[Store]) -> Callable[[InventoryMock], WsgiApp]:
    return lambda mock: break_store(mock, broken)


def _middleware(wrap: Callable[[WsgiApp], WsgiApp]) -> Callable[[InventoryMock], WsgiApp]:
    return lambda mock: wrap(mock.app)


def _mutant(name: str) -> Fault:
    return Fault(mutant(name).rule, name, lambda mock: with_mutant(mock, name))


FAULTS = [
    _mutant("no-token-accepted"),
    _mutant("write-only-can-read"),
    _mutant("read-only-can-adjust"),
    _mutant("other-org-token-accepted"),
    _mutant("foreign-product-log-200"),
    _mutant("stock-below-zero"),
    _mutant("incoming-below-zero"),
    _mutant("refused-adjust-applied"),
    Fault("REASON", "missing reason and p1_id filled in", _middleware(fills_in_missing_fields)),
    Fault("LOG-CAP", "log cut at 150", _store(ShortLog)),
    _mutant("log-oldest-first"),
    _mutant("days-default-7"),
    Fault("SHAPES", "list items without category", _store(ListWithoutCategory)),
    Fault("SHAPES", "errors as plain text", _middleware(plain_text_errors)),
    _mutant("log-drops-metadata"),
    _mutant("log-drops-shop-id"),
    _mutant("history-ignores-incoming"),
]
