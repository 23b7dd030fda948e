"""Webhook delivery (inferred): retries with backoff, in-process and HTTP receivers.

Delivery runs on a background thread: the adjust that caused an event only queues it,
so a slow or failing receiver never delays or fails the adjust. Each event goes to each
matching subscription; an attempt succeeds on a 2xx answer; a failure (other status,
exception, connection error, timeout) is retried after ``backoff * factor ** (n - 1)``
seconds (at most ``max_backoff``), up to ``max_attempts`` attempts in all.

Each attempt is signed (``signing``).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests

from mockserver.alerts.events import Attempt, DeliveryState, Event, EventLog, Subscription
from mockserver.alerts.receivers import refusal
from mockserver.alerts.signing import sign
from mockserver.clock import Clock
from mockserver.errors import MockUsageError
from mockserver.transports.inprocess import call_wsgi

EVENT_HEADER = "X-Inventory-Event"
EVENT_ID_HEADER = "X-Inventory-Event-Id"
ATTEMPT_HEADER = "X-Inventory-Delivery-Attempt"
# Bounds keep every backoff a finite float (factor ** 99 at most) and a test's wait finite.
_POLICY_LIMITS = (
    ("max_attempts", 1, 100),
    ("backoff", 0, 3600),
    ("factor", 0, 10),
    ("max_backoff", 0, 3600),
    ("timeout", 0, 600),
)
_log = logging.getLogger("mockserver.alerts.delivery")

Handler = Callable[["WebhookMessage"], int | None]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# -- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard delivery tries: attempts in all, backoff before each retry, per-attempt timeout."""

    max_attempts: int = 5
    backoff: float = 0.5
    factor: float = 2.0
    max_backoff: float = 30.0
    timeout: float = 5.0

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise MockUsageError(f"max_attempts must be an integer, got {self.max_attempts!r}")
        for name, low, high in _POLICY_LIMITS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                raise MockUsageError(f"{name} must be a number in {low}..{high}, got {value!r}")
        if self.timeout == 0:
            raise MockUsageError("timeout must be above 0")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_backoff, self.backoff * self.factor ** (attempt - 1)))

    def to_json(self) -> dict[str, Any]:
        return {
            "max_attempts": self.max_attempts,
            "backoff": self.backoff,
            "factor": self.factor,
            "max_backoff": self.max_backoff,
            "timeout": self.timeout,
        }


_DEFAULT_POLICY = RetryPolicy()  # built once: reset runs before every test


