"""The kit's parts: configuration, the HTTP client's politeness, the report, its independence."""

from __future__ import annotations

import ast
import re
import time
from email.utils import formatdate
from pathlib import Path

import pytest

import contract_tests.conformance
from contract_tests.conformance import ConfigError, HttpClient, Request, TargetError, load_target, report
from contract_tests.conformance.client import retry_after
from contract_tests.conformance.report import CheckResult
from mockserver import LiveServer

REQUIRED = {"base_url": "http://127.0.0.1:1", "org_id": "o", "product_id": 1, "token_read_write": "tok-rw-123456"}


def test_options_win_over_env_and_env_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'base_url = "https://file.test"\norg_id = "file-org"\nproduct_id = 1\nmax_steps = 3\n'
        '[tokens]\nread_write = "file-token"\nread_only = "file-ro"\n'
    )
    env = {"INVENTORY_ORG_ID": "env-org", "INVENTORY_PRODUCT_ID": "2", "INVENTORY_ALLOW_WRITES": "true"}
    target = load_target({"config": str(config), "product_id": 3, "allow_writes": False}, env=env)
    assert (target.base_url, target.org_id, target.product_id) == ("https://file.test", "env-org", 3)
    assert target.allow_writes is True  # an option left unset does not override
    assert (target.tokens.read_write, target.tokens.read_only, target.max_steps) == ("file-token", "file-ro", 3)
    assert target.rate_limit == 10.0  # polite by default off loopback
    assert "file-token" not in repr(target)
    assert "file-token" not in str(target.describe())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("base_url = 1", "base_url: must be a string (got 1)"),
        ("prodcut_id = 1", "prodcut_id: unknown setting"),
        ("[tokens]\nadmin = 'x'", "[tokens] admin: unknown role"),
        ("base_url = ", "not valid TOML"),
    ],
)
def test_a_bad_config_file_says_where(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(f"{config}: {message}") if "TOML" not in message else message):
        load_target({"config": str(config)}, env={})


def test_bad_values_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="INVENTORY_PRODUCT_ID: must be an integer"):
        load_target({**REQUIRED, "product_id": None}, env={"INVENTORY_PRODUCT_ID": "abc"})
    with pytest.raises(ConfigError, match="base_url: must be an http"):
        load_target({**REQUIRED, "base_url": "ftp://x"}, env={})
    with pytest.raises(ConfigError, match="foreign_product_id: must differ"):
        load_target({**REQUIRED, "foreign_product_id": 1}, env={})


def _throttling_app():
    answers = [429, 200]

    def app(environ, start_response):
        status = answers.pop(0) if answers else 200
        start_response(f"{status} X", [("Content-Type", "application/json"), ("Retry-After", "0")])
        return [b"{}"]

    return app


def test_the_http_client_waits_out_a_429_and_retries() -> None:
    with LiveServer(_throttling_app()) as server:
        client = HttpClient(server.url, rate_limit=1000)
        response = client.send(Request("GET", "/anything"))
        client.close()
    assert response.status == 200
    assert client.throttled == 1


def test_retry_after_reads_seconds_and_dates_and_refuses_long_waits() -> None:
    assert retry_after("2") == 2.0
    assert retry_after(None) == 1.0
    assert 0 <= retry_after(formatdate(time.time() + 5, usegmt=True)) <= 6
    with pytest.raises(TargetError, match="retry after 3600 s"):
        retry_after("3600")


def test_an_unreachable_target_is_a_target_error() -> None:
    with LiveServer(_throttling_app()) as server:
        url = server.url
    with pytest.raises(TargetError, match=r"^cannot reach http://127\.0\.0\.1:\d+ \(connection refused\)$") as raised:
        HttpClient(url).send(Request("GET", "/x"))
    assert raised.value.request == "GET /x"


def test_the_report_gives_every_rule_a_status() -> None:
    results = [
        CheckResult("a", "t::a", "doc", ("AUTH",), "passed"),
        CheckResult("b", "t::b", "doc", ("AUTH",), "skipped", "needs writes"),
        CheckResult("c", "t::c", "doc", ("AUDIT",), "failed", "[SHAPES] boom", violated_rule="SHAPES"),
        CheckResult("d", "t::d", "doc", ("LOG-CAP",), "skipped", "needs writes"),
    ]
    built = report.build(results, {"base_url": "http://x"}, {"error_statuses": {"x": [401]}}, None)
    statuses = {rule["id"]: (rule["status"], rule["reason"]) for rule in built["rules"]}
    assert statuses["AUTH"] == ("passed", "1 check(s) could not be checked: b: needs writes")
    assert statuses["SHAPES"] == ("failed", "[SHAPES] boom")  # named by a violation in another rule's check
    verdicts = {rule["id"]: rule["verdict"] for rule in built["rules"]}
    assert verdicts["SHAPES"] == "failed here: c ([SHAPES] boom)"
    # AUDIT's only check met SHAPES' failure: AUDIT could not be checked, it did not fail.
    assert statuses["AUDIT"][0] == "skipped"
    assert verdicts["AUDIT"] == "could not be checked because c: it met a failure of SHAPES ([SHAPES] boom)"
    assert statuses["LOG-CAP"] == ("skipped", "d: needs writes")
    assert statuses["HISTORY"] == ("skipped", "no check of this rule ran")
    assert built["summary"] == {"passed": 1, "failed": 1, "skipped": 2}
    assert built["format"] == "inventory-conformance-report/1"
    markdown = report.markdown(built)
    assert "- `x`: 401" in markdown
    assert "| SHAPES | failed | c (failed) | failed here: c ([SHAPES] boom) |" in markdown


def test_a_stateful_failure_marks_only_the_rule_it_broke() -> None:
    stateful = ("NON-NEGATIVE", "AUDIT", "HISTORY", "LOG-CAP", "SHAPES")
    results = [
        CheckResult("stateful", "t::s", "doc", stateful, "failed", "[AUDIT] log entry lost", violated_rule="AUDIT"),
        CheckResult("on_hand_cannot_go_below_zero", "t::n", "doc", ("NON-NEGATIVE",), "passed"),
        CheckResult("e", "t::e", "doc", ("HISTORY",), "skipped", "could not be checked because the log read failed"),
    ]
    rules = {rule["id"]: rule for rule in report.build(results, None, {}, None)["rules"]}
    assert rules["AUDIT"]["status"] == "failed"
    assert rules["NON-NEGATIVE"]["status"] == "passed"
    assert {rules[r]["status"] for r in ("HISTORY", "LOG-CAP", "SHAPES")} == {"skipped"}
    assert rules["HISTORY"]["verdict"].startswith("could not be checked because ")
    assert "e: the log read failed" in rules["HISTORY"]["verdict"]
    assert "stateful: it met a failure of AUDIT" in rules["LOG-CAP"]["verdict"]


def test_the_kit_never_imports_the_fake() -> None:
    package = Path(contract_tests.conformance.__file__).parent
    imported = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "mockserver" not in imported
    assert "contract_tests" in imported  # the walk did see the imports
