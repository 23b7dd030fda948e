"""The README's curl walk-through works as written against `inventory-mock serve`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.test_cli import running_server

README = Path(__file__).parent.parent / "README.md"


def _walkthrough() -> str:
    text = README.read_text("utf-8")
    section = text.split("## Walk-through", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_readme_walkthrough_runs_as_written() -> None:
    script = _walkthrough()
    assert "127.0.0.1:8080" in script
    with running_server("--port", "0") as served:
        output = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script.replace("http://127.0.0.1:8080", served.url)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    assert output.count('"status":"ok"') == 3  # sale, delivery, reset
    assert '"error":"insufficient_stock"' in output
    assert '"error":"insufficient_scope"' in output
    assert '"error":"unauthorized"' in output
    assert '"pos_ref":"TX-999"' in output  # the log shows the sale's metadata
    assert '"delta_on_hand":-2' in output  # and history the day's total
