"""The nearest documented endpoint to a request that matched none (strict mode's report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests._routes import endpoints, nearest

ROOT = "/api/v2/public/orgs/acme/inventory"


def test_the_endpoints_are_the_four_of_the_api_document() -> None:
    document = (Path(__file__).parent.parent / "docs" / "inventory-and-stock.txt").read_text("utf-8")
    assert len(endpoints()) == 4
    for endpoint in endpoints():
        assert str(endpoint) in document


@pytest.mark.parametrize(
    ("method", "path", "endpoint", "change"),
    [
        ("GET", ROOT + "/", "GET /api/v2/public/orgs/{orgId}/inventory", "no trailing slash"),
        ("GET", ROOT + "/7/logs", "GET /api/v2/public/orgs/{orgId}/inventory/{p1Id}/log", "'log', not 'logs'"),
        ("POST", ROOT + "/adjust/", "POST /api/v2/public/orgs/{orgId}/inventory/adjust", "no trailing slash"),
        ("PUT", ROOT + "/adjust", "POST /api/v2/public/orgs/{orgId}/inventory/adjust", "the method POST, not PUT"),
        ("GET", "/api/v2/orgs/acme/inventory", "GET /api/v2/public/orgs/{orgId}/inventory", "6 path segments, not 5"),
        ("GET", ROOT, "GET /api/v2/public/orgs/{orgId}/inventory", "the same request"),
    ],
)
def test_nearest_names_the_endpoint_and_what_to_change(method: str, path: str, endpoint: str, change: str) -> None:
    found, what = nearest(method, path)
    assert (str(found), what) == (endpoint, change)


def test_the_nearest_endpoint_keeps_the_requests_own_ids() -> None:
    found, _ = nearest("GET", ROOT + "/12345/histroy")
    assert found.filled(ROOT + "/12345/histroy") == ROOT + "/12345/history"
