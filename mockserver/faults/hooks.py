"""Apply ``FaultPlan`` decisions to the API's requests inside the Flask app.

Latency and status faults happen in the Flask app, so both transports see them alike.
A dropped connection or a timeout cannot be expressed by a WSGI app: the app marks the
environ (``DROP_KEY``), and each transport acts on the mark (``transports``) — the in-process one raises
``requests.ConnectionError`` / ``requests.ReadTimeout``, the socket server closes the
connection without an answer (after holding it, for a timeout).

A fault hits before the route runs, so the request changes nothing; with
``after_applying`` the route runs first (the write happened, the client never saw it).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, request

from mockserver.api import ENDPOINT_METHODS
from mockserver.errors import ApiError
from mockserver.faults.plan import FaultDecision, FaultPlan

DROP_KEY = "inventory_mock.drop"
DROPPED_STATUS = 599  # journal-only: the client never receives a status for a dropped connection

_STATUS_CODES = {
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


class InjectedFault(ApiError):
    """An error answer made up by a fault rule (not a contract violation)."""

    rule = None

    def __init__(self, decision: FaultDecision, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status  # per-instance status of an injected answer
        self.code = code
        self.decision = decision

    @classmethod
    def for_decision(cls, decision: FaultDecision) -> InjectedFault:
        what = "after applying the request" if decision.after_applying else "the request was not applied"
        if decision.kind in ("disconnect", "timeout"):
            code = "connection_dropped" if decision.kind == "disconnect" else "timeout"
            return cls(decision, DROPPED_STATUS, code, f"injected fault {decision.rule_id}: {decision.kind} ({what})")
        status = decision.status or 503
        return cls(
            decision,
            status,
            _STATUS_CODES.get(status, "injected_fault"),
            f"injected fault {decision.rule_id}: status {status} ({what})",
        )

    def headers(self) -> dict[str, str]:
        if self.decision.retry_after is None:
            return {}
        return {"Retry-After": str(self.decision.retry_after)}


def install(app: Flask, plan: FaultPlan, render: Callable[[ApiError], Response]) -> None:
    """Consult ``plan`` on every API request of ``app``.

    Call it after every other ``after_request`` is registered: Flask runs them in
    reverse order, so the journal then records what the client saw.
    """

    @app.before_request
    def fault_before() -> None:
        if not plan.active:  # the common case: no rule, nothing to decide (nor to look up in the request)
            return
        route = request.endpoint
        if route not in ENDPOINT_METHODS:  # the app names each API view after its endpoint
            return
        decision = plan.decide(route, request.method)
        if decision is None:
            return
        if decision.after_applying:
            g.fault = decision
            return
        _apply(decision, plan)

    @app.after_request
    def fault_after(response: Response) -> Response:
        decision: FaultDecision | None = g.pop("fault", None)
        if decision is None:
            return response
        try:
            _apply(decision, plan)
        except InjectedFault as fault:
            return render(fault)
        return response


def _apply(decision: FaultDecision, plan: FaultPlan) -> None:
    plan.wait(decision.seconds if decision.kind == "latency" else 0.0)
    if decision.kind == "latency":
        return
    if decision.kind in ("disconnect", "timeout"):
        request.environ[DROP_KEY] = (decision.kind, decision.seconds, plan)
    raise InjectedFault.for_decision(decision)
