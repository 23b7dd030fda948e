"""An in-memory, stateful fake of the Inventory & stock API (Flask).

``InventoryMock`` is the entry point; ``create_app`` builds the bare WSGI app.
"""

from mockserver.alerts_api import EventAssertionError
from mockserver.app import ControlSettings, create_app
from mockserver.clock import Clock
from mockserver.errors import ApiError, MockUsageError, SeedError
from mockserver.events import Delivery, Event, Subscription, crossing
from mockserver.facade import InventoryMock
from mockserver.journal import Journal, JournalEntry, Violation
from mockserver.seed import demo_seed, load_seed
from mockserver.server import LiveServer
from mockserver.store import Adjustment, Store
from mockserver.webhooks import RetryPolicy, WebhookMessage, sign, verify_signature

__all__ = [
    "Adjustment",
    "ApiError",
    "Clock",
    "ControlSettings",
    "Delivery",
    "Event",
    "EventAssertionError",
    "InventoryMock",
    "Journal",
    "JournalEntry",
    "LiveServer",
    "MockUsageError",
    "RetryPolicy",
    "SeedError",
    "Store",
    "Subscription",
    "Violation",
    "WebhookMessage",
    "create_app",
    "crossing",
    "demo_seed",
    "load_seed",
    "sign",
    "verify_signature",
]
