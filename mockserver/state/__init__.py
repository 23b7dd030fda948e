"""The fake's state and every behaviour rule (no Flask, no HTTP): store, records, journal, seeds."""
