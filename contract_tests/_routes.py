"""The API's endpoints as the schemas' OpenAPI document lists them, and the one nearest a
request that matched none (strict mode's "no such endpoint" report)."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

import schemas

_PARAMETER = re.compile(r"^\{[^}]+\}$")


@dataclass(frozen=True)
class Endpoint:
    """One documented endpoint: ``GET /api/v2/public/orgs/{orgId}/inventory``."""

    method: str
    template: str

    def filled(self, path: str) -> str:
        """The template with the request's own segments where it has parameters."""
        given = path.strip("/").split("/")
        parts = self.template.strip("/").split("/")
        return "/" + "/".join(
            given[i] if _PARAMETER.match(part) and i < len(given) and given[i] else part for i, part in enumerate(parts)
        )

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


@functools.cache
def endpoints() -> tuple[Endpoint, ...]:
    """Every endpoint of the API document, in its order."""
    paths = schemas.openapi()["paths"]
    return tuple(Endpoint(method.upper(), template) for template, item in paths.items() for method in item)


def nearest(method: str, path: str) -> tuple[Endpoint, str]:
    """The documented endpoint most like ``method path``, and what to change to reach it."""

    def likeness(endpoint: Endpoint) -> tuple[float, bool]:
        ratio = difflib.SequenceMatcher(None, path, endpoint.filled(path), autojunk=False).ratio()
        return ratio, endpoint.method == method

    best = max(endpoints(), key=likeness)
    target = best.filled(path)
    changes = []
    if best.method != method:
        changes.append(f"the method {best.method}, not {method}")
    if path != target:
        if path.rstrip("/") == target:
            changes.append("no trailing slash")
        else:
            changes.append(_segments_changed(path, target))
    return best, "; ".join(changes) or "the same request"


def _segments_changed(path: str, target: str) -> str:
    given, wanted = path.strip("/").split("/"), target.strip("/").split("/")
    if len(given) != len(wanted):
        return f"{len(wanted)} path segments, not {len(given)}"
    return ", ".join(f"{w!r}, not {g!r}" for g, w in zip(given, wanted, strict=True) if g != w)
