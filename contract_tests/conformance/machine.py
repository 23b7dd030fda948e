"""The stateful test: random sequences of adjusts and reads, each answer compared with
the kit's ``StockModel``. Hypothesis shrinks a failure to the shortest sequence."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from contract_tests.conformance import expect
from contract_tests.conformance.context import Context
from contract_tests.conformance.errors import ContractViolation
from contract_tests.conformance.model import LOG_CAP, Entry, StockModel
from contract_tests.conformance.wire import Exchange

ON_HAND_MOVES = ("below zero", "to zero", "down", "up", "none")
INCOMING_MOVES = ("down", "up", "none", "far below zero")
SHOPS = st.one_of(st.none(), st.sampled_from(["shop1", "contract-test-shop"]))
# Only what the document guarantees valid: its example's metadata is a small object ("Arbitrary
# JSON"; a server may take only objects), shop ids and reasons short (limits are not documented).
METADATA = st.one_of(
    st.none(),
    st.fixed_dictionaries({"pos_ref": st.text("ABCX-0123456789", min_size=1, max_size=8)}),
)


class StockMachine(RuleBasedStateMachine):
    """Adjusts (some that must be refused) and reads of the target product."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.api = ctx.api
        self.product = ctx.target.product_id
        self.calls: list[str] = []
        ctx.start()
        row = ctx.product_row(self._call(self.api.list()))
        log = self._call(self.api.log(self.product)).response.json()["data"]
        history = self._call(self.api.history(self.product, 2)).response.json()["data"]
        self.model = StockModel(
            on_hand=row["stockquantity"],
            log_entries=row["log_entries"],
            log_ids=[e["id"] for e in log],
            days={i["date"]: (i["delta_on_hand"], i["delta_incoming"], i["entries"]) for i in history},
        )

    def _call(self, exchange: Exchange) -> Exchange:
        request = exchange.request
        body = "" if request.body is None else " " + request.body.decode()
        query = f"?{'&'.join(f'{k}={v}' for k, v in request.query.items())}" if request.query else ""
        self.calls.append(f"{request.method} {request.path}{query}{body} -> {exchange.response.status}")
        return exchange

    def _violation(self, error: ContractViolation) -> ContractViolation:
        steps = "\n".join(f"    {i + 1}. {call}" for i, call in enumerate(self.calls))
        detail = f"{error.detail}\n  calls of this example:\n{steps}".lstrip()
        return ContractViolation(error.rule, error.expected, error.exchange, detail=detail)

    def _checked(self, step: Any, *args: Any) -> None:
        try:
            step(*args)
        except ContractViolation as error:
            violation = self._violation(error)
            self.ctx.violations.append(violation)
            raise violation from None

    def teardown(self) -> None:
        # Every example starts from the same stock, so a failure replays the same way.
        self.ctx.undo()

    # -- steps ----------------------------------------------------------------------------

    @rule(move=st.sampled_from(ON_HAND_MOVES), amount=st.integers(1, 5), shop_id=SHOPS, metadata=METADATA)
    def adjust_on_hand(self, move: str, amount: int, shop_id: str | None, metadata: Any) -> None:
        self._checked(self._adjust, move, "none", amount, shop_id, metadata)

    @rule(move=st.sampled_from(INCOMING_MOVES), amount=st.integers(1, 5), shop_id=SHOPS, metadata=METADATA)
    def adjust_incoming(self, move: str, amount: int, shop_id: str | None, metadata: Any) -> None:
        self._checked(self._adjust, "none", move, amount, shop_id, metadata)

    @rule(on_hand=st.sampled_from(ON_HAND_MOVES), incoming=st.sampled_from(INCOMING_MOVES), amount=st.integers(1, 5))
    def adjust_both(self, on_hand: str, incoming: str, amount: int) -> None:
        self._checked(self._adjust, on_hand, incoming, amount, None, None)

    def _adjust(self, on_hand: str, incoming: str, amount: int, shop_id: str | None, metadata: Any) -> None:
        stock = self.model.on_hand
        delta_on_hand = {
            "below zero": -(stock + amount),
            "to zero": -stock,
            "down": -min(stock, amount),
            "up": amount,
            "none": 0,
        }[on_hand]
        delta_incoming = {"down": -amount, "up": amount, "none": 0, "far below zero": -(10**9)}[incoming]
        body: dict[str, Any] = {
            "p1_id": str(self.product),
            "delta_on_hand": delta_on_hand,
            "delta_incoming": delta_incoming,
            "reason": self.ctx.reason(f"stateful {len(self.calls)}"),
        }
        if shop_id is not None:
            body["shop_id"] = shop_id
        if metadata is not None:
            body["metadata"] = metadata
        exchange = self._call(self.api.adjust(body))
        verdict = self.model.verdict(delta_on_hand, delta_incoming)
        accepted = 200 <= exchange.response.status < 300
        if verdict is False:
            expect.rejected(exchange, "adjust taking stock below zero", self.ctx.observed, rule="NON-NEGATIVE")
        elif verdict is True:
            expect.ok(exchange, f"adjust keeping stock >= 0 ({json.dumps(body)})", rule="NON-NEGATIVE")
        elif not accepted:
            expect.rejected(exchange, "adjust taking stock below zero", self.ctx.observed, rule="NON-NEGATIVE")
        if accepted:
            entry = Entry(
                exchange.response.json()["id"], delta_on_hand, delta_incoming, body["reason"], shop_id, metadata
            )
            self.model.accepted(entry)
        else:
            self.model.refused(delta_on_hand, delta_incoming)

    @rule()
    def read_log(self) -> None:
        self._checked(self._read_log)

    def _read_log(self) -> None:
        exchange = self._call(self.api.log(self.product))
        entries = expect.ok(exchange, "log", rule="AUDIT")["data"]
        ids = [e["id"] for e in entries]
        wanted = self.model.expected_log()
        rule_id = "LOG-CAP" if len(wanted) >= LOG_CAP and ids[:1] == wanted[:1] else "AUDIT"
        expect.that(
            ids == wanted,
            "the log lists the accepted adjusts, newest first",
            exchange,
            detail=f"ids {ids[:6]}..., expected {wanted[:6]}...",
            rule=rule_id,
        )
        by_id = {e["id"]: e for e in entries}
        for entry in self.model.entries:
            seen = by_id.get(entry.id)
            if seen is None:
                continue
            entry.created_at = seen["created_at"]
            sent = (entry.delta_on_hand, entry.delta_incoming, entry.reason, entry.shop_id, entry.metadata)
            got = (seen["delta_on_hand"], seen["delta_incoming"], seen["reason"], seen["shop_id"], seen.get("metadata"))
            expect.that(
                got == sent,
                "the log entry carries the adjust's fields",
                exchange,
                detail=f"entry {entry.id}: {got}, sent {sent}",
                rule="AUDIT",
            )

    @rule(days=st.sampled_from([None, 1, 2, 30, 365]))
    def read_history(self, days: int | None) -> None:
        self._checked(self._read_history, days)

    def _read_history(self, days: int | None) -> None:
        self._read_log()  # learn the days of the run's entries
        exchange = self._call(self.api.history(self.product, days))
        items = {
            i["date"]: (i["delta_on_hand"], i["delta_incoming"], i["entries"])
            for i in expect.ok(exchange, "history", rule="HISTORY")["data"]
        }
        for day in sorted({e.day for e in self.model.entries if e.day}):
            wanted = self.model.expected_day(day)
            expect.that(
                items.get(day) == wanted,
                f"history's {day} adds up the log entries of that day",
                exchange,
                detail=f"{items.get(day)}, expected {wanted} (on-hand, incoming, entries)",
                rule="HISTORY",
            )

    @invariant()
    def list_follows_the_model(self) -> None:
        self._checked(self._list_follows_the_model)

    def _list_follows_the_model(self) -> None:
        exchange = self._call(self.api.list())
        row = self.ctx.product_row(exchange)
        got = (row["stockquantity"], row["log_entries"])
        wanted = (self.model.on_hand, self.model.log_entries)
        rule_id = "NON-NEGATIVE" if row["stockquantity"] < 0 else "AUDIT"
        expect.that(
            got == wanted,
            "the list's stockquantity and log_entries follow the accepted adjusts",
            exchange,
            detail=f"(stockquantity, log_entries) = {got}, expected {wanted}",
            rule=rule_id,
        )
        last = self.model.last_activity()
        if last is not None:
            expect.that(
                row["last_activity"] == last,
                "last_activity is the newest entry's created_at",
                exchange,
                detail=f"{row['last_activity']!r}, expected {last!r}",
                rule="AUDIT",
            )


def run(ctx: Context, **overrides: Any) -> None:
    """Run the stateful test against ``ctx``'s target, bounded by its settings
    (``overrides``: more hypothesis settings, e.g. ``derandomize=True``)."""
    bounds = settings(
        max_examples=ctx.target.max_examples,
        stateful_step_count=ctx.target.max_steps,
        deadline=None,
        database=None,
        report_multiple_bugs=False,  # one violation, shrunk, is what a report needs
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        **overrides,
    )
    try:
        run_state_machine_as_test(lambda: StockMachine(ctx), settings=bounds)  # type: ignore[arg-type]  # hypothesis calls it; a factory works
    except ContractViolation:
        raise
    except Flaky as error:
        # The server's state moved between the failing run and its replay; the first
        # violation seen is still a violation.
        if ctx.violations:
            raise ctx.violations[0] from error
        raise
