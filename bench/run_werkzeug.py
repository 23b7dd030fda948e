"""Serve ``module:attribute`` with werkzeug's threaded server (the fake's ``LiveServer``), quietly.

``python -m bench.run_werkzeug bench.apps:bare_app PORT``; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import importlib
import signal
import sys
import threading

from mockserver.transports.live_server import LiveServer


def main(target: str, port: int) -> None:
    module, attribute = target.split(":")
    app = getattr(importlib.import_module(module), attribute)
    server = LiveServer(app, "127.0.0.1", port)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    server.start()
    stopping.wait()
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
