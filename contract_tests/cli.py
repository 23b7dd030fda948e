"""``inventory-mock``: the composition root of the fake's commands and the conformance run.

``serve`` and ``openapi`` come from ``mockserver.cli``, ``check`` from
``contract_tests.conformance.cli``; neither of those imports the other.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from contract_tests.conformance import cli as conformance_cli
from mockserver import cli as fake_cli


def build_parser() -> argparse.ArgumentParser:
    """Every ``inventory-mock`` command."""
    parser = argparse.ArgumentParser(prog=fake_cli.PROG, description=fake_cli.DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fake_cli.add_commands(commands)
    check = commands.add_parser(
        "check",
        help="check a server against the documented rules",
        description="Run the conformance suite against a server (see docs/conformance.md).",
    )
    conformance_cli.add_arguments(check)
    check.set_defaults(run=conformance_cli.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
