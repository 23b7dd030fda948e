"""Faithful servers that chose differently where the API document is silent.

Each is a WSGI middleware over the fake that changes exactly one silent choice of
/work/briefs/profile-format.md (the behaviour-profile settings) and nothing documented.
The kit must pass against every one of them: these are the suite's own test servers,
written here, independently of the fake's profiles.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# (environ, parsed request body or None) -> a refusal (status, body) or None to pass it on
RequestRule = Callable[[dict[str, Any], Any], tuple[int, dict[str, Any]] | None]
# (environ, status, headers, body bytes) -> (status, headers, body bytes)
ResponseRule = Callable[[dict[str, Any], int, list[tuple[str, str]], bytes], tuple[int, list[tuple[str, str]], bytes]]

DOCUMENTED_FIELDS = {"p1_id", "delta_on_hand", "delta_incoming", "reason", "shop_id", "metadata"}
REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 409: "Conflict", 415: "Unsupported Media Type",
           422: "Unprocessable Entity"}  # fmt: skip


def _is_adjust(environ: dict[str, Any]) -> bool:
    return bool(environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/adjust"))


def _endpoint(environ: dict[str, Any]) -> str:
    path = environ["PATH_INFO"]
    for name in ("adjust", "log", "history", "inventory"):
        if path.endswith("/" + name):
            return "list" if name == "inventory" else name
    return ""


def wrap(
    app: WsgiApp,
    *,
    request: RequestRule | None = None,
    rewrite: Callable[[dict[str, Any], Any], Any] | None = None,
    response: ResponseRule | None = None,
) -> WsgiApp:
    """A middleware: ``request`` may refuse an adjust, ``rewrite`` may change its JSON body,
    ``response`` may change any answer."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if _is_adjust(environ):
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            refusal = request(environ, body) if request is not None else None
            if refusal is not None:
                status, error = refusal
                content = json.dumps(error).encode()
                headers = [("Content-Type", "application/json"), ("Content-Length", str(len(content)))]
                if response is not None:
                    status, headers, content = response(environ, status, headers, content)
                start_response(f"{status} {REASONS.get(status, 'Error')}", headers)
                return [content]
            if rewrite is not None and body is not None:
                raw = json.dumps(rewrite(environ, body)).encode()
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(raw), str(len(raw))
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        content = b"".join(app(environ, capture))
        status, headers = int(captured["status"][:3]), list(captured["headers"])
        if response is not None:
            status, headers, content = response(environ, status, headers, content)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(content))))
        start_response(f"{status} {REASONS.get(status, captured['status'][4:])}", headers)
        return [content]

    return middleware


def _invalid(field: str, message: str) -> tuple[int, dict[str, Any]]:
    return 400, {"error": "invalid_request", "message": message, "field": field}


