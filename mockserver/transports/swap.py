"""Attributes replaced while at least one route is active: the patches that send httpx's default
transports and the resolver to the fake. Entering and leaving a route costs a list operation (and,
for the first and the last route, a few ``setattr``), not a ``mock.patch`` per test."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

Route = TypeVar("Route")


class Routed(Generic[Route]):
    """``replacements()`` -- ``(owner, name, value)`` triples -- installed from the first active
    route to the last; the replacing functions read ``routes`` (newest last) and ``original()``."""

    def __init__(self, replacements: Callable[[], list[tuple[Any, str, Any]]]) -> None:
        self.routes: list[Route] = []
        self._replacements = replacements
        # (id(owner), name) -> (owner, what it was): read by the replacing functions on every call
        self._originals: dict[tuple[int, str], tuple[Any, Any]] = {}

    def original(self, owner: object, name: str) -> Any:
        """What ``owner.name`` was before the replacement."""
        return self._originals[(id(owner), name)][1]

    def active(self, route: Route) -> _Active[Route]:
        """A context manager: ``route`` is active inside the block."""
        return _Active(self, route)

    def add(self, route: Route) -> None:
        if not self.routes:
            replacements = self._replacements()
            self._originals = {(id(owner), name): (owner, getattr(owner, name)) for owner, name, _ in replacements}
            for owner, name, value in replacements:
                setattr(owner, name, value)
        self.routes.append(route)

    def remove(self, route: Route) -> None:
        self.routes.remove(route)
        if not self.routes:
            for (_, name), (owner, value) in reversed(self._originals.items()):
                setattr(owner, name, value)
            self._originals = {}


class _Active(Generic[Route]):
    __slots__ = ("_route", "_routed")

    def __init__(self, routed: Routed[Route], route: Route) -> None:
        self._routed, self._route = routed, route

    def __enter__(self) -> None:
        self._routed.add(self._route)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._routed.remove(self._route)
