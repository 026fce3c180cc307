"""homogeneity: share of users whose interactions stay on their own side."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn
from dynamics.echo_chambers import homogeneity

STAR_SIDES = {"x": "L", "a": "L", "b": "R"}


def _star() -> nx.Graph:
    return nx.Graph([("x", "a"), ("x", "b")])


def test_star_known_answer():
    # own-side shares: x 1/2, a 1 (homogeneous), b 0 -> 1 of 3
    r = homogeneity(_star(), sides=STAR_SIDES)
    assert r.value == pytest.approx(1 / 3)
    users = r.table("users", backend="polars").sort("author")
    assert users["homogeneous"].to_list() == [True, False, False]
    # threshold 1/2: x joins a -> 2 of 3
    assert homogeneity(_star(), sides=STAR_SIDES, threshold=0.5).value == pytest.approx(2 / 3)


def test_threshold_uses_reply_counts():
    # x replied 3 times to a (L) and once to b (R): own share 3/4 with counts, 1/2 without
    g = nx.DiGraph()
    g.add_edge("x", "a", count=3)
    g.add_edge("x", "b", count=1)
    sides = STAR_SIDES
    users = homogeneity(g, sides=sides, threshold=0.7, weight="count").table(
        "users", backend="polars"
    )
    assert dict(users.select("author", "homogeneous").iter_rows())["x"] is True
    users = homogeneity(g, sides=sides, threshold=0.7, weight=None).table("users", backend="polars")
    assert dict(users.select("author", "homogeneous").iter_rows())["x"] is False


def test_users_without_side_or_labelled_partner_are_left_out():
    g = nx.Graph([("x", "a"), ("x", "b"), ("u", "a"), ("v", "w")])
    r = homogeneity(g, sides={**STAR_SIDES, "w": "R"})
    # u has no side; v has no side; w's only partner v has none -> x, a, b counted
    assert r.n_users == 3
    assert sorted(r.table("users", backend="polars")["author"].to_list()) == ["a", "b", "x"]


def test_karate_matches_independent_count():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    expected = sum(all(sides[m] == sides[n] for m in g[n]) for n in g) / g.number_of_nodes()
    r = homogeneity(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    assert r.value == pytest.approx(expected, abs=1e-12)
    assert r.value > 0.5
    assert r.p_value < 0.05
    again = homogeneity(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    assert (again.z, again.p_value) == (r.z, r.p_value)


def test_relabelling_invariance():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    base = homogeneity(g, sides=sides, threshold=0.8).value
    mapping = {n: f"n{(5 * n) % 34}" for n in g}
    renamed = {mapping[n]: len(c) for n, c in sides.items()}  # sides 6 and 7
    h = nx.relabel_nodes(g, mapping)
    assert homogeneity(h, sides=renamed, threshold=0.8).value == pytest.approx(base)


@pytest.mark.parametrize(
    ("graph", "sides", "reason"),
    [
        (_star(), {"x": "L", "a": "L"}, "only one side"),
        (nx.empty_graph(["a", "b"]), {"a": "L", "b": "R"}, "no edges"),
        (nx.Graph([("a", "u"), ("b", "v")]), {"a": "L", "b": "R"}, "no user with a side"),
    ],
)
def test_undefined_cases_give_nan_with_reason(graph, sides, reason):
    r = homogeneity(graph, sides=sides, null="label-shuffle", n_null=3)
    assert math.isnan(r.value)
    assert reason in r.reason


@pytest.mark.parametrize("threshold", [0, 1.5, "all"])
def test_threshold_errors(threshold):
    with pytest.raises(ValueError, match="The 'threshold' parameter of homogeneity"):
        homogeneity(_star(), sides=STAR_SIDES, threshold=threshold)


def test_seed_thread_runs(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = {a: ("L", "R")[i % 2] for i, a in enumerate(sorted(d.authors))}
    r = homogeneity(d, sides=sides, null="label-shuffle", n_null=10, n_boot=5)
    assert r.defined or r.reason


def test_polblogs_and_garimella_homogeneous(polblogs, garimella):
    g, sides = polblogs
    r = homogeneity(g, sides=sides, threshold=0.9, null="label-shuffle", n_null=100)
    assert r.value > 0.5
    assert r.p_value < 0.02
    name, g, sides = garimella
    r = homogeneity(g, sides=sides, threshold=0.8, null="label-shuffle", n_null=100)
    assert r.value > 0.85, name
    assert r.p_value < 0.02, name
