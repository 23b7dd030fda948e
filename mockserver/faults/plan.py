"""Fault rules and the decision which request they hit (no HTTP here).

A rule names a route (``list``, ``adjust``, ``log``, ``history`` or ``*``), optionally a
method, a kind (``latency``, ``status``, ``disconnect``, ``timeout``) and a schedule:
every matching request, the next ``times``, every ``every``-th, or with ``probability``
drawn from ``random.Random(seed)`` (so a run is reproducible). ``times`` also caps
the other schedules. ``faults.hooks`` applies the decisions to requests.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.api import ENDPOINT_METHODS
from mockserver.errors import MockUsageError

ROUTE_METHODS = ENDPOINT_METHODS  # a rule's route is an endpoint name
KINDS = ("latency", "status", "disconnect", "timeout")
DEFAULT_TIMEOUT_HOLD = 30.0  # a socket "timeout" holds the connection this long, then closes it


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do to one request."""

    rule_id: str
    kind: str
    status: int | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    after_applying: bool = False


class FaultRule:
    """One rule: what it matches, what it does, when it fires; counts what it saw."""

    def __init__(self, spec: Mapping[str, Any], rule_id: str) -> None:
        self.id = str(spec.get("id") or rule_id)
        self.route = spec["route"]
        self.kind = spec["kind"]
        self.method = spec.get("method") or ROUTE_METHODS.get(self.route)
        if self.route != "*" and self.method != ROUTE_METHODS[self.route]:
            raise MockUsageError(
                f"fault on route {self.route!r}: method {self.method} never matches (the route takes "
                f"{ROUTE_METHODS[self.route]})"
            )
        if "every" in spec and "probability" in spec:
            raise MockUsageError("fault: give 'every' or 'probability', not both")
        if self.kind == "status" and "status" not in spec:
            raise MockUsageError("fault of kind 'status' needs a 'status'")
        if self.kind == "latency" and "seconds" not in spec:
            raise MockUsageError("fault of kind 'latency' needs 'seconds' (a number or [min, max])")
        seconds = spec.get("seconds", DEFAULT_TIMEOUT_HOLD if self.kind == "timeout" else 0.0)
        self.seconds: float | tuple[float, float] = (
            (float(seconds[0]), float(seconds[1])) if isinstance(seconds, list | tuple) else float(seconds)
        )
        if isinstance(self.seconds, tuple) and self.seconds[0] > self.seconds[1]:
            raise MockUsageError(f"fault seconds {list(self.seconds)}: min is above max")
        self.status: int | None = spec.get("status")
        self.retry_after: int | None = spec.get("retry_after", 1 if self.status == 429 else None)
        self.times: int | None = spec.get("times")
        self.every: int | None = spec.get("every")
        self.probability: float | None = spec.get("probability")
        self.seed: int = spec.get("seed", 0)
        self.after_applying: bool = spec.get("after_applying", False)
        self.seen = 0
        self.fired = 0
        self._random = random.Random(self.seed)

    def matches(self, route: str, method: str) -> bool:
        return self.route in ("*", route) and (self.method is None or self.method == method)

    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def consider(self) -> FaultDecision | None:
        """Count one matching request; the decision if the rule fires on it."""
        if self.exhausted():
            return None
        self.seen += 1
        if self.every is not None and self.seen % self.every:
            return None
        if self.probability is not None and self._random.random() >= self.probability:
            return None
        self.fired += 1
        seconds = self.seconds if isinstance(self.seconds, float) else self._random.uniform(*self.seconds)
        return FaultDecision(self.id, self.kind, self.status, self.retry_after, seconds, self.after_applying)

    def to_seed(self) -> dict[str, Any]:
        """The rule as a spec; ``times`` is what is left of it, so a reload does not re-arm it."""
        spec: dict[str, Any] = {"id": self.id, "route": self.route, "kind": self.kind}
        if self.method is not None and self.route == "*":
            spec["method"] = self.method
        if self.kind in ("latency", "timeout"):
            spec["seconds"] = list(self.seconds) if isinstance(self.seconds, tuple) else self.seconds
        optional = {
            "status": self.status,
            "retry_after": self.retry_after,
            "times": None if self.times is None else self.times - self.fired,
            "every": self.every,
            "probability": self.probability,
        }
        spec.update({key: value for key, value in optional.items() if value is not None})
        if self.probability is not None or isinstance(self.seconds, tuple):
            spec["seed"] = self.seed
        if self.after_applying:
            spec["after_applying"] = True
        return spec

    def to_json(self) -> dict[str, Any]:
        """The rule with its counters, as ``GET /_mock/faults`` shows it."""
        return {**self.to_seed(), "seen": self.seen, "fired": self.fired}


class FaultPlan:
    """The active fault rules, in the order they were added; the first that fires wins."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._next_id = 1
        # Set to wake every request held by a latency or timeout fault (clear, reset).
        self.released = threading.Event()

    @property
    def active(self) -> bool:
        """Whether any rule is in place (read without the lock: the hooks' fast path)."""
        return bool(self._rules)

    def add(self, spec: Mapping[str, Any]) -> FaultRule:
        """Add a rule from a schema-valid spec (see ``schemas/seed.json#/$defs/fault``)."""
        with self._lock:
            rule = FaultRule(spec, f"fault-{self._next_id}")
            if any(existing.id == rule.id for existing in self._rules):
                raise MockUsageError(f"a fault with id {rule.id!r} already exists")
            self._next_id += 1
            self._rules.append(rule)
            return rule

    def load(self, specs: list[Mapping[str, Any]]) -> None:
        """Replace every rule by ``specs``."""
        if not specs and not self._rules:  # the per-test reset of a seed without faults: nothing to do
            return
        rules = []
        for i, spec in enumerate(specs):
            rules.append(FaultRule(spec, f"fault-{i + 1}"))
        with self._lock:
            self._release()
            self._rules, self._next_id = rules, len(rules) + 1

    def remove(self, rule_id: str) -> None:
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            if len(kept) == len(self._rules):
                raise MockUsageError(f"no fault with id {rule_id!r}")
            self._rules = kept

    def clear(self) -> None:
        with self._lock:
            self._release()
            self._rules = []

    def decide(self, route: str, method: str) -> FaultDecision | None:
        """The fault to apply to a ``method`` request on ``route``, if any rule fires."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(route, method):
                    decision = rule.consider()
                    if decision is not None:
                        return decision
            return None

    def wait(self, seconds: float) -> None:
        """Hold the calling request ``seconds`` (or until the rules are cleared)."""
        if seconds > 0:
            self.released.wait(seconds)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def to_seed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_seed() for rule in self._rules if not rule.exhausted()]

    def to_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def _release(self) -> None:
        self.released.set()
        self.released = threading.Event()
