"""Hypothesis strategies for requests to the fake: methods, paths, queries, headers, bodies.

Telling samples (encoded slashes, ``..``, huge values, every JSON type, deep nesting,
duplicate keys, 10 MB) mixed with generated text, so every run covers both.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mockserver.http import parsing

from .support import ORG, OTHER_ORG, READ_WRITE, UNKNOWN_ORG

# Shared by every fuzz test: no deadline (a 10 MB body takes a while), bounded by
# max_examples; no example database, so each CI run explores afresh.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
TEN_MB = b"x" * 10_000_000
JUST_TOO_BIG = b" " * parsing.MAX_BODY_BYTES + b"{}"

printable = st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f")
header_text = st.text(printable, max_size=40)


def segment(samples: list[str]) -> st.SearchStrategy[str]:
    """A path segment: a telling sample, or any text percent-encoded (non-ASCII, '/', '?')."""
    return st.one_of(st.sampled_from(samples), st.text(max_size=30).map(lambda text: quote(text, safe="")))


orgs = segment(
    [ORG, OTHER_ORG, UNKNOWN_ORG, "", ".", "..", "%2F", "%2e%2e", f"{ORG}%2F..", "DEMO-ORG", "dëmo-org", "a" * 5000]
)
p1_ids = segment(
    [
        *["12345", "12349", "99999", "88888", "0", "-1", "012345", "12345.0", "1e3", " 12345", "9007199254740991"],
        *["9007199254740992", "9" * 400, "%2F", "..", "x" * 5000, "١٢٣٤٥"],
    ]
)
control_names = st.sampled_from(
    [
        *["reset", "seed", "state", "products", "tokens", "clock", "journal", "events", "faults", "faults/1"],
        *["faults/%2F..", "thresholds", "webhooks", "webhooks/retry", "", "nope"],
    ]
)


def paths() -> st.SearchStrategy[str]:
    """Paths to every endpoint, near misses of them, ``/_mock/`` and anything else."""
    prefix = orgs.map(lambda org: f"/api/v2/public/orgs/{org}/inventory")

    def under_product(suffix: str) -> st.SearchStrategy[str]:
        return st.builds(lambda start, p1: f"{start}/{p1}{suffix}", prefix, p1_ids)

    return st.one_of(
        prefix,
        prefix.map(lambda start: f"{start}/"),
        prefix.map(lambda start: f"{start}/adjust"),
        prefix.map(lambda start: f"{start}/adjust/"),
        prefix.map(lambda start: f"{start}/../inventory"),
        prefix.map(lambda start: start.replace("/inventory", "/inventory%2Fadjust")),
        under_product("/log"),
        under_product("/history"),
        under_product(""),
        under_product("/log/.."),
        p1_ids.map(lambda p1: f"/api/v2/public/orgs//inventory/{p1}/log"),
        st.just("/openapi.json"),
        control_names.map(lambda name: f"/_mock/{name}"),
        orgs.map(lambda org: f"/_mock/../api/v2/public/orgs/{org}/inventory"),
        st.text(max_size=50).map(lambda text: "/" + quote(text, safe="/")),
        st.just("/"),
    )


methods = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12),
)
queries = st.one_of(
    st.just(""),
    st.lists(
        st.tuples(st.sampled_from(["days", "Days", "days[]", "p1_id", "token", ""]) | header_text, header_text),
        max_size=4,
    ).map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)),
    st.sampled_from(["days=30", "days=365", "days=366", "days=0", "days=-1", "days=1.5", "days=1e2", "days=%ff%fe"]),
    st.sampled_from(["days=30&days=30", "days", "=", "&&&", "days=" + "9" * 5000, "%", "days=%00"]),
)
authorizations = st.one_of(
    st.sampled_from(
        [
            f"Bearer {READ_WRITE}",
            f"bearer {READ_WRITE}",
            f"BEARER {READ_WRITE}",
            f"Bearer   {READ_WRITE}   ",
            f"Bearer\t{READ_WRITE}",
            f"Bearer {READ_WRITE} extra",
            f"Bearer {READ_WRITE},Bearer other-org-read-write",
            "Bearer demo-read-only",
            "Bearer demo-write-only",
            "Bearer other-org-read-write",
            "Bearer",
            "Bearer ",
            "Basic ZGVtbzpkZW1v",
            READ_WRITE,
            "Bearer " + "a" * 100_000,
        ]
    ),
    header_text.map(lambda text: f"Bearer {text}"),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "APPLICATION/JSON",
        "application/merge-patch+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "",
    ]
)
extra_headers = st.lists(
    st.tuples(
        st.sampled_from(["X-Mock-Control-Token", "Content-Length", "Expect", "X-Forwarded-For", "Accept", "Cookie"]),
        header_text,
    ),
    max_size=2,
)


@st.composite
def header_lists(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Missing, duplicated, odd-cased, spaced or huge ``Authorization``; any Content-Type."""
    headers = [("Authorization", value) for value in draw(st.lists(authorizations, max_size=3))]
    if draw(st.booleans()):
        headers.append(("Content-Type", draw(content_types)))
    headers += draw(extra_headers)
    if draw(st.integers(0, 20)) == 0:
        headers.append(("X-Huge", "h" * draw(st.integers(10_000, 200_000))))
    return headers