@dataclass(frozen=True, slots=True)
class WebhookMessage:
    """What an in-process handler receives: the POST a receiver would get."""

    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        """The decoded event body."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    event: Event = field(compare=False)
    index: int = field(compare=False)
    subscription: Subscription = field(compare=False)
    generation: tuple[int, int] = field(compare=False)  # (dispatcher's, event log's) when queued
    attempt: int = field(compare=False, default=1)


class WebhookDispatcher:
    """Delivers the events a store emits, on one background thread started on demand.

    Attach it with ``store.add_event_listener(dispatcher.enqueue)``. URLs routed with
    ``route()`` go to a Python handler or a WSGI app in-process; others are POSTed with
    ``requests``.
    """

    def __init__(
        self,
        events: EventLog,
        clock: Clock,
        policy: RetryPolicy | None = None,
        allowed_hosts: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.events = events
        self._allowed_hosts = allowed_hosts  # hosts besides this machine an HTTP receiver may be on
        self.clock = clock
        self.policy = policy or RetryPolicy()
        # In-process receivers by URL: a URL is routed to a handler or to a WSGI app, never both.
        self._handlers: dict[str, Handler] = {}
        self._apps: dict[str, WsgiApp] = {}
        self._queue: list[_Job] = []
        self._seq = itertools.count()
        self._generation = 0
        self._busy = 0  # jobs taken off the queue and not yet finished
        self._worker: threading.Thread | None = None
        self._cond = threading.Condition()

    # -- configuration -------------------------------------------------------------------

    def route(self, url: str, *, handler: Handler | None = None, app: WsgiApp | None = None) -> None:
        """Deliver POSTs to ``url`` in-process: to ``handler(message)`` or to the WSGI ``app``.

        A handler returns ``None`` (200) or a status; raising counts as a failed attempt.
        """
        if (handler is None) == (app is None):
            raise MockUsageError("route a webhook URL to exactly one of handler= or app=")
        with self._cond:
            if handler is not None:
                self._handlers[url] = handler
                self._apps.pop(url, None)
            elif app is not None:
                self._apps[url] = app
                self._handlers.pop(url, None)

    def configure(self, **options: Any) -> RetryPolicy:
        """Change the retry policy (fields of ``RetryPolicy``); returns the new one."""
        unknown = set(options) - set(RetryPolicy.__dataclass_fields__)
        if unknown:
            raise MockUsageError(f"unknown retry option(s): {', '.join(sorted(unknown))}")
        merged = {**self.policy.to_json(), **options}
        self.policy = RetryPolicy(**merged)
        return self.policy

    def reset(self, policy: RetryPolicy | None = None) -> None:
        """Drop pending deliveries and in-process routes; back to ``policy`` (default policy)."""
        with self._cond:
            self._generation += 1
            self._queue.clear()
            self._handlers.clear()
            self._apps.clear()
            self.policy = policy or _DEFAULT_POLICY
            self._cond.notify_all()

    # -- queueing ----------------------------------------------------------------------------

    def enqueue(self, event: Event, subscriptions: list[Subscription]) -> None:
        """Queue ``event`` for each subscription (returns at once; called under the store's lock)."""
        if not subscriptions:
            return
        with self._cond:
            now = time.monotonic()
            for index, subscription in enumerate(subscriptions):
                job = _Job(now, next(self._seq), event, index, subscription, self._current_generation())
                heapq.heappush(self._queue, job)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="inventory-mock-webhooks", daemon=True)
                self._worker.start()
            self._cond.notify_all()

    def _current_generation(self) -> tuple[int, int]:
        return self._generation, self.events.generation

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery is queued, retrying or in flight; False on ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if not self._queue:
                        self._worker = None
                        self._cond.notify_all()
                        return
                    wait = self._queue[0].due - time.monotonic()
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                job = heapq.heappop(self._queue)
                self._busy += 1
            try:
                self._deliver(job)
            except Exception:  # a bug here must not stop later deliveries
                _log.exception("webhook delivery of event %s failed", job.event.id)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _deliver(self, job: _Job) -> None:
        with self._cond:
            if job.generation != self._current_generation():
                return  # reset (or events cleared) since the event was queued
        policy = self.policy
        status, error = self._attempt(job, policy)
        attempt = Attempt(job.attempt, self.clock.now(), status, error)
        retry = not attempt.ok and job.attempt < policy.max_attempts
        state: DeliveryState = "delivered" if attempt.ok else "pending" if retry else "failed"
        with self._cond:
            if job.generation != self._current_generation():
                return
            self.events.add_attempt(job.event.id, job.index, attempt, state)
            if retry:
                job.attempt += 1
                job.due = time.monotonic() + policy.delay(job.attempt - 1)
                job.seq = next(self._seq)
                heapq.heappush(self._queue, job)

    def _attempt(self, job: _Job, policy: RetryPolicy) -> tuple[int | None, str | None]:
        body = json.dumps(job.event.body(), separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "inventory-mock-webhooks",
            EVENT_HEADER: job.event.type,
            EVENT_ID_HEADER: job.event.id,
            ATTEMPT_HEADER: str(job.attempt),
            **sign(body, job.subscription.secret),
        }
        url = job.subscription.url
        with self._cond:
            handler = self._handlers.get(url)
            app = self._apps.get(url)
        try:
            if app is not None:
                prepared = requests.Request("POST", url, data=body, headers=headers).prepare()
                return call_wsgi(app, prepared)[0], None
            if handler is not None:
                status = handler(WebhookMessage(url, headers, body))
                return (200 if status is None else int(status)), None
            refused = refusal(url, self._allowed_hosts())
            if refused is not None:  # never a request to a host the user did not allow
                return None, refused
            response = requests.post(url, data=body, headers=headers, timeout=policy.timeout, allow_redirects=False)
            return response.status_code, None
        except Exception as error:  # a receiver's failure is a failed attempt, never the fake's crash
            return None, f"{type(error).__name__}: {error}"[:500]
