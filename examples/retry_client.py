"""A POS client that records a sale and survives a flaky network without counting it twice.

The API has no idempotency key. A failed answer (503, 429, dropped connection, timeout)
does not say whether the sale was applied: a 503 from a proxy may come after the write.
So each sale carries its POS reference in ``reason`` (documented: "Audit reason (shown in
log)"), and before sending it again the client looks in the product's log whether an
earlier try got through. (The log holds the 200 most recent entries: check soon.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class SaleNotRecorded(Exception):
    """Every attempt failed; the sale is not in the log."""


@dataclass
class InventoryClient:
    base_url: str
    org_id: str
    token: str
    attempts: int = 4
    backoff: float = 0.2
    timeout: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def _inventory(self) -> str:
        return f"{self.base_url}/api/v2/public/orgs/{self.org_id}/inventory"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def record_sale(self, p1_id: int, quantity: int, pos_ref: str, shop_id: str | None = None) -> str:
        """Take ``quantity`` off on-hand stock once; return the log entry id of the sale."""
        reason = f"POS sale {pos_ref}"
        body = {"p1_id": str(p1_id), "delta_on_hand": -quantity, "reason": reason, "metadata": {"pos_ref": pos_ref}}
        if shop_id is not None:
            body["shop_id"] = shop_id
        unsure = False  # an earlier try failed: it may have been applied anyway
        for attempt in range(1, self.attempts + 1):
            delay = self.backoff * 2 ** (attempt - 1)
            try:
                if unsure:
                    found = self.find_sale(p1_id, reason)
                    if found is not None:
                        return found
                    unsure = False
                answer = self.session.post(
                    f"{self._inventory}/adjust", json=body, headers=self._headers(), timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout):
                unsure = True
            else:
                if answer.status_code == 200:
                    sale_id: str = answer.json()["id"]
                    return sale_id
                if answer.status_code not in RETRYABLE_STATUSES:
                    answer.raise_for_status()  # 4xx: bad request or no stock; sending again will not help
                unsure, delay = True, _retry_after(answer) or delay
            if attempt < self.attempts:
                self.sleep(delay)
        raise SaleNotRecorded(f"sale {pos_ref} of product {p1_id}: {self.attempts} attempts failed")

    def find_sale(self, p1_id: int, reason: str) -> str | None:
        """The id of the log entry with ``reason``, if the product's recent log has it."""
        answer = self.session.get(f"{self._inventory}/{p1_id}/log", headers=self._headers(), timeout=self.timeout)
        if answer.status_code in RETRYABLE_STATUSES:
            raise requests.ConnectionError(f"log lookup answered {answer.status_code}")
        answer.raise_for_status()
        for entry in answer.json()["data"]:
            if entry["reason"] == reason:
                entry_id: str = entry["id"]
                return entry_id
        return None


def _retry_after(answer: requests.Response) -> float | None:
    value = answer.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
