"""pytest plugin of the conformance run: options, the target and context fixtures, and
the report. Registered as the ``inventory_conformance`` pytest11 entry point.

Loaded into every pytest session of an environment that has the kit installed, so it
does nothing until the suite's own tests are collected (``--pyargs contract_tests``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from contract_tests.conformance.config import HELP, SETTINGS, Target, is_configured, load_target
from contract_tests.conformance.errors import ConfigError, TargetError

if TYPE_CHECKING:
    from contract_tests.conformance.client import Client, HttpClient
    from contract_tests.conformance.context import Context
    from contract_tests.conformance.report import CheckResult

PACKAGE = "contract_tests.conformance"
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
NOT_CONFIGURED = (
    "no target configured: give --inventory-config FILE, or --inventory-base-url URL "
    "(or INVENTORY_BASE_URL) with the other --inventory-* settings"
)
_RUN = pytest.StashKey["Run"]()


@dataclass
class Run:
    """The plugin's state for one session."""

    target: Target | None = None
    context: Context | None = None
    results: dict[str, CheckResult] = field(default_factory=dict)
    restore: dict[str, Any] | None = None
    client: Client | None = None
    http: HttpClient | None = None  # the client, when it is the plugin's own
    preflight_done: bool = False
    no_verdict: str | None = None  # why the run stopped without one (the target went away)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("inventory-conformance", "Inventory & stock API conformance run")
    group.addoption("--inventory-config", metavar="FILE", help="TOML file with the target (options > env > file)")
    for setting, kind in SETTINGS.items():
        option = "--inventory-" + setting.replace("_", "-")
        if kind is bool:
            group.addoption(option, action="store_true", default=None, dest=f"inventory_{setting}", help=HELP[setting])
        else:
            group.addoption(option, metavar=setting.upper(), dest=f"inventory_{setting}", help=HELP[setting])
    group.addoption("--inventory-report", metavar="FILE", help="write a JSON report (and a Markdown one beside it)")
    group.addoption(
        "--inventory-write-profile",
        metavar="FILE",
        help="after a conformant run, write the behaviour profile the target showed (for the fake's --profile)",
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from contract_tests.conformance import hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "inventory_rule(*ids): the documented rules a conformance check verifies")
    _run(config)


def _run(config: pytest.Config) -> Run:
    return config.stash.setdefault(_RUN, Run())


def _options(config: pytest.Config) -> dict[str, Any]:
    found: dict[str, Any] = {"config": config.getoption("inventory_config")}
    for setting in SETTINGS:
        found[setting] = config.getoption(f"inventory_{setting}")
    return found


def _is_ours(item: pytest.Item) -> bool:
    return str(item.path).startswith(PACKAGE_DIR + os.sep)


def _option(setting: str) -> str:
    return "--inventory-" + setting.replace("_", "-")


def _points_at_suite(config: pytest.Config) -> bool:
    """Whether the session's arguments name the suite (``--pyargs contract_tests.conformance``
    or a path inside it)."""
    for arg in config.args:
        name = arg.split("::", 1)[0]
        if config.option.pyargs and (name == PACKAGE or name.startswith(PACKAGE + ".")):
            return True
        path = (config.invocation_params.dir / name).resolve()
        if path == Path(PACKAGE_DIR) or Path(PACKAGE_DIR) in path.parents:
            return True
    return False


def _prepare(config: pytest.Config) -> str | None:
    """Load the target and run the preflight, once; the message when a setting is wrong."""
    run = _run(config)
    if run.preflight_done:
        return None
    run.preflight_done = True
    try:
        target = run.target = load_target(_options(config))
    except ConfigError as error:
        return str(error)
    from contract_tests.conformance.client import HttpClient
    from contract_tests.conformance.context import preflight

    client = config.hook.pytest_inventory_conformance_client(config=config, target=target)
    if client is None:
        client = run.http = HttpClient(target.base_url, rate_limit=target.rate_limit, timeout=target.timeout)
    run.client = client
    if any(getattr(plugin, "inventory_preflight_done", False) for plugin in config.pluginmanager.get_plugins()):
        return None  # ``inventory-mock check`` ran it before starting pytest
    try:
        preflight(target, client, _option)
    except ConfigError as error:
        return str(error)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    # Before the session (and its header): a misconfiguration is one message and status 2.
    if _points_at_suite(config) and is_configured(_options(config), os.environ):
        message = _prepare(config)
        if message is not None:
            sys.stderr.write(f"inventory conformance: {message}\n")
            return 2
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if _is_ours(item)]
    if not ours:
        return
    if not is_configured(_options(config), os.environ):
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=NOT_CONFIGURED))
        return
    message = _prepare(config)
    if message is not None:
        pytest.exit(f"inventory conformance: {message}", returncode=2)


@pytest.fixture(scope="session")
def conformance_target(pytestconfig: pytest.Config) -> Target:
    """The configured target of the conformance run."""
    target = pytestconfig.stash[_RUN].target
    if target is None:
        pytest.skip(NOT_CONFIGURED)
    return target


