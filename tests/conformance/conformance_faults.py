"""Deliberately broken variants of the fake, for the suite's own tests only.

Each fault breaks one documented rule: a ``Store`` subclass swapped onto a fake's store
(``break_store``) or a WSGI middleware around its app. Never used by the shipped fake.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from mockserver import InventoryMock
from mockserver.api import READ_SCOPE, WRITE_SCOPE
from mockserver.errors import Forbidden, InsufficientScope, NotFound, Unauthorized
from mockserver.state.records import Grant
from mockserver.state.store import Adjustment, Store

BIG = 10**12

# -- broken stores (planted bugs) ---------------------------------------------------------


class AnyoneMayCall(Store):
    """AUTH broken: a missing or unknown token acts as a read-write token."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except Unauthorized:
            return Grant(org_id, "anonymous", frozenset({READ_SCOPE, WRITE_SCOPE}))


class ReadWithoutReadScope(Store):
    """SCOPE-READ broken: a write-only token can read."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except InsufficientScope:
            return super().authorize(token, org_id, WRITE_SCOPE if scope == READ_SCOPE else scope)


class WriteWithoutWriteScope(Store):
    """SCOPE-WRITE broken: a read-only token can adjust."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except InsufficientScope:
            return super().authorize(token, org_id, READ_SCOPE if scope == WRITE_SCOPE else scope)


class AnyOrg(Store):
    """ORG broken: a token of one org acts on every org."""

    def authorize(self, token: str | None, org_id: str, scope: str) -> Grant:
        try:
            return super().authorize(token, org_id, scope)
        except Forbidden:
            for other in self.org_ids():
                try:
                    return super().authorize(token, other, scope)
                except Forbidden:
                    continue
            raise


class EmptyForUnknownProducts(Store):
    """NOT-FOUND broken: log and history of an unknown product answer an empty list."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        try:
            return super().log(org_id, p1_id)
        except NotFound:
            return []

    def history(self, org_id: str, p1_id: int, days: int) -> list[dict[str, Any]]:
        try:
            return super().history(org_id, p1_id, days)
        except NotFound:
            return []


class OnHandBelowZero(Store):
    """NON-NEGATIVE broken: on-hand stock may go below zero."""

    def adjust(self, org_id: str, change: Adjustment) -> Any:
        product = self._product(org_id, change.p1_id, field="p1_id")
        lift = BIG if product.on_hand + change.delta_on_hand < 0 else 0
        product.on_hand += lift
        try:
            return super().adjust(org_id, change)
        finally:
            product.on_hand -= lift


class IncomingBelowZero(Store):
    """NON-NEGATIVE broken: incoming stock may go below zero."""

    def adjust(self, org_id: str, change: Adjustment) -> Any:
        product = self._product(org_id, change.p1_id, field="p1_id")
        lift = BIG if product.incoming + change.delta_incoming < 0 else 0
        product.incoming += lift
        try:
            return super().adjust(org_id, change)
        finally:
            product.incoming -= lift


class HalfAppliedRefusal(Store):
    """NON-NEGATIVE broken: a refused adjust (incoming below zero) still changes on-hand."""

    def adjust(self, org_id: str, change: Adjustment) -> Any:
        product = self._product(org_id, change.p1_id, field="p1_id")
        if product.incoming + change.delta_incoming < 0 <= product.on_hand + change.delta_on_hand:
            product.on_hand += change.delta_on_hand
            product.rendered = None  # the list shows the changed stock, as such a server's would
        return super().adjust(org_id, change)


class ShortLog(Store):
    """LOG-CAP broken: the log returns at most 150 entries."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        return super().log(org_id, p1_id)[:150]


class OldestFirstLog(Store):
    """LOG-CAP broken: the log lists its entries oldest first."""

    def log(self, org_id: str, p1_id: int) -> list[dict[str, Any]]:
        return super().log(org_id, p1_id)[::-1]


class ListWithoutCategory(Store):
    """SHAPES broken: list items lack the documented ``category`` field."""

    def list_inventory(self, org_id: str) -> list[dict[str, Any]]:
        items = super().list_inventory(org_id)
        for item in items:
            del item["category"]
        return items


class ForgetsMetadata(Store):
    """AUDIT broken: the log does not keep the adjust's metadata."""

    def adjust(self, org_id: str, change: Adjustment) -> Any:
        return super().adjust(org_id, replace(change, metadata=None))


class ForgetsShop(Store):
    """AUDIT broken: the log does not keep the adjust's shop_id."""

    def adjust(self, org_id: str, change: Adjustment) -> Any:
        return super().adjust(org_id, replace(change, shop_id=None))


class HistoryWithoutIncoming(Store):
    """HISTORY broken: the history's delta_incoming is always 0."""

    def history(self, org_id: str, p1_id: int, days: int) -> list[dict[str, Any]]:
        return [{**item, "delta_incoming": 0} for item in super().history(org_id, p1_id, days)]


def break_store(mock: InventoryMock, broken: type[Store]) -> Any:
    """Swap the fake's store class for ``broken`` (same state); returns the app."""
    mock.store.__class__ = broken
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


def history_default_is_7_days(app: WsgiApp) -> WsgiApp:
    """DAYS broken: history without ``days`` looks back 7 days."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["PATH_INFO"].endswith("/history") and "days" not in query:
            environ["QUERY_STRING"] = urlencode({**query, "days": "7"}, doseq=True)
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


FAULTS = [
    Fault("AUTH", "anyone may call", _store(AnyoneMayCall)),
    Fault("SCOPE-READ", "read without inventory.read", _store(ReadWithoutReadScope)),
    Fault("SCOPE-WRITE", "adjust without inventory.write", _store(WriteWithoutWriteScope)),
    Fault("ORG", "a token acts on every org", _store(AnyOrg)),
    Fault("NOT-FOUND", "empty log for unknown products", _store(EmptyForUnknownProducts)),
    Fault("NON-NEGATIVE", "on-hand below zero", _store(OnHandBelowZero)),
    Fault("NON-NEGATIVE", "incoming below zero", _store(IncomingBelowZero)),
    Fault("NON-NEGATIVE", "refused adjust half applied", _store(HalfAppliedRefusal)),
    Fault("REASON", "missing reason and p1_id filled in", _middleware(fills_in_missing_fields)),
    Fault("LOG-CAP", "log cut at 150", _store(ShortLog)),
    Fault("LOG-CAP", "log oldest first", _store(OldestFirstLog)),
    Fault("DAYS", "default of 7 days", _middleware(history_default_is_7_days)),
    Fault("SHAPES", "list items without category", _store(ListWithoutCategory)),
    Fault("SHAPES", "errors as plain text", _middleware(plain_text_errors)),
    Fault("AUDIT", "metadata not kept", _store(ForgetsMetadata)),
    Fault("AUDIT", "shop_id not kept", _store(ForgetsShop)),
    Fault("HISTORY", "history without incoming", _store(HistoryWithoutIncoming)),
]
