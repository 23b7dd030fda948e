"""``inventory-mock check``: the conformance run from the command line (pytest underneath)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

from contract_tests.conformance.config import HELP, SETTINGS, Target, load_target
from contract_tests.conformance.errors import ConfigError

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Exit statuses of ``inventory-mock check``.
CONFORMANT, NOT_CONFORMANT, NO_VERDICT = 0, 1, 2


def cache_dir() -> Path:
    """Where the run keeps its files (hypothesis' storage): ``$XDG_CACHE_HOME/inventory-contract-kit``,
    else ``~/.cache/inventory-contract-kit`` -- never the current directory."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "inventory-contract-kit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``inventory-mock check`` (each also an INVENTORY_* env var and TOML key)."""
    parser.add_argument("--config", metavar="FILE", help="TOML file with the target (options > env > file)")
    for setting, kind in SETTINGS.items():
        option = "--" + setting.replace("_", "-")
        if kind is bool:
            parser.add_argument(option, action="store_true", default=None, help=HELP[setting])
        else:
            parser.add_argument(
                option, metavar="TOKEN" if setting.startswith("token_") else setting.upper(), help=HELP[setting]
            )
    parser.add_argument("--report", metavar="FILE", help="write a JSON report there and a Markdown summary beside it")
    parser.add_argument(
        "--write-profile",
        metavar="FILE",
        help="after a conformant run, write the behaviour profile the target showed "
        "(inventory-mock serve --profile FILE then answers the same way)",
    )
    parser.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed to pytest (e.g. -- --junitxml=out.xml -x)"
    )


def run(args: argparse.Namespace) -> int:
    """Check the target; 0 only when nothing failed, 1 on failures, 2 on bad settings
    (the preflight's one message) or when the target stopped answering mid-run."""
    options = {setting: getattr(args, setting) for setting in SETTINGS}
    options["config"] = args.config
    try:
        target = load_target(options)
        for option, path in (("--report", args.report), ("--write-profile", args.write_profile)):
            _check_writable(option, path)
        _preflight(target)
    except ConfigError as error:
        print(f"inventory-mock check: {error}", file=sys.stderr)
        return NO_VERDICT
    import pytest

    # hypothesis keeps its files under the user's cache, not in the current directory.
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(cache_dir() / "hypothesis"))
    argv = [
        "--pyargs",
        "contract_tests.conformance",
        "-p",
        "no:cacheprovider",
        # The current directory's pytest settings belong to another project: read none.
        "-c",
        os.devnull,
        "--rootdir",
        PACKAGE_DIR,
        "-W",
        "ignore::DeprecationWarning",
        # This process imported the kit before pytest started: its modules cannot be (and
        # need not be) assertion-rewritten.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "-rfEs",
    ]
    if args.config:
        argv += ["--inventory-config", args.config]
    for setting, value in options.items():
        if setting != "config" and value is not None and value is not False:
            flag = "--inventory-" + setting.replace("_", "-")
            argv += [flag] if value is True else [flag, str(value)]
    if args.report:
        argv += ["--inventory-report", args.report]
    if args.write_profile:
        argv += ["--inventory-write-profile", args.write_profile]
    status = pytest.main(argv + list(args.pytest_args), plugins=[_check_run_plugin()])
    return {0: CONFORMANT, 1: NOT_CONFORMANT}.get(int(status), NO_VERDICT)


def _check_writable(option: str, path: str | None) -> None:
    """Refuse before the run an output file the run could not write at its end (missing
    directories are made then; a file where a directory must be is not)."""
    if path is None:
        return
    where = Path(path).absolute()
    if where.is_dir():
        raise ConfigError(f"{option}: {path} is a directory; give a file name")
    ancestor = where.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(f"{option}: cannot write {path}: {ancestor} is a file, not a directory")
    if not os.access(ancestor, os.W_OK):
        raise ConfigError(f"{option}: cannot write {path}: no permission to write in {ancestor}")


def _preflight(target: Target) -> None:
    from contract_tests.conformance.client import HttpClient
    from contract_tests.conformance.context import preflight

    client = HttpClient(target.base_url, rate_limit=target.rate_limit, timeout=target.timeout)
    try:
        preflight(target, client)
    finally:
        client.close()


def _header(lines: list[Any]) -> list[Any]:
    """pytest's header without ``configfile: ../../dev/null`` (``-c /dev/null`` is how the run
    reads no pytest settings): the line says so instead."""
    shown: list[Any] = []
    for line in lines:
        if isinstance(line, list):
            shown.append(_header(line))
        elif isinstance(line, str) and line.startswith("configfile: ") and line.endswith(os.path.basename(os.devnull)):
            shown.append("configfile: none (the current directory's pytest settings are not read)")
        else:
            shown.append(line)
    return shown


def _check_run_plugin() -> object:
    """The pytest plugin of an ``inventory-mock check`` run (pytest is imported only here)."""
    import pytest

    class CheckRun:
        inventory_preflight_done = True  # the conformance plugin need not repeat it

        @pytest.hookimpl(wrapper=True)
        def pytest_report_header(self) -> Generator[None, list[Any], list[Any]]:
            return _header((yield))

    return CheckRun()
