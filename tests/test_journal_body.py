"""The journal keeps a request's JSON body, and nothing for a request without one."""

from __future__ import annotations

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
