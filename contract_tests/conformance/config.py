"""The target of a run: from command-line options, environment variables, a TOML file.

Options win over the environment, the environment over the file. Tokens never
leave this module's ``Target`` except as request headers.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contract_tests.conformance.errors import ConfigError

ENV_PREFIX = "INVENTORY_"
TOKEN_ROLES = ("read_write", "read_only", "write_only", "other_org")
DEFAULT_REMOTE_RATE_LIMIT = 10.0  # requests a second against anything but loopback
DEFAULT_MAX_EXAMPLES = 10
DEFAULT_MAX_STEPS = 20
DEFAULT_TIMEOUT = 30.0  # seconds to wait for each answer

_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")

# setting -> (type, help). The CLI option is --setting-with-dashes, the pytest option
# --inventory-..., the env var INVENTORY_SETTING, the TOML key the setting itself.
_TABLE: dict[str, tuple[type, str]] = {
    "base_url": (str, "base URL of the server (its root, without /api/v2/public), e.g. https://staging.example.com"),
    "org_id": (str, "the org the tokens belong to"),
    "product_id": (int, "a product of the org that the run may adjust"),
    "foreign_product_id": (int, "a p1_id that is NOT in the org (enables more ORG/NOT-FOUND checks)"),
    "allow_writes": (bool, "let the run adjust product_id (its stock is restored at the end)"),
    "token_read_write": (str, "token with inventory.read and inventory.write (required)"),
    "token_read_only": (str, "token with only inventory.read (enables scope checks)"),
    "token_write_only": (str, "token with only inventory.write (enables scope checks)"),
    "token_other_org": (str, "a valid token of another org (enables ORG checks)"),
    "rate_limit": (
        float,
        f"max requests a second, 0: no cap (default {DEFAULT_REMOTE_RATE_LIMIT:g}; none on loopback)",
    ),
    "max_examples": (int, f"stateful test: random sequences to try (default {DEFAULT_MAX_EXAMPLES})"),
    "max_steps": (int, f"stateful test: steps per sequence (default {DEFAULT_MAX_STEPS})"),
    "timeout": (float, f"seconds to wait for each answer (default {DEFAULT_TIMEOUT:g})"),
    "seed": (int, "stateful test: the random seed, to repeat a run exactly (default: a new one each run)"),
}
SETTINGS: dict[str, type] = {name: kind for name, (kind, _help) in _TABLE.items()}
HELP: dict[str, str] = {name: text for name, (_kind, text) in _TABLE.items()}


@dataclass(frozen=True)
class Tokens:
    """Bearer tokens by role; only ``read_write`` is required."""

    read_write: str
    read_only: str | None = None
    write_only: str | None = None
    other_org: str | None = None

    def __repr__(self) -> str:
        present = [role for role in TOKEN_ROLES if getattr(self, role)]
        return f"Tokens({', '.join(present)})"


@dataclass(frozen=True)
class Target:
    """Everything a run needs to know about the server it checks."""

    base_url: str
    org_id: str
    product_id: int
    tokens: Tokens = field(repr=True)
    foreign_product_id: int | None = None
    allow_writes: bool = False
    rate_limit: float = 0.0
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_steps: int = DEFAULT_MAX_STEPS
    timeout: float = DEFAULT_TIMEOUT
    seed: int | None = None

    def describe(self) -> dict[str, Any]:
        """The target for the report: no token, only which roles were given."""
        return {
            "base_url": self.base_url,
            "org_id": self.org_id,
            "product_id": self.product_id,
            "foreign_product_id": self.foreign_product_id,
            "allow_writes": self.allow_writes,
            "tokens_given": [role for role in TOKEN_ROLES if getattr(self.tokens, role)],
            "rate_limit": self.rate_limit,
            "max_examples": self.max_examples,
            "max_steps": self.max_steps,
            "seed": self.seed,
        }


def env_name(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


def option_name(setting: str) -> str:
    """The ``inventory-mock check`` option of a setting (``--token-read-write``)."""
    return "--" + setting.replace("_", "-")


def where_to_set(setting: str) -> str:
    """Where a user sets ``setting``: option, env var and TOML key."""
    key = f"[tokens] {setting.removeprefix('token_')}" if setting.startswith("token_") else setting
    return f"{option_name(setting)} / {env_name(setting)} / {key} in the TOML file"


def is_configured(options: Mapping[str, Any], env: Mapping[str, str]) -> bool:
    """Whether anything points the suite at a target (a config file or a base URL)."""
    return bool(options.get("config") or options.get("base_url") or env.get(env_name("base_url")))


def load_target(
    options: Mapping[str, Any], env: Mapping[str, str] | None = None, config_file: str | Path | None = None
) -> Target:
    """Merge ``options`` > ``env`` > the TOML ``config_file`` into a checked ``Target``.

    ``options`` maps setting names to values (``None``: not given). Raises ``ConfigError``.
    """
    env = os.environ if env is None else env
    path = config_file if config_file is not None else options.get("config")
    merged: dict[str, Any] = {}
    if path:
        merged.update(_read_file(Path(path)))
    for setting in SETTINGS:
        if env.get(env_name(setting), "") != "":
            merged[setting] = _convert(setting, env[env_name(setting)], env_name(setting))
    for setting in SETTINGS:
        value = options.get(setting)
        if value is not None and value is not False:
            merged[setting] = _convert(setting, value, option_name(setting))
    return _build(merged)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    found: dict[str, Any] = {}
    tokens = data.pop("tokens", {})
    if not isinstance(tokens, dict):
        raise ConfigError(f"{path}: [tokens] must be a table")
    for role, value in tokens.items():
        if role not in TOKEN_ROLES:
            raise ConfigError(f"{path}: [tokens] {role}: unknown role (known: {', '.join(TOKEN_ROLES)})")
        found[f"token_{role}"] = _convert(f"token_{role}", value, f"{path}: [tokens] {role}")
    for key, value in data.items():
        if key not in SETTINGS or key.startswith("token_"):
            known = ", ".join(s for s in SETTINGS if not s.startswith("token_"))
            raise ConfigError(f"{path}: {key}: unknown setting (known: {known}, [tokens])")
        found[key] = _convert(key, value, f"{path}: {key}")
    return found


def _convert(setting: str, value: Any, where: str) -> Any:
    kind = SETTINGS[setting]
    if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
        else:
            try:
                return kind(text)
            except ValueError:
                pass
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    wanted = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}[kind]
    raise ConfigError(f"{where}: must be {wanted} (got {value!r})")


def _build(merged: dict[str, Any]) -> Target:
    missing = [s for s in ("base_url", "org_id", "product_id", "token_read_write") if not merged.get(s)]
    if missing:
        raise ConfigError("missing settings: " + "; ".join(where_to_set(s) for s in missing))
    base_url = merged["base_url"].rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base_url: must be an http(s) URL (got {base_url!r})")
    for setting in ("product_id", "foreign_product_id"):
        if merged.get(setting) is not None and merged[setting] < 1:
            raise ConfigError(f"{setting}: must be a positive integer (got {merged[setting]})")
    if merged.get("foreign_product_id") == merged["product_id"]:
        raise ConfigError("foreign_product_id: must differ from product_id (it is a product NOT in the org)")
    for setting in ("max_examples", "max_steps"):
        if merged.get(setting) is not None and merged[setting] < 1:
            raise ConfigError(f"{setting}: must be at least 1 (got {merged[setting]})")
    for role in TOKEN_ROLES:
        token = merged.get(f"token_{role}")
        if token and not _HEADER_SAFE.fullmatch(token):
            raise ConfigError(
                f"token_{role}: must be one word of visible ASCII characters, as a Bearer token is "
                "(a space, line break or control character cannot go into an Authorization header)"
            )
    timeout = merged.get("timeout")
    if timeout is not None and not 0 < timeout < float("inf"):
        raise ConfigError(f"timeout: must be a number of seconds above 0 (got {timeout})")
    rate_limit = merged.get("rate_limit")
    if rate_limit is None:
        rate_limit = 0.0 if is_loopback(parts.hostname) else DEFAULT_REMOTE_RATE_LIMIT
    if not 0 <= rate_limit < float("inf"):
        raise ConfigError(f"rate_limit: must be >= 0 requests a second, 0 for no cap (got {rate_limit})")
    return Target(
        base_url=base_url,
        org_id=merged["org_id"],
        product_id=merged["product_id"],
        tokens=Tokens(
            read_write=merged["token_read_write"],
            read_only=merged.get("token_read_only") or None,
            write_only=merged.get("token_write_only") or None,
            other_org=merged.get("token_other_org") or None,
        ),
        foreign_product_id=merged.get("foreign_product_id"),
        allow_writes=bool(merged.get("allow_writes", False)),
        rate_limit=rate_limit,
        max_examples=merged.get("max_examples") or DEFAULT_MAX_EXAMPLES,
        max_steps=merged.get("max_steps") or DEFAULT_MAX_STEPS,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        seed=merged.get("seed"),
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
