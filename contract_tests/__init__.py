"""Contract testing for the Inventory & stock API.

The pytest plugin (``contract_tests.plugin``, registered as a ``pytest11`` entry
point) gives integrators' tests the fixtures ``inventory_mock`` and
``inventory_server``; their values are an ``InventoryFixture`` and an
``InventoryServerFixture``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contract_tests._fixture import InventoryFixture, InventoryServerFixture

__all__ = [
    "InventoryFixture",
    "InventoryServerFixture",
]

# pytest imports this package in every run (it holds the plugin); the fake
# (Flask, jsonschema: about 0.4 s) is imported only when one of these is used.
_LAZY = {
    "InventoryFixture": "contract_tests._fixture",
    "InventoryServerFixture": "contract_tests._fixture",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
