"""Which way the packages' imports point: no circle, every arrow down the room order.

Every import counts: module level, inside functions, under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("schemas", "mockserver", "contract_tests")

# Lowest first: a module may import only from its own room or a room before it.
ROOMS = (
    "schemas",
    "mockserver.api",  # what the document names: scopes, endpoints, the numbers
    "mockserver.errors",
    "mockserver.profile",  # the settings for what the document leaves open
    "mockserver.clock",
    "mockserver.faults",  # plan (data) and the app hooks that apply it
    "mockserver.transports",  # generic WSGI transports: in-process and loopback socket
    "mockserver.alerts",  # events, signing, delivery (calls receivers through transports)
    "mockserver.state",  # store, records, journal, seeds: every rule, no HTTP
    "mockserver.http",  # the Flask app and the control API
    "mockserver.mutants",  # the fake with one documented rule broken on purpose (store classes, readers)
    "mockserver.fake",  # InventoryMock
    "mockserver.cli",  # serve, openapi
    "mockserver.container",  # the container's entry command: serve from INVENTORY_MOCK_* variables
    "mockserver",  # the public surface
    "contract_tests.conformance",  # the kit: never the fake
    "contract_tests",  # the pytest plugin (built on the fake) and the inventory-mock composition root
)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(root: Path = ROOT) -> dict[str, Path]:
    return {_module_name(path, root): path for package in PACKAGES for path in (root / package).rglob("*.py")}


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Project-internal imports of each module (``from a import b`` counts as ``a.b`` when that is a module)."""
    found: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    for alias in node.names
                ]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            found[name].update(t for t in targets if t.split(".")[0] in PACKAGES and t != name)
    return found


def _room(module: str) -> str:
    return max((room for room in ROOMS if module == room or module.startswith(room + ".")), key=len)


def test_every_module_belongs_to_a_room() -> None:
    assert {_room(module) for module in _modules()} <= set(ROOMS)


def _upward(graph: dict[str, set[str]]) -> list[str]:
    rank = {room: index for index, room in enumerate(ROOMS)}
    return [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if rank[_room(target)] > rank[_room(module)]
    ]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return circles


def test_imports_point_down_the_room_order() -> None:
    assert _upward(_imports(_modules())) == []


def test_there_is_no_import_circle() -> None:
    assert _circles(_imports(_modules())) == []


def test_the_state_knows_no_http() -> None:
    modules = _modules()
    web = {"flask", "werkzeug", "requests", "responses", "granian"}
    offenders = []
    for name, path in modules.items():
        if _room(name) != "mockserver.state":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            offenders += [f"{name} imports {n}" for n in names if n.split(".")[0] in web]
    assert offenders == []


def test_an_upward_arrow_and_a_circle_are_caught(tmp_path: Path) -> None:
    for relative, text in {
        "mockserver/__init__.py": "",
        "mockserver/state/__init__.py": "",
        "mockserver/state/store.py": "if TYPE_CHECKING:\n    from mockserver.http import app\n",
        "mockserver/http/__init__.py": "",
        "mockserver/http/app.py": "def f():\n    from mockserver.state.store import Store\n",
        "mockserver/cli.py": "import contract_tests.conformance.cli\n",
        "contract_tests/__init__.py": "",
        "contract_tests/conformance/__init__.py": "",
        "contract_tests/conformance/cli.py": "",
    }.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    graph = _imports(_modules(tmp_path))
    assert _upward(graph) == [
        "mockserver.cli -> contract_tests.conformance.cli",
        "mockserver.state.store -> mockserver.http.app",
    ]
    assert _circles(graph) == [["mockserver.http.app", "mockserver.state.store", "mockserver.http.app"]]
