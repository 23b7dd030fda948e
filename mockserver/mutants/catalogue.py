"""The mutants: each breaks one documented rule of ``schemas/rules.json``, in a stable order.

A mutant is what a broken server would do, never a choice the document leaves open (those are
profile settings, docs/profiles.md). ``Breakage`` says how: a broken store class
(``stores``) and/or a broken request reader (``readers``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mockserver.errors import UnknownMutant
from mockserver.mutants import readers, stores
from mockserver.profile import Profile
from mockserver.state.store import Adjustment


@dataclass(frozen=True)
class Mutant:
    """One documented rule broken on purpose."""

    name: str  # kebab-case id, e.g. "stock-below-zero"
    rule: str  # a rule id of schemas/rules.json, e.g. "NON-NEGATIVE"
    breaks: str  # one line: what this broken API does
    hint: str  # one line: the client test that would catch it


@dataclass(frozen=True)
class Breakage:
    """How a mutant breaks the fake (``None``: that part stays faithful)."""

    store: type[stores.MutantStore] | None = None
    adjust: Callable[[Any, Profile], Adjustment] | None = None
    days: Callable[[list[str]], int] | None = None


_CATALOGUE: tuple[tuple[Mutant, Breakage], ...] = (
    (
        Mutant(
            "stock-below-zero",
            "NON-NEGATIVE",
            "an adjust may take on-hand stock below zero",
            "adjust by more than the on-hand stock and assert the refusal (any 4xx) and that the stock is unchanged",
        ),
        Breakage(stores.StockBelowZero),
    ),
    (
        Mutant(
            "incoming-below-zero",
            "NON-NEGATIVE",
            "an adjust may take incoming stock below zero",
            "adjust delta_incoming by more than the incoming stock (e.g. -10**9) and assert the refusal (any 4xx)",
        ),
        Breakage(stores.IncomingBelowZero),
    ),
    (
        Mutant(
            "refused-adjust-applied",
            "NON-NEGATIVE",
            "an adjust refused for its delta_incoming still applies its delta_on_hand",
            "send delta_on_hand +1 with a delta_incoming below zero; assert the refusal and an unchanged stockquantity",
        ),
        Breakage(stores.RefusedAdjustApplied),
    ),
    (
        Mutant(
            "refused-adjust-logged",
            "NON-NEGATIVE",
            "an adjust refused as below zero still gets a log entry (and counts in log_entries and history)",
            "after a refused below-zero adjust, assert the log's newest entry and the list's log_entries are unchanged",
        ),
        Breakage(stores.RefusedAdjustLogged),
    ),
    (
        Mutant(
            "log-over-cap",
            "LOG-CAP",
            "past 200 entries the log returns 201 (the last entry it dropped comes back)",
            "make the log exceed 200 entries and assert it returns exactly 200, the newest",
        ),
        Breakage(stores.LogOverCap),
    ),
    (
        Mutant(
            "log-oldest-first",
            "LOG-CAP",
            "the log lists its entries oldest first",
            "make two adjusts and assert the log's first entry is the second one (the most recent)",
        ),
        Breakage(stores.LogOldestFirst),
    ),
    (
        Mutant(
            "read-only-can-adjust",
            "SCOPE-WRITE",
            "a token with only inventory.read can adjust",
            "adjust with a read-only token and assert the refusal (403) and that the stock is unchanged",
        ),
        Breakage(stores.ReadOnlyCanAdjust),
    ),
    (
        Mutant(
            "write-only-can-read",
            "SCOPE-READ",
            "a token with only inventory.write can list and read log and history",
            "list (or read the log) with a write-only token and assert the refusal (403)",
        ),
        Breakage(stores.WriteOnlyCanRead),
    ),
    (
        Mutant(
            "no-token-accepted",
            "AUTH",
            "a request without a valid bearer token (none, another scheme, unknown) is served as read-write",
            "call the list without Authorization (and with an unknown token) and assert 401",
        ),
        Breakage(stores.NoTokenAccepted),
    ),
    (
        Mutant(
            "other-org-token-accepted",
            "ORG",
            "a valid token of another org can read and adjust this org's inventory",
            "list this org with another org's token and assert the refusal (403)",
        ),
        Breakage(stores.OtherOrgTokenAccepted),
    ),
    (
        Mutant(
            "foreign-product-log-200",
            "NOT-FOUND",
            "log and history of a product not in the org answer 200 with an empty list",
            "read the log (and history) of a product id the org does not have and assert 404",
        ),
        Breakage(stores.ForeignProductLog200),
    ),
    (
        Mutant(
            "foreign-product-adjust-accepted",
            "NOT-FOUND",
            "an adjust of a product not in the org answers 200 (and changes nothing)",
            "adjust a product id the org does not have and assert the refusal (404), not a success",
        ),
        Breakage(stores.ForeignProductAdjustAccepted),
    ),
    (
        Mutant(
            "days-over-365-accepted",
            "DAYS",
            "history takes days above 365 and looks back that far",
            "ask history?days=366 and assert a 4xx (or that no day older than 365 days comes back)",
        ),
        Breakage(days=readers.days_over_365_accepted),
    ),
    (
        Mutant(
            "days-default-7",
            "DAYS",
            "history without days looks back 7 days, not 30",
            "with an entry 10 days old, assert history without days contains that day (the default is 30)",
        ),
        Breakage(days=readers.days_default_7),
    ),
    (
        Mutant(
            "reason-optional",
            "REASON",
            "an adjust without reason is accepted (logged with an empty reason)",
            "adjust without reason and assert the refusal (any 4xx) and that the stock is unchanged",
        ),
        Breakage(adjust=readers.reason_optional),
    ),
    (
        Mutant(
            "log-entries-stale",
            "AUDIT",
            "the list's log_entries does not count the adjusts made since the last reset",
            "adjust, then assert the list's log_entries grew by one",
        ),
        Breakage(stores.LogEntriesStale),
    ),
    (
        Mutant(
            "last-activity-stale",
            "AUDIT",
            "the list's last_activity keeps its value from before the adjusts made since the last reset",
            "adjust, then assert the list's last_activity is the new log entry's created_at",
        ),
        Breakage(stores.LastActivityStale),
    ),
    (
        Mutant(
            "log-drops-metadata",
            "AUDIT",
            "the log does not keep an adjust's metadata (null)",
            "adjust with metadata and assert the newest log entry carries it unchanged",
        ),
        Breakage(stores.LogDropsMetadata),
    ),
    (
        Mutant(
            "log-drops-shop-id",
            "AUDIT",
            "the log does not keep an adjust's shop_id (null)",
            "adjust with a shop_id and assert the newest log entry carries it",
        ),
        Breakage(stores.LogDropsShopId),
    ),
    (
        Mutant(
            "adjust-applied-twice",
            "AUDIT",
            "an accepted adjust moves the stock by twice its deltas (the log shows it once)",
            "adjust by -2 and assert the list's stockquantity dropped by exactly 2",
        ),
        Breakage(stores.AdjustAppliedTwice),
    ),
    (
        Mutant(
            "history-ignores-incoming",
            "HISTORY",
            "history's delta_incoming is always 0",
            "adjust delta_incoming and assert today's history item adds it up",
        ),
        Breakage(stores.HistoryIgnoresIncoming),
    ),
    (
        Mutant(
            "list-price-as-string",
            "SHAPES",
            'the list shows price as a string ("8.99"), not a number',
            "check list items against the documented shape (schemas/inventory-list-response.json): price is a number",
        ),
        Breakage(stores.ListPriceAsString),
    ),
)

MUTANTS: Mapping[str, Mutant] = MappingProxyType({m.name: m for m, _ in _CATALOGUE})
_BREAKAGES: Mapping[str, Breakage] = MappingProxyType({m.name: b for m, b in _CATALOGUE})


def mutant(name: str) -> Mutant:
    """The mutant called ``name``; ``UnknownMutant`` (a ``ValueError``) naming the known ones."""
    try:
        return MUTANTS[name]
    except (KeyError, TypeError):
        raise UnknownMutant(f"no mutant {name!r} (known: {', '.join(MUTANTS)})") from None


def breakage(name: str) -> Breakage:
    """How the mutant called ``name`` breaks the fake."""
    return _BREAKAGES[mutant(name).name]
