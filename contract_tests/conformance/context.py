"""What a check gets: the target, the API, the record of observations and writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from contract_tests.conformance.api import REASON_PREFIX, Api, Ledger, Observed
from contract_tests.conformance.client import Client
from contract_tests.conformance.config import Target, option_name, where_to_set
from contract_tests.conformance.errors import ConfigError, ContractViolation, TargetError
from contract_tests.conformance.wire import Exchange

API_PREFIX = "/api/v2/public"


# -- preflight: the settings are checked before any check runs -------------------------------


def preflight(target: Target, client: Client, option: Callable[[str], str] = option_name) -> None:
    """Verify the settings against the server; ``ConfigError`` (one line) when one is wrong.

    A misconfiguration is not a non-conformance: an unreachable base URL, a base URL with
    the API prefix, a token or org the list refuses, a ``product_id`` not in the org, a
    ``foreign_product_id`` in it, a role token that does not authenticate. ``option`` names
    a setting's option (``--base-url``; the pytest plugin passes ``--inventory-base-url``).
    """
    root = without_api_prefix(target.base_url)
    if root is not None:
        raise ConfigError(
            f"base_url {target.base_url} includes the API path {API_PREFIX}: give the server's root, "
            f"{option('base_url')} {root} (the kit adds {API_PREFIX}/orgs/{{org_id}}/inventory itself)"
        )
    api = Api(client, target.org_id, target.product_id, target.tokens.read_write, allow_writes=False)
    try:
        listed = list_ids(target, api.list(validate=False), option)
        if target.product_id not in listed:
            raise ConfigError(
                f"product_id {target.product_id} is not in the inventory of org {target.org_id!r}: "
                f"set {option('product_id')} to a product of that org the run may adjust"
            )
        if target.foreign_product_id is not None and target.foreign_product_id in listed:
            raise ConfigError(
                f"foreign_product_id {target.foreign_product_id} is in the inventory of org {target.org_id!r}: "
                f"set {option('foreign_product_id')} to a p1_id that is NOT in that org"
            )
        for role in ("read_only", "write_only", "other_org"):
            token = getattr(target.tokens, role)
            if token is not None:
                _check_role_token(target, role, api.list(token=token, validate=False), option)
    except TargetError as error:
        raise ConfigError(f"{error}: check {option('base_url')}") from None


def without_api_prefix(base_url: str) -> str | None:
    """The server's root when ``base_url`` wrongly contains the API prefix, else ``None``."""
    parts = urlsplit(base_url)
    at = (parts.path + "/").find(API_PREFIX + "/")
    if at < 0:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path[:at], "", ""))


def list_ids(target: Target, exchange: Exchange, option: Callable[[str], str] = option_name) -> set[int]:
    """The p1_ids of the read_write token's list answer; ``ConfigError`` unless it is a 2xx list."""
    status, url = exchange.response.status, exchange.request.url
    token = option("token_read_write")
    if status == 401:
        raise ConfigError(f"the read_write token is not accepted (401 from GET {url}): check {token}")
    if status == 403:
        raise ConfigError(
            f"the read_write token may not list org {target.org_id!r} (403 from GET {url}): check "
            f"{option('org_id')} (the token's org) and that {token} has the inventory.read scope"
        )
    if status == 404:
        raise ConfigError(
            f"GET {url} answers 404: check {option('base_url')} (the server's root) and {option('org_id')}"
        )
    if not 200 <= status < 300:
        raise ConfigError(
            f"GET {url} answers {status}, not 2xx: the run needs the inventory list; "
            f"check {option('base_url')} and {option('org_id')}"
        )
    body = exchange.response.json()
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list) or not all(isinstance(item, Mapping) for item in data):
        raise ConfigError(
            f'GET {url} answers {status} but not a JSON inventory list ({{"data": [...]}}): '
            f"check {option('base_url')} (the API server's root)"
        )
    return {item["p1_id"] for item in data if isinstance(item.get("p1_id"), int)}


def _check_role_token(target: Target, role: str, exchange: Exchange, option: Callable[[str], str]) -> None:
    status, url = exchange.response.status, exchange.request.url
    where = option(f"token_{role}")
    if role == "read_only" and not 200 <= status < 300:
        what = "is not accepted" if status == 401 else f"may not list org {target.org_id!r}"
        raise ConfigError(
            f"the read_only token {what} ({status} from GET {url}): check {where} "
            "(a token of this org with only inventory.read)"
        )
    if status == 401:
        whose = "another org's valid token" if role == "other_org" else "a token of this org with only inventory.write"
        raise ConfigError(f"the {role} token is not accepted (401 from GET {url}): check {where} ({whose})")


@dataclass
class BoundedLedger(Ledger):
    """The ledger, plus the largest delta of each kind one accepted adjust made: the
    restore never sends a larger one (a big undo is split into several adjusts)."""

    largest_on_hand: int = 0
    largest_incoming: int = 0

    def enter(self, body: Mapping[str, Any]) -> None:
        super().enter(body)
        self.largest_on_hand = max(self.largest_on_hand, abs(_delta(body.get("delta_on_hand"))))
        self.largest_incoming = max(self.largest_incoming, abs(_delta(body.get("delta_incoming"))))


