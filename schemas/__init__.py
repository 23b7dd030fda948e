"""JSON Schemas of the Inventory & stock API: one file per body, one loader.

``load(name)`` returns a schema as a dict, ``validator(name)`` a compiled (cached)
validator, ``violations(name, instance)`` readable problems, ``openapi()`` the
OpenAPI 3.1 document assembled from the same files.
"""

from schemas._loader import (
    SCHEMA_NAMES,
    DocumentedLimits,
    Variant,
    Violation,
    documented_limits,
    load,
    rules,
    validator,
    violations,
)
from schemas._openapi import openapi

__all__ = [
    "SCHEMA_NAMES",
    "DocumentedLimits",
    "Variant",
    "Violation",
    "documented_limits",
    "load",
    "openapi",
    "rules",
    "validator",
    "violations",
]
