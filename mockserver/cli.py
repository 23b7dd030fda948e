"""The fake's commands: ``serve`` it, print its ``openapi`` document, list its ``mutants``.

``inventory-mock`` (``contract_tests.cli``) adds them beside ``check``; ``python -m
mockserver.cli`` runs them alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Response, request

import schemas
from mockserver.alerts.receivers import is_loopback
from mockserver.errors import ProfileError, SeedError, UnknownMutant
from mockserver.fake import InventoryMock
from mockserver.http.app import ControlSettings
from mockserver.mutants import MUTANTS, mutant
from mockserver.profile import Profile
from mockserver.state.journal import redact
from mockserver.state.persistence import Saver, StateFileError, read_state
from mockserver.transports import serving

PROG = "inventory-mock"
DESCRIPTION = "A stateful fake of the Inventory & stock API, and its contract kit."


SAVE_EVERY_WRITES = 100
SAVE_INTERVAL = 5.0


def _positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` above 0 (argparse turns the error into a usage line)."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
        return value

    parse.__name__ = kind.__name__
    return parse


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 for a free one."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give 0..65535 (0: a free one)")
    return port


def _non_empty(text: str) -> str:
    """An argparse type: any text but the empty one (an empty token or host is a mistake, not a choice)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The parser of the fake's own commands (``serve``, ``openapi``, ``mutants``)."""
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return parser


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve``, ``openapi`` and ``mutants`` to a command parser."""
    serve = commands.add_parser("serve", help="run the fake on a socket", description="Run the fake on a socket.")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8080, help="port to bind, 0 for a free one (default: 8080)")
    serve.add_argument("--seed", metavar="FILE", help="seed file (JSON); default: the built-in demo seed")
    serve.add_argument(
        "--profile", metavar="FILE", help="behaviour profile (JSON/TOML) for what the API document leaves open"
    )
    serve.add_argument(
        "--allow-webhook-host",
        metavar="HOST",
        action="append",
        type=_non_empty,
        default=[],
        help="a host besides this machine that webhook subscriptions may name (repeatable)",
    )
    serve.add_argument(
        "--control-token", metavar="T", type=_non_empty, help="require header X-Mock-Control-Token: T on /_mock/"
    )
    serve.add_argument("--no-control", action="store_true", help="serve without the /_mock/ control API")
    serve.add_argument(
        "--state-file",
        metavar="F",
        help="load the state from F at start if it exists (instead of --seed); write it to F on shutdown, "
        "after every --save-every-writes writes and every --save-interval seconds",
    )
    serve.add_argument(
        "--save-every-writes",
        metavar="N",
        type=_positive(int),
        help=f"with --state-file: write the state after every N accepted writes (default: {SAVE_EVERY_WRITES})",
    )
    serve.add_argument(
        "--save-interval",
        metavar="S",
        type=_positive(float),
        help=f"with --state-file: write the state every S seconds when it changed (default: {SAVE_INTERVAL:g})",
    )
    serve.add_argument(
        "--mutant",
        metavar="NAME",
        help="break one documented rule on purpose (see `inventory-mock mutants`, docs/mutants.md)",
    )
    serve.add_argument("--quiet", action="store_true", help="do not log one line per request")
    serve.add_argument(
        "--server",
        choices=serving.SERVERS,
        help=f"HTTP server (default: {serving.default_server()}, or werkzeug with --state-file; "
        "granian is faster, werkzeug always present)",
    )
    serve.set_defaults(run=run_serve)

    openapi = commands.add_parser(
        "openapi", help="print the OpenAPI 3.1 document (JSON)", description="Print the OpenAPI 3.1 document."
    )
    openapi.set_defaults(run=run_openapi)

    mutants = commands.add_parser(
        "mutants",
        help="list the mutants: the fake with one documented rule broken",
        description="List the mutants (serve --mutant NAME runs one; docs/mutants.md).",
    )
    mutants.set_defaults(run=run_mutants)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


def run_openapi(_args: argparse.Namespace) -> int:
    json.dump(schemas.openapi(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def run_mutants(_args: argparse.Namespace) -> int:
    width = max(map(len, MUTANTS))
    rule_width = max(len(m.rule) for m in MUTANTS.values())
    for m in MUTANTS.values():
        print(f"{m.name:<{width}}  {m.rule:<{rule_width}}  {m.breaks}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and args.control_token is None and not args.no_control:
        print(
            f"inventory-mock: refusing to expose the control API on {args.host}: "
            "give --control-token T (or --no-control)",
            file=sys.stderr,
        )
        return 2
    if args.no_control and args.control_token is not None:
        print("inventory-mock: --control-token and --no-control contradict each other: give one", file=sys.stderr)
        return 2
    if args.state_file and not Path(args.state_file).absolute().parent.is_dir():
        print(f"inventory-mock: no directory for --state-file {args.state_file}", file=sys.stderr)
        return 2
    if not args.state_file and (args.save_every_writes or args.save_interval):
        print("inventory-mock: --save-every-writes and --save-interval need --state-file", file=sys.stderr)
        return 2
    state_file = Path(args.state_file) if args.state_file else None
    seed: str | dict[str, Any] | None = args.seed
    if state_file is not None and state_file.exists():
        try:
            seed = read_state(state_file)
        except StateFileError as error:
            print(f"inventory-mock: {error}", file=sys.stderr)
            return 2
    if args.mutant is not None:
        try:
            mutant(args.mutant)
        except UnknownMutant as error:
            print(f"inventory-mock: bad --mutant: {error}", file=sys.stderr)
            return 2
    try:
        profile = Profile.load(args.profile)
    except ProfileError as error:
        print(f"inventory-mock: bad profile: {error}", file=sys.stderr)
        return 2
    try:
        mock = InventoryMock(
            seed,
            control=ControlSettings(not args.no_control, args.control_token),
            profile=profile,
            allow_webhook_hosts=args.allow_webhook_host,
            mutant=args.mutant,
        )
    except SeedError as error:
        if isinstance(seed, dict) and state_file is not None:
            print(f"inventory-mock: {StateFileError(state_file, str(error))}", file=sys.stderr)
        else:
            print(f"inventory-mock: bad seed: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    # granian serves from a worker process: the state to write at shutdown would not be this one.
    server = args.server or ("werkzeug" if args.state_file else serving.default_server())
    if args.state_file and server != "werkzeug":
        print("inventory-mock: --state-file needs --server werkzeug", file=sys.stderr)
        return 2
    if not serving.available(server):
        print(f"inventory-mock: {server} is not installed (pip install {server})", file=sys.stderr)
        return 2
    saver = None if state_file is None else _start_saver(mock, state_file, args)
    try:
        serving.serve(
            mock.app,
            args.host,
            args.port,
            server,
            on_ready=lambda url: _print_banner(mock, url, reveal=seed is None),
            access_log=not args.quiet,
        )
    except OSError as error:
        print(f"inventory-mock: cannot bind {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    if saver is not None:
        saver.stop()
        print(f"inventory-mock: state written to {state_file}", flush=True)
    print("inventory-mock: stopped", flush=True)
    return 0


def _start_saver(mock: InventoryMock, path: Path, args: argparse.Namespace) -> Saver:
    """Save the state periodically and after every N accepted writes (API and control routes)."""
    saver = Saver(
        path,
        mock.dump,
        every_writes=args.save_every_writes or SAVE_EVERY_WRITES,
        interval=args.save_interval or SAVE_INTERVAL,
    )

    def count_write(response: Response) -> Response:
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            saver.note_write()
        return response

    mock.app.after_request(count_write)
    if not path.exists():
        saver.save()  # from the first moment on, a restart finds the session's state
    return saver.start()


def _print_banner(mock: InventoryMock, url: str, *, reveal: bool) -> None:
    """Say where the fake serves. Tokens in full only for the built-in demo seed (they are
    public); a user's seed or state file may hold tokens that must not reach a log."""
    org_id = mock.org_id
    tokens = mock.tokens_of(org_id)
    shown = {role: token if reveal else str(redact(token)) for role, token in tokens.items()}
    lines = [f"inventory-mock: serving org {org_id!r} on {url}"]
    lines += [f"  token {role:<10} {token}" for role, token in shown.items()]
    changed = mock.profile.changed()
    if changed:  # the default profile says nothing: the fake's own choices (docs/profiles.md)
        settings = ", ".join(f"{key}={json.dumps(value)}" for key, value in changed.items())
        label = f"{mock.profile.name}: " if mock.profile.name else ""
        lines.append(f"  profile    {label}{settings}")
    broken = mock.mutant
    if broken is not None:  # loud: this server does not behave as the API document says
        lines.append(f"  !! MUTANT {broken.name}: a documented rule is BROKEN on purpose ({broken.rule})")
        lines.append(f"  !! {broken.breaks}")
    token = shown.get("read_write") or shown.get("read_only")
    if token:
        token = token if reveal else "<token>"
        lines.append(f"try:\n  curl -H 'Authorization: Bearer {token}' {url}/api/v2/public/orgs/{org_id}/inventory")
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
