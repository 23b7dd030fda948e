"""Preflight: the run's settings are checked before any rule is.

A misconfiguration is not a non-conformance: each problem here is a ``ConfigError`` that
names the setting and how to fix it, and the run stops with exit status 2.
"""

from __future__ import annotations

from typing import Any

from contract_tests.conformance.client import HttpClient
from contract_tests.conformance.config import Target, where_to_set
from contract_tests.conformance.errors import ConfigError, TargetError
from contract_tests.conformance.wire import Request, Response

API_PREFIX = "/api/v2/public"


def preflight(target: Target) -> None:
    """Raise ``ConfigError`` for the first setting that cannot be right."""
    path = target.base_url.split("://", 1)[-1].partition("/")[2]
    if ("/" + path).startswith(API_PREFIX):
        root = target.base_url[: target.base_url.index(API_PREFIX)]
        raise ConfigError(f"base_url {target.base_url!r} includes the API prefix: give the root, {root!r}")
    client = HttpClient(target.base_url, timeout=min(target.timeout, 10.0))
    try:
        _check(target, client)
    except TargetError as error:
        raise ConfigError(
            f"cannot reach {target.base_url} ({_reason(error)}): check {where_to_set('base_url')}"
        ) from None
    finally:
        client.close()


def _check(target: Target, client: HttpClient) -> None:
    answer = _list(client, target, target.tokens.read_write)
    if answer.status == 401:
        raise ConfigError(f"the read_write token is not accepted (401): check {where_to_set('token_read_write')}")
    if answer.status == 403:
        raise ConfigError(
            f"the read_write token may not list org {target.org_id!r} (403): check {where_to_set('org_id')} "
            f"and that the token has inventory.read"
        )
    if answer.status == 404:
        raise ConfigError(
            f"no inventory at {target.base_url} for org {target.org_id!r} (404): check base_url and org_id"
        )
    data = answer.json()
    if not 200 <= answer.status < 300 or not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ConfigError(
            f"the inventory list answered {answer.status} without a JSON list: is {target.base_url} the API's root?"
        )
    ids = {item.get("p1_id") for item in data["data"] if isinstance(item, dict)}
    if target.product_id not in ids:
        raise ConfigError(
            f"product_id {target.product_id} is not in the inventory of org {target.org_id!r}: "
            f"set {where_to_set('product_id')} to a product of that org"
        )
    if target.foreign_product_id is not None and target.foreign_product_id in ids:
        raise ConfigError(
            f"foreign_product_id {target.foreign_product_id} IS in the inventory of org {target.org_id!r}: "
            f"set {where_to_set('foreign_product_id')} to a product of another org"
        )
    for role in ("read_only", "write_only", "other_org"):
        token = getattr(target.tokens, role)
        if token is not None and _list(client, target, token).status == 401:
            raise ConfigError(f"the {role} token is not accepted (401): check {where_to_set('token_' + role)}")


def _list(client: HttpClient, target: Target, token: str) -> Response:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    path = f"{API_PREFIX}/orgs/{target.org_id}/inventory"
    return client.send(Request("GET", path, {}, headers, None, base_url=target.base_url))


def _reason(error: TargetError) -> str:
    cause: Any = error.__cause__
    text = str(cause or error)
    for known in ("Connection refused", "Name or service not known", "timed out", "No route to host"):
        if known.lower() in text.lower():
            return known.lower()
    return text.splitlines()[0][:120]
