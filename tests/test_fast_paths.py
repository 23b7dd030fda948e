"""The per-request shortcuts (issue 13) answer exactly what the long way answers.

Each test compares with the plain computation, so a shortcut that drifts fails here.
"""

from __future__ import annotations

import json
import threading

import pytest
import requests

from mockserver.fake import InventoryMock
from mockserver.http import parsing
from mockserver.http.app import ListBodies
from mockserver.transports.live_server import LiveServer

ORG = "demo-org"
PATH = f"/api/v2/public/orgs/{ORG}/inventory"
AUTH = {"Authorization": "Bearer demo-read-write"}


def _plain(payload: object) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_the_list_body_is_json_dumps_of_the_list_before_and_after_a_change() -> None:
    mock = InventoryMock()
    client = mock.app.test_client()
    first = client.get(PATH, headers=AUTH).data
    assert first == _plain({"data": mock.store.list_inventory(ORG)})
    client.post(f"{PATH}/adjust", json={"p1_id": 12346, "reason": "x", "delta_on_hand": 7}, headers=AUTH)
    mock.add_product(1, "Prix 0.00001 €", price=1e-05)
    second = client.get(PATH, headers=AUTH).data
    assert second == _plain({"data": mock.store.list_inventory(ORG)})
    assert json.loads(second)["data"][2]["stockquantity"] == 127
    assert b'"price":1e-05' in second


def test_list_bodies_reencode_an_item_handed_out_anew_and_forget_items_gone() -> None:
    bodies = ListBodies()
    kept, changed = {"p1_id": 1, "n": "a"}, {"p1_id": 2, "n": "b"}
    assert bodies.render(ORG, [kept, changed]) == _plain({"data": [kept, changed]}).decode()
    replacement = {"p1_id": 2, "n": "c"}
    assert bodies.render(ORG, [kept, replacement]) == _plain({"data": [kept, replacement]}).decode()
    assert bodies.render(ORG, []) == '{"data":[]}\n'
    assert bodies.render("other-org", [kept]) == _plain({"data": [kept]}).decode()


def test_the_journal_keeps_the_adjust_body_as_parsed_metadata_included() -> None:
    mock = InventoryMock()
    body = {"p1_id": "12345", "reason": "x", "delta_on_hand": 1, "metadata": {"a": [1, 2.5, None, "ü"]}}
    mock.app.test_client().post(f"{PATH}/adjust", data=json.dumps(body), headers=AUTH, content_type="application/json")
    (entry,) = mock.journal.entries()
    assert entry.status == 200
    assert entry.body == body


def test_an_unparsable_adjust_body_is_still_journalled_as_text() -> None:
    mock = InventoryMock()
    mock.app.test_client().post(f"{PATH}/adjust", data=b'{"p1_id": 1,', headers=AUTH, content_type="application/json")
    (entry,) = mock.journal.entries()
    assert entry.status == 400
    assert entry.body == '{"p1_id": 1,'


@pytest.mark.parametrize("depth", [parsing.MAX_JSON_DEPTH, parsing.MAX_JSON_DEPTH + 1])
def test_the_depth_limit_holds_with_the_bracket_count_shortcut(depth: int) -> None:
    raw = ("[" * (depth - 1) + '{"a": 1}' + "]" * (depth - 1)).encode()
    if depth <= parsing.MAX_JSON_DEPTH:
        assert parsing.json_body(raw, "application/json") is not None
    else:
        with pytest.raises(parsing.InvalidRequest, match="nested at most"):
            parsing.json_body(raw, "application/json")


def test_a_body_with_many_brackets_in_strings_is_not_too_deep() -> None:
    raw = json.dumps({"reason": "[" * 500 + "{" * 500}).encode()
    assert parsing.json_body(raw, "application/json") == {"reason": "[" * 500 + "{" * 500}


def _connection_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "inventory-mock:connection"]


def test_the_live_server_reuses_a_connection_thread_and_lets_an_idle_one_end() -> None:
    mock = InventoryMock()
    before = len(_connection_threads())
    with LiveServer(mock.app) as server:
        server._server.idle_seconds = 1.0  # type: ignore[attr-defined]
        pause = threading.Event()
        for _ in range(5):  # one connection after another: werkzeug closes each
            assert requests.get(server.url + PATH, headers=AUTH, timeout=10).status_code == 200
            # The client has its answer before the thread is back in the idle list: wait for it
            # (a condition, generous bound), or a loaded machine starts a second thread.
            for _ in range(300):
                if server._server._idle:  # type: ignore[attr-defined]
                    break
                pause.wait(0.01)
        assert len(_connection_threads()) - before == 1  # one thread served all five
        for _ in range(300):  # the idle thread ends after idle_seconds; generous bound
            if len(_connection_threads()) == before:
                break
            pause.wait(0.05)
        assert len(_connection_threads()) == before


def test_the_live_server_still_serves_connections_at_once() -> None:
    mock = InventoryMock()
    mock.add_fault("list", "latency", seconds=30, times=1)
    with LiveServer(mock.app) as server:
        held: list[int] = []
        slow = threading.Thread(
            target=lambda: held.append(requests.get(server.url + PATH, headers=AUTH, timeout=60).status_code)
        )
        slow.start()
        try:
            for _ in range(200):  # the held request has reached the app
                if mock.store.faults.rules()[0].fired:
                    break
                slow.join(0.02)
            answer = requests.get(server.url + f"{PATH}/12345/log", headers=AUTH, timeout=10)
            assert answer.status_code == 200
        finally:
            mock.store.faults.clear()  # releases the held request
            slow.join(timeout=30)
        assert held == [200]
