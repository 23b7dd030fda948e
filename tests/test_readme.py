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
    assert len(output.splitlines()) == script.count("curl -s")  # each answer ends with a newline


def _error_table() -> dict[str, list[str]]:
    """The README's table of refusals: the answer's cell -> the fields its `field` column names."""
    section = README.read_text("utf-8").split("`field` is there when", 1)[1].split("\n\n", 2)[1]
    rows = [line.split("|")[1:3] for line in section.splitlines() if re.match(r"\| \d{3} ", line)]
    return {answer.strip(): re.findall(r"`([^`]+)`", fields) for answer, fields in rows}


def test_readme_error_table_says_which_refusals_carry_field() -> None:
    from mockserver import InventoryMock
    from tests.conftest import OTHER_TOKEN, PREFIX, RO, RW

    client = InventoryMock().app.test_client()

    def send(method: str, path: str, token: str | None = RW, **kwargs: object) -> tuple[int, str, str | None]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = client.open(PREFIX + path, method=method, headers=headers, **kwargs)  # type: ignore[arg-type]
        assert answer.get_data(as_text=True).endswith("}\n")  # JSON, ending with a newline
        body = answer.get_json()
        return answer.status_code, body["error"], body.get("field")

    sale = {"p1_id": 12345, "reason": "POS sale"}
    provoked = {
        "400 `invalid_request`": [send("POST", "/adjust", json={"p1_id": 12345, "delta_on_hand": -1})],
        "401 `unauthorized`": [send("GET", "", token=None), send("GET", "", token="nobody")],
        "403 `insufficient_scope`": [send("POST", "/adjust", token=RO, json={**sale, "delta_on_hand": -1})],
        "403 `forbidden`": [send("GET", "", token=OTHER_TOKEN)],
        "404 `not_found` (a product not in": [
            send("POST", "/adjust", json={**sale, "p1_id": 99999, "delta_on_hand": 1}),
            send("GET", "/99999/log"),
            send("GET", "/99999/history"),
        ],
        "404 `not_found` (a path that": [send("GET", "/")],
        "405 `method_not_allowed`": [send("DELETE", "/adjust")],
        "409 `insufficient_stock`": [
            send("POST", "/adjust", json={**sale, "delta_on_hand": -51}),
            send("POST", "/adjust", json={**sale, "delta_incoming": -1}),
        ],
        "413 `payload_too_large`": [
            send("POST", "/adjust", data=b"{" + b" " * 70_000 + b"}", content_type="application/json")
        ],
        "415 `unsupported_media_type`": [send("POST", "/adjust", data=b"p1_id=1", content_type="text/plain")],
    }
    table = _error_table()
    assert len(table) == len(provoked)
    for answer, expected in table.items():
        (case,) = [key for key in provoked if answer.startswith(key)]
        answers = provoked[case]
        status, code = int(answer[:3]), re.findall(r"`([^`]+)`", answer)[0]
        assert [(s, c) for s, c, _ in answers] == [(status, code)] * len(answers), (answer, answers)
        fields = [f for _, _, f in answers]
        if expected:  # each answer names one of the row's fields, and each of them is named
            assert set(fields) == set(expected), (answer, answers)
        else:
            assert fields == [None] * len(answers), (answer, answers)
