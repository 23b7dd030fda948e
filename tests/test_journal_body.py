"""The journal keeps a request's JSON body, and nothing for a request without one."""

from __future__ import annotations

import pytest
import requests

from mockserver.fake import InventoryMock

PATH = "/api/v2/public/orgs/demo-org/inventory"
AUTH = {"Authorization": "Bearer demo-read-write"}


def test_journal_keeps_the_body_of_a_post_and_none_for_a_get() -> None:
    mock = InventoryMock()
    client = mock.app.test_client()
    client.get(PATH, headers=AUTH)
    client.post(f"{PATH}/adjust", json={"p1_id": 12345, "reason": "x", "delta_on_hand": 1}, headers=AUTH)
    client.post(f"{PATH}/adjust", data=b"", headers=AUTH, content_type="application/json")
    get, post, empty = mock.journal.entries()
    assert get.body is None
    assert post.body == {"p1_id": 12345, "reason": "x", "delta_on_hand": 1}
    assert empty.body is None
    assert empty.status == 400


def test_the_journal_reads_like_responses_calls() -> None:
    mock = InventoryMock()
    base = "https://inventory.test"
    with mock.intercept(base):
        for p1_id in (12345, 12346):
            requests.get(f"{base}/api/v2/public/orgs/demo-org/inventory/{p1_id}/log", timeout=5)
    journal = mock.journal
    assert len(journal) == 2
    assert [entry.path for entry in journal] == [e.path for e in journal.entries()]
    assert journal[-1].path.endswith("/12346/log")
    assert journal[0].status == 401  # no token
    assert [e.path for e in journal[0:1]] == [journal[0].path]
    with pytest.raises(IndexError):
        journal[2]
