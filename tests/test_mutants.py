"""Mutants: the fake with one documented rule broken on purpose (``mockserver.mutants``).

Every mutant breaks its rule in a direct example, and the same fake is faithful again once the
mutant is switched off; switching is instant in-process and on a running server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

import schemas
from mockserver import ControlSettings, InventoryMock
from mockserver.http import parsing
from mockserver.mutants import MUTANTS, Mutant, UnknownMutant, mutant
from mockserver.state.store import Store

ROOT = Path(__file__).resolve().parent.parent
ORG = "demo-org"
PREFIX = f"/api/v2/public/orgs/{ORG}/inventory"
RW, RO, WO, OTHER = "demo-read-write", "demo-read-only", "demo-write-only", "other-org-read-write"
PRODUCT, FOREIGN = 12345, 99999
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


class Client:
    """The fake's API in-process, without judging the answers (a mutant's may be malformed)."""

    def __init__(self, mock: InventoryMock) -> None:
        self.mock = mock
        self._client = mock.app.test_client()

    def call(self, method: str, path: str, token: str | None = RW, **options: Any) -> tuple[int, Any]:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = self._client.open(f"{PREFIX}{path}", method=method, headers=headers, **options)
        return response.status_code, response.get_json(silent=True)

    def adjust(self, token: str | None = RW, **body: Any) -> int:
        status, _ = self.call("POST", "/adjust", token, json={"p1_id": str(PRODUCT), "reason": "test", **body})
        return status

    def item(self, p1_id: int = PRODUCT) -> dict[str, Any]:
        _, body = self.call("GET", "")
        found: dict[str, Any] = next(item for item in body["data"] if item["p1_id"] == p1_id)
        return found

    def log(self, p1_id: int = PRODUCT) -> list[dict[str, Any]]:
        status, body = self.call("GET", f"/{p1_id}/log")
        assert status == 200, body
        entries: list[dict[str, Any]] = body["data"]
        return entries

    def history(self, query: str = "") -> tuple[int, Any]:
        return self.call("GET", f"/{PRODUCT}/history", query_string=query)


@dataclass(frozen=True)
class Example:
    """A scenario against the fake, and whether what it observed is what the API document says."""

    run: Callable[[Client], Any]
    documented: Callable[[Any], bool]


def _state(client: Client) -> tuple[tuple[int, int], int, str | None]:
    log = client.log()
    return (client.mock.stock(PRODUCT), client.mock.incoming(PRODUCT)), client.item()["log_entries"], log[0]["id"]


def _refusal(body: dict[str, Any], token: str = RW) -> Example:
    """An adjust the document refuses: a 4xx, and stock, log and list unchanged."""

    def run(client: Client) -> tuple[int, Any, Any]:
        before = _state(client)
        status = client.adjust(token, **body)
        return status, before, _state(client)

    return Example(run, lambda seen: 400 <= seen[0] < 500 and seen[1] == seen[2])


def _status(call: Callable[[Client], int], expected: int) -> Example:
    return Example(call, lambda status: status == expected)


def _log_over_cap(client: Client) -> int:
    for i in range(201):
        assert client.adjust(delta_on_hand=1, reason=f"adjust {i}") == 200
    return len(client.log())


def _newest_reason(client: Client) -> str:
    client.adjust(reason="first")
    client.adjust(reason="second")
    reason: str = client.log()[0]["reason"]
    return reason


def _days_default(client: Client) -> tuple[Any, Any]:
    client.mock.set_clock(NOW - timedelta(days=10))
    client.adjust(delta_on_hand=1)
    client.mock.set_clock(NOW)
    return client.history(), client.history("days=30")


def _log_entries(client: Client) -> tuple[int, int]:
    before = client.item()["log_entries"]
    client.adjust(delta_on_hand=1)
    return before, client.item()["log_entries"]


def _last_activity(client: Client) -> tuple[str, str]:
    client.mock.set_clock(NOW)
    client.adjust(delta_on_hand=1)
    return client.item()["last_activity"], client.log()[0]["created_at"]


def _logged(field: str, value: Any) -> Example:
    def run(client: Client) -> Any:
        client.adjust(**{field: value})
        return client.log()[0][field]

    return Example(run, lambda seen: seen == value)


def _stock_after_minus_2(client: Client) -> tuple[int, int]:
    before = client.item()["stockquantity"]
    client.adjust(delta_on_hand=-2)
    return before, client.item()["stockquantity"]


def _history_incoming(client: Client) -> int:
    client.mock.set_clock(NOW)
    client.adjust(delta_incoming=3)
    _, body = client.history("days=1")
    total: int = body["data"][-1]["delta_incoming"]
    return total


def _list_body(client: Client) -> Any:
    return client.call("GET", "")[1]


BELOW_ZERO = {"delta_on_hand": -51}  # the demo seed's product 12345 has 50 on hand, 0 incoming
EXAMPLES: dict[str, Example] = {
    "stock-below-zero": _refusal(BELOW_ZERO),
    "incoming-below-zero": _refusal({"delta_incoming": -1}),
    "refused-adjust-applied": _refusal({"delta_on_hand": 1, "delta_incoming": -1}),
    "refused-adjust-logged": _refusal(BELOW_ZERO),
    "log-over-cap": Example(_log_over_cap, lambda length: length == 200),
    "log-oldest-first": Example(_newest_reason, lambda reason: reason == "second"),
    "read-only-can-adjust": _refusal({"delta_on_hand": 1}, RO),
    "write-only-can-read": _status(lambda c: c.call("GET", "", WO)[0], 403),
    "no-token-accepted": _status(lambda c: c.call("GET", "", None)[0], 401),
    "other-org-token-accepted": _status(lambda c: c.call("GET", "", OTHER)[0], 403),
    "foreign-product-log-200": _status(lambda c: c.call("GET", f"/{FOREIGN}/log")[0], 404),
    "foreign-product-adjust-accepted": _status(lambda c: c.adjust(p1_id=FOREIGN), 404),
    "days-over-365-accepted": _status(lambda c: c.history("days=366")[0], 400),
    "days-default-7": Example(_days_default, lambda seen: seen[0] == seen[1] and seen[0][1]["data"] != []),
    "reason-optional": _status(lambda c: c.call("POST", "/adjust", json={"p1_id": PRODUCT})[0], 400),
    "log-entries-stale": Example(_log_entries, lambda seen: seen[1] == seen[0] + 1),
    "last-activity-stale": Example(_last_activity, lambda seen: seen[0] == seen[1]),
    "log-drops-metadata": _logged("metadata", {"pos_ref": "TX-999"}),
    "log-drops-shop-id": _logged("shop_id", "shop1"),
    "adjust-applied-twice": Example(_stock_after_minus_2, lambda seen: seen[1] == seen[0] - 2),
    "history-ignores-incoming": Example(_history_incoming, lambda total: total == 3),
    "list-price-as-string": Example(_list_body, lambda body: not schemas.violations("inventory-list-response", body)),
}


# -- the catalogue -----------------------------------------------------------------------------


def test_every_mutant_has_an_example() -> None:
    assert set(EXAMPLES) == set(MUTANTS)


def test_the_catalogue_names_documented_rules_and_covers_each() -> None:
    rules = schemas.rules()
    assert len(MUTANTS) >= 18
    for name, each in MUTANTS.items():
        assert each.name == name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name), name
        assert each.rule in rules, each
        for line in (each.breaks, each.hint):
            assert line, each
            assert "\n" not in line, each
            assert len(line) <= 120, each
    assert {each.rule for each in MUTANTS.values()} == set(rules)  # every rule a client can observe


def test_an_unknown_name_is_a_value_error_naming_the_known_ones() -> None:
    with pytest.raises(UnknownMutant) as raised:
        mutant("stock-below-one")
    assert isinstance(raised.value, ValueError)
    assert all(name in str(raised.value) for name in MUTANTS)
    mock = InventoryMock()
    mock.set_mutant("reason-optional")
    with pytest.raises(UnknownMutant):
        mock.set_mutant("no-such-mutant")
    assert mock.mutant == MUTANTS["reason-optional"]  # a refused switch changes nothing


# -- each mutant breaks its rule; switched off, the fake is faithful again ------------------------


@pytest.mark.parametrize("name", MUTANTS)
def test_a_mutant_breaks_its_rule_until_switched_off(name: str) -> None:
    example = EXAMPLES[name]
    mock = InventoryMock(id_seed=1)
    client = Client(mock)
    assert mock.set_mutant(name) is MUTANTS[name] is mock.mutant
    broken = example.run(client)
    assert not example.documented(broken), broken
    assert mock.set_mutant(None) is None is mock.mutant
    mock.reset()
    faithful = example.run(client)
    assert example.documented(faithful), faithful


def test_without_a_mutant_the_request_path_is_the_faithful_code() -> None:
    mock = InventoryMock(mutant="days-default-7")
    readers = mock.app.extensions["inventory_mock"]["readers"]
    mock.set_mutant("reason-optional")
    mock.set_mutant("stock-below-zero")
    assert type(mock.store) is not Store
    mock.set_mutant(None)
    assert type(mock.store) is Store
    assert (readers.adjust, readers.days) == (parsing.adjustment, parsing.history_days)


def test_reset_keeps_the_mutant_and_forgets_what_it_remembered() -> None:
    mock = InventoryMock(mutant="log-entries-stale")
    client = Client(mock)
    seeded = client.item()["log_entries"]
    client.adjust(delta_on_hand=1)
    assert client.item()["log_entries"] == seeded  # stale
    mock.reset()
    assert mock.mutant == MUTANTS["log-entries-stale"]
    assert client.item()["log_entries"] == seeded  # the seed's count, not seeded - 1
    client.adjust(delta_on_hand=1)
    assert client.item()["log_entries"] == seeded


def test_switching_off_shows_the_true_state_at_once() -> None:
    mock = InventoryMock(mutant="last-activity-stale")
    client = Client(mock)
    client.adjust(delta_on_hand=1)
    assert client.item()["last_activity"] != client.log()[0]["created_at"]
    mock.set_mutant(None)
    assert client.item()["last_activity"] == client.log()[0]["created_at"]


# -- every transport, and the control route ---------------------------------------------------------


def test_switching_takes_effect_at_once_in_process_and_on_a_running_server() -> None:
    mock = InventoryMock()
    with mock.serve() as server, requests.Session() as session:
        url = f"{server.url}{PREFIX}"
        with mock.intercept("https://inventory.mock"):
            in_process = "https://inventory.mock" + PREFIX
            assert (session.get(url, timeout=10).status_code, requests.get(in_process, timeout=10).status_code) == (
                401,
                401,
            )
            mock.set_mutant("no-token-accepted")
            assert (session.get(url, timeout=10).status_code, requests.get(in_process, timeout=10).status_code) == (
                200,
                200,
            )
            mock.set_mutant(None)
            assert session.get(url, timeout=10).status_code == 401
            assert requests.get(in_process, timeout=10).status_code == 401


def test_the_control_route_reads_and_switches_the_mutant() -> None:
    mock = InventoryMock()
    control = mock.app.test_client()
    assert control.get("/_mock/mutant").get_json() == {"mutant": None}
    answer = control.put("/_mock/mutant", json={"mutant": "no-token-accepted"})
    assert (answer.status_code, answer.get_json()) == (200, {"mutant": "no-token-accepted"})
    assert mock.mutant == MUTANTS["no-token-accepted"]
    assert control.get(PREFIX).status_code == 200  # no token, served
    assert control.get("/_mock/mutant").get_json() == {"mutant": "no-token-accepted"}
    assert control.put("/_mock/mutant", json={"mutant": None}).get_json() == {"mutant": None}
    assert control.get(PREFIX).status_code == 401


@pytest.mark.parametrize(
    "body", [{"mutant": "no-such-mutant"}, {"mutant": 3}, {}, {"mutant": None, "extra": 1}, ["no-token-accepted"]]
)
def test_the_control_route_refuses_a_bad_body_and_changes_nothing(body: Any) -> None:
    mock = InventoryMock(mutant="reason-optional")
    answer = mock.app.test_client().put("/_mock/mutant", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_request"
    assert mock.mutant == MUTANTS["reason-optional"]


def test_an_unknown_name_on_the_control_route_names_the_known_ones() -> None:
    answer = InventoryMock().app.test_client().put("/_mock/mutant", json={"mutant": "nope"})
    assert all(name in answer.get_json()["message"] for name in MUTANTS)


def test_the_control_route_needs_the_control_token() -> None:
    mock = InventoryMock(control=ControlSettings(token="ctl"))
    control = mock.app.test_client()
    assert control.put("/_mock/mutant", json={"mutant": "reason-optional"}).status_code == 401
    assert mock.mutant is None
    answer = control.put("/_mock/mutant", json={"mutant": "reason-optional"}, headers={"X-Mock-Control-Token": "ctl"})
    assert answer.status_code == 200
    assert mock.mutant == MUTANTS["reason-optional"]


# -- the catalogue page ---------------------------------------------------------------------------


def catalogue_table(mutants: list[Mutant]) -> str:
    """docs/mutants.md's table, as MUTANTS says it."""
    rows = ["| mutant | rule | what the broken API does | a client test that catches it |", "|---|---|---|---|"]
    rows += [f"| `{m.name}` | {m.rule} | {m.breaks} | {m.hint} |" for m in mutants]
    return "\n".join(rows) + "\n"


def test_the_docs_catalogue_is_the_mutants_table() -> None:
    page = (ROOT / "docs" / "mutants.md").read_text("utf-8")
    assert catalogue_table(list(MUTANTS.values())) in page, "regenerate with tests/test_mutants.py:catalogue_table"
