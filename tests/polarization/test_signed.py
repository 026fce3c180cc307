"""Frustration of a split and balanced triangles (dynamics.polarization.signed)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn

pol = dyn.polarization


def balanced() -> tuple[nx.Graph, dict[str, str]]:
    """Positive triangles a-b-c and d-e-f, negative edges c-d and a-e across."""
    g = nx.Graph()
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")]:
        g.add_edge(u, v, sign=1)
    g.add_edge("c", "d", sign=-1)
    g.add_edge("a", "e", sign=-1)
    return g, {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}


def test_known_answer_triangle():
    # a-b (+) inside: fine; b-c (+) across: frustrated; a-c (-) across: fine -> 1/3;
    # the one triangle has sign product -1: unbalanced
    g = nx.Graph()
    g.add_edge("a", "b", sign=1)
    g.add_edge("b", "c", sign=1)
    g.add_edge("a", "c", sign=-1)
    r = pol.frustration(g, sides={"a": "L", "b": "L", "c": "R"})
    assert r.value == pytest.approx(1 / 3)
    assert (r.frustrated, r.signed_edges) == (1.0, 3.0)
    assert r.balance == pytest.approx(1 / 3)
    assert (r.balanced_triangles, r.n_triangles) == (0.0, 1)


def test_balanced_split_has_zero_frustration():
    # triangles: a-b-c, d-e-f (+++, balanced) and none across (c-d, a-e share no third node)
    g, sides = balanced()
    r = pol.frustration(g, sides=sides)
    assert r.value == 0.0
    assert r.balance == 1.0
    assert r.balanced_triangles == 1.0
    assert r.n_triangles == 2
    # a wrong split frustrates: put c on R -> b-c, a-c positive across, c-d negative inside
    wrong = {**sides, "c": "R"}
    assert pol.frustration(g, sides=wrong).value == pytest.approx(3 / 8)


def test_directions_merge_by_sign_of_sum_and_neutral_pairs_drop():
    g = nx.DiGraph()
    g.add_edge("a", "b", sign=1)
    g.add_edge("b", "a", sign=-1)  # sum 0: neutral pair, left out
    g.add_edge("a", "c", sign=-1)
    g.add_edge("c", "a", sign=-1)
    g.add_edge("b", "c", sign=1)
    r = pol.frustration(g, sides={"a": "L", "b": "L", "c": "R"})
    # signed pairs: a-c (-) across fine, b-c (+) across frustrated -> 1/2
    assert r.signed_edges == 2.0
    assert r.value == pytest.approx(0.5)


def test_unsigned_graph_needs_sign_none():
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    sides = {"a": "L", "b": "L", "c": "R", "d": "R"}
    r = pol.frustration(g, sides=sides)
    assert math.isnan(r.value)
    assert "sign=None" in r.reason
    # all positive: frustration = share of edges across = (1 + E/I) / 2
    r2 = pol.frustration(g, sides=sides, sign=None)
    assert r2.value == pytest.approx((1 + pol.ei_index(g, sides=sides).value) / 2)
    assert math.isnan(r2.balanced_triangles)  # a path has no triangle


def test_weights():
    g, sides = balanced()
    nx.set_edge_attributes(g, 1.0, "w")
    wrong = {**sides, "c": "R"}
    g["c"]["d"]["w"] = 5.0
    # frustrated: b-c (1), a-c (1), c-d (5) of total 12
    assert pol.frustration(g, sides=wrong, weight="w").value == pytest.approx(7 / 12)


def test_null_models_seed_and_relabelling():
    g, sides = balanced()
    for i, n in enumerate("ghijkl"):
        g.add_edge(n, "abc"[i % 3] if i < 3 else "def"[i % 3], sign=1)
        sides[n] = "L" if i < 3 else "R"
    a = pol.frustration(g, sides=sides, null="label-shuffle", n_null=50, seed=2)
    b = pol.frustration(g, sides=sides, null="label-shuffle", n_null=50, seed=2)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    assert a.p_value < 0.1
    c = pol.frustration(g, sides=sides, null="degree-preserving", n_null=20, seed=2)
    assert 0 < c.p_value <= 1
    names = {n: n.upper() * 2 for n in g}
    h = nx.relabel_nodes(g, names)
    assert pol.frustration(h, sides={names[n]: s for n, s in sides.items()}).value == a.value


def test_annotated_discussion(seed_thread):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the seed thread has two empty comments
        d = dyn.load(seed_thread, infer_replies="adjacent").annotate(progress=False)
    authors = sorted(d.authors)
    sides = {a: "A" if i % 2 else "B" for i, a in enumerate(authors)}
    r = pol.frustration(d, sides=sides)
    assert math.isnan(r.value) or 0 <= r.value <= 1
    assert r.reason is None or isinstance(r.reason, str)


def test_undefined_and_errors():
    g, sides = balanced()
    r = pol.frustration(g, sides=dict.fromkeys(g, "L"))
    assert math.isnan(r.value)
    neutral = nx.Graph()
    neutral.add_edge("a", "b", sign=0)
    r2 = pol.frustration(neutral, sides={"a": "L", "b": "R"})
    assert math.isnan(r2.value)
    assert "no signed edge" in r2.reason
    with pytest.raises(ValueError, match="'ci' parameter of frustration"):
        pol.frustration(g, sides=sides, ci=0)
