"""Which mutant a fake runs, switched in O(1): the store's class and the app's readers.

No mutant: the faithful ``Store`` class and ``parsing``'s readers, so the request path runs
exactly the code it runs without this module. A switch takes effect for the next request on
every transport (in-process and a ``LiveServer``) because they share the store and the app.
"""

from __future__ import annotations

from mockserver.http.parsing import Readers
from mockserver.mutants.catalogue import Breakage, Mutant, breakage, mutant
from mockserver.mutants.stores import forget
from mockserver.state.store import Store

_FAITHFUL = Breakage()


class MutantSwitch:
    """Turns one mutant on (or none) for a store and the readers of its app."""

    def __init__(self, store: Store, readers: Readers) -> None:
        self._store = store
        self._readers = readers
        self._faithful_store = type(store)
        self._faithful_readers = Readers(readers.adjust, readers.days)
        self.current: Mutant | None = None

    def set(self, name: str | None) -> Mutant | None:
        """Run the mutant called ``name`` (``None``: the faithful fake); ``UnknownMutant`` if there is none."""
        chosen = None if name is None else mutant(name)
        broken = _FAITHFUL if chosen is None else breakage(chosen.name)
        with self._store.locked():  # no request is half-way through a store call meanwhile
            self._store.__class__ = broken.store or self._faithful_store
            self._readers.adjust = broken.adjust or self._faithful_readers.adjust
            self._readers.days = broken.days or self._faithful_readers.days
            forget(self._store)
            self.current = chosen
        return chosen