def _json_response(
    change: Callable[[dict[str, Any], int, Any], tuple[int, Any] | None], content_type: str | None = None
) -> ResponseRule:
    """A response rule over JSON bodies: ``change(environ, status, body)`` -> (status, body) or None."""

    def rule(
        environ: dict[str, Any], status: int, headers: list[tuple[str, str]], content: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            body = json.loads(content)
        except ValueError:
            return status, headers, content
        changed = change(environ, status, body)
        if changed is None:
            return status, headers, content
        new_status, new_body = changed
        if content_type is not None:
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", content_type)]
        return new_status, headers, json.dumps(new_body).encode()

    return rule


# -- one silent choice each ------------------------------------------------------------------


def below_zero_status(status: int) -> Callable[[WsgiApp], WsgiApp]:
    def change(environ: dict[str, Any], seen: int, body: Any) -> tuple[int, Any] | None:
        if _is_adjust(environ) and seen == 409 and body.get("error") == "insufficient_stock":
            return status, body
        return None

    return lambda app: wrap(app, response=_json_response(change))


def error_body(shape: str) -> Callable[[WsgiApp], WsgiApp]:
    def change(_environ: dict[str, Any], status: int, body: Any) -> tuple[int, Any] | None:
        if status < 400 or not isinstance(body, dict) or "error" not in body:
            return None
        if shape == "detail":
            return status, {"detail": body["message"], "code": body["error"]}
        title = REASONS.get(status, "Error")
        return status, {"type": "about:blank", "title": title, "status": status, "detail": body["message"],
                        "code": body["error"]}  # fmt: skip

    content_type = "application/problem+json" if shape == "problem" else None
    return lambda app: wrap(app, response=_json_response(change, content_type))


def list_order(order: str) -> Callable[[WsgiApp], WsgiApp]:
    """``descending`` p1_id, or ``insertion`` (here: by name, an order that is not by p1_id)."""

    def change(environ: dict[str, Any], status: int, body: Any) -> tuple[int, Any] | None:
        if _endpoint(environ) != "list" or status != 200:
            return None
        key = (lambda item: -item["p1_id"]) if order == "descending" else (lambda item: item["name"])
        return status, {**body, "data": sorted(body["data"], key=key)}

    return lambda app: wrap(app, response=_json_response(change))


def history_newest_first(app: WsgiApp) -> WsgiApp:
    def change(environ: dict[str, Any], status: int, body: Any) -> tuple[int, Any] | None:
        if _endpoint(environ) != "history" or status != 200:
            return None
        return status, {**body, "data": body["data"][::-1]}

    return wrap(app, response=_json_response(change))


def unknown_fields_ignored(app: WsgiApp) -> WsgiApp:
    return wrap(app, rewrite=lambda _env, body: {k: v for k, v in body.items() if k in DOCUMENTED_FIELDS})


def metadata_objects_only(app: WsgiApp) -> WsgiApp:
    """The server of the issue: adjust ``metadata`` must be a JSON object."""

    def refuse(_environ: dict[str, Any], body: Any) -> tuple[int, dict[str, Any]] | None:
        if isinstance(body, dict) and "metadata" in body and not isinstance(body["metadata"], dict):
            return _invalid("metadata", "metadata must be a JSON object")
        return None

    return wrap(app, request=refuse)


def p1_id_only(kind: type) -> Callable[[WsgiApp], WsgiApp]:
    """``str``: p1_id only as a string of digits; ``int``: only as an integer."""

    def refuse(_environ: dict[str, Any], body: Any) -> tuple[int, dict[str, Any]] | None:
        if isinstance(body, dict) and "p1_id" in body and type(body["p1_id"]) is not kind:
            return _invalid("p1_id", f"p1_id must be {'a string of digits' if kind is str else 'an integer'}")
        return None

    return lambda app: wrap(app, request=refuse)


def _with_milliseconds(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _stamp(v) if k in ("created_at", "last_activity") and isinstance(v, str) else _with_milliseconds(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_milliseconds(v) for v in value]
    return value


def _stamp(text: str) -> str:
    if "." in text or not text.endswith("Z"):
        return text
    millis = int(hashlib.sha256(text.encode()).hexdigest(), 16) % 1000
    return f"{text[:-1]}.{millis:03d}Z"


def timestamps_in_milliseconds(app: WsgiApp) -> WsgiApp:
    def change(_environ: dict[str, Any], status: int, body: Any) -> tuple[int, Any] | None:
        return (status, _with_milliseconds(body)) if status == 200 else None

    return wrap(app, response=_json_response(change))


def content_type_unchecked(app: WsgiApp) -> WsgiApp:
    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if _is_adjust(environ):
            environ["CONTENT_TYPE"] = "application/json"
        return app(environ, start_response)

    return middleware


def smaller_limits(app: WsgiApp) -> WsgiApp:
    """The **smaller** preset: reason <= 64, shop_id <= 32, metadata <= 1 KiB, body <= 4 KiB."""

    def refuse(environ: dict[str, Any], body: Any) -> tuple[int, dict[str, Any]] | None:
        if int(environ.get("CONTENT_LENGTH") or 0) > 4096:
            return 413, {"error": "payload_too_large", "message": "the body is over 4 KiB"}
        if not isinstance(body, dict):
            return None
        if isinstance(body.get("reason"), str) and len(body["reason"]) > 64:
            return _invalid("reason", "reason must be at most 64 characters long")
        if isinstance(body.get("shop_id"), str) and len(body["shop_id"]) > 32:
            return _invalid("shop_id", "shop_id must be at most 32 characters long")
        compact = json.dumps(body.get("metadata"), separators=(",", ":"), ensure_ascii=False).encode()
        if "metadata" in body and len(compact) > 1024:
            return _invalid("metadata", "metadata must be at most 1024 bytes")
        return None

    return wrap(app, request=refuse)


def adjust_status_201(app: WsgiApp) -> WsgiApp:
    def change(environ: dict[str, Any], status: int, body: Any) -> tuple[int, Any] | None:
        return (201, body) if _is_adjust(environ) and status == 200 else None

    return wrap(app, response=_json_response(change))


def refuses_some_valid_adjusts(app: WsgiApp) -> WsgiApp:
    """A stricter server: refuses (422) adjusts whose metadata has more than one key."""

    def refuse(_environ: dict[str, Any], body: Any) -> tuple[int, dict[str, Any]] | None:
        if isinstance(body, dict) and isinstance(body.get("metadata"), dict) and len(body["metadata"]) > 1:
            return 422, {"error": "unprocessable", "message": "one metadata key at most"}
        return None

    return wrap(app, request=refuse)


def compose(*wrappers: Callable[[WsgiApp], WsgiApp]) -> Callable[[WsgiApp], WsgiApp]:
    """Wrappers applied innermost first."""

    def build(app: WsgiApp) -> WsgiApp:
        for wrapper in wrappers:
            app = wrapper(app)
        return app

    return build


@dataclass(frozen=True)
class Choice:
    """A faithful server making one silent choice, and what the report must observe."""

    name: str
    build: Callable[[WsgiApp], WsgiApp]
    observed: Callable[[dict[str, Any]], bool]


def _is(key: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda observed: observed.get(key) == value


def _below_zero(status: int) -> Callable[[dict[str, Any]], bool]:
    return lambda observed: observed["error_statuses"].get("adjust taking on-hand stock below zero") == [status]


CHOICES = [
    Choice("below-zero refused 409", lambda app: app, _below_zero(409)),
    Choice("below-zero refused 422", below_zero_status(422), _below_zero(422)),
    Choice("below-zero refused 400", below_zero_status(400), _below_zero(400)),
    Choice("error body error/message", lambda app: app, _is("error body shape", ["error/message"])),
    Choice("error body detail/code", error_body("detail"), _is("error body shape", ["detail/code"])),
    Choice("error body problem+json", error_body("problem"), _is("error body shape", ["problem+json (RFC 9457)"])),
    Choice("list ascending", lambda app: app, _is("list order", "ascending p1_id")),
    Choice("list in insertion order", list_order("insertion"), _is("list order", "unordered")),
    Choice("list descending", list_order("descending"), _is("list order", "descending p1_id")),
    Choice("history oldest first", lambda app: app, _is("history order", "ascending date")),
    Choice("history newest first", history_newest_first, _is("history order", "descending date")),
    Choice(
        "unknown fields refused",
        lambda app: app,
        _is("adjust with a field the document does not name", "answered 400"),
    ),
    Choice(
        "unknown fields ignored",
        unknown_fields_ignored,
        _is("adjust with a field the document does not name", "accepted"),
    ),
    Choice("metadata any JSON", lambda app: app, _is("adjust with metadata that is not an object", "accepted")),
    Choice(
        "metadata objects only",
        metadata_objects_only,
        _is("adjust with metadata that is not an object", "answered 400"),
    ),
    Choice("p1_id integer or string", lambda app: app, _is("p1_id in the adjust body", "both")),
    Choice("p1_id string only", p1_id_only(str), _is("p1_id in the adjust body", "string")),
    Choice("p1_id integer only", p1_id_only(int), _is("p1_id in the adjust body", "integer")),
    Choice("timestamps in seconds", lambda app: app, _is("timestamps", ["seconds"])),
    Choice(
        "timestamps in milliseconds", timestamps_in_milliseconds, _is("timestamps", ["fractional seconds (3 digits)"])
    ),
    Choice(
        "content type checked",
        lambda app: app,
        _is("adjust without Content-Type: application/json", "answered 415"),
    ),
    Choice(
        "content type unchecked",
        content_type_unchecked,
        _is("adjust without Content-Type: application/json", "accepted"),
    ),
    Choice("default limits", lambda app: app, _is("adjust with a 65-character reason", "accepted")),
    Choice(
        "smaller limits",
        smaller_limits,
        lambda observed: all(
            observed[case] == "answered 400"
            for case in (
                "adjust with a 65-character reason",
                "adjust with a 33-character shop_id",
                "adjust with 1025 bytes of metadata",
            )
        ),
    ),
    Choice("adjust answered 200", lambda app: app, _is("adjust success status", [200])),
    Choice("adjust answered 201", adjust_status_201, _is("adjust success status", [201])),
    Choice(
        "every other choice at once",
        compose(
            metadata_objects_only,
            p1_id_only(int),
            smaller_limits,
            unknown_fields_ignored,
            content_type_unchecked,
            below_zero_status(422),
            adjust_status_201,
            timestamps_in_milliseconds,
            history_newest_first,
            list_order("descending"),
            error_body("problem"),
        ),
        lambda observed: (
            observed["p1_id in the adjust body"] == "integer"
            and observed["adjust success status"] == [201]
            and observed["error body shape"] == ["problem+json (RFC 9457)"]
        ),
    ),
]
