"""The package's imports only point down its layers, and no two modules import each other.

The imports are read from the source with ``ast`` (module level and inside functions alike;
imports under ``if TYPE_CHECKING:`` are annotations only and are left out). The floors, from the
ground up:

0. ``errors``, ``_version``, ``_params``, ``_problems``, ``_progress``, ``_results``, ``_memo``,
   ``_allocator``, ``_sample_checks``, ``_words``,
   ``_docs``
1. ``model`` (the data contract, the Discussion, its checks and derived structures)
2. ``io`` and ``text`` (siblings: neither imports the other)
3. the metric families and their shared plumbing (``structure``, ``polarization``,
   ``echo_chambers``, ``escalation``, ``windows``, ``_validation``, ``_significance``, ...)
4. ``report``, ``cli`` and the public facade ``dynamics/__init__.py``
5. ``dashboard`` (outside the package; the CLI reaches it through an entry point)
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("dynamics", "dashboard")

GROUND = {
    "errors",
    "_version",
    "_params",
    "_problems",
    "_progress",
    "_results",
    "_memo",
    "_docs",
    "_allocator",
    "_sample_checks",
    "_words",
}
TOP = {"report", "cli", "__main__"}


def floor(module: str) -> tuple[int, str]:
    """``(floor, name of the part)`` of a module, e.g. ``(2, "io")`` for ``dynamics.io.tabular``."""
    parts = module.split(".")
    if parts[0] == "dashboard":
        return 5, "dashboard"
    if len(parts) == 1:
        return 4, "facade"
    part = parts[1]
    if part in GROUND:
        return 0, part
    if part == "model":
        return 1, "model"
    if part in {"io", "text"}:
        return 2, part
    if part in TOP:
        return 4, part
    return 3, part


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def _imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports at run time (resolved to modules, not names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in PACKAGES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] not in PACKAGES:
                continue
            names = [f"{source}.{a.name}" for a in node.names]
            submodules = [n for n in names if n in modules]
            found.update(submodules or [source])
    found.discard(module)
    return {m for m in found if m in modules}


def import_graph() -> nx.DiGraph:
    """module -> module it imports, for every module of ``dynamics`` and ``dashboard``."""
    files = {
        _module_name(p): p
        for package in PACKAGES
        for p in (REPO / package).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for module, path in files.items():
        graph.add_edges_from((module, dep) for dep in _imports(path, module, set(files)))
    return graph


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph()


def test_the_walk_sees_the_package(graph: nx.DiGraph) -> None:
    assert {"dynamics.model.discussion", "dynamics.io.tabular", "dashboard.app"} <= set(graph)
    assert graph.has_edge("dynamics.io", "dynamics.model.checks")


def test_no_import_circles(graph: nx.DiGraph) -> None:
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert circles == []


def test_imports_point_down(graph: nx.DiGraph) -> None:
    upward = []
    for module, dep in graph.edges:
        (lo, part), (hi, dep_part) = floor(module), floor(dep)
        siblings = lo == hi == 2 and part != dep_part
        if hi > lo or siblings:
            upward.append(f"{module} -> {dep}")
    assert upward == []


def test_the_model_does_not_reach_the_text_layer(graph: nx.DiGraph) -> None:
    model = [m for m in graph if m.startswith("dynamics.model")]
    reached = set().union(*(nx.descendants(graph, m) for m in model))
    assert not {m for m in reached if m.startswith(("dynamics.text", "dynamics.io"))}


def test_floors_of_known_modules() -> None:
    assert floor("dynamics.errors") == (0, "errors")
    assert floor("dynamics.model.schema") == (1, "model")
    assert floor("dynamics.text.stance") == (2, "text")
    assert floor("dynamics.polarization._common") == (3, "polarization")
    assert floor("dynamics.report.html") == (4, "report")
    assert floor("dashboard.callbacks.graph") == (5, "dashboard")
