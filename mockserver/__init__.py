"""An in-memory, stateful fake of the Inventory & stock API (Flask).

``InventoryMock`` is the entry point (``mutant=``: one documented rule broken, ``MUTANTS``).
The names below are the public surface; the modules under ``mockserver.state``, ``.http``,
``.alerts``, ``.faults`` and ``.transports`` are internal and may change between releases.
"""

from mockserver.alerts.delivery import RetryPolicy, WebhookMessage
from mockserver.alerts.events import Delivery, Event, Subscription
from mockserver.alerts.signing import sign, verify_signature
from mockserver.clock import Clock
from mockserver.errors import ApiError, MockUsageError, SeedError
from mockserver.fake import EventAssertionError, InventoryMock
from mockserver.http.app import ControlSettings
from mockserver.mutants import MUTANTS, Mutant, UnknownMutant
from mockserver.state.journal import Journal, JournalEntry, Violation
from mockserver.state.seed import demo_seed
from mockserver.transports.live_server import LiveServer

__all__ = [
    "MUTANTS",
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
    "Mutant",
    "RetryPolicy",
    "SeedError",
    "Subscription",
    "UnknownMutant",
    "Violation",
    "WebhookMessage",
    "demo_seed",
    "sign",
    "verify_signature",
]
