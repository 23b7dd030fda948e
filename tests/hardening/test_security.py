"""Tokens, org isolation and the control API.

- tokens are looked up by digest, control tokens compared with ``hmac.compare_digest``;
- no token appears in full in an answer, the journal or the server's output;
- a token of org A cannot tell org B (or a product of B) from one that does not exist;
- the control API lives under ``/_mock/`` only, binds to loopback by default, and
  ``serve`` refuses a non-loopback address unless it is protected or switched off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
from pathlib import Path
from typing import Any, ClassVar

import pytest

from mockserver import ControlSettings, InventoryMock, LiveServer, cli
from mockserver.alerts.receivers import is_loopback
from mockserver.http import control
from mockserver.transports import serving

from .support import (
    OTHER_ORG,
    OTHER_PRODUCT,
    OTHER_TOKEN,
    READ_ONLY,
    READ_WRITE,
    UNKNOWN_ORG,
    WRITE_ONLY,
    api,
    exchange,
    request_bytes,
    serve_process,
    stop_process,
)

TOKENS = [READ_WRITE, READ_ONLY, WRITE_ONLY, OTHER_TOKEN]

# -- constant-time comparisons ----------------------------------------------------------------


def test_tokens_are_looked_up_by_their_sha256_digest() -> None:
    store = InventoryMock().store
    keys = set(store._grants)
    assert keys == {hashlib.sha256(token.encode()).digest() for token in TOKENS}
    assert not any(isinstance(key, str) for key in keys), "a token is kept as a plain dictionary key"


def test_control_token_is_compared_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        calls.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(control.hmac, "compare_digest", spy)
    client = InventoryMock(control=ControlSettings(token="c0ntrol-s3cret")).app.test_client()
    refused = client.get("/_mock/state", headers={"X-Mock-Control-Token": "c0ntrol-guess"})
    assert refused.status_code == 401
    assert "c0ntrol-s3cret" not in refused.get_data(as_text=True)
    assert client.get("/_mock/state").status_code == 401
    assert client.get("/_mock/state", headers={"X-Mock-Control-Token": "c0ntrol-s3cret"}).status_code == 200
    assert calls == [(b"c0ntrol-guess", b"c0ntrol-s3cret"), (b"", b"c0ntrol-s3cret"), (b"c0ntrol-s3cret",) * 2]


# -- tokens never shown in full -------------------------------------------------------------------

UNKNOWN_TOKEN = "unknown-t0ken-abcdef"


def every_kind_of_request(client: Any) -> list[Any]:
    """Each endpoint with each token (and an unknown one), good and bad bodies."""
    answers = []
    for token in [*TOKENS, UNKNOWN_TOKEN]:
        headers = {"Authorization": f"Bearer {token}"}
        for org in ("demo-org", OTHER_ORG, UNKNOWN_ORG):
            answers.append(client.get(api(org), headers=headers))
            answers.append(client.get(api(org, "/12345/log"), headers=headers))
            answers.append(client.get(api(org, "/12345/history?days=400"), headers=headers))
            answers.append(client.post(api(org, "/adjust"), json={"p1_id": 12345, "reason": token}, headers=headers))
            answers.append(client.post(api(org, "/adjust"), json={"p1_id": 1, "reason": "r"}, headers=headers))
            answers.append(client.post(api(org, "/adjust"), data=token, headers=headers))
        answers.append(client.get(api() + f"?access_token={token}"))
    return answers


def test_answers_and_journal_never_show_a_token_in_full() -> None:
    mock = InventoryMock()
    client = mock.app.test_client()
    for answer in every_kind_of_request(client):
        if answer.status_code >= 400:
            text = answer.get_data(as_text=True)
            assert not any(token in text for token in [*TOKENS, UNKNOWN_TOKEN]), text
    journal = mock.journal.entries()
    assert journal, "nothing was journaled"
    shown = {entry.token for entry in journal}
    # each token as its first 4 characters and 4 hex digits of its SHA-256: told apart, not disclosed
    expected = {f"{t[:4]}…#{hashlib.sha256(t.encode()).hexdigest()[:4]}" for t in [*TOKENS, UNKNOWN_TOKEN]}
    assert shown - {None} == expected
    assert len(expected) == len([*TOKENS, UNKNOWN_TOKEN])  # the demo tokens share "demo": still distinct


@pytest.mark.parametrize("server", ["werkzeug", "granian"])
def test_serve_never_logs_a_token(tmp_path: Path, server: str) -> None:
    secret = "s3cret-t0ken-abcdef"
    seed = {"orgs": [{"id": "acme", "products": [], "tokens": [{"token": secret, "scopes": ["inventory.read"]}]}]}
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed), "utf-8")
    with serve_process("--seed", str(seed_file), "--server", server) as (process, banner, port):
        auth = [(b"Authorization", f"Bearer {secret}".encode())]
        for raw in (
            request_bytes("GET", api("acme").encode(), auth),
            request_bytes("GET", f"{api('acme')}?access_token={secret}".encode()),
            request_bytes("GET", f"/nowhere?token={secret}".encode(), auth),
            f"GET /x?token={secret} HTTP/1.1 junk\r\n\r\n".encode(),  # http.server refuses the line
            request_bytes("GET", f"/{'a' * 70_000}?token={secret}".encode()),
        ):
            assert exchange("127.0.0.1", port, raw).status < 500
        output = banner + stop_process(process, signal.SIGTERM)
    assert secret not in output
    if server == "werkzeug":  # its request line keeps a marker where the query string was
        assert '"GET /api/v2/public/orgs/acme/inventory?…" 401' in output, output
        assert " 414" in output
        assert " 400" in output
    else:  # granian's access log leaves the query string out
        assert '"GET /api/v2/public/orgs/acme/inventory HTTP/1.1" 401' in output, output
    assert f"s3cr…#{hashlib.sha256(secret.encode()).hexdigest()[:4]}" in output  # prefix and fingerprint


# -- org isolation ------------------------------------------------------------------------------


def same_answer(first: Any, second: Any, first_name: str, second_name: str) -> None:
    """Equal status, headers and body once each request's own name is replaced by a placeholder."""
    assert first.status_code == second.status_code
    assert first.headers.get("WWW-Authenticate") == second.headers.get("WWW-Authenticate")
    assert first.headers.get("Allow") == second.headers.get("Allow")
    one = first.get_data(as_text=True).replace(first_name, "<name>")
    other = second.get_data(as_text=True).replace(second_name, "<name>")
    assert one == other


