"""Random Walk Controversy (Garimella et al. 2018), dynamics.polarization.walks."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn

pol = dyn.polarization
rwc = pol.random_walk_controversy


def bridge() -> tuple[nx.Graph, dict[str, str]]:
    """Two triangles a-b-c (L) and d-e-f (R) joined by the edge c-d."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")])
    g.add_edge("c", "d")
    return g, {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}


def test_known_answer():
    # hubs (k=1) c and d. From a or b the walk ends at c; from c (at least one step) it ends
    # at c w.p. 2/3, at d w.p. 1/3. Each side ends at home w.p. 8/9: RWC = 64/81 - 1/81 = 7/9
    g, sides = bridge()
    r = rwc(g, sides=sides, k=1, n_walks=40_000, seed=0)
    assert r.value == pytest.approx(7 / 9, abs=0.015)
    assert r.p_xx == pytest.approx(8 / 9, abs=0.01)
    assert r.p_yx == pytest.approx(1 / 9, abs=0.01)
    assert r.n_unfinished == 0
    walks = r.table("walks", backend="polars")
    assert walks.get_column("n").sum() == 80_000
    assert sorted(r.table("hubs").author) == ["c", "d"]


def test_separate_sides_give_exactly_one():
    # no cross edge: every walk ends on its own side, P_XX = P_YY = 1, P_XY = P_YX = 0
    g = nx.Graph([("a", "b"), ("b", "c"), ("d", "e"), ("e", "f")])
    sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    assert rwc(g, sides=sides, k=1, n_walks=500).value == 1.0


def test_hub_ties_by_node_order():
    # a 6-cycle: every degree is 2, so the hubs are the first node of each side
    g = nx.cycle_graph(["p", "q", "r", "s", "t", "u"])
    sides = {"p": "L", "q": "L", "r": "L", "s": "R", "t": "R", "u": "R"}
    hubs = rwc(g, sides=sides, k=1, n_walks=100).table("hubs", backend="polars")
    assert hubs.get_column("author").to_list() == ["p", "s"]


def test_walks_without_reachable_hub_are_unfinished():
    g, sides = bridge()
    g.add_edge("g1", "g2")  # a component without hubs (degree 1 < 3)
    s = {**sides, "g1": "L", "g2": "R"}
    r = rwc(g, sides=s, k=1, n_walks=4000, seed=0)
    # 1 of 4 L nodes and 1 of 4 R nodes sit in it: about 2000 of 8000 walks cannot end
    assert 1700 < r.n_unfinished < 2300
    assert r.value == pytest.approx(7 / 9, abs=0.03)


def test_weights_steer_the_walk():
    g, sides = bridge()
    nx.set_edge_attributes(g, 1.0, "w")
    g["c"]["d"]["w"] = 10.0
    plain = rwc(g, sides=sides, k=1, n_walks=5000, seed=0).value
    heavy = rwc(g, sides=sides, k=1, n_walks=5000, seed=0, weight="w").value
    # from c the walk now crosses w.p. 10/12: home w.p. (2 + 2/12) / 3, RWC = 2 * 13/18 - 1
    assert heavy == pytest.approx(2 * 13 / 18 - 1, abs=0.03)
    assert heavy < plain


def test_seed_determinism_and_karate_stability():
    g = nx.karate_club_graph()
    sides = {n: g.nodes[n]["club"] for n in g}
    assert rwc(g, sides=sides, seed=5).value == rwc(g, sides=sides, seed=5).value
    values = [rwc(g, sides=sides, seed=s).value for s in range(5)]
    assert max(values) - min(values) <= 0.02
    assert min(values) > 0.5  # the club split is well separated


def test_relabelling_invariance():
    g = nx.karate_club_graph()
    sides = {n: g.nodes[n]["club"] for n in g}
    names = {n: f"u{n:02d}" for n in g}  # same node order, new names
    h = nx.relabel_nodes(g, names)
    a = rwc(g, sides=sides, seed=0).value
    b = rwc(h, sides={names[n]: s for n, s in sides.items()}, seed=0).value
    assert a == b
    swapped = {n: "X" if s == "Officer" else "Y" for n, s in sides.items()}
    # swapping which side is X leaves the (symmetric) formula unchanged up to sampling
    assert rwc(g, sides=swapped, seed=0).value == pytest.approx(a, abs=0.02)


def test_null_model():
    g = nx.karate_club_graph()
    sides = {n: g.nodes[n]["club"] for n in g}
    r = rwc(g, sides=sides, n_walks=1000, null="label-shuffle", n_null=19, seed=0)
    assert r.p_value == pytest.approx(0.05)
    assert r.z > 3


def test_undefined_and_errors():
    g, sides = bridge()
    r = rwc(g, sides=dict.fromkeys(g, "L"))
    assert math.isnan(r.value)
    assert r.reason
    with pytest.raises(ValueError, match="'k' parameter of random_walk_controversy"):
        rwc(g, sides=sides, k=0)
    with pytest.raises(ValueError, match="'n_walks' parameter"):
        rwc(g, sides=sides, n_walks=-5)