@pytest.fixture(scope="session")
def conformance_context(pytestconfig: pytest.Config, conformance_target: Target) -> Iterator[Context]:
    """One context for the whole run; at the end it undoes the run's adjusts."""
    from contract_tests.conformance.context import Context

    run = pytestconfig.stash[_RUN]
    message = _prepare(pytestconfig)
    if message is not None:
        pytest.exit(f"inventory conformance: {message}", returncode=2)
    assert run.client is not None  # _prepare made one or ended the session
    context = Context(conformance_target, run.client)
    run.context = context
    http = run.http
    try:
        yield context
    finally:
        try:
            restore = context.restore()
            # A read-only run adjusts nothing: there is nothing to restore (``null``).
            run.restore = restore.to_json() if conformance_target.allow_writes else None
        finally:
            if http is not None:
                context.observed.note("throttled (429) answers", http.throttled)
                http.close()
        if run.no_verdict is None and restore.on_hand_before is not None and not restore.restored:
            raise AssertionError(f"the product's stock was not restored: {json.dumps(run.restore, indent=2)}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not _is_ours(item):
        return report
    from contract_tests.conformance.errors import ContractViolation
    from contract_tests.conformance.report import CheckResult

    run = item.config.stash[_RUN]
    error = call.excinfo.value if call.excinfo else None
    if report.failed and isinstance(error, TargetError | ConfigError):
        # Not a verdict on the server: the target went away (or stopped accepting the
        # settings) mid-run. One line, and the session stops.
        what = "the target stopped answering" if isinstance(error, TargetError) else "the settings stopped working"
        where = f" at {error.request}" if isinstance(error, TargetError) and error.request else ""
        message = f"inventory conformance: {what}{where}: {error}"
        report.longrepr = message
        if run.no_verdict is None:
            run.no_verdict = message
        item.session.shouldstop = message
        return report
    if report.when == "teardown" and report.failed:
        # Only the session fixture's finalizer (the stock restore) fails at teardown.
        run.results["restore"] = CheckResult(
            "restore_stock", item.nodeid, "The run's adjusts are undone", (), "failed", str(report.longrepr)
        )
        return report
    marker = item.get_closest_marker("inventory_rule")
    rules = tuple(marker.args) if marker else ()
    result = run.results.get(item.nodeid)
    if result is None:
        result = run.results[item.nodeid] = CheckResult(*_describe(item), rules=rules)
        for rule in rules:
            item.user_properties.append(("rule", rule))
    if report.skipped and result.status == "passed":
        result.status = "skipped"
        longrepr = report.longrepr
        result.reason = str(longrepr[2]).removeprefix("Skipped: ") if isinstance(longrepr, tuple) else str(longrepr)
    elif report.failed:
        result.status = "failed"
        if isinstance(error, ContractViolation):
            result.violated_rule = error.rule
            item.user_properties.append(("violated_rule", error.rule))
        if not result.reason:
            result.reason = str(error) if error is not None else str(report.longrepr)
    return report


def _describe(item: pytest.Item) -> tuple[str, str, str]:
    """(check name, test id, first line of its docstring) of a test item of the suite."""
    callspec = getattr(item, "callspec", None)
    check = callspec.params.get("check") if callspec is not None else None
    if check is not None:
        return check.name, item.nodeid, check.doc
    function = getattr(item, "obj", None)
    doc = (getattr(function, "__doc__", None) or "").strip().splitlines()
    return item.name.removeprefix("test_"), item.nodeid, doc[0] if doc else ""


def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(_RUN, None)
    if run is not None and run.no_verdict is not None:
        session.exitstatus = 2  # no verdict: neither conformant (0) nor not (1)
    if run is not None and run.http is not None and run.context is None:
        run.http.close()  # made by the preflight, never used by a check
    if run is None or not run.results:
        return
    observed = run.context.observed.to_json() if run.context else {}
    target = run.target.describe() if run.target else None
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter is not None else print
    path = session.config.getoption("inventory_report")
    if path:
        from contract_tests.conformance import report

        written = report.write(report.build(list(run.results.values()), target, observed, run.restore), path)
        say(f"inventory conformance report: {written[0]} and {written[1]}")
    profile_path = session.config.getoption("inventory_write_profile")
    if profile_path:
        _write_profile(profile_path, observed, target, session.exitstatus, say)


def _write_profile(
    path: str, observed: dict[str, Any], target: dict[str, Any] | None, status: int, say: Callable[[str], None]
) -> None:
    """The calibrated profile, written only after a conformant run (a profile describes a
    faithful server: the fake cannot imitate a broken one)."""
    if status != 0 or not observed:
        say(f"inventory conformance: no profile written to {path}: the run was not conformant (exit status {status})")
        return
    from contract_tests.conformance import calibrate

    profile = calibrate.profile_from(observed, target)
    calibrate.write(profile, path)
    unseen = profile["calibration"]["not_observed"]
    say(
        f"inventory conformance: profile written to {path} ({len(profile['calibration']['observed'])} settings "
        f"observed; left at the fake's default: {', '.join(unseen) or 'none'})"
    )
