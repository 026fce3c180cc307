"""exposure_entropy: entropy of the sides each user interacts with."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn
from dynamics.echo_chambers import exposure_entropy

STAR_SIDES = {"x": "L", "a": "L", "b": "R"}


def _star() -> nx.Graph:
    return nx.Graph([("x", "a"), ("x", "b")])


def _isolated_sides() -> nx.Graph:
    g = nx.Graph([("u", "v")])  # u and v have no side; a and b have no partner
    g.add_nodes_from(["a", "b"])
    return g


def test_star_known_answer():
    # x hears L (a) and R (b) half each: 1 bit; a and b hear only x: 0 bits -> mean 1/3
    r = exposure_entropy(_star(), sides=STAR_SIDES)
    assert r.value == pytest.approx(1 / 3, abs=1e-12)
    users = r.table("users", backend="polars").sort("author")
    assert users["author"].to_list() == ["a", "b", "x"]
    assert users["entropy"].to_list() == pytest.approx([0.0, 0.0, 1.0])
    assert users["own_share"].to_list() == pytest.approx([1.0, 0.0, 0.5])
    assert users["n_partners"].to_list() == [1, 1, 2]


def test_replies_given_and_received_weighted_by_count():
    # x replied 3 times to a (L) and was replied to once by b (R): p = (3/4, 1/4)
    g = nx.DiGraph()
    g.add_edge("x", "a", count=3)
    g.add_edge("b", "x", count=1)
    r = exposure_entropy(g, sides=STAR_SIDES, weight="count")
    users = r.table("users", backend="polars").sort("author")
    h = -(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25))
    assert users["entropy"].to_list() == pytest.approx([0.0, 0.0, h])
    assert users["interactions"].to_list() == [3.0, 1.0, 4.0]
    # unweighted (the default): one reply each way -> 1 bit
    assert exposure_entropy(g, sides=STAR_SIDES).value == pytest.approx(1 / 3)
    assert exposure_entropy(g, sides=STAR_SIDES, weight=None).value == pytest.approx(1 / 3)


def test_normalized_by_number_of_sides():
    # x talks with one user of each of three sides: log2(3) bits, 1 normalised;
    # the three leaves hear only x (side A): 0
    g = nx.Graph([("x", "a"), ("x", "b"), ("x", "c")])
    sides = {"x": "A", "a": "A", "b": "B", "c": "C"}
    assert exposure_entropy(g, sides=sides).value == pytest.approx(math.log2(3) / 4)
    assert exposure_entropy(g, sides=sides, normalized=True).value == pytest.approx(1 / 4)


def test_users_without_side_are_exposed_too():
    g = nx.Graph([("u", "a"), ("u", "b")])  # u has no side
    r = exposure_entropy(g, sides={"a": "L", "b": "R"})
    users = r.table("users", backend="polars").sort("author")
    assert users["author"].to_list() == ["u"]  # a and b only talk to u, who has no side
    assert users["side"].to_list() == [None]
    assert r.value == pytest.approx(1.0)


def test_karate_low_and_significant():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    r = exposure_entropy(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    # independent: entropy of each member's neighbours' clubs
    total = 0.0
    for n in g:
        shares = [
            sum(1 for m in g[n] if sides[m] == c) / g.degree(n) for c in ("Mr. Hi", "Officer")
        ]
        total -= sum(p * math.log2(p) for p in shares if p > 0)
    assert r.value == pytest.approx(total / 34, abs=1e-12)
    assert r.z < -2
    assert r.p_value < 0.05
    again = exposure_entropy(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    assert (again.z, again.p_value) == (r.z, r.p_value)


def test_relabelling_invariance():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    base = exposure_entropy(g, sides=sides).value
    mapping = {n: f"n{33 - n}" for n in g}
    renamed = {mapping[n]: c.upper() for n, c in sides.items()}
    assert exposure_entropy(nx.relabel_nodes(g, mapping), sides=renamed).value == (
        pytest.approx(base, abs=1e-12)
    )


@pytest.mark.parametrize(
    ("graph", "sides", "reason"),
    [
        (_star(), {"x": "L", "a": "L", "b": "L"}, "only one side"),
        (nx.empty_graph(["a", "b"]), {"a": "L", "b": "R"}, "no edges"),
        (_isolated_sides(), {"a": "L", "b": "R"}, "no user interacts"),
    ],
)
def test_undefined_cases_give_nan_with_reason(graph, sides, reason):
    r = exposure_entropy(graph, sides=sides, null="degree-preserving", n_null=3)
    assert math.isnan(r.value)
    assert reason in r.reason


def test_parameter_errors():
    with pytest.raises(ValueError, match="The 'normalized' parameter of exposure_entropy"):
        exposure_entropy(_star(), sides=STAR_SIDES, normalized="yes")
    with pytest.raises(ValueError, match="exactly one of"):
        exposure_entropy(_star())


def test_seed_thread_runs(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = {a: ("L", "R")[i % 2] for i, a in enumerate(sorted(d.authors))}
    r = exposure_entropy(d, sides=sides, null="label-shuffle", n_null=10, n_boot=5)
    assert r.defined or r.reason


def test_polblogs_low_exposure(polblogs):
    g, sides = polblogs
    r = exposure_entropy(g, sides=sides, normalized=True, null="label-shuffle", n_null=100)
    assert r.value < 0.35
    assert r.p_value < 0.02


def test_garimella_low_exposure(garimella):
    name, g, sides = garimella
    r = exposure_entropy(g, sides=sides, null="label-shuffle", n_null=100)
    assert r.value < 0.25, name
    assert r.p_value < 0.02, name


def test_sparse_and_dense_side_mix_agree(monkeypatch):
    # many sides x users switch to the sparse (sorted) path; both must give the same numbers
    from dynamics.echo_chambers import exposure

    g = nx.gnm_random_graph(200, 900, seed=8, directed=True)
    sides = {n: n % 7 for n in g if n % 11}
    dense = exposure_entropy(g, sides=sides).table("users", backend="polars")
    monkeypatch.setattr(exposure, "_DENSE_CELLS", 0)
    sparse = exposure_entropy(g, sides=sides).table("users", backend="polars")
    assert dense["author"].to_list() == sparse["author"].to_list()
    assert dense["entropy"].to_list() == pytest.approx(sparse["entropy"].to_list(), abs=1e-12)
    assert dense["interactions"].to_list() == sparse["interactions"].to_list()
