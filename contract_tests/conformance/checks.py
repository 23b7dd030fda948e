"""The example-based checks, one or more per documented rule (docs/design.md's table).

Each check is strict where the API document is (a named status, a named limit) and
lenient where it is silent: there any 4xx with a JSON body passes and the status is
recorded in the report's ``observed`` section. The checks send only what the document
guarantees valid (short reasons and shop ids, object metadata, ``p1_id`` in the form the
server takes: ``Api.learn_p1_id_form``) and record every choice the server made where the
document is silent (docs/conformance.md lists them). A read a check needs only to get
going that fails is ``Blocked`` (the check could not be checked), not a failure of its rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import schemas
from contract_tests.conformance import expect
from contract_tests.conformance import observations as seen
from contract_tests.conformance.api import DEFAULT, Blocked, Token
from contract_tests.conformance.context import CheckSkipped, Context
from contract_tests.conformance.errors import ContractViolation
from contract_tests.conformance.model import LOG_CAP
from contract_tests.conformance.registry import check
from contract_tests.conformance.wire import Exchange

DEFAULT_DAYS = schemas.documented_limits().history_default_days  # "days  Default 30"
MAX_DAYS = schemas.documented_limits().history_max_days  # "Max 365"
NO_SUCH_ORG = "contract-test-no-such-org"

Read = Callable[..., Exchange]


def _reads(ctx: Context, p1_id: int | None = None) -> Iterator[tuple[str, Read]]:
    """The three read endpoints, each as a call taking token/authorization/org_id."""
    product = ctx.target.product_id if p1_id is None else p1_id
    yield "list", ctx.api.list
    yield "log", lambda **kw: ctx.api.log(product, **kw)
    yield "history", lambda **kw: ctx.api.history(product, **kw)


def _data(exchange: Exchange, what: str) -> list[Any]:
    """The ``data`` of a read the check needs to get going; ``Blocked`` if it fails (a failed
    read is not a failure of the check's rule; the checks of SHAPES and SCOPE-READ judge it)."""
    if not 200 <= exchange.response.status < 300:
        raise Blocked(f"{what} with the read_write token answered {exchange.response.status}")
    data: list[Any] = exchange.response.json()["data"]
    return data


def _row(ctx: Context, exchange: Exchange | None = None) -> dict[str, Any]:
    """The target product's list item; ``Blocked`` if the list cannot be read."""
    try:
        return ctx.product_row(exchange)
    except ContractViolation as error:
        if error.rule != "SCOPE-READ" or error.exchange is None:
            raise  # a SHAPES problem of a 2xx list is a failure (of SHAPES)
        raise Blocked(f"list with the read_write token answered {error.exchange.response.status}") from None


def _writing(ctx: Context) -> None:
    """Before a check's first write: read the stock to restore, learn the p1_id form."""
    _row(ctx)
    ctx.start()
    ctx.api.learn_p1_id_form()


def _state(ctx: Context) -> tuple[Any, ...]:
    """What an adjust changes, as far as the API shows it: stock, entry count, newest entry."""
    row = _row(ctx)
    log = _data(ctx.api.log(ctx.target.product_id), "log")
    return row["stockquantity"], row["log_entries"], row["last_activity"], log[0]["id"] if log else None


def _refused_and_unchanged(
    ctx: Context, body: dict[str, Any], what: str, *, token: Token = DEFAULT, before: tuple[Any, ...] | None = None
) -> Exchange:
    """The scenario of every refusal rule: adjust ``body``, expect it refused, then nothing changed.

    ``before``: the state read earlier (several refusals in a row compare with one read).
    """
    _writing(ctx)
    if before is None:
        before = _state(ctx)
    exchange = ctx.api.adjust(body, token=token)
    expect.rejected(exchange, what, ctx.observed)
    after = _state(ctx)
    expect.that(
        after == before,
        f"{what}: a refused adjust changes nothing",
        exchange,
        detail=f"(stockquantity, log_entries, last_activity, newest log id) went from {before} to {after}",
    )
    return exchange


def _harmless_adjust(ctx: Context, what: str) -> dict[str, Any]:
    return {"p1_id": str(ctx.target.product_id), "delta_on_hand": 0, "reason": ctx.reason(what)}


def _unknown_product(ctx: Context) -> int:
    ids = [item["p1_id"] for item in _data(ctx.api.list(), "list")]
    return max(ids, default=0) + 1000


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _utc_today() -> date:
    return datetime.now(UTC).date()


# -- AUTH -------------------------------------------------------------------------------


@check("AUTH")
def missing_token_is_rejected(ctx: Context) -> None:
    """Requests without ``Authorization: Bearer <token>`` are refused."""
    for endpoint, read in _reads(ctx):
        expect.rejected(read(token=None), f"{endpoint} without Authorization", ctx.observed)
        scheme = read(authorization=f"Basic {ctx.target.tokens.read_write}")
        expect.rejected(scheme, f"{endpoint} with a token but not the Bearer scheme", ctx.observed)
    if ctx.target.allow_writes:
        _refused_and_unchanged(ctx, _harmless_adjust(ctx, "no token"), "adjust without Authorization", token=None)


@check("AUTH")
def unknown_token_is_rejected(ctx: Context) -> None:
    """A bearer token the server never issued is refused."""
    token = f"contract-test-{uuid.uuid4().hex}"
    for endpoint, read in _reads(ctx):
        expect.rejected(read(token=token), f"{endpoint} with an unknown token", ctx.observed)
    if ctx.target.allow_writes:
        _refused_and_unchanged(ctx, _harmless_adjust(ctx, "unknown token"), "adjust with an unknown token", token=token)


# -- SCOPE-READ / SCOPE-WRITE ------------------------------------------------------------


@check("SCOPE-READ", needs=("token_write_only",))
def reads_need_the_read_scope(ctx: Context) -> None:
    """A token without ``inventory.read`` cannot list, read the log or the history."""
    for endpoint, read in _reads(ctx):
        exchange = read(token=ctx.target.tokens.write_only)
        expect.rejected(exchange, f"{endpoint} with a token lacking inventory.read", ctx.observed)


@check("SCOPE-READ", needs=("token_read_only",))
def read_scope_is_enough_to_read(ctx: Context) -> None:
    """A token with only ``inventory.read`` can list, read the log and the history."""
    for endpoint, read in _reads(ctx):
        expect.ok(read(token=ctx.target.tokens.read_only), f"{endpoint} with a read-only token")


@check("SCOPE-WRITE", needs=("allow_writes", "token_read_only"))
def adjust_needs_the_write_scope(ctx: Context) -> None:
    """A token without ``inventory.write`` cannot adjust, and its attempt changes nothing."""
    body = {"p1_id": str(ctx.target.product_id), "delta_on_hand": 1, "reason": ctx.reason("read-only token")}
    what = "adjust with a token lacking inventory.write"
    _refused_and_unchanged(ctx, body, what, token=ctx.target.tokens.read_only)


@check("SCOPE-WRITE", needs=("allow_writes", "token_write_only"))
def write_scope_is_enough_to_adjust(ctx: Context) -> None:
    """A token with only ``inventory.write`` can adjust."""
    _writing(ctx)
    exchange = ctx.api.adjust(_harmless_adjust(ctx, "write-only token"), token=ctx.target.tokens.write_only)
    expect.ok(exchange, "adjust with a write-only token")


# -- ORG ------------------------------------------------------------------------------------


@check("ORG")
def other_orgs_are_out_of_reach(ctx: Context) -> None:
    """The org's token cannot read an org it does not belong to."""
    for endpoint, read in _reads(ctx):
        exchange = read(org_id=NO_SUCH_ORG)
        expect.rejected(exchange, f"{endpoint} of an org the token does not belong to", ctx.observed)


@check("ORG", needs=("token_other_org",))
def other_org_token_is_rejected(ctx: Context) -> None:
    """A valid token of another org cannot read (or adjust) this org's inventory."""
    for endpoint, read in _reads(ctx):
        exchange = read(token=ctx.target.tokens.other_org)
        expect.rejected(exchange, f"{endpoint} with another org's token", ctx.observed)
    if ctx.target.allow_writes:
        body = {"p1_id": str(ctx.target.product_id), "delta_on_hand": 1, "reason": ctx.reason("other org's token")}
        _refused_and_unchanged(ctx, body, "adjust with another org's token", token=ctx.target.tokens.other_org)


@check("ORG", needs=("foreign_product_id",))
def foreign_product_is_not_listed(ctx: Context) -> None:
    """The list shows only the org's own products."""
    exchange = ctx.api.list()
    ids = [item["p1_id"] for item in expect.ok(exchange, "list")["data"]]
    expect.that(
        ctx.target.foreign_product_id not in ids,
        f"the list of org {ctx.target.org_id!r} does not show product {ctx.target.foreign_product_id} of another org",
        exchange,
    )


# -- NOT-FOUND --------------------------------------------------------------------------------


@check("NOT-FOUND")
def unknown_product_is_404(ctx: Context) -> None:
    """Log and history of a product that is not in the org's inventory answer 404."""
    p1_id = _unknown_product(ctx)
    expect.rejected(ctx.api.log(p1_id), "log of a product not in the org", ctx.observed, status=404)
    exchange = ctx.api.history(p1_id)
    expect.rejected(exchange, "history of a product not in the org", ctx.observed, status=404)
    if ctx.target.allow_writes:
        body = {"p1_id": str(p1_id), "delta_on_hand": 0, "reason": ctx.reason("unknown product")}
        expect.rejected(ctx.api.adjust(body), "adjust of a product not in the org", ctx.observed)


@check("NOT-FOUND", needs=("foreign_product_id",))
def foreign_product_is_404(ctx: Context) -> None:
    """Log and history of another org's product answer 404 (it is not in this org's inventory)."""
    p1_id = ctx.target.foreign_product_id
    assert p1_id is not None
    expect.rejected(ctx.api.log(p1_id), "log of another org's product", ctx.observed, status=404)
    exchange = ctx.api.history(p1_id)
    expect.rejected(exchange, "history of another org's product", ctx.observed, status=404)


# -- NON-NEGATIVE ---------------------------------------------------------------------------


@check("NON-NEGATIVE", needs=("allow_writes",))
def on_hand_cannot_go_below_zero(ctx: Context) -> None:
    """An adjust that would take on-hand stock below zero is refused and changes nothing."""
    _writing(ctx)
    before = _state(ctx)
    stock = before[0]
    body = {"p1_id": str(ctx.target.product_id), "delta_on_hand": -(stock + 1), "reason": ctx.reason("below zero")}
    _refused_and_unchanged(ctx, body, seen.BELOW_ZERO, before=before)


@check("NON-NEGATIVE", needs=("allow_writes",))
def incoming_cannot_go_below_zero(ctx: Context) -> None:
    """An adjust that would take incoming stock below zero is refused as a whole.

    Incoming stock is not in the list, so the check removes 10^9 of it, which no
    product of a real inventory has.
    """
    for on_hand in (0, 1):
        body = {
            "p1_id": str(ctx.target.product_id),
            "delta_on_hand": on_hand,
            "delta_incoming": -(10**9),
            "reason": ctx.reason("incoming below zero"),
        }
        _refused_and_unchanged(ctx, body, "adjust taking incoming stock below zero")


# -- REASON -----------------------------------------------------------------------------------


@check("REASON", needs=("allow_writes",))
def reason_is_required(ctx: Context) -> None:
    """An adjust without ``reason`` is refused and changes nothing."""
    _refused_and_unchanged(ctx, {"p1_id": str(ctx.target.product_id), "delta_on_hand": 1}, "adjust without reason")


@check("REASON", needs=("allow_writes",))
def p1_id_is_required(ctx: Context) -> None:
    """An adjust without ``p1_id`` is refused."""
    _refused_and_unchanged(ctx, {"delta_on_hand": 0, "reason": ctx.reason("no p1_id")}, "adjust without p1_id")


# -- LOG-CAP ----------------------------------------------------------------------------------


@check("LOG-CAP")
def log_has_at_most_200_entries(ctx: Context) -> None:
    """The log never returns more than 200 entries."""
    exchange = ctx.api.log(ctx.target.product_id)
    entries = expect.ok(exchange, "log")["data"]
    expect.that(len(entries) <= LOG_CAP, f"the log has at most {LOG_CAP} entries", exchange)


@check("LOG-CAP", needs=("allow_writes",))
def log_returns_the_newest_200(ctx: Context) -> None:
    """Past 200 entries, exactly the newest 200 come back, newest first."""
    _writing(ctx)
    earlier = [e["id"] for e in _data(ctx.api.log(ctx.target.product_id), "log")]
    created = []
    for i in range(max(LOG_CAP + 1 - len(earlier), 3)):
        body = {
            "p1_id": str(ctx.target.product_id),
            "delta_on_hand": 1 if i % 2 == 0 else -1,
            "reason": ctx.reason(f"log cap {i}"),
        }
        created.append(expect.ok(ctx.api.adjust(body), "adjust")["id"])
    exchange = ctx.api.log(ctx.target.product_id)
    entries = expect.ok(exchange, "log")["data"]
    ids = [e["id"] for e in entries]
    wanted = (created[::-1] + earlier)[:LOG_CAP]
    expect.that(
        len(ids) == LOG_CAP,
        f"with more than {LOG_CAP} entries the log returns exactly {LOG_CAP}",
        exchange,
        detail=f"{len(ids)} entries",
    )
    first_wrong = next((i for i, (a, b) in enumerate(zip(ids, wanted, strict=False)) if a != b), None)
    expect.that(
        first_wrong is None,
        "the log returns the newest entries, newest first (ids of the run's adjusts in reverse order)",
        exchange,
        detail=f"position {first_wrong}: id {ids[first_wrong] if first_wrong is not None else ''!r}, "
        f"expected {wanted[first_wrong] if first_wrong is not None else ''!r}",
    )
    stamps = [_moment(e["created_at"]) for e in entries]
    expect.that(stamps == sorted(stamps, reverse=True), "created_at never increases down the log", exchange)


# -- DAYS -------------------------------------------------------------------------------------


@check("DAYS")
def history_days_defaults_to_30(ctx: Context) -> None:
    """``history`` without ``days`` answers as ``days=30``."""
    for _attempt in range(2):  # a write between the two reads (not ours) would differ them
        default = ctx.api.history(ctx.target.product_id)
        thirty = ctx.api.history(ctx.target.product_id, DEFAULT_DAYS)
        expect.ok(default, "history without days")
        expect.ok(thirty, "history?days=30")
        if default.response.json() == thirty.response.json():
            return
    expect.that(
        False,
        "history without days answers as days=30",
        default,
        detail=f"days=30 answered {thirty.response.text[:500]}",
    )


@check("DAYS")
def history_days_max_is_365(ctx: Context) -> None:
    """``days=365`` is answered; a larger ``days`` is refused or clamped to 365, never a longer window."""
    expect.ok(ctx.api.history(ctx.target.product_id, MAX_DAYS), "history?days=365")
    oldest = _utc_today() - timedelta(days=MAX_DAYS)  # one day of slack for the server's clock
    for days in (MAX_DAYS + 1, 2 * MAX_DAYS):
        exchange = ctx.api.history(ctx.target.product_id, days)
        if not 200 <= exchange.response.status < 300:
            expect.rejected(exchange, f"history?days={days}", ctx.observed)
            ctx.observed.note(f"history?days={days}", "refused")
            continue
        ctx.observed.note(f"history?days={days}", "answered (clamped to 365 days?)")
        dates = [date.fromisoformat(item["date"]) for item in exchange.response.json()["data"]]
        expect.that(
            all(day >= oldest for day in dates),
            f"days={days} is refused or clamped: no day older than a 365-day window comes back",
            exchange,
            detail=f"oldest date {min(dates)}",
        )
    for text in ("0", "-1", "abc"):
        seen = ctx.api.history(ctx.target.product_id, text)
        expect.that(seen.response.status < 500, f"history?days={text} is answered without a server error", seen)
        ctx.observed.status(f"history?days={text}", seen.response.status)


# -- SHAPES -----------------------------------------------------------------------------------


@check("SHAPES")
def list_matches_its_schema(ctx: Context) -> None:
    """The list body matches ``inventory-list-response`` and shows the configured product."""
    exchange = ctx.api.list()
    ids = [item["p1_id"] for item in expect.ok(exchange, "list")["data"]]
    ctx.product_row(exchange)
    ctx.observed.note(seen.LIST_ORDER, _order(ids, "p1_id"))
    stamps = [item["last_activity"] for item in exchange.response.json()["data"] if item["last_activity"]]
    if stamps:
        ctx.observed.add(seen.TIMESTAMPS, _precision(stamps[0]))


@check("SHAPES")
def log_matches_its_schema(ctx: Context) -> None:
    """The log body matches ``log-response``."""
    exchange = ctx.api.log(ctx.target.product_id)
    texts = [e["created_at"] for e in expect.ok(exchange, "log")["data"]]
    stamps = [_moment(text) for text in texts]
    ctx.observed.note(seen.LOG_ORDER, _order(stamps[::-1], "created_at", reverse=True))
    if texts:
        ctx.observed.add(seen.TIMESTAMPS, _precision(texts[0]))


@check("SHAPES")
def history_matches_its_schema(ctx: Context) -> None:
    """The history body matches ``history-response``."""
    exchange = ctx.api.history(ctx.target.product_id, MAX_DAYS)
    dates = [item["date"] for item in expect.ok(exchange, "history")["data"]]
    ctx.observed.note(seen.HISTORY_ORDER, _order(dates, "date"))


@check("SHAPES")
def errors_are_4xx_with_a_json_body(ctx: Context) -> None:
    """Refusals are 4xx answers with a JSON body (its shape is recorded)."""
    cases = [
        ("list without a token", ctx.api.list(token=None)),
        ("log of a product not in the org", ctx.api.log(_unknown_product(ctx))),
        ("history?days=abc", ctx.api.history(ctx.target.product_id, "abc")),
    ]
    shapes = {}
    for what, exchange in cases:
        if 200 <= exchange.response.status < 300:
            continue  # accepting it breaks another rule, which its own check reports
        expect.rejected(exchange, what, ctx.observed)
        body = exchange.response.json()
        shapes[what] = {
            "keys": sorted(body) if isinstance(body, dict) else type(body).__name__,
            "content_type": exchange.response.headers.get("Content-Type", ""),
            "matches_error_response_schema": not schemas.violations("error-response", body, limit=1),
        }
        ctx.observed.add(seen.ERROR_SHAPE, _error_shape(exchange))
    ctx.observed.note("error body", shapes)


def _error_shape(exchange: Exchange) -> str:
    """Which of the usual error bodies a refusal has (observed only: the document names none)."""
    body = exchange.response.json()
    content_type = exchange.response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    keys = set(body) if isinstance(body, dict) else set()
    if content_type == "application/problem+json":
        return seen.ERROR_SHAPES["problem"]
    if {"error", "message"} <= keys:
        return seen.ERROR_SHAPES["error"]
    if {"detail", "code"} <= keys:
        return seen.ERROR_SHAPES["detail"]
    return "other: " + (", ".join(sorted(keys)) if keys else type(body).__name__)


def _precision(stamp: str) -> str:
    """``seconds`` or ``fractional seconds (N digits)`` of an ISO 8601 timestamp."""
    if "." not in stamp:
        return "seconds"
    digits = len(stamp.split(".", 1)[1].rstrip("Z").split("+")[0].split("-")[0])
    return f"fractional seconds ({digits} digits)"


def _order(values: list[Any], key: str, *, reverse: bool = False) -> str:
    if len(values) < 2:
        return "unknown (fewer than 2 items)"
    if values == sorted(values):
        return f"{'descending' if reverse else 'ascending'} {key}"
    if values == sorted(values, reverse=True):
        return f"{'ascending' if reverse else 'descending'} {key}"
    return "unordered"


# -- AUDIT -----------------------------------------------------------------------------------


@check("AUDIT", needs=("allow_writes",))
def adjust_is_logged_with_its_fields(ctx: Context) -> None:
    """An accepted adjust is in the log with its deltas, reason, shop_id and metadata, and the
    list's stockquantity, log_entries and last_activity follow it."""
    _writing(ctx)
    expect.that(
        ctx.api.p1_id_form != "neither",
        "the document's example adjust is accepted: p1_id as a string of digits (or at least as an integer)",
        ctx.api.p1_id_refusal,
        detail="a zero-delta adjust of the product was refused with p1_id as a string and as an integer",
    )
    before = _row(ctx)
    marker = uuid.uuid4().hex
    body = {
        "p1_id": str(ctx.target.product_id),  # a string, as in the document's example
        "delta_on_hand": 3,
        "delta_incoming": 2,
        "reason": ctx.reason(f"audit {marker}"),
        "shop_id": "contract-test-shop",
        "metadata": {"pos_ref": f"TX-{marker}", "nested": {"items": [1, "two", None, True, 2.5]}},
    }
    adjusted = ctx.api.adjust(body)
    entry_id = expect.ok(adjusted, "adjust")["id"]
    exchange = ctx.api.log(ctx.target.product_id)
    entries = expect.ok(exchange, "log")["data"]
    expect.that(bool(entries) and entries[0]["id"] == entry_id, "the new entry heads the log", exchange)
    entry = entries[0]
    for name in ("delta_on_hand", "delta_incoming", "reason", "shop_id", "metadata"):
        expect.that(
            entry.get(name) == body[name],
            f"the log entry carries the adjust's {name}",
            exchange,
            detail=f"{name} = {entry.get(name, '<absent>')!r}, sent {body[name]!r}",
        )
    expect.that(entry["p1_id"] == ctx.target.product_id, "the log entry names the product", exchange)
    listed = ctx.api.list()
    after = _row(ctx, listed)
    for name, wanted in (
        ("stockquantity", before["stockquantity"] + 3),
        ("log_entries", before["log_entries"] + 1),
        ("last_activity", entry["created_at"]),
    ):
        expect.that(
            after[name] == wanted,
            f"the list's {name} follows the adjust",
            listed,
            detail=f"{name} = {after[name]!r}, expected {wanted!r}",
        )
    undo = {"p1_id": ctx.target.product_id, "delta_on_hand": -3, "delta_incoming": -2, "reason": ctx.reason("undo")}
    ctx.api.adjust(undo)
    _observe_adjust_choices(ctx)


def _observe_adjust_choices(ctx: Context) -> None:
    """What the server does with adjusts the document neither allows nor forbids (zero deltas,
    so an accepted one changes no stock): recorded, never judged."""
    harmless = _harmless_adjust(ctx, "observed")
    json_type = "application/json"
    reason, shop_id, metadata = (seen.PROBE[name] for name in LIMITED)
    cases: list[tuple[str, dict[str, Any], str | None]] = [
        (seen.UNKNOWN_FIELD, {**harmless, "contract_test_note": 1}, json_type),
        (seen.METADATA_NOT_OBJECT, {**harmless, "metadata": [1, 2]}, json_type),
        (seen.NO_CONTENT_TYPE, harmless, None),
        (reason.key, {**harmless, "reason": _padded(ctx.reason(""), reason.size)}, json_type),
        (shop_id.key, {**harmless, "shop_id": _padded("contract-test-", shop_id.size)}, json_type),
        (metadata.key, {**harmless, "metadata": {"pad": "m" * (metadata.size - len('{"pad":""}'))}}, json_type),
    ]
    for what, body, content_type in cases:
        status = ctx.api.adjust(body, content_type=content_type).response.status
        ctx.observed.note(what, seen.ACCEPTED if 200 <= status < 300 else f"answered {status}")


LIMITED = ("reason_max_length", "shop_id_max_length", "metadata_max_bytes")


def _padded(text: str, size: int) -> str:
    return text + "x" * (size - len(text))


# -- HISTORY -----------------------------------------------------------------------------------


def _days(items: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    return {i["date"]: (i["delta_on_hand"], i["delta_incoming"], i["entries"]) for i in items}


@check("HISTORY")
def history_is_the_daily_sum_of_the_log(ctx: Context) -> None:
    """Each day of the history is the sum of that UTC day's log entries.

    Days the log covers completely must match exactly; the oldest day of a full (200-entry)
    log must count at least the log's entries. Days next to the window's oldest edge are
    left out: the server's clock may differ from ours.
    """
    log = _data(ctx.api.log(ctx.target.product_id), "log")
    exchange = ctx.api.history(ctx.target.product_id, MAX_DAYS)
    history = _days(expect.ok(exchange, "history?days=365")["data"])
    totals: dict[str, list[int]] = {}
    for entry in log:
        sums = totals.setdefault(entry["created_at"][:10], [0, 0, 0])
        sums[0] += entry["delta_on_hand"]
        sums[1] += entry["delta_incoming"]
        sums[2] += 1
    edge = (_utc_today() - timedelta(days=MAX_DAYS - 2)).isoformat()
    partial = min(e["created_at"][:10] for e in log) if len(log) >= LOG_CAP else None
    compared = 0
    for day in sorted(set(totals) | set(history)):
        if day < edge or (partial is not None and day < partial):
            continue
        compared += 1
        if day == partial:
            counted = history.get(day, (0, 0, 0))[2]
            expect.that(
                counted >= totals[day][2],
                f"history's {day} counts at least the {totals[day][2]} entries the log shows for that day",
                exchange,
                detail=f"history counts {counted}",
            )
            continue
        wanted = tuple(totals[day]) if day in totals else None
        expect.that(
            history.get(day) == wanted,
            f"history's {day} is the sum of that day's log entries",
            exchange,
            detail=f"history has {history.get(day)}, the log sums to {wanted} (on-hand, incoming, entries)",
        )
    if not compared:
        raise CheckSkipped("the product's log has no entry of the last year to compare the history with")


@check("HISTORY", needs=("allow_writes",))
def history_follows_adjusts(ctx: Context) -> None:
    """Adjusts are added to their UTC day in the history."""
    _writing(ctx)
    before = _days(_data(ctx.api.history(ctx.target.product_id, 2), "history"))
    deltas = [(2, 1), (-1, 0), (0, 4)]
    ids = set()
    for i, (on_hand, incoming) in enumerate(deltas):
        body = {
            "p1_id": str(ctx.target.product_id),
            "delta_on_hand": on_hand,
            "delta_incoming": incoming,
            "reason": ctx.reason(f"history {i}"),
        }
        ids.add(expect.ok(ctx.api.adjust(body), "adjust")["id"])
    log = _data(ctx.api.log(ctx.target.product_id), "log")
    days = {e["created_at"][:10] for e in log if e["id"] in ids}
    exchange = ctx.api.history(ctx.target.product_id, 2)
    after = _days(expect.ok(exchange, "history?days=2")["data"])
    if len(days) != 1:  # the run crossed midnight (UTC): the day totals are not comparable
        ctx.observed.note("history check crossed midnight", sorted(days))
        return
    (day,) = days
    old = before.get(day, (0, 0, 0))
    wanted = (old[0] + 1, old[1] + 5, old[2] + len(deltas))
    expect.that(
        after.get(day) == wanted,
        f"history's {day} grows by the run's adjusts",
        exchange,
        detail=f"was {before.get(day)}, now {after.get(day)}, expected {wanted} (on-hand, incoming, entries)",
    )
