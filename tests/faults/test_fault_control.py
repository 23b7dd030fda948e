"""Faults through the control API: add, list with counters, remove, clear; bad rules refused."""

from __future__ import annotations

import requests

from mockserver import InventoryMock

AUTH = {"Authorization": "Bearer demo-read-write"}


def test_faults_through_the_control_api() -> None:
    mock = InventoryMock()
    with mock.serve() as server:
        control = f"{server.url}/_mock/faults"
        inventory = f"{server.url}/api/v2/public/orgs/demo-org/inventory"
        created = requests.post(control, json={"route": "list", "kind": "status", "status": 503, "times": 1})
        assert created.status_code == 201
        assert created.json()["id"] == "fault-1"
        second = requests.post(control, json={"id": "slow", "route": "log", "kind": "latency", "seconds": 0})
        assert requests.get(inventory, headers=AUTH).status_code == 503
        listed = requests.get(control).json()["data"]
        assert [(rule["id"], rule["seen"], rule["fired"]) for rule in listed] == [("fault-1", 1, 1), ("slow", 0, 0)]
        assert second.status_code == 201
        assert requests.delete(f"{control}/slow").status_code == 200
        assert requests.delete(f"{control}/slow").status_code == 404
        bad = requests.post(control, json={"route": "adjust", "kind": "status"})
        unknown_field = requests.post(control, json={"route": "adjust", "kind": "status", "status": 503, "n": 2})
        requests.post(control, json={"route": "*", "kind": "status", "status": 500})
        assert requests.get(inventory, headers=AUTH).status_code == 500
        assert requests.delete(control).status_code == 200
        assert requests.get(inventory, headers=AUTH).status_code == 200
        assert requests.get(control).json()["data"] == []
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_request")
    assert "needs a 'status'" in bad.json()["message"]
    assert unknown_field.status_code == 400
    assert unknown_field.json()["message"].startswith("$.n: is not an allowed field")


def test_control_reset_restores_the_seed_faults_and_state_shows_them() -> None:
    seed = {
        "orgs": [{"id": "o", "products": [{"p1_id": 1, "name": "a", "stockquantity": 5}]}],
        "faults": [{"route": "adjust", "kind": "disconnect", "every": 2}],
    }
    mock = InventoryMock(seed)
    with mock.serve() as server:
        requests.delete(f"{server.url}/_mock/faults")
        assert "faults" not in requests.get(f"{server.url}/_mock/state").json()
        requests.post(f"{server.url}/_mock/reset")
        state = requests.get(f"{server.url}/_mock/state").json()
    assert state["faults"] == [{"id": "fault-1", "route": "adjust", "kind": "disconnect", "every": 2}]
