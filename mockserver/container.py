"""The container's entry command: ``inventory-mock serve`` with its settings from the environment.

``docs/docker/Dockerfile`` runs ``python -m mockserver.container [serve options]``. The fake binds
``0.0.0.0`` (reachable through the container's published port) only when its control API is
protected (``INVENTORY_MOCK_CONTROL_TOKEN``) or switched off (``INVENTORY_MOCK_NO_CONTROL=1``);
otherwise 127.0.0.1 inside the container, and it says how to change that.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from mockserver import cli

DEFAULT_PORT = "8080"
ALL_INTERFACES = "0.0.0.0"  # only with the control API protected or off
LOOPBACK = "127.0.0.1"
# environment variable -> the serve option it becomes
VALUED = {
    "INVENTORY_MOCK_PORT": "--port",
    "INVENTORY_MOCK_SEED": "--seed",
    "INVENTORY_MOCK_PROFILE": "--profile",
    "INVENTORY_MOCK_CONTROL_TOKEN": "--control-token",
    "INVENTORY_MOCK_MUTANT": "--mutant",
}
TRUE = ("1", "true", "yes")


def serve_arguments(environ: Mapping[str, str], extra: Sequence[str] = ()) -> tuple[list[str], str | None]:
    """The ``serve`` arguments for ``environ``, and a notice to print (or ``None``)."""
    no_control = environ.get("INVENTORY_MOCK_NO_CONTROL", "").lower() in TRUE
    protected = bool(environ.get("INVENTORY_MOCK_CONTROL_TOKEN")) or no_control
    notice = None
    host = environ.get("INVENTORY_MOCK_HOST")
    if host is None:
        host = ALL_INTERFACES if protected else LOOPBACK
        if not protected:
            notice = (
                "inventory-mock container: serving on 127.0.0.1 inside the container only, unreachable from "
                "outside: set INVENTORY_MOCK_CONTROL_TOKEN (or INVENTORY_MOCK_NO_CONTROL=1) to serve on 0.0.0.0"
            )
    arguments = ["serve", "--host", host]
    environ = {"INVENTORY_MOCK_PORT": DEFAULT_PORT, **environ}
    for variable, option in VALUED.items():
        if environ.get(variable):
            arguments += [option, environ[variable]]
    if no_control:
        arguments.append("--no-control")
    return [*arguments, *extra], notice


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    given = os.environ if environ is None else environ
    arguments, notice = serve_arguments(given, sys.argv[1:] if argv is None else argv)
    if notice:
        print(notice, file=sys.stderr, flush=True)
    return cli.main(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
