"""The names under which a run records what the server chose where the document is silent.

The checks write these keys into the report's ``observed`` section; ``calibrate`` reads
them back to describe the server as a behaviour profile. One name, written once.
"""

from __future__ import annotations

from dataclasses import dataclass

# error_statuses cases
BELOW_ZERO = "adjust taking on-hand stock below zero"
# facts
ADJUST_STATUS = "adjust success status"
ERROR_SHAPE = "error body shape"
LIST_ORDER = "list order"
LOG_ORDER = "log order"
HISTORY_ORDER = "history order"
TIMESTAMPS = "timestamps"
P1_ID_FORM = "p1_id in the adjust body"
UNKNOWN_FIELD = "adjust with a field the document does not name"
METADATA_NOT_OBJECT = "adjust with metadata that is not an object"
NO_CONTENT_TYPE = "adjust without Content-Type: application/json"

# the values some of them take
ERROR_SHAPES = {"error": "error/message", "detail": "detail/code", "problem": "problem+json (RFC 9457)"}
ACCEPTED = "accepted"


@dataclass(frozen=True)
class LimitProbe:
    """An adjust just over a size a faithful server may well refuse (the document names none)."""

    setting: str  # the limit a refusal reveals, as named in schemas/profile.json
    size: int  # characters (reason, shop_id) or bytes of compact JSON (metadata)
    key: str  # the fact it is recorded under


LIMIT_PROBES = (
    LimitProbe("reason_max_length", 65, "adjust with a 65-character reason"),
    LimitProbe("shop_id_max_length", 33, "adjust with a 33-character shop_id"),
    LimitProbe("metadata_max_bytes", 1025, "adjust with 1025 bytes of metadata"),
)
PROBE = {probe.setting: probe for probe in LIMIT_PROBES}