REQUESTS = [
    ("GET", "", None, None),
    ("GET", "/", None, None),
    ("POST", "", None, None),
    ("DELETE", "/adjust", None, None),
    ("POST", "/adjust", "application/json", {"p1_id": 12345, "reason": "r", "delta_on_hand": -1}),
    ("POST", "/adjust", "application/json", {"p1_id": 12345, "reason": "r", "delta_on_hand": -(10**6)}),
    ("POST", "/adjust", "application/json", {"p1_id": 12345}),
    ("POST", "/adjust", "application/json", {"p1_id": 12345, "reason": "r", "extra": 1}),
    ("POST", "/adjust", "application/json", b"{not json"),
    ("POST", "/adjust", "text/plain", b"hi"),
    ("POST", "/adjust", "application/json", b" " * 70_000),
    ("GET", "/12345/log", None, None),
    ("GET", "/abc/log", None, None),
    ("GET", "/12345/history", None, None),
    ("GET", "/12345/history?days=0", None, None),
    ("PUT", "/12345/history", None, None),
    ("GET", "/12345", None, None),
]


@pytest.mark.parametrize("token", [READ_WRITE, READ_ONLY, WRITE_ONLY, "not-a-token", None])
@pytest.mark.parametrize(("method", "rest", "content_type", "body"), REQUESTS)
def test_other_org_looks_exactly_like_no_org(
    token: str | None, method: str, rest: str, content_type: str | None, body: Any
) -> None:
    mock = InventoryMock()
    client = mock.app.test_client()
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    data = body if isinstance(body, bytes) or body is None else json.dumps(body)
    before = mock.dump()
    other = client.open(api(OTHER_ORG, rest), method=method, headers=headers, data=data)
    unknown = client.open(api(UNKNOWN_ORG, rest), method=method, headers=headers, data=data)
    same_answer(other, unknown, OTHER_ORG, UNKNOWN_ORG)
    assert other.status_code >= 400
    assert mock.dump() == before


