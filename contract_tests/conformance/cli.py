"""``inventory-mock check``: the conformance run from the command line (pytest underneath)."""

from __future__ import annotations

import argparse
import os
import sys

from contract_tests.conformance.config import HELP, SETTINGS, load_target
from contract_tests.conformance.errors import ConfigError
from contract_tests.conformance.preflight import preflight


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
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed to pytest (e.g. -- --junitxml=out.xml -x)"
    )


def run(args: argparse.Namespace) -> int:
    """Check the target; 0 only when nothing failed, 1 on failures, 2 on bad settings."""
    options = {setting: getattr(args, setting) for setting in SETTINGS}
    options["config"] = args.config
    try:
        preflight(load_target(options))
    except ConfigError as error:
        print(f"inventory-mock check: {error}", file=sys.stderr)
        return 2
    import pytest

    argv = [
        "--pyargs",
        "contract_tests.conformance",
        "-p",
        "no:cacheprovider",
        # The current directory's pytest settings belong to another project.
        "-c",
        os.devnull,
        "--rootdir",
        os.getcwd(),
        "-W",
        "ignore::DeprecationWarning",
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
    status = pytest.main(argv + list(args.pytest_args))
    return {0: 0, 1: 1}.get(int(status), 2)