def _delta(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def undo_steps(on_hand: int, incoming: int, largest_on_hand: int, largest_incoming: int) -> list[tuple[int, int]]:
    """The (delta_on_hand, delta_incoming) adjusts that undo a net effect of
    (``on_hand``, ``incoming``), none larger than the largest delta the run sent."""
    steps = []
    while on_hand or incoming:
        step_on_hand = -max(-largest_on_hand, min(largest_on_hand, on_hand))
        step_incoming = -max(-largest_incoming, min(largest_incoming, incoming))
        if not (step_on_hand or step_incoming):
            raise RuntimeError("undo_steps: a net effect without an adjust that made it (a bug in the kit)")
        steps.append((step_on_hand, step_incoming))
        on_hand, incoming = on_hand + step_on_hand, incoming + step_incoming
    return steps


class CheckSkipped(Exception):
    """A check cannot run: a setting it needs is missing (the message says which)."""


@dataclass
class Restore:
    """What undoing the run's writes did."""

    on_hand_before: int | None
    on_hand_after: int | None = None
    undone: dict[str, int] = field(default_factory=dict)
    adjusts: int = 0
    elsewhere: list[str] = field(default_factory=list)
    error: str | None = None  # why the undoing adjust failed

    @property
    def restored(self) -> bool:
        return self.error is None and self.on_hand_before == self.on_hand_after and not self.elsewhere

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted_adjusts": self.adjusts,
            "undone": self.undone,
            "on_hand_before": self.on_hand_before,
            "on_hand_after": self.on_hand_after,
            "restored": self.restored,
            "accepted_elsewhere": self.elsewhere,
            "error": self.error,
        }


class Context:
    """One run against one target. ``restore()`` undoes every accepted adjust."""

    def __init__(self, target: Target, client: Client) -> None:
        self.target = target
        self.client = client
        self.observed = Observed()
        self.ledger = BoundedLedger()
        self.api = Api(
            client,
            target.org_id,
            target.product_id,
            target.tokens.read_write,
            allow_writes=target.allow_writes,
            ledger=self.ledger,
            observed=self.observed,
        )
        self._on_hand_at_start: int | None = None
        self.undone: dict[str, int] = {}
        self.violations: list[ContractViolation] = []  # found by the stateful test, in order

    # -- preconditions -----------------------------------------------------------------

    def require(self, *settings: str) -> None:
        """Skip (``CheckSkipped``) unless every named setting is given."""
        for setting in settings:
            if setting == "allow_writes":
                if not self.target.allow_writes:
                    raise CheckSkipped(f"needs writes: set {where_to_set('allow_writes')} (true)")
            elif setting.startswith("token_"):
                if getattr(self.target.tokens, setting.removeprefix("token_")) is None:
                    raise CheckSkipped(f"needs the {setting.removeprefix('token_')} token: set {where_to_set(setting)}")
            elif getattr(self.target, setting) is None:
                raise CheckSkipped(f"needs {setting}: set {where_to_set(setting)}")

    def start(self) -> None:
        """Read the product's stock once, before the first write (to verify the restore)."""
        if self._on_hand_at_start is None:
            self._on_hand_at_start = self.product_row()["stockquantity"]

    # -- reading the product -------------------------------------------------------------

    def product_row(self, exchange: Exchange | None = None) -> dict[str, Any]:
        """The target product's item of the list (reads the list unless given)."""
        exchange = exchange or self.api.list()
        list_ids(self.target, exchange)  # a list the read_write token cannot read is a ConfigError
        for item in exchange.response.json()["data"]:
            if item["p1_id"] == self.target.product_id:
                return dict(item)
        raise ConfigError(
            f"product_id {self.target.product_id} is not in the inventory of org {self.target.org_id!r}: "
            f"set {where_to_set('product_id')} to a product of that org the run may adjust"
        )

    def reason(self, what: str) -> str:
        return f"{REASON_PREFIX}: {what}"

    # -- undoing writes ----------------------------------------------------------------------

    def undo(self) -> None:
        """Undo the net effect of every accepted adjust of the product, in adjusts no
        larger than the largest one the run made (usually one)."""
        on_hand, incoming = self.ledger.on_hand, self.ledger.incoming
        ledger = self.ledger
        steps = undo_steps(on_hand, incoming, ledger.largest_on_hand, ledger.largest_incoming)
        for step_on_hand, step_incoming in steps:
            exchange = self.api.adjust(
                {
                    "p1_id": str(self.target.product_id),
                    "delta_on_hand": step_on_hand,
                    "delta_incoming": step_incoming,
                    "reason": self.reason("restore the product's stock"),
                }
            )
            if not 200 <= exchange.response.status < 300:
                raise ContractViolation(
                    "NON-NEGATIVE",
                    "the adjust that undoes the run's own adjusts is accepted",
                    exchange,
                    detail=f"the run left on-hand {on_hand:+d} and incoming {incoming:+d}",
                )
            self.undone["delta_on_hand"] = self.undone.get("delta_on_hand", 0) + step_on_hand
            self.undone["delta_incoming"] = self.undone.get("delta_incoming", 0) + step_incoming

    def restore(self) -> Restore:
        """Undo the run's adjusts and read the product's stock back."""
        result = Restore(self._on_hand_at_start, adjusts=self.ledger.accepted, elsewhere=list(self.ledger.elsewhere))
        if self._on_hand_at_start is None:
            return result
        try:
            self.undo()
        except (ContractViolation, TargetError) as refused:
            result.error = str(refused)
        result.undone = dict(self.undone)
        # Read without the shape check: a broken server may show a negative stock.
        try:
            result.on_hand_after = self.product_row(self.api.list(validate=False))["stockquantity"]
        except (ConfigError, TargetError) as unread:
            result.error = result.error or f"the stock could not be read back: {unread}"
        return result
