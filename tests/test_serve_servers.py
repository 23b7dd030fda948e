"""``inventory-mock serve`` on each server: banner names a live port, state is shared, SIGTERM/SIGINT stop it."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("inventory-mock"))
AUTH = {"Authorization": "Bearer demo-read-write", "Content-Type": "application/json"}


def _call(url: str, data: bytes | None = None) -> dict[str, object]:
    request = urllib.request.Request(url, data=data, headers=AUTH, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.mark.parametrize(("server", "signum"), [("granian", signal.SIGTERM), ("werkzeug", signal.SIGINT)])
def test_serve_answers_shares_state_and_stops_cleanly(server: str, signum: int) -> None:
    process = subprocess.Popen(
        [CLI, "serve", "--port", "0", "--quiet", "--server", server], stdout=subprocess.PIPE, text=True
    )
    try:
        banner = process.stdout.readline()  # type: ignore[union-attr]
        base = re.search(r"on (http://\S+)", banner).group(1)  # type: ignore[union-attr]
        inventory = f"{base}/api/v2/public/orgs/demo-org/inventory"
        before = _call(inventory)["data"][0]["stockquantity"]  # type: ignore[index]
        for _ in range(3):
            _call(f"{inventory}/adjust", json.dumps({"p1_id": 12345, "reason": "t", "delta_on_hand": 1}).encode())
        assert _call(inventory)["data"][0]["stockquantity"] == before + 3  # type: ignore[index]
    finally:
        process.send_signal(signum)
        try:
            out, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    assert process.returncode == 0
    assert "inventory-mock: stopped" in out
