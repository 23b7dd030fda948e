"""What a check gets: the target, the API, the record of observations and writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_tests.conformance.api import REASON_PREFIX, Api, Ledger, Observed
from contract_tests.conformance.client import Client
from contract_tests.conformance.config import Target, where_to_set
from contract_tests.conformance.errors import ConfigError, ContractViolation
from contract_tests.conformance.wire import Exchange


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
        self.ledger = Ledger()
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
        """Before the first write: read the product's stock (to verify the restore) and learn
        which form of ``p1_id`` the server's adjust takes."""
        if self._on_hand_at_start is None:
            self._on_hand_at_start = self.product_row()["stockquantity"]
            self._learn_p1_id_form()

    def _learn_p1_id_form(self) -> None:
        """The document's example sends ``"p1_id": "12345"``; its responses say ``12345``. A
        zero-delta adjust in each form tells which the server takes (recorded as observed)."""
        accepted = []
        for form, p1_id in (("string", str(self.target.product_id)), ("integer", self.target.product_id)):
            body = {"p1_id": p1_id, "delta_on_hand": 0, "reason": self.reason(f"p1_id as {form}")}
            if 200 <= self.api.adjust(body).response.status < 300:
                accepted.append(form)
        self.observed.note("p1_id in the adjust body", " and ".join(accepted) or "neither form accepted")
        self.api.p1_id_as_integer = accepted == ["integer"]

    # -- reading the product -------------------------------------------------------------

    def product_row(self, exchange: Exchange | None = None) -> dict[str, Any]:
        """The target product's item of the list (reads the list unless given)."""
        exchange = exchange or self.api.list()
        if not 200 <= exchange.response.status < 300:
            raise ContractViolation("SCOPE-READ", "the read_write token can list the inventory (200)", exchange)
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
        """Undo the net effect of every accepted adjust of the product with one adjust."""
        on_hand, incoming = self.ledger.on_hand, self.ledger.incoming
        if not (on_hand or incoming):
            return
        exchange = self.api.adjust(
            {
                "p1_id": str(self.target.product_id),
                "delta_on_hand": -on_hand,
                "delta_incoming": -incoming,
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
        self.undone["delta_on_hand"] = self.undone.get("delta_on_hand", 0) - on_hand
        self.undone["delta_incoming"] = self.undone.get("delta_incoming", 0) - incoming

    def restore(self) -> Restore:
        """Undo the run's adjusts and read the product's stock back."""
        result = Restore(self._on_hand_at_start, adjusts=self.ledger.accepted, elsewhere=list(self.ledger.elsewhere))
        if self._on_hand_at_start is None:
            return result
        try:
            self.undo()
        except ContractViolation as refused:
            result.error = str(refused)
        result.undone = dict(self.undone)
        # Read without the shape check: a broken server may show a negative stock.
        result.on_hand_after = self.product_row(self.api.list(validate=False))["stockquantity"]
        return result
