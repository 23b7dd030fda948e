"""Under pytest-xdist each worker has its own fakes: no shared state, no port clash."""

import json


def test_two_workers_each_with_their_own_fakes(pytester):
    records = pytester.mkdir("records")
    pytester.makepyfile(
        test_parallel=f"""
        import json, os
        import pytest
        import requests

        ADJUST = "/api/v2/public/orgs/demo-org/inventory/adjust"

        @pytest.mark.parametrize("n", range(8))
        def test_sell_one(n, inventory_mock, inventory_server):
            for fake in (inventory_mock, inventory_server):
                answer = requests.post(
                    fake.base_url + ADJUST,
                    json={{"p1_id": 12345, "delta_on_hand": -1, "reason": "sale"}},
                    headers={{"Authorization": "Bearer demo-read-write"}},
                )
                assert answer.status_code == 200
                assert fake.stock(12345) == 49  # fresh state, whatever ran before on this worker
            record = {{"worker": os.environ["PYTEST_XDIST_WORKER"], "server": inventory_server.url, "pid": os.getpid()}}
            with open(os.path.join({str(records)!r}, f"{{n}}.json"), "w") as out:
                json.dump(record, out)
        """
    )
    # Plugins this test does not need stay out: each of the three processes starts from scratch.
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:hypothesispytest", "-p", "no:anyio")
    result.assert_outcomes(passed=8)
    seen = [json.loads(path.read_text()) for path in records.glob("*.json")]
    assert len(seen) == 8
    servers = {record["worker"]: record["server"] for record in seen}
    assert sorted(servers) == ["gw0", "gw1"]
    assert servers["gw0"] != servers["gw1"]
    assert len({record["pid"] for record in seen}) == 2