@pytest.mark.parametrize("token", [READ_WRITE, READ_ONLY, WRITE_ONLY])
@pytest.mark.parametrize(
    ("method", "rest", "body"),
    [
        ("GET", "/{p}/log", None),
        ("GET", "/{p}/history", None),
        ("GET", "/{p}/history?days=999", None),
        ("POST", "/adjust", {"p1_id": "{p}", "reason": "r", "delta_on_hand": -1}),
        ("POST", "/adjust", {"p1_id": "{p}", "reason": "r", "delta_on_hand": -(10**6)}),
        ("POST", "/adjust", {"p1_id": "{p}", "reason": ""}),
    ],
)
def test_product_of_another_org_looks_exactly_like_no_product(
    token: str, method: str, rest: str, body: dict[str, Any] | None
) -> None:
    mock = InventoryMock()
    client = mock.app.test_client()
    before = mock.dump()
    answers = []
    for p1_id in (OTHER_PRODUCT, 88888):
        data = None if body is None else json.dumps(body).replace('"{p}"', str(p1_id))
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        answers.append(client.open(api(rest=rest.format(p=p1_id)), method=method, headers=headers, data=data))
    same_answer(answers[0], answers[1], str(OTHER_PRODUCT), "88888")
    assert answers[0].status_code >= 400
    assert mock.dump() == before


# -- the control API ----------------------------------------------------------------------------


def test_control_api_is_off_the_api_paths() -> None:
    app = InventoryMock().app
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    control_rules = {endpoint: rule for endpoint, rule in rules.items() if endpoint.startswith("control.")}
    assert control_rules
    assert all(rule.startswith("/_mock/") for rule in control_rules.values())
    others = [rule for endpoint, rule in rules.items() if endpoint not in control_rules]
    assert all(rule.startswith("/api/v2/public/") or rule == "/openapi.json" for rule in others), others


def test_no_control_means_no_control_api() -> None:
    client = InventoryMock(control=ControlSettings(enabled=False)).app.test_client()
    for method, name in [("GET", "state"), ("POST", "reset"), ("PUT", "seed"), ("GET", "journal")]:
        answer = client.open(f"/_mock/{name}", method=method, json={})
        assert answer.status_code == 404
        assert answer.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_binds_loopback_by_default() -> None:
    args = cli.build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    assert args.control_token is None
    assert not args.no_control


class _NoBind:
    """Stands in for LiveServer: records the address and refuses to bind (no socket opened)."""

    hosts: ClassVar[list[str]] = []

    def __init__(self, app: Any, host: str, port: int) -> None:
        _NoBind.hosts.append(host)
        raise OSError(99, "not binding in tests")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_serve_refuses_a_public_address_with_an_open_control_api(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(serving, "LiveServer", _NoBind)
    _NoBind.hosts.clear()
    assert cli.main(["serve", "--host", host, "--port", "0", "--server", "werkzeug"]) == 2
    assert "refusing to expose the control API" in capsys.readouterr().err
    assert _NoBind.hosts == [], "it tried to bind"


@pytest.mark.parametrize("extra", [["--control-token", "T0ken-for-ops"], ["--no-control"]])
def test_serve_binds_a_public_address_when_the_control_api_is_protected_or_off(
    extra: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(serving, "LiveServer", _NoBind)
    _NoBind.hosts.clear()
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "0", "--server", "werkzeug", *extra]) == 2
    assert "cannot bind 0.0.0.0" in capsys.readouterr().err
    assert _NoBind.hosts == ["0.0.0.0"]


def test_control_token_protects_a_live_server() -> None:
    mock = InventoryMock(control=ControlSettings(token="ops-t0ken"))
    with LiveServer(mock.app) as server:
        refused = exchange(server.host, server.port, request_bytes("GET", b"/_mock/state"))
        assert refused.status == 401
        assert "ops-t0ken" not in refused.body.decode()
        allowed = exchange(
            server.host, server.port, request_bytes("GET", b"/_mock/state", [(b"X-Mock-Control-Token", b"ops-t0ken")])
        )
        assert allowed.status == 200
