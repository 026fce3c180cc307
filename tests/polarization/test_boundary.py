"""Boundary polarization (Guerra et al. 2013), dynamics.polarization.boundary."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn
from dynamics.errors import UndefinedMetricError

pol = dyn.polarization


def bridge() -> tuple[nx.Graph, dict[str, str]]:
    """Two triangles a-b-c (L) and d-e-f (R) joined by the edge c-d."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")])
    g.add_edge("c", "d")
    return g, {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}


def test_known_answer():
    # c and d are the boundary: d_i = 2 (two internal neighbours), d_b = 1 -> 2/3 - 1/2
    g, sides = bridge()
    r = pol.boundary_polarization(g, sides=sides)
    assert r.value == pytest.approx(1 / 6)
    assert (r.n_boundary, r.n_internal) == (2, 4)
    table = r.table("boundary", backend="polars").sort("author")
    assert table.get_column("author").to_list() == ["c", "d"]
    assert table.get_column("d_internal").to_list() == [2.0, 2.0]
    assert table.get_column("d_boundary").to_list() == [1.0, 1.0]


def test_boundary_node_with_no_edge_to_the_other_boundary_counts():
    # b (L) links internal a and z (R); z has no internal neighbour, so z is not boundary:
    # b has d_i = 1, d_b = 0 -> score 1/2; w (R) is internal and isolated.
    g = nx.Graph([("a", "b"), ("b", "z")])
    g.add_node("w")
    r = pol.boundary_polarization(g, sides={"a": "L", "b": "L", "z": "R", "w": "R"})
    assert r.value == pytest.approx(0.5)
    assert r.n_boundary == 1


def test_edges_to_non_boundary_nodes_are_ignored():
    # bridge plus g (R) linked to c only: g is neither internal nor boundary, so c keeps
    # d_i = 2, d_b = 1 and P stays 1/6
    g, sides = bridge()
    g.add_edge("c", "g")
    assert pol.boundary_polarization(g, sides={**sides, "g": "R"}).value == pytest.approx(1 / 6)


def test_mixed_boundary_is_negative():
    # a-b (L) and x-y (R); b links x and y, x links a: b and x are boundary?
    # internal nodes: none of a, b, x... a has cross edge (a-x). Build explicitly:
    # L: a, b, i (i internal, linked to a and b); R: x, y, j (j internal, linked to x, y)
    # cross: a-x, a-y, b-x, b-y. a: d_i = 1 (i), d_b = 2 (x, y) -> 1/3 - 1/2 = -1/6; same for all
    g = nx.Graph([("i", "a"), ("i", "b"), ("j", "x"), ("j", "y")])
    g.add_edges_from([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")])
    sides = {"i": "L", "a": "L", "b": "L", "j": "R", "x": "R", "y": "R"}
    assert pol.boundary_polarization(g, sides=sides).value == pytest.approx(-1 / 6)


def test_weights():
    g, sides = bridge()
    nx.set_edge_attributes(g, 1.0, "w")
    g["c"]["d"]["w"] = 2.0
    # c: d_i = 2, d_b = 2 -> 0
    assert pol.boundary_polarization(g, sides=sides, weight="w").value == pytest.approx(0.0)


def test_relabelling_invariance_and_seed_determinism():
    g = nx.karate_club_graph()
    sides = {n: g.nodes[n]["club"] for n in g}
    ref = pol.boundary_polarization(g, sides=sides).value
    names = {n: f"u{33 - n}" for n in g}
    h = nx.relabel_nodes(g, names)
    assert pol.boundary_polarization(
        h, sides={names[n]: s for n, s in sides.items()}
    ).value == pytest.approx(ref)
    a = pol.boundary_polarization(g, sides=sides, null="label-shuffle", n_null=40, seed=1)
    b = pol.boundary_polarization(g, sides=sides, null="label-shuffle", n_null=40, seed=1)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    c = pol.boundary_polarization(g, sides=sides, null="degree-preserving", n_null=10, seed=1)
    assert 0 < c.p_value <= 1


def test_no_boundary_is_nan_with_reason():
    r = pol.boundary_polarization(nx.Graph([("a", "b")]), sides={"a": "L", "b": "R"})
    assert math.isnan(r.value)
    assert "no boundary node" in r.reason
    one = pol.boundary_polarization(nx.Graph([("a", "b")]), sides={"a": "L"})
    assert math.isnan(one.value)


def test_third_side_needs_pair():
    # a third side used to be dropped silently (the two largest compared); now the measure,
    # defined for two sides, asks which two, and compares the pair it is given
    g, sides = bridge()
    g.add_edge("a", "m")
    three = {**sides, "m": "M"}
    with pytest.raises(UndefinedMetricError, match="3 groups"):
        pol.boundary_polarization(g, sides=three)
    r = pol.boundary_polarization(g, sides=three, pair=("L", "R"))
    assert r.params["compared"] == ["L", "R"]
    assert r.value == pytest.approx(1 / 6)


def test_parameter_errors():
    g, sides = bridge()
    with pytest.raises(ValueError, match="'n_null' parameter of boundary_polarization"):
        pol.boundary_polarization(g, sides=sides, n_null=0)
    with pytest.raises(ValueError, match="'edges' parameter"):
        pol.boundary_polarization(g, sides=sides, edges="none")
