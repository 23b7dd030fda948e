"""A fake behind one transport, with a small client for the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from mockserver import InventoryMock

TOKEN = {"Authorization": "Bearer demo-read-write"}


@dataclass
class Target:
    """A fake behind one transport, with a small client for the API."""

    mock: InventoryMock
    base: str
    transport: str

    def url(self, route: str) -> str:
        prefix = f"{self.base}/api/v2/public/orgs/demo-org/inventory"
        return {
            "list": prefix,
            "adjust": f"{prefix}/adjust",
            "log": f"{prefix}/12345/log",
            "history": f"{prefix}/12345/history",
        }[route]

    def call(self, route: str, **options: Any) -> requests.Response:
        options.setdefault("timeout", 10)
        if route == "adjust":
            body = options.pop("json", {"p1_id": 12345, "delta_on_hand": -1, "reason": "POS sale"})
            return requests.post(self.url(route), json=body, headers=TOKEN, **options)
        return requests.get(self.url(route), headers=TOKEN, **options)
