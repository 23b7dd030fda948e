"""Saving and restoring a session: ``GET /_mock/state`` then ``PUT /_mock/seed`` restores
an identical state, and ``serve --state-file`` keeps it across a restart."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver import InventoryMock, cli
from mockserver.state import persistence

from .support import FROZEN_AT, PRODUCT, READ_WRITE, api, bearer, serve_process, stop_process

ADJUSTS = 260  # more than the 200 entries a dump keeps


def views(client: Any) -> list[Any]:
    """Everything the API shows about the demo org."""
    answers = [client.get(api(), headers=bearer(READ_WRITE)).get_json()]
    for p1_id in (12345, 12346, 12347, 12348, 12349):
        answers.append(client.get(api(rest=f"/{p1_id}/log"), headers=bearer(READ_WRITE)).get_json())
        answers.append(client.get(api(rest=f"/{p1_id}/history?days=365"), headers=bearer(READ_WRITE)).get_json())
    return answers


def busy_session(mock: InventoryMock) -> None:
    """Adjusts over many days, one clock step back, a product and a token added."""
    client = mock.app.test_client()
    mock.set_clock(FROZEN_AT)
    for n in range(ADJUSTS):
        body = {"p1_id": PRODUCT, "reason": f"r{n}", "delta_on_hand": 1, "metadata": {"n": n, "ü": [n]}}
        if n % 3 == 0:
            body["shop_id"] = "shop1"
        assert client.post(api(rest="/adjust"), json=body, headers=bearer(READ_WRITE)).status_code == 200
        mock.clock.advance(seconds=4000 if n != 100 else -90_000)
    product = {"org_id": "demo-org", "p1_id": 5, "name": "n", "stockquantity": 1}
    assert client.post("/_mock/products", json=product).status_code == 201
    token = {"org_id": "new-org", "token": "t-1", "scopes": ["inventory.read"]}
    assert client.post("/_mock/tokens", json=token).status_code == 201


def test_state_then_seed_restores_an_identical_state() -> None:
    mock = InventoryMock(id_seed=11)
    busy_session(mock)
    client = mock.app.test_client()
    state = client.get("/_mock/state").get_json()
    product = next(p for p in state["orgs"][0]["products"] if p["p1_id"] == PRODUCT)
    assert product["log_entries"] == 2 + ADJUSTS
    assert len(product["log"]) == 200
    assert len(product["daily"]) > 10
    before = views(client)

    fresh = InventoryMock(id_seed=99)
    fresh.set_clock(mock.clock.now())
    restored = fresh.app.test_client()
    assert restored.put("/_mock/seed", json=state).status_code == 200
    assert restored.get("/_mock/state").get_json() == state
    assert views(restored) == before
    # And it goes on the same way: the next adjust counts on top of the restored totals.
    answer = restored.post(api(rest="/adjust"), json={"p1_id": PRODUCT, "reason": "after"}, headers=bearer(READ_WRITE))
    assert answer.status_code == 200
    listing = restored.get(api(), headers=bearer(READ_WRITE)).get_json()["data"]
    assert next(item for item in listing if item["p1_id"] == PRODUCT)["log_entries"] == 3 + ADJUSTS


# -- serve --state-file, in a real process ----------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_state_file_survives_a_restart(tmp_path: Path, signum: int) -> None:
    state_file = tmp_path / "state.json"
    with serve_process("--state-file", str(state_file), "--quiet") as (process, _banner, port):
        url = f"http://127.0.0.1:{port}"
        session = requests.Session()
        session.trust_env = False
        for n in range(3):
            body = {"p1_id": PRODUCT, "reason": f"saved {n}", "delta_on_hand": -1}
            assert session.post(url + api(rest="/adjust"), json=body, headers=bearer(READ_WRITE)).status_code == 200
        saved = session.get(url + "/_mock/state").json()
        out = stop_process(process, signum)
    assert "state written" in out
    assert json.loads(state_file.read_text("utf-8")) == saved
    assert [path.name for path in tmp_path.iterdir()] == ["state.json"], "a temporary file was left behind"

    with serve_process("--state-file", str(state_file), "--quiet") as (process, _banner, port):
        session = requests.Session()
        session.trust_env = False
        assert session.get(f"http://127.0.0.1:{port}/_mock/state").json() == saved
        stop_process(process, signal.SIGTERM)


def test_state_is_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "state.json"
    target.write_text('{"orgs": []}', "utf-8")
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str, destination: str) -> None:
        # At the moment of the swap the new state is complete in the temporary file.
        assert json.loads(Path(source).read_text("utf-8")) == {"orgs": [{"id": "x"}]}
        replaced.append((source, str(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(persistence.os, "replace", spy)
    persistence.write_state({"orgs": [{"id": "x"}]}, target)
    assert replaced == [(replaced[0][0], str(target))]
    assert Path(replaced[0][0]).parent == tmp_path

    # A state that cannot be written leaves the old file as it was, and no temporary file.
    with pytest.raises(TypeError):
        persistence.write_state({"orgs": [object()]}, target)
    assert json.loads(target.read_text("utf-8")) == {"orgs": [{"id": "x"}]}
    assert [path.name for path in tmp_path.iterdir()] == ["state.json"]


def test_state_file_in_a_missing_directory_is_refused_at_start(tmp_path: Path, capsys: Any) -> None:
    assert cli.main(["serve", "--port", "0", "--state-file", str(tmp_path / "nowhere" / "s.json")]) == 2
    assert "no directory" in capsys.readouterr().err
