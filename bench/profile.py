"""Profile the hot paths with pyinstrument (``bench`` extra) and print the top of each profile.

``python -m bench.profile [--calls N] [--threshold 0.03]``: the in-process GET and POST (``requests``
through ``InventoryMock.intercept``), the WSGI app alone (what a server's worker runs per
request), and the per-test fixture cycle. Tree view, shares of the total.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable

import requests
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from bench.apps import ADJUST_BODY, ADJUST_PATH, LIST_PATH
from bench.subjects import ADJUST_URL, BASE_URL, HEADERS, LIST_URL, SessionMock, inventory_mock_fixture
from mockserver.fake import InventoryMock


def _wsgi_call(app: object, method: str, path: str, body: bytes) -> Callable[[], None]:
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
        "HTTP_HOST": "127.0.0.1:8080",
        "HTTP_AUTHORIZATION": HEADERS["Authorization"],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }

    def call() -> None:
        env = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        b"".join(app(env, lambda status, headers, exc_info=None: None))  # type: ignore[operator]

    return call


def profile(name: str, fn: Callable[[], object], calls: int, threshold: float) -> str:
    """The call tree of ``calls`` calls of ``fn``, frames under ``threshold`` of the total left out."""
    for _ in range(min(calls, 50)):
        fn()
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(calls):
        fn()
    profiler.stop()
    renderer = ConsoleRenderer(
        unicode=False, color=False, time="percent_of_total", processor_options={"filter_threshold": threshold}
    )
    lines = profiler.output(renderer).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Profile at")) + 2
    tree = "\n".join(line for line in lines[start:] if line.strip())
    return f"### {name} ({calls} calls)\n\n```\n{tree}\n```\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--threshold", type=float, default=0.03, help="leave out frames under this share")
    args = parser.parse_args()
    session = SessionMock()
    mock = InventoryMock()
    with mock.intercept(BASE_URL):
        cases: list[tuple[str, Callable[[], object]]] = [
            ("in-process GET list", lambda: requests.get(LIST_URL, headers=HEADERS, timeout=5)),
            (
                "in-process POST adjust",
                lambda: requests.post(
                    ADJUST_URL, json={"p1_id": 12345, "delta_on_hand": 1, "reason": "bench"}, headers=HEADERS, timeout=5
                ),
            ),
        ]
        for name, fn in cases:
            print(profile(name, fn, args.calls, args.threshold))
    print(
        profile(
            "WSGI app, GET list (a server's per-request work)",
            _wsgi_call(mock.app, "GET", LIST_PATH, b""),
            args.calls,
            args.threshold,
        )
    )
    post = _wsgi_call(mock.app, "POST", ADJUST_PATH, ADJUST_BODY)
    print(profile("WSGI app, POST adjust", post, args.calls, args.threshold))

    def cycle() -> None:
        with inventory_mock_fixture(session):
            pass

    print(profile("per-test fixture cycle", cycle, args.calls, args.threshold))


if __name__ == "__main__":
    main()
