"""The four endpoints of the Inventory & stock API, as seen by the suite.

Every 2xx body is validated against its schema (rule SHAPES); every accepted adjust
of the target product is entered in the ``Ledger`` so the run can undo it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import schemas
from contract_tests.conformance import observations as seen
from contract_tests.conformance.client import Client
from contract_tests.conformance.errors import ContractViolation
from contract_tests.conformance.wire import Exchange, Request

REASON_PREFIX = "contract-test"


class Blocked(Exception):
    """A check could not do what it needed: the server broke another rule on the way
    (the message says what failed and, where one did, which rule it contradicts)."""


class _Default:
    def __repr__(self) -> str:
        return "<the read_write token>"


DEFAULT = _Default()
Token = str | None | _Default  # None: no Authorization header


@dataclass
class Ledger:
    """Net effect of the run's accepted adjusts on the target product."""

    on_hand: int = 0
    incoming: int = 0
    accepted: int = 0
    elsewhere: list[str] = field(default_factory=list)  # curl of accepted adjusts of other products

    def enter(self, body: Mapping[str, Any]) -> None:
        self.on_hand += _int(body.get("delta_on_hand"))
        self.incoming += _int(body.get("delta_incoming"))
        self.accepted += 1


@dataclass
class Observed:
    """What the server chose where the document leaves it open."""

    statuses: dict[str, set[int]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def status(self, case: str, status: int) -> None:
        """A refusal (any 4xx passes where the document names no status): the status seen."""
        self.statuses.setdefault(case, set()).add(status)

    def note(self, key: str, value: Any) -> None:
        self.facts[key] = value

    def add(self, key: str, value: Any) -> None:
        """One more value seen under ``key`` (the report shows the sorted set)."""
        found = self.facts.setdefault(key, [])
        if value not in found:
            found.append(value)
            found.sort(key=str)

    def to_json(self) -> dict[str, Any]:
        return {
            "error_statuses": {case: sorted(found) for case, found in sorted(self.statuses.items())},
            **dict(sorted(self.facts.items())),
        }


_LOG_CAP = schemas.documented_limits().log_cap  # "Returns up to 200 recent entries"
_SCHEMAS = {"list": "inventory-list-response", "adjust": "adjust-response", "log": "log-response"}


class Api:
    """Calls to the target's endpoints for one org, with one default token."""

    def __init__(
        self,
        client: Client,
        org_id: str,
        product_id: int,
        token: str,
        *,
        allow_writes: bool,
        ledger: Ledger | None = None,
        observed: Observed | None = None,
    ) -> None:
        self.client = client
        self.org_id = org_id
        self.product_id = product_id
        self.token = token
        self.allow_writes = allow_writes
        self.ledger = ledger or Ledger()
        self.observed = observed or Observed()
        # Which JSON type of p1_id the server takes in an adjust body (the document's example
        # sends a string of digits, its responses an integer): learnt with the first write.
        self.p1_id_form: str | None = None  # "string" | "integer" | "both" | "neither"
        self.p1_id_refusal: Exchange | None = None  # the refused example, when "neither"

    def list(
        self,
        *,
        token: Token = DEFAULT,
        org_id: str | None = None,
        authorization: str | None = None,
        validate: bool = True,
    ) -> Exchange:
        return self._send("list", "GET", self._prefix(org_id), token, authorization, validate=validate)

    def log(
        self, p1_id: int | str, *, token: Token = DEFAULT, org_id: str | None = None, authorization: str | None = None
    ) -> Exchange:
        return self._send("log", "GET", f"{self._prefix(org_id)}/{p1_id}/log", token, authorization)

    def history(
        self,
        p1_id: int | str,
        days: int | str | None = None,
        *,
        token: Token = DEFAULT,
        org_id: str | None = None,
        authorization: str | None = None,
    ) -> Exchange:
        query = {} if days is None else {"days": str(days)}
        path = f"{self._prefix(org_id)}/{p1_id}/history"
        return self._send("history", "GET", path, token, authorization, query=query)

    def adjust(
        self,
        body: Mapping[str, Any],
        *,
        token: Token = DEFAULT,
        org_id: str | None = None,
        authorization: str | None = None,
        as_sent: bool = False,
        content_type: str | None = "application/json",
    ) -> Exchange:
        """POST an adjust. Only when writes are allowed, and only with a ``contract-test`` reason.

        A ``p1_id`` (integer or string of digits) is sent in the form the server takes
        (``learn_p1_id_form``), unless ``as_sent``. Raises ``Blocked`` when the server takes
        neither form (the check of rule AUDIT reports that).
        """
        if not self.allow_writes:
            raise RuntimeError("the suite tried to adjust stock without allow_writes (a bug in the kit)")
        reason = body.get("reason")
        if isinstance(reason, str) and not reason.startswith(REASON_PREFIX):
            raise RuntimeError(f"adjust reasons must start with {REASON_PREFIX!r} (a bug in the kit): {reason!r}")
        if not as_sent and _is_id(body.get("p1_id")):
            form = self.learn_p1_id_form()
            if form == "neither":
                raise Blocked(
                    "the server refuses the document's example adjust, with p1_id as a string of digits and "
                    "as an integer (a failure of AUDIT)"
                )
            p1_id = body["p1_id"]
            body = {**body, "p1_id": int(p1_id) if form == "integer" else str(p1_id)}
        return self._post_adjust(body, token, org_id, authorization, content_type)

    def learn_p1_id_form(self) -> str:
        """Which form of ``p1_id`` an adjust body may take: a zero-delta adjust of the product
        with a string of digits (the document's example), then one with an integer."""
        if self.p1_id_form is None:
            reason = f"{REASON_PREFIX}: p1_id form"
            probes = {
                form: self._post_adjust({"p1_id": value, "delta_on_hand": 0, "reason": reason})
                for form, value in (("string", str(self.product_id)), ("integer", self.product_id))
            }
            taken = [form for form, exchange in probes.items() if 200 <= exchange.response.status < 300]
            self.p1_id_form = "both" if len(taken) == 2 else taken[0] if taken else "neither"
            if not taken:
                self.p1_id_refusal = probes["string"]
            self.observed.note(seen.P1_ID_FORM, self.p1_id_form)
        return self.p1_id_form

    def _post_adjust(
        self,
        body: Mapping[str, Any],
        token: Token = DEFAULT,
        org_id: str | None = None,
        authorization: str | None = None,
        content_type: str | None = "application/json",
    ) -> Exchange:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        path = f"{self._prefix(org_id)}/adjust"
        exchange = self._send("adjust", "POST", path, token, authorization, body=payload, content_type=content_type)
        if 200 <= exchange.response.status < 300:
            if _is_product(body.get("p1_id"), self.product_id) and (org_id or self.org_id) == self.org_id:
                self.ledger.enter(body)
            else:
                self.ledger.elsewhere.append(exchange.request.curl())
        return exchange

    def _prefix(self, org_id: str | None) -> str:
        return f"/api/v2/public/orgs/{org_id or self.org_id}/inventory"

    def _send(
        self,
        endpoint: str,
        method: str,
        path: str,
        token: Token,
        authorization: str | None,
        *,
        query: Mapping[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        validate: bool = True,
    ) -> Exchange:
        headers = {"Accept": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is not None:
            headers["Authorization"] = f"Bearer {self.token if isinstance(token, _Default) else token}"
        if content_type is not None:
            headers["Content-Type"] = content_type
        request = Request(method, path, query or {}, headers, body, base_url=self.client.base_url)
        exchange = Exchange(request, self.client.send(request))
        if validate and 200 <= exchange.response.status < 300:
            check_shape(endpoint, exchange)
            if endpoint == "adjust":
                self.observed.add(seen.ADJUST_STATUS, exchange.response.status)
        return exchange


def check_shape(endpoint: str, exchange: Exchange) -> None:
    """Raise a SHAPES violation unless the 2xx body matches the endpoint's schema (LOG-CAP for a log
    over 200 entries, NON-NEGATIVE for a stock below zero in the list)."""
    name = _SCHEMAS.get(endpoint, f"{endpoint}-response")
    body = exchange.response.json()
    if body is None:
        raise ContractViolation("SHAPES", f"a {endpoint} success answer has a JSON body", exchange)
    data = body.get("data") if isinstance(body, dict) else None
    # Where the schema encodes a documented rule, the violation names the rule, not SHAPES.
    if endpoint == "log" and isinstance(data, list) and len(data) > _LOG_CAP:
        raise ContractViolation(
            "LOG-CAP", f"the log has at most {_LOG_CAP} entries", exchange, detail=f"{len(data)} entries"
        )
    if endpoint == "list" and isinstance(data, list):
        below = [item for item in data if isinstance(item, dict) and _int(item.get("stockquantity")) < 0]
        if below:
            detail = f"product {below[0].get('p1_id')!r} has stockquantity {below[0]['stockquantity']}"
            raise ContractViolation("NON-NEGATIVE", "the list shows no stock below zero", exchange, detail=detail)
    problems = _problems(name, body)
    if problems:
        raise ContractViolation(
            "SHAPES", f"the {endpoint} answer matches schemas/{name}.json", exchange, detail="; ".join(problems)
        )


_VALID_ITEMS: dict[str, set[str]] = {}
_MAX_REMEMBERED = 50_000


def _problems(name: str, body: Any) -> list[str]:
    # A log answer repeats up to 200 entries the run has already seen: validate each
    # distinct item once (jsonschema takes ~0.15 ms an item).
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return [str(p) for p in schemas.violations(name, body, limit=5)]
    seen = _VALID_ITEMS.setdefault(name, set())
    keys = [json.dumps(item, sort_keys=True) for item in data]
    fresh = [item for item, key in zip(data, keys, strict=True) if key not in seen]
    limit = schemas.load(name)["properties"]["data"].get("maxItems")
    if schemas.violations(name, {**body, "data": fresh}, limit=1) or (limit is not None and len(data) > limit):
        return [str(p) for p in schemas.violations(name, body, limit=5)]
    if len(seen) > _MAX_REMEMBERED:
        seen.clear()
    seen.update(keys)
    return []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _is_id(value: Any) -> bool:
    """An integer or a string of digits: a p1_id the kit may send in either form."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())


def _is_product(value: Any, product_id: int) -> bool:
    return str(value) == str(product_id)
