"""assortativity: numeric (leaning) and nominal (sides) assortativity, Newman 2003."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest

import dynamics as dyn
from dynamics.echo_chambers import assortativity

PATH_SIDES = {"a": "L", "b": "L", "c": "R", "d": "R"}


def _path() -> nx.Graph:
    return nx.path_graph(["a", "b", "c", "d"])


def test_nominal_known_answer():
    # 6 edge directions: a<->b (L L), c<->d (R R), b<->c (cross): e_LL = e_RR = e_LR = e_RL
    # = ... 2/6, 2/6, 1/6, 1/6; a_L = b_L = 1/2 -> r = (4/6 - 1/2) / (1 - 1/2) = 1/3
    r = assortativity(_path(), sides=PATH_SIDES)
    assert r.value == pytest.approx(1 / 3, abs=1e-12)
    assert r.kind == "nominal"
    assert r.n_edges == 3
    mixing = r.table("mixing", backend="polars")
    assert mixing["share"].sum() == pytest.approx(1.0)
    assert mixing.filter(mixing["source_side"] == mixing["target_side"])["share"].sum() == (
        pytest.approx(4 / 6)
    )


def test_weighted_nominal_known_answer():
    # b - c weighs 2: arcs LL 2, RR 2, LR 2, RL 2 (of 8): trace 1/2, sum a_s b_s = 1/2 -> r = 0
    g = _path()
    nx.set_edge_attributes(g, 1, "count")
    g.edges["b", "c"]["count"] = 2
    assert assortativity(g, sides=PATH_SIDES, weight="count").value == pytest.approx(0.0, abs=1e-12)
    assert assortativity(g, sides=PATH_SIDES).value == pytest.approx(1 / 3)


def test_numeric_known_answer():
    # leanings -1, -1, 1, 1 on the path: edge-end pairs (-1,-1) x2, (1,1) x2, (-1,1), (1,-1):
    # means 0, variances 6/6, covariance (2 + 2 - 2) / 6 -> r = 1/3 (as the nominal one)
    lean = {"a": -1, "b": -1, "c": 1, "d": 1}
    r = assortativity(_path(), leaning=lean)
    assert r.value == pytest.approx(1 / 3, abs=1e-12)
    assert r.kind == "numeric"


def test_karate_equals_networkx_exactly():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    expected = nx.attribute_assortativity_coefficient(g, "club")
    assert assortativity(g, sides=sides).value == pytest.approx(expected, abs=1e-12)
    # two sides: nominal and numeric (-1 / +1) coincide on an undirected graph
    lean = {n: -1 if c == "Mr. Hi" else 1 for n, c in sides.items()}
    assert assortativity(g, leaning=lean).value == pytest.approx(expected, abs=1e-12)


def test_numeric_equals_networkx_and_igraph_on_random_leaning():
    rng = np.random.default_rng(4)
    g = nx.gnp_random_graph(60, 0.1, seed=4, directed=True)
    lean = {n: float(rng.uniform(-1, 1)) for n in g}
    nx.set_node_attributes(g, lean, "x")
    directed = assortativity(g, leaning=lean, directed=True).value
    assert directed == pytest.approx(nx.numeric_assortativity_coefficient(g, "x"), abs=1e-12)
    h = ig.Graph(n=60, edges=list(g.edges), directed=True)
    assert directed == pytest.approx(h.assortativity([lean[i] for i in range(60)]), abs=1e-12)
    undirected = assortativity(g, leaning=lean).value
    expected = nx.numeric_assortativity_coefficient(g.to_undirected(), "x")
    assert undirected == pytest.approx(expected, abs=1e-12)


def test_nominal_directed_equals_networkx():
    rng = np.random.default_rng(5)
    g = nx.gnp_random_graph(80, 0.08, seed=5, directed=True)
    sides = {n: str(rng.integers(0, 3)) for n in g}
    nx.set_node_attributes(g, sides, "side")
    r = assortativity(g, sides=sides, directed=True)
    assert r.value == pytest.approx(nx.attribute_assortativity_coefficient(g, "side"), abs=1e-12)


def test_weighted_numeric_equals_igraph():
    rng = np.random.default_rng(6)
    g = nx.gnm_random_graph(40, 120, seed=6)
    for u, v in g.edges:
        g.edges[u, v]["count"] = int(rng.integers(1, 6))
    lean = {n: float(rng.uniform(-1, 1)) for n in g}
    h = ig.Graph(n=40, edges=list(g.edges))
    expected = h.assortativity(
        [lean[i] for i in range(40)], directed=False, weights=[g.edges[e]["count"] for e in g.edges]
    )
    assert assortativity(g, leaning=lean, weight="count").value == pytest.approx(
        expected, abs=1e-12
    )


def test_relabelling_invariance():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    base = assortativity(g, sides=sides).value
    mapping = {n: f"user{(n * 7) % 34}" for n in g}
    h = nx.relabel_nodes(g, mapping)
    renamed = {mapping[n]: ("B" if c == "Mr. Hi" else "A") for n, c in sides.items()}
    assert assortativity(h, sides=renamed).value == pytest.approx(base, abs=1e-12)


def test_null_is_seeded_and_significant_on_karate():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    a = assortativity(g, sides=sides, null="label-shuffle", n_null=200, seed=1)
    b = assortativity(g, sides=sides, null="label-shuffle", n_null=200, seed=1)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    assert a.p_value == pytest.approx(1 / 201)  # no shuffle reaches 0.72
    c = assortativity(g, sides=sides, null="degree-preserving", n_null=50, seed=1)
    assert c.p_value < 0.05


@pytest.mark.parametrize(
    ("graph", "kwargs", "reason"),
    [
        (_path(), {"sides": {"a": "L", "b": "L", "c": "L"}}, "only one side"),
        (nx.empty_graph(["a", "b"]), {"sides": {"a": "L", "b": "R"}}, "no edges"),
        (_path(), {"sides": {"a": "L", "d": "R"}}, "no edge joins"),
        (_path(), {"leaning": {"a": 0.2, "b": 0.2, "c": 0.2}}, "do not vary"),
    ],
)
def test_undefined_cases_give_nan_with_reason(graph, kwargs, reason):
    r = assortativity(graph, **kwargs, null="label-shuffle", n_null=5)
    assert math.isnan(r.value)
    assert reason in r.reason


def test_parameter_errors():
    with pytest.raises(ValueError, match="The 'directed' parameter of assortativity"):
        assortativity(_path(), sides=PATH_SIDES, directed="yes")
    with pytest.raises(ValueError, match="The 'weight' parameter"):
        assortativity(_path(), sides=PATH_SIDES, weight=3)
    with pytest.raises(ValueError, match="The 'n_null' parameter"):
        assortativity(_path(), sides=PATH_SIDES, null="label-shuffle", n_null=0)
    with pytest.raises(ValueError, match="The 'ci' parameter"):
        assortativity(_path(), sides=PATH_SIDES, ci=1.5)
    with pytest.raises(ValueError, match="names a column"):
        assortativity(_path(), sides="club")


def test_seed_thread_runs(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = {a: ("L", "R")[i % 2] for i, a in enumerate(sorted(d.authors))}
    r = assortativity(d, sides=sides, null="degree-preserving", n_null=10)
    assert r.defined or r.reason
    assert -1 <= r.value <= 1 or math.isnan(r.value)


def test_polblogs_equals_networkx_and_is_significant(polblogs):
    g, sides = polblogs
    r = assortativity(g, sides=sides, directed=True, null="label-shuffle", n_null=100)
    # independent computation: networkx on the simple directed graph without self-loops
    h = nx.DiGraph()
    h.add_nodes_from((n, {"side": s}) for n, s in sides.items())
    h.add_edges_from((g.vs[e.source]["name"], g.vs[e.target]["name"]) for e in g.es)
    h.remove_edges_from(nx.selfloop_edges(h))
    assert r.value == pytest.approx(nx.attribute_assortativity_coefficient(h, "side"), abs=1e-12)
    assert r.value > 0.7
    assert r.p_value < 0.02


def test_garimella_strongly_assortative(garimella):
    name, g, sides = garimella
    r = assortativity(g, sides=sides, null="label-shuffle", n_null=100)
    nx.set_node_attributes(g, sides, "side")
    assert r.value == pytest.approx(nx.attribute_assortativity_coefficient(g, "side"), abs=1e-12)
    assert r.value > 0.8, name
    assert r.p_value < 0.02, name
