"""E/I index and modularity of a split (dynamics.polarization.partition)."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import GraphKindError

pol = dyn.polarization


def bridge() -> tuple[nx.Graph, dict[str, str]]:
    """Two triangles a-b-c (L) and d-e-f (R) joined by the edge c-d."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")])
    g.add_edge("c", "d")
    return g, {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}


def karate() -> tuple[nx.Graph, dict[int, str]]:
    g = nx.karate_club_graph()
    return g, {n: g.nodes[n]["club"] for n in g}


def test_ei_known_answer():
    # 1 edge across, 6 inside: (1 - 6) / 7
    g, sides = bridge()
    r = pol.ei_index(g, sides=sides)
    assert r.value == pytest.approx(-5 / 7)
    assert (r.external, r.internal) == (1.0, 6.0)
    per_side = r.table("sides", backend="polars").sort("side")
    # each side: 3 internal edges, 1 external -> (1 - 3) / 4
    assert per_side.get_column("ei").to_list() == pytest.approx([-0.5, -0.5])


def test_modularity_known_answer():
    # m = 7; each side l = 3, d = 7: Q = 2 (3/7 - 1/4) = 5/14
    g, sides = bridge()
    assert pol.modularity(g, sides=sides).value == pytest.approx(5 / 14)


def test_weighted_ei_and_modularity():
    g, sides = bridge()
    nx.set_edge_attributes(g, 1.0, "w")
    g["c"]["d"]["w"] = 3.0
    # external 3, internal 6: (3 - 6) / 9
    assert pol.ei_index(g, sides=sides, weight="w").value == pytest.approx(-1 / 3)
    # total 9, each side: internal 3, strength 6 + 3 = 9 -> 2 (3/9 - (9/18)^2) = 2/3 - 1/2
    assert pol.modularity(g, sides=sides, weight="w").value == pytest.approx(1 / 6)


def test_karate_equals_independent_computation():
    g, sides = karate()
    external = sum(sides[u] != sides[v] for u, v in g.edges)
    internal = g.number_of_edges() - external
    assert pol.ei_index(g, sides=sides).value == pytest.approx(
        (external - internal) / (external + internal), abs=1e-15
    )
    groups = [{n for n in g if sides[n] == c} for c in ("Mr. Hi", "Officer")]
    # networkx's karate graph carries 'weight' (interaction counts): compare both ways
    assert pol.modularity(g, sides=sides).value == pytest.approx(
        nx.community.modularity(g, groups, weight=None), abs=1e-12
    )
    assert pol.modularity(g, sides=sides, weight="weight").value == pytest.approx(
        nx.community.modularity(g, groups, weight="weight"), abs=1e-12
    )


def test_all_labels_by_default_and_pair_restricts():
    g, sides = bridge()
    g.add_edge("f", "x")
    g.add_edge("x", "a")
    three = {**sides, "x": "M"}
    # all three labels: external c-d, f-x, x-a = 3, internal 6
    assert pol.ei_index(g, sides=three).value == pytest.approx(-3 / 9)
    r = pol.ei_index(g, sides=three, pair=("L", "R"))
    assert r.value == pytest.approx(-5 / 7)
    assert r.params["n_dropped"] == 1


def test_unlabelled_nodes_are_excluded():
    g, sides = bridge()
    g.add_edge("c", "u")  # u has no side: dropped with its edge
    assert pol.modularity(g, sides=sides).value == pytest.approx(5 / 14)


def test_relabelling_invariance():
    g, sides = karate()
    names = {n: f"user-{(n * 7) % 34}" for n in g}
    h = nx.relabel_nodes(g, names)
    s2 = {names[n]: side for n, side in sides.items()}
    flipped = {n: "B" if s == "Mr. Hi" else "A" for n, s in s2.items()}
    for f in (pol.ei_index, pol.modularity):
        assert f(h, sides=s2).value == pytest.approx(f(g, sides=sides).value)
        assert f(h, sides=flipped).value == pytest.approx(f(g, sides=sides).value)


def test_directed_and_igraph_input_give_the_same_value():
    g, sides = bridge()
    d = nx.DiGraph(list(g.edges) + [(v, u) for u, v in g.edges])
    ig_g = ig.Graph.TupleList(g.edges, directed=False)
    assert pol.ei_index(d, sides=sides).value == pytest.approx(-5 / 7)
    assert pol.ei_index(ig_g, sides=sides).value == pytest.approx(-5 / 7)


