"""The library's import graph: its subpackages and top-level modules import one another in one
direction only, counting imports inside functions too, and it never imports the app.

A node is a subpackage (`hfcompare.backends`, `hfcompare.storage`, ...) or a top-level module
(`hfcompare.config`, `hfcompare.refs`, ...). `hfcompare.cli` and `__main__` may import everything
and nothing imports them; the package's own `__init__` (the public `embed`/`generate`) is the same
kind of entry point. Imports of third-party libraries, lazy or not, are not edges.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "hfcompare"
ROOT = "hfcompare"
#: entry points: they may import any node, and no node may import them
ENTRY_POINTS = {"hfcompare", "hfcompare.cli", "hfcompare.__main__"}
#: what the library never imports: the app's pages and widgets, and Streamlit itself
APP = ("streamlit", "ui", "app_pages", "app")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _node(module: str) -> str | None:
    """The graph node `module` belongs to, or None outside hfcompare."""
    parts = module.split(".")
    if parts[0] != ROOT:
        return None
    return ".".join(parts[:2])


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Every module an Import or ImportFrom anywhere in `tree` names (absolute), with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == ROOT:   # `from hfcompare import refs` imports the module refs
                found += [(f"{ROOT}.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((target, node.lineno))
    return found


def _modules() -> dict[str, tuple[Path, ast.AST]]:
    return {_module_name(path): (path, ast.parse(path.read_text(), filename=str(path)))
            for path in sorted(PACKAGE.rglob("*.py"))}


def _graph() -> dict[str, dict[str, list[str]]]:
    """node -> imported node -> where ("hfcompare/x.py:12")."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, (path, tree) in _modules().items():
        source = _node(module)
        for target, line in _imported(tree, module, path.name == "__init__.py"):
            imported = _node(target)
            if imported is None or imported == source:
                continue
            if imported == ROOT and target != ROOT:   # `import hfcompare.x.y` names the node hfcompare.x
                continue
            graph[source][imported].append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    return graph


def _cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle as a path of nodes (first == last), or None."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _describe(graph: dict[str, dict[str, list[str]]], cycle: list[str]) -> str:
    steps = [f"  {a} -> {b}   ({', '.join(graph[a][b][:3])})" for a, b in zip(cycle, cycle[1:])]
    return "import cycle " + " -> ".join(cycle) + ":\n" + "\n".join(steps)


def test_the_graph_sees_the_library_and_imports_inside_functions():
    graph = _graph()
    nodes = set(graph) | {target for targets in graph.values() for target in targets}
    assert {"hfcompare.backends", "hfcompare.embeddings", "hfcompare.storage", "hfcompare.config"} <= nodes
    assert "hfcompare.backends" in graph["hfcompare.embeddings"]
    # hfcompare/__init__.py imports embeddings.runs only inside `embed`
    assert "hfcompare.embeddings" in graph["hfcompare"]


def test_the_cycle_finder_reports_the_path():
    graph = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:2"]}, "c": {"a": ["c.py:3"]}}
    cycle = _cycle(graph)
    assert cycle == ["a", "b", "c", "a"]
    assert "a -> b -> c -> a" in _describe(graph, cycle) and "c.py:3" in _describe(graph, cycle)
    assert _cycle({"a": {"b": ["x"]}, "b": {}}) is None


def test_no_import_cycle_between_subpackages_and_top_level_modules():
    graph = _graph()
    cycle = _cycle(graph)
    assert cycle is None, _describe(graph, cycle)


def test_nothing_in_the_library_imports_its_entry_points():
    graph = _graph()
    importers = {f"{source} -> {target}   ({', '.join(where[:3])})"
                 for source, targets in graph.items() if source not in ENTRY_POINTS
                 for target, where in targets.items() if target in ENTRY_POINTS}
    assert not importers, "\n".join(sorted(importers))


def test_the_library_never_imports_streamlit_or_the_app():
    found = []
    for module, (path, tree) in _modules().items():
        for target, line in _imported(tree, module, path.name == "__init__.py"):
            if target.split(".")[0] in APP:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not found, "\n".join(found)
