"""The conformance run: checks any server of the Inventory & stock API against the
documented rules (docs/design.md), the kit's own model as the oracle.

Run it with ``inventory-mock check --config FILE`` or
``pytest --pyargs contract_tests.conformance --inventory-config FILE``.

Layers, each depending only on those above it:

- ``config`` (Target from options > env > TOML), ``errors`` (ContractViolation, ConfigError,
  TargetError), ``client`` (Request/Response, WsgiClient, HttpClient);
- ``api`` (the four endpoints, SHAPES validation of every 2xx body, the ledger of writes),
  ``context`` (the preflight of the settings; what a check gets; undo/restore), ``expect`` (assertions naming a rule);
- ``registry`` + ``checks`` (example-based checks per rule), ``model`` + ``machine`` (the
  stateful test and its oracle); ``report``;
- ``plugin`` (pytest options, fixtures, report hooks), ``test_rules``/``test_stateful``
  (the collected tests), ``cli`` (``inventory-mock check``).

Nothing here imports ``mockserver``: the fake is what the kit tests, not part of it.
"""

from contract_tests.conformance import checks as _checks  # noqa: F401  # registers the checks
from contract_tests.conformance.client import Client, HttpClient, WsgiClient
from contract_tests.conformance.config import Target, Tokens, load_target
from contract_tests.conformance.context import CheckSkipped, Context, preflight
from contract_tests.conformance.errors import ConfigError, ContractViolation, TargetError
from contract_tests.conformance.registry import CHECKS, Check, check
from contract_tests.conformance.wire import Exchange, Request, Response

__all__ = [
    "CHECKS",
    "Check",
    "CheckSkipped",
    "Client",
    "ConfigError",
    "Context",
    "ContractViolation",
    "Exchange",
    "HttpClient",
    "Request",
    "Response",
    "Target",
    "TargetError",
    "Tokens",
    "WsgiClient",
    "check",
    "load_target",
    "preflight",
]
