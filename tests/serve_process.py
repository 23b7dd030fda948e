"""``inventory-mock serve`` as a subprocess on 127.0.0.1: the URL its banner names, stopped on exit."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLI = str(Path(sys.executable).with_name("inventory-mock"))


@contextmanager
def serving(*options: str, server: str = "granian") -> Iterator[str]:
    """Run ``inventory-mock serve --server SERVER --port 0 --quiet OPTIONS``; yields its base URL."""
    process = subprocess.Popen(
        [CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--quiet", "--server", server, *options],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()  # type: ignore[union-attr]  # blocks until it listens (or exits)
        found = re.search(r"on (http://\S+)", banner)
        assert found, f"no URL in the banner: {banner!r}"
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
