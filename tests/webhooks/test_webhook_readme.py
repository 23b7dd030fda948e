"""The Python blocks of docs/alerts-and-faults.md ("Webhooks and fault injection") run as written."""

from __future__ import annotations

import re
from pathlib import Path

from mockserver import InventoryMock

PAGE = Path(__file__).parent.parent.parent / "docs" / "alerts-and-faults.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), re.S)


def test_the_page_has_its_two_examples() -> None:
    assert len(python_blocks()) == 2


def test_alerts_example_runs() -> None:
    exec(compile(python_blocks()[0], "docs/alerts-and-faults.md alerts example", "exec"), {})


def test_faults_example_runs_and_sets_what_it_says() -> None:
    mock = InventoryMock()
    namespace = {"mock": mock}
    code = python_blocks()[1].replace("mock.clear_faults()", "rules = mock.faults\nmock.clear_faults()")
    exec(compile(code, "docs/alerts-and-faults.md faults example", "exec"), namespace)
    assert [(rule["route"], rule["kind"]) for rule in namespace["rules"]] == [
        ("adjust", "status"),
        ("list", "status"),
        ("adjust", "disconnect"),
        ("log", "timeout"),
        ("history", "latency"),
        ("*", "status"),
        ("list", "disconnect"),
    ]
    assert mock.faults == []
