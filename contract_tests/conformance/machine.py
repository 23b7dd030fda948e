"""The stateful test: random sequences of adjusts and reads, each answer compared with
the kit's ``StockModel``. Hypothesis shrinks a failure to the shortest sequence.

It sends only what the document guarantees valid (integer deltas, a short reason, a short
``shop_id`` or none, a small JSON object as ``metadata`` or none, ``p1_id`` in the form the
server takes), so a faithful server that chose differently where the document is silent
passes. A failure names the rule whose sentence the answer contradicts. The run is bounded
in wall-clock time (``run``): shrinking stops when its budget is out.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, invariant, rule

from contract_tests.conformance import expect
from contract_tests.conformance import observations as seen
from contract_tests.conformance.api import Blocked
from contract_tests.conformance.context import Context
from contract_tests.conformance.errors import ContractViolation
from contract_tests.conformance.model import LOG_CAP, Entry, StockModel
from contract_tests.conformance.wire import Exchange

ON_HAND_MOVES = ("below zero", "to zero", "down", "up", "none")
INCOMING_MOVES = ("down", "up", "none", "far below zero")
# What the document guarantees valid, whatever limits a faithful server infers:
MAX_REASON = 40  # characters, the "contract-test" prefix included
SHOPS = st.one_of(st.none(), st.sampled_from(["shop1", "ct-shop"]))  # at most 16 characters
METADATA = st.one_of(  # a small JSON object (at most 200 bytes serialized), as in the document's example
    st.none(),
    st.fixed_dictionaries({"pos_ref": st.text("ABCX-0123456789", min_size=1, max_size=8)}),
    st.fixed_dictionaries({"pos_ref": st.text("ABCX-0123456789", min_size=1, max_size=8), "items": st.integers(0, 9)}),
)
# Wall-clock bounds of the whole stateful test and of shrinking a failure (seconds).
TIME_BUDGET = 60.0
SHRINK_BUDGET = 20.0


class _OutOfTime(BaseException):
    """The stateful test's time is up (a BaseException: hypothesis lets it through)."""


class _CannotRun(BaseException):
    """The stateful test cannot start (not a failure to shrink: hypothesis lets it through)."""


class Clock:
    """The stateful test's wall-clock budget: ``total`` for everything, ``shrink`` from the
    first failure on.

    Out of time before any failure, the remaining examples go idle (their steps send
    nothing: interrupting hypothesis mid-generation would make it call the data flaky);
    out of time once a failure was found, shrinking is cut short (``_OutOfTime``).
    """

    def __init__(self, total: float, shrink: float) -> None:
        self.started = time.monotonic()
        self.total = total
        self.shrink = shrink
        self.failed_at: float | None = None
        self.examples_run = 0  # examples started before the budget ran out
        self.ran_out = False
        self.idle = False
        self.examples = 0

    def failed(self) -> None:
        if self.failed_at is None:
            self.failed_at = time.monotonic()

    def tick(self) -> None:
        now = time.monotonic()
        if self.failed_at is None:
            if now - self.started > self.total and not self.idle:
                self.idle = True
                self.examples_run = self.examples
        elif now - self.started > self.total or now - self.failed_at > self.shrink:
            self.ran_out = True
            raise _OutOfTime


