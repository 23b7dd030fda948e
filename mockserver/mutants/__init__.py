"""Mutants: the fake with one documented rule broken on purpose (issue 12).

``MUTANTS`` is the catalogue (docs/mutants.md); ``InventoryMock(mutant=...)`` /
``set_mutant(name)`` run one. A test suite that still passes against a mutant would not
notice a server that breaks that rule.
"""

from mockserver.errors import UnknownMutant
from mockserver.mutants.catalogue import MUTANTS, Mutant, mutant
from mockserver.mutants.switch import MutantSwitch

__all__ = ["MUTANTS", "Mutant", "MutantSwitch", "UnknownMutant", "mutant"]
