"""The ``inventory-mock`` command: ``serve`` the fake, print its ``openapi`` document."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import sys
from collections.abc import Sequence

import schemas
from mockserver import serving
from mockserver.app import ControlSettings
from mockserver.errors import SeedError
from mockserver.facade import InventoryMock


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inventory-mock", description="A stateful fake of the Inventory & stock API, and its contract kit."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the fake on a socket", description="Run the fake on a socket.")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to bind, 0 for a free one (default: 8080)")
    serve.add_argument("--seed", metavar="FILE", help="seed file (JSON); default: the built-in demo seed")
    serve.add_argument("--control-token", metavar="T", help="require header X-Mock-Control-Token: T on /_mock/")
    serve.add_argument("--no-control", action="store_true", help="serve without the /_mock/ control API")
    serve.add_argument("--quiet", action="store_true", help="do not log one line per request")
    serve.add_argument(
        "--server",
        choices=serving.SERVERS,
        default=serving.default_server(),
        help=f"HTTP server (default: {serving.default_server()}; granian is faster, werkzeug always present)",
    )
    serve.set_defaults(run=run_serve)

    openapi = commands.add_parser(
        "openapi", help="print the OpenAPI 3.1 document (JSON)", description="Print the OpenAPI 3.1 document."
    )
    openapi.set_defaults(run=run_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


def run_openapi(_args: argparse.Namespace) -> int:
    json.dump(schemas.openapi(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    if not _is_loopback(args.host) and args.control_token is None and not args.no_control:
        print(
            f"inventory-mock: refusing to expose the control API on {args.host}: "
            "give --control-token T (or --no-control)",
            file=sys.stderr,
        )
        return 2
    try:
        mock = InventoryMock(args.seed, control=ControlSettings(not args.no_control, args.control_token))
    except SeedError as error:
        print(f"inventory-mock: bad seed: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    if not serving.available(args.server):
        print(f"inventory-mock: {args.server} is not installed (pip install {args.server})", file=sys.stderr)
        return 2
    try:
        serving.serve(
            mock.app,
            args.host,
            args.port,
            args.server,
            on_ready=lambda url: _print_banner(mock, url),
            access_log=not args.quiet,
        )
    except OSError as error:
        print(f"inventory-mock: cannot bind {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    print("inventory-mock: stopped", flush=True)
    return 0


def _print_banner(mock: InventoryMock, url: str) -> None:
    org_id = mock.org_id
    tokens = mock.tokens_of(org_id)
    lines = [f"inventory-mock: serving org {org_id!r} on {url}"]
    lines += [f"  token {role:<10} {token}" for role, token in tokens.items()]
    token = tokens.get("read_write") or tokens.get("read_only")
    if token:
        lines.append(f"try:\n  curl -H 'Authorization: Bearer {token}' {url}/api/v2/public/orgs/{org_id}/inventory")
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