class StockMachine(RuleBasedStateMachine):
    """Adjusts (some that must be refused) and reads of the target product."""

    def __init__(self, ctx: Context, clock: Clock | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.api = ctx.api
        self.product = ctx.target.product_id
        self.clock = clock or Clock(TIME_BUDGET, SHRINK_BUDGET)
        self.clock.examples += 1
        self.calls: list[str] = []
        self.model = StockModel(on_hand=0, log_entries=0, log_ids=[], days={})
        self._checked(self._start)

    def _start(self) -> None:
        self.clock.tick()
        if self.clock.idle:
            return
        ctx = self.ctx
        listed = self._call(self.api.list())
        expect.ok(listed, "list with the read_write token", rule="AUDIT")
        ctx.start()
        if self.api.learn_p1_id_form() == "neither":
            raise _CannotRun("the server refuses the document's example adjust (a failure of AUDIT)")
        row = ctx.product_row(self._call(self.api.list()))
        log = expect.ok(self._call(self.api.log(self.product)), "log", rule="AUDIT")["data"]
        history = expect.ok(self._call(self.api.history(self.product, 2)), "history", rule="HISTORY")["data"]
        self.model = StockModel(
            on_hand=row["stockquantity"],
            log_entries=row["log_entries"],
            log_ids=[e["id"] for e in log],
            days={i["date"]: (i["delta_on_hand"], i["delta_incoming"], i["entries"]) for i in history},
        )
        for case in (seen.BELOW_ZERO, "adjust taking stock below zero"):
            self.model.below_zero_statuses |= ctx.observed.statuses.get(case, set())

    def _call(self, exchange: Exchange) -> Exchange:
        request = exchange.request
        body = "" if request.body is None else " " + request.body.decode()
        query = f"?{'&'.join(f'{k}={v}' for k, v in request.query.items())}" if request.query else ""
        self.calls.append(f"{request.method} {request.path}{query}{body} -> {exchange.response.status}")
        self.clock.tick()
        return exchange

    def _violation(self, error: ContractViolation) -> ContractViolation:
        steps = "\n".join(f"    {i + 1}. {call}" for i, call in enumerate(self.calls))
        detail = f"{error.detail}\n  calls of this example:\n{steps}".lstrip()
        return ContractViolation(error.rule, error.expected, error.exchange, detail=detail)

    def _checked(self, step: Any, *args: Any) -> None:
        if self.clock.idle:
            return  # out of time before any failure: the example sends nothing more
        try:
            step(*args)
        except ContractViolation as error:
            violation = self._violation(error)
            self.ctx.violations.append(violation)
            self.clock.failed()
            raise violation from None

    def teardown(self) -> None:
        # Every example starts from the same stock, so a failure replays the same way.
        try:
            self.ctx.undo()
        except ContractViolation as refused:
            # A refused valid adjust is no failure of a rule; the next example reads the stock
            # it starts from, and the run's restore undoes the rest (or says it could not).
            status = refused.exchange.response.status if refused.exchange is not None else 0
            self.ctx.observed.status("adjust undoing an example, refused", status)

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
            "reason": self.ctx.reason(f"stateful {len(self.calls)}")[:MAX_REASON],
        }
        if shop_id is not None:
            body["shop_id"] = shop_id
        if metadata is not None:
            body["metadata"] = metadata
        exchange = self._call(self.api.adjust(body))
        status = exchange.response.status
        verdict = self.model.verdict(delta_on_hand, delta_incoming)
        accepted = 200 <= status < 300
        if verdict is False:
            # "Stock cannot go below zero.": refused (any 4xx with a JSON body), nothing changes.
            expect.rejected(exchange, "adjust taking stock below zero", self.ctx.observed, rule="NON-NEGATIVE")
            self.model.below_zero_statuses.add(status)
        elif not accepted:
            if 400 <= status < 500 and (verdict is True or not self.model.is_below_zero(status)):
                # An adjust the document allows, refused all the same (a limit or a form the
                # server inferred): observed, not a failure; nothing may change (the invariant).
                self.ctx.observed.status("adjust the kit deems valid, refused", status)
                self.ctx.observed.add("adjusts the kit deems valid, refused", json.dumps(body)[:300])
                self.model.refused_anyway()
                return
            if verdict is True:  # neither accepted nor refused: a 5xx, a redirect...
                expect.ok(exchange, f"an adjust the document allows ({json.dumps(body)}) is answered", rule="AUDIT")
            what = "adjust perhaps taking incoming stock below zero"
            expect.rejected(exchange, what, self.ctx.observed, rule="NON-NEGATIVE")
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
        expect.ok(exchange, "list with the read_write token", rule="AUDIT")
        row = self.ctx.product_row(exchange)
        got = (row["stockquantity"], row["log_entries"])
        wanted = (self.model.on_hand, self.model.log_entries)
        changed_after_refusal = self.model.last_refused and got != wanted
        rule_id = "NON-NEGATIVE" if row["stockquantity"] < 0 or changed_after_refusal else "AUDIT"
        expect.that(
            got == wanted,
            "a refused adjust changes nothing"
            if changed_after_refusal
            else "the list's stockquantity and log_entries follow the accepted adjusts",
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


def run(
    ctx: Context,
    *,
    budget: float = TIME_BUDGET,
    shrink_budget: float = SHRINK_BUDGET,
    seed: int | None = None,
    **overrides: Any,
) -> None:
    """Run the stateful test against ``ctx``'s target, bounded by its settings and by
    ``budget`` seconds in all (``shrink_budget`` of them, at most, for shrinking a failure:
    when it is out, the shortest failing example found so far is reported). ``seed``: a
    reproducible run; ``overrides``: more hypothesis settings, e.g. ``derandomize=True``."""
    bounds = settings(
        max_examples=ctx.target.max_examples,
        stateful_step_count=ctx.target.max_steps,
        deadline=None,
        database=None,
        report_multiple_bugs=False,  # one violation, shrunk, is what a report needs
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        **overrides,
    )
    clock = Clock(budget, shrink_budget)
    first = len(ctx.violations)
    test = get_state_machine_test(lambda: StockMachine(ctx, clock), settings=bounds)  # type: ignore[arg-type]  # hypothesis calls it; a factory works
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    try:
        test()
        if clock.idle:
            ctx.observed.note(
                "stateful test", f"stopped by its {budget:g} s budget after {clock.examples_run} example(s)"
            )
    except ContractViolation as error:
        if clock.ran_out:  # hypothesis stopped shrinking and reports the failure it had
            raise _cut_short(error, clock) from None
        raise
    except (Blocked, _CannotRun) as reason:
        pytest.skip(f"could not be checked because {reason}")
    except _OutOfTime:
        found = ctx.violations[first:]
        if not found:
            ctx.observed.note("stateful test", f"stopped by its {budget:g} s budget after {clock.examples} example(s)")
            return
        # The shortest example of the first failure's rule seen before the budget ran out.
        same = [v for v in found if v.rule == found[0].rule]
        raise _cut_short(min(same, key=lambda v: v.detail.count("\n")), clock) from None
    except Flaky as error:
        if clock.ran_out and len(ctx.violations) > first:
            raise _cut_short(ctx.violations[first], clock) from error
        # The server's state moved between the failing run and its replay; the first
        # violation seen is still a violation.
        if len(ctx.violations) > first:
            raise ctx.violations[first] from error
        raise


def _cut_short(violation: ContractViolation, clock: Clock) -> ContractViolation:
    elapsed = time.monotonic() - clock.started
    note = f"shrinking stopped by the time budget after {elapsed:.0f} s: this example may not be the shortest"
    cut = ContractViolation(
        violation.rule, violation.expected, violation.exchange, detail=f"{violation.detail}\n  ({note})"
    )
    cut.__notes__ = list(getattr(violation, "__notes__", []))
    return cut
