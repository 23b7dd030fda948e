"""A tiny POS sync client for the Inventory & stock API, on ``requests``.

The document's "Workflow: POS sync": snapshot the stock, lower it on a sale,
raise it on a delivery.
"""

from __future__ import annotations

from typing import Any

import requests


class OutOfStock(Exception):
    """The API refused a sale: stock cannot go below zero."""


class PosSync:
    def __init__(self, base_url: str, org_id: str, token: str, shop_id: str) -> None:
        self.inventory_url = f"{base_url}/api/v2/public/orgs/{org_id}/inventory"
        self.shop_id = shop_id
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def snapshot(self) -> dict[int, int]:
        """On-hand stock of every product, by ``p1_id``."""
        response = self.session.get(self.inventory_url, timeout=10)
        response.raise_for_status()
        return {item["p1_id"]: item["stockquantity"] for item in response.json()["data"]}

    def sale(self, p1_id: int, quantity: int, pos_ref: str) -> str:
        """Record a sale; returns the id of the log entry."""
        return self._adjust(p1_id, -quantity, "POS sale", {"pos_ref": pos_ref})

    def delivery(self, p1_id: int, quantity: int, delivery_note: str) -> str:
        """Record a delivery; returns the id of the log entry."""
        return self._adjust(p1_id, quantity, "delivery", {"delivery_note": delivery_note})

    def _adjust(self, p1_id: int, delta: int, reason: str, metadata: dict[str, Any]) -> str:
        body = {"p1_id": p1_id, "delta_on_hand": delta, "reason": reason, "shop_id": self.shop_id, "metadata": metadata}
        response = self.session.post(f"{self.inventory_url}/adjust", json=body, timeout=10)
        if response.status_code == 409:
            raise OutOfStock(response.json()["message"])
        response.raise_for_status()
        return str(response.json()["id"])
