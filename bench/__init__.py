"""Benchmarks of the fake against baselines measured in the same run (``make bench``).

Every module exposes ``run(scale) -> list[Row]``; ``python -m bench`` runs them all and
writes ``docs/benchmarks.md``. Nothing here runs inside ``make test`` except a smoke
test that calls each ``run`` with ``Scale.tiny()`` (no timing assertions).
"""
