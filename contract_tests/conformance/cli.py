"""``inventory-mock check``: the conformance run from the command line (pytest underneath)."""

from __future__ import annotations

import argparse
import os
import sys

from contract_tests.conformance.config import SETTINGS, ConfigError, load_target

HELP = {
    "base_url": "base URL of the server, e.g. https://staging.example.com",
    "org_id": "the org the tokens belong to",
    "product_id": "a product of the org that the run may adjust",
    "foreign_product_id": "a p1_id that is NOT in the org (optional)",
    "allow_writes": "let the run adjust product_id (its stock is restored at the end)",
    "token_read_write": "token with inventory.read + inventory.write (required)",
    "token_read_only": "token with only inventory.read (optional: scope checks)",
    "token_write_only": "token with only inventory.write (optional: scope checks)",
    "token_other_org": "a valid token of another org (optional: org checks)",
    "rate_limit": "max requests a second, 0 = no cap (default 10; no cap on loopback)",
    "max_examples": "stateful test: random sequences to try (default 10)",
    "max_steps": "stateful test: steps per sequence (default 20)",
    "timeout": "seconds to wait for each answer (default 30)",
}


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
        load_target(options)
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
