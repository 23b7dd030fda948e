"""The Python blocks of the README's "Webhooks and fault injection" section run as written."""

from __future__ import annotations

import re
from pathlib import Path

from mockserver import InventoryMock

README = Path(__file__).parent.parent.parent / "README.md"


def python_blocks() -> list[str]:
    section = README.read_text("utf-8").split("## Webhooks and fault injection", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_section_has_its_two_examples() -> None:
    assert len(python_blocks()) == 2


def test_alerts_example_runs() -> None:
    exec(compile(python_blocks()[0], "README alerts example", "exec"), {})


def test_faults_example_runs_and_sets_what_it_says() -> None:
    mock = InventoryMock()
    namespace = {"mock": mock}
    code = python_blocks()[1].replace("mock.clear_faults()", "rules = mock.faults\nmock.clear_faults()")
    exec(compile(code, "README faults example", "exec"), namespace)
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
