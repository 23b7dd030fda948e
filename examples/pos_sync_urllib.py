"""The POS sync client on the standard library's ``urllib``: no ``requests``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class OutOfStock(Exception):
    """The API refused a sale: stock cannot go below zero."""


class ApiError(Exception):
    """Any other error answer of the API."""


class PosSync:
    def __init__(self, base_url: str, org_id: str, token: str, shop_id: str) -> None:
        self.inventory_url = f"{base_url}/api/v2/public/orgs/{org_id}/inventory"
        self.shop_id = shop_id
        self.token = token

    def snapshot(self) -> dict[int, int]:
        """On-hand stock of every product, by ``p1_id``."""
        return {item["p1_id"]: item["stockquantity"] for item in self._call("GET", "")["data"]}

    def sale(self, p1_id: int, quantity: int, pos_ref: str) -> str:
        """Record a sale; returns the id of the log entry."""
        return self._adjust(p1_id, -quantity, "POS sale", {"pos_ref": pos_ref})

    def delivery(self, p1_id: int, quantity: int, delivery_note: str) -> str:
        """Record a delivery; returns the id of the log entry."""
        return self._adjust(p1_id, quantity, "delivery", {"delivery_note": delivery_note})

    def _adjust(self, p1_id: int, delta: int, reason: str, metadata: dict[str, Any]) -> str:
        body = {"p1_id": p1_id, "delta_on_hand": delta, "reason": reason, "shop_id": self.shop_id, "metadata": metadata}
        return str(self._call("POST", "/adjust", body)["id"])

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(self.inventory_url + path, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            with error:
                message = json.load(error)["message"]
            if error.code == 409:
                raise OutOfStock(message) from None
            raise ApiError(f"{error.code}: {message}") from None