def test_null_model_significance_and_seed_determinism():
    g, sides = karate()
    r1 = pol.modularity(g, sides=sides, null="label-shuffle", n_null=99, seed=3)
    r2 = pol.modularity(g, sides=sides, null="label-shuffle", n_null=99, seed=3)
    assert r1.p_value == r2.p_value
    assert r1.z == r2.z
    assert r1.p_value == pytest.approx(0.01)  # no shuffle reaches the real split
    e = pol.ei_index(g, sides=sides, null="degree-preserving", n_null=30, seed=0)
    assert e.p_value is not None
    assert e.p_value < 0.1
    assert e.z < 0


def test_bootstrap_ci_on_a_discussion_and_note_for_graphs():
    two = pl.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5", "6"],
            "parent": [None, "1", "2", None, "4", "5"],
            "thread": ["t1", "t1", "t1", "t2", "t2", "t2"],
            "user": ["ann", "bob", "ann", "cy", "dan", "cy"],
            "body": list("abcdef"),
        }
    )
    sides = {"ann": "L", "bob": "L", "cy": "L", "dan": "R"}
    few = pol.ei_index(dyn.load(two), sides=sides, n_boot=20, seed=0)
    assert few.value == 0.0
    assert few.ci is None  # two threads: below the bootstrap minimum
    assert few.params["ci_reason"] == "no bootstrap interval: 2 threads, under the minimum of 10"
    assert few.params["ci_reason"] in few.warnings
    copies = [two.with_columns(pl.col("id", "parent", "thread") + f"_{k}") for k in range(5)]
    r = pol.ei_index(dyn.load(pl.concat(copies)), sides=sides, n_boot=20, seed=0)
    # edges ann-bob (in), cy-dan (across): (1 - 1) / 2
    assert r.value == 0.0
    assert r.ci is not None
    assert "ci_reason" not in r.params
    assert -1 <= r.ci[0] <= r.ci[1] <= 1
    g, s = bridge()
    with pytest.raises(ValueError, match="'n_boot' parameter of ei_index resamples threads"):
        pol.ei_index(g, sides=s, n_boot=20)
    assert pol.ei_index(g, sides=s).ci is None


def test_agreement_edges():
    g = nx.DiGraph()
    g.add_edge("a", "b", sign=1)
    g.add_edge("a", "c", sign=-1)
    g.add_edge("b", "c", sign=0)
    sides = {"a": "L", "b": "L", "c": "R"}
    # all edges: 2 across, 1 inside; agreement keeps a-b and b-c: 1 across, 1 inside
    assert pol.ei_index(g, sides=sides).value == pytest.approx(1 / 3)
    assert pol.ei_index(g, sides=sides, edges="agreement").value == 0.0
    unsigned = nx.Graph([("a", "b"), ("b", "c")])
    r = pol.modularity(unsigned, sides=sides, edges="agreement")
    assert math.isnan(r.value)
    assert "signed edges" in r.reason


def test_undefined_cases_return_nan_with_reason():
    g, _ = bridge()
    one = pol.ei_index(g, sides=dict.fromkeys(g, "L"))
    assert math.isnan(one.value)
    assert "two sides" in one.reason
    empty = nx.empty_graph(["a", "b"])
    r = pol.modularity(empty, sides={"a": "L", "b": "R"})
    assert math.isnan(r.value)
    assert r.reason
    missing = pol.ei_index(g, sides={"a": "L", "d": "R"}, pair=("L", "Z"))
    assert "'Z'" in missing.reason


def test_parameter_errors():
    g, sides = bridge()
    with pytest.raises(ValueError, match="The 'ci' parameter of ei_index must be in"):
        pol.ei_index(g, sides=sides, ci=1.5)
    with pytest.raises(ValueError, match="'null' parameter of modularity"):
        pol.modularity(g, sides=sides, null="shuffle")
    with pytest.raises(ValueError, match="'edges' parameter"):
        pol.ei_index(g, sides=sides, edges="positive")
    with pytest.raises(ValueError, match="'pair' parameter"):
        pol.ei_index(g, sides=sides, pair=("L", "L"))
    with pytest.raises(ValueError, match="'n_boot' parameter"):
        pol.ei_index(g, sides=sides, n_boot=1)
    with pytest.raises(TypeError, match="'sides' parameter"):
        pol.ei_index(g, sides=["L", "R"])
    with pytest.raises(GraphKindError):
        pol.modularity([("a", "b")], sides=sides)
