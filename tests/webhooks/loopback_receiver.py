"""A webhook receiver that records every POST and answers scripted statuses."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, request


@dataclass
class Receiver:
    """Records every POST; answers ``statuses`` in turn, then 200."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Flask:
        app = Flask("receiver")

        @app.post("/hook")
        def hook() -> tuple[str, int]:
            with self.lock:
                self.received.append((dict(request.headers), request.get_data()))
                status = self.statuses.pop(0) if self.statuses else 200
            return "", status

        return app