def nested(depth: int) -> Any:
    """A JSON object nested ``depth`` levels deep."""
    value: Any = "leaf"
    for _ in range(depth):
        value = {"d": value}
    return value


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
good_deltas = st.one_of(st.integers(-40, 40), st.sampled_from([0, 10**9, -(10**9)]))
bad_deltas = st.sampled_from([10**9 + 1, -(10**9) - 1, 2**63, 10**12, 1.0, 1.5, True, False, None, "1", [], {}])
good_p1_ids = st.sampled_from([12345, "12345", 12346, 12347, 12348, 12349, "12349", 99999, 88888])
bad_p1_ids = st.sampled_from([0, -1, "0", "012345", 12345.0, True, None, 2**53, "9007199254740992", "1" * 30, []])
good_reasons = st.sampled_from(["POS sale", "x" * 500, "Lieferung ✓", " "]) | st.text(min_size=1, max_size=30)
good_metadata = json_values | st.sampled_from([{"k": "v" * 16_000}, nested(32), {"pos_ref": "TX-1"}, None, []])
bad_metadata = st.sampled_from([{"k": "v" * 17_000}, nested(33), [nested(32)]])


@st.composite
def adjust_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Adjust-shaped objects: mostly valid, else with one thing wrong."""
    body: dict[str, Any] = {"p1_id": draw(good_p1_ids), "reason": draw(good_reasons)}
    for name in ("delta_on_hand", "delta_incoming"):
        if draw(st.booleans()):
            body[name] = draw(good_deltas)
    if draw(st.booleans()):
        body["shop_id"] = draw(st.sampled_from(["shop1", "", "s" * 200]) | st.text(max_size=20))
    if draw(st.booleans()):
        body["metadata"] = draw(good_metadata)
    mistake = draw(st.integers(0, 12))
    if mistake == 1:
        body["p1_id"] = draw(bad_p1_ids)
    elif mistake == 2:
        body["reason"] = draw(st.sampled_from(["", "x" * 501, None, 1, ["r"]]))
    elif mistake == 3:
        body[draw(st.sampled_from(["delta_on_hand", "delta_incoming"]))] = draw(bad_deltas)
    elif mistake == 4:
        body["shop_id"] = draw(st.sampled_from(["s" * 201, None, 1, {}]))
    elif mistake == 5:
        body["metadata"] = draw(bad_metadata)
    elif mistake == 6:
        body[draw(st.sampled_from(["delta_onhand", "Reason", "id", ""]))] = 1
    elif mistake == 7:
        del body[draw(st.sampled_from(["p1_id", "reason"]))]
    return body


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    json_values.map(encode),
    adjust_bodies().map(encode),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.sampled_from(
        [
            b'{"p1_id": 12345, "reason": "a", "reason": "b"}',
            b"NaN",
            b'{"p1_id": 12345, "reason": "x", "delta_on_hand": Infinity}',
            b'{"p1_id": 1e400, "reason": "x"}',
            b'{"p1_id": 12345, "reason": "x", "delta_on_hand": ' + b"9" * 5000 + b"}",
            b"\xff\xfe{}",
            b'\xef\xbb\xbf{"p1_id": 12345, "reason": "bom"}',
            '{"p1_id": 12345, "reason": "\ud800"}'.encode("utf-8", "surrogatepass"),
            b'{"p1_id": 12345, "reason": "\\ud800"}',
            b"",
            b"null",
            JUST_TOO_BIG,
            TEN_MB,
        ]
    ),
)
