"""The sides modules import without a circle: the type is a leaf, the dispatcher imports the methods.

Checked from the source with ``ast`` (module-level and function-level imports alike), as the
house issue asks; the package-wide layer test belongs to the integrator.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dynamics.polarization as pol

PACKAGE = Path(pol.__file__).parent


def _imports() -> dict[str, set[str]]:
    """``module -> polarization modules it imports``, for every module of the package."""
    out = {}
    for path in PACKAGE.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "dynamics.polarization."
            ):
                deps.add(node.module.rsplit(".", 1)[1])
        out[path.stem] = deps
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_in_polarization() -> None:
    graph = _imports()
    assert _cycle(graph) is None, _cycle(graph)
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]  # the check itself can fail


def test_sides_type_is_a_leaf_and_methods_import_it() -> None:
    graph = _imports()
    # the type imports only the coverage helper, which imports nothing of the package's sides
    assert graph["_sides_type"] <= {"_coverage"}
    assert graph["_coverage"] == set()
    for method in ("_communities", "_propagation", "_signed_split"):
        assert "_sides_type" in graph[method]
        assert "_sides" not in graph[method]
    assert {"_communities", "_propagation", "_signed_split"} <= graph["_sides"]


def test_public_names_unchanged() -> None:
    assert pol.sides.__module__ == "dynamics.polarization._sides"
    assert pol.Sides.__name__ == "Sides"
    assert "leiden" in pol._sides.METHODS
