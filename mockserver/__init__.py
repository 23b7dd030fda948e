"""An in-memory, stateful fake of the Inventory & stock API (Flask).

``InventoryMock`` is the entry point; ``create_app`` builds the bare WSGI app.
"""

from mockserver.app import ControlSettings, create_app
from mockserver.clock import Clock
from mockserver.errors import ApiError, MockUsageError, SeedError
from mockserver.facade import InventoryMock
from mockserver.journal import Journal, JournalEntry, Violation
from mockserver.seed import demo_seed, load_seed
from mockserver.server import LiveServer
from mockserver.store import Adjustment, Store

__all__ = [
    "Adjustment",
    "ApiError",
    "Clock",
    "ControlSettings",
    "InventoryMock",
    "Journal",
    "JournalEntry",
    "LiveServer",
    "MockUsageError",
    "SeedError",
    "Store",
    "Violation",
    "create_app",
    "demo_seed",
    "load_seed",
]
