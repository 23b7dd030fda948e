"""Read and validate seeds: a JSON file, a dict, or the built-in demo seed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import schemas
from mockserver.errors import SeedError

SeedSource = str | Path | Mapping[str, Any] | None


def demo_seed() -> dict[str, Any]:
    """The built-in demo seed: a demo org with realistic products and three tokens."""
    text = resources.files(__package__).joinpath("demo_seed.json").read_text("utf-8")
    seed: dict[str, Any] = json.loads(text)
    return seed


def load_seed(source: SeedSource) -> tuple[dict[str, Any], str]:
    """Return ``(seed, label)`` for a path, a dict or ``None`` (the demo seed).

    Raises ``SeedError`` naming the file, the JSON path and the problem.
    """
    if source is None:
        return demo_seed(), "demo seed"
    if isinstance(source, Mapping):
        seed, label = dict(source), "seed"
    else:
        label = str(source)
        try:
            text = Path(source).read_text("utf-8")
        except OSError as error:
            raise SeedError(label, "$", f"cannot read the file: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise SeedError(label, "$", "the file is not UTF-8 text") from None
        try:
            seed = json.loads(text)
        except json.JSONDecodeError as error:
            raise SeedError(
                label, "$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            ) from None
    check_seed(seed, label)
    return seed, label


def check_seed(seed: object, label: str = "seed") -> None:
    """Raise ``SeedError`` if ``seed`` does not match the seed schema."""
    problems = schemas.violations("seed", seed, limit=1)
    if problems:
        raise SeedError(label, problems[0].path, problems[0].message)
