"""models/ imports point one way: no circles among its modules, nothing from the UI above.

Every import counts, also those inside functions or under TYPE_CHECKING: a circle
that only runs late is still two modules that each need the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(MODELS.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in MODELS.rglob("*.py")}
    return {
        name: {other for other in _imported(ast.parse(path.read_text())) if other in files} - {name}
        for name, path in files.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, done = [], set()

    def visit(name: str, path: list[str]) -> None:
        for other in sorted(graph[name]):
            if other in path:
                found.append(path[path.index(other) :] + [other])
            elif other not in done:
                visit(other, [*path, other])
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_no_import_circle_among_models_modules():
    graph = _graph()
    assert {"models.registry", "models.inspection", "models.kinds.text_cnn"} <= set(graph)
    assert _cycles(graph) == []


def test_models_never_import_the_ui():
    for path in MODELS.rglob("*.py"):
        above = {
            name
            for name in _imported(ast.parse(path.read_text()))
            if name.split(".")[0] in ("dashboard", "app", "streamlit")
        }
        assert not above, f"{path.name} imports {sorted(above)}"


def test_test_files_share_helpers_through_helper_modules_not_each_other():
    """A test file imported by another runs its module-level code and fixtures twice, and a
    helper moved with its tests breaks files nobody opened: shared helpers live in
    tests/factories.py, tests/apptest_helpers.py and the other non-test modules."""
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from tests.test_", "import tests.test_"))
    ]
    assert not offenders, offenders
