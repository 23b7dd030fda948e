"""Fault injection: which request a rule hits (``plan``), how the app applies it (``hooks``)."""
