"""Sides with more than two groups, and labels other than 0 / 1, in the echo-chamber measures.

The measures of sides use every group; ``neighbour_leaning``, which reads sides as a leaning
(two poles), raises ``UndefinedMetricError`` for more than two unless ``pair`` chooses two.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

import dynamics as dyn
from dynamics.errors import DynamicsError, UndefinedMetricError

echo = dyn.echo_chambers


def ring() -> tuple[nx.Graph, dict[str, str]]:
    """Three triangles A = a-b-c, B = d-e-f, C = g-h-i in a ring: c-d, f-g, i-a.

    Every triangle has 3 inside edges, 2 across and degree sum 8 (of 24).
    """
    g = nx.Graph()
    for u, v, w in ("abc", "def", "ghi"):
        g.add_edges_from([(u, v), (v, w), (u, w)])
    g.add_edges_from([("c", "d"), ("f", "g"), ("i", "a")])
    return g, {u: "A" if u in "abc" else "B" if u in "def" else "C" for u in g}


def only(sides: dict[str, str], keep: tuple[str, str]) -> dict[str, str]:
    return {u: s for u, s in sides.items() if s in keep}


# ------------------------------------------------------------- measures of sides: all groups
def test_nominal_assortativity_of_three_groups():
    g, sides = ring()
    r = echo.assortativity(g, sides=sides)
    # e_ss = 6/24 each, a_s = b_s = 8/24: r = (3/4 - 1/3) / (1 - 1/3) = 5/8
    assert r.value == pytest.approx(5 / 8)
    assert r.table("mixing", backend="polars").height == 9
    nx.set_node_attributes(g, sides, "side")
    assert r.value == pytest.approx(nx.attribute_assortativity_coefficient(g, "side"))


def test_insularity_and_conductance_of_three_groups():
    g, sides = ring()
    # each triangle: 6 arc ends stay inside, 2 leave (c -> d, a -> i for A): 6 / 8
    r = echo.insularity(g, sides=sides)
    assert r.value == pytest.approx(0.75)
    assert r.n_sides == 3
    # each triangle: cut 2, volume 8, the rest 16: 2 / 8
    assert echo.conductance(g, sides=sides).value == pytest.approx(0.25)


def test_exposure_and_homogeneity_of_three_groups():
    g, sides = ring()
    # per triangle two users hear their own side 2/3 and one other 1/3, one only their own
    h = -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3))
    assert echo.exposure_entropy(g, sides=sides).value == pytest.approx(2 / 3 * h)
    normalized = echo.exposure_entropy(g, sides=sides, normalized=True).value
    assert normalized == pytest.approx(2 / 3 * h / math.log2(3))
    # b, e and h talk to their own side only
    assert echo.homogeneity(g, sides=sides).value == pytest.approx(1 / 3)


def test_found_communities_all_count():
    g, _ = ring()
    s = dyn.polarization.sides(g, method="leiden", n_sides=None, seed=0)
    assert len(s.sizes) == 3
    assert echo.insularity(g, sides=s).value == pytest.approx(0.75)
    assert echo.assortativity(g, sides=s).value == pytest.approx(5 / 8)


# ------------------------------------------------------------- neighbour_leaning: two poles
def test_neighbour_leaning_refuses_three_groups():
    g, sides = ring()
    with pytest.raises(UndefinedMetricError) as info:
        echo.neighbour_leaning(g, sides=sides)
    text = str(info.value)
    assert text.startswith("neighbour_leaning compares two sides")
    assert "3 groups with users in the graph: 'A' (3 users), 'B' (3), 'C' (3)" in text
    assert "pair=('A', 'B')" in text
    assert "pass 'leaning' instead" in text
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, DynamicsError)


def test_neighbour_leaning_pair_compares_two_groups():
    g, sides = ring()
    r = echo.neighbour_leaning(g, sides=sides, pair=("A", "B"))
    alone = echo.neighbour_leaning(g, sides=only(sides, ("A", "B")))
    assert r.value == pytest.approx(alone.value)
    assert r.params["pair"] == ("A", "B")
    # a, b, c at -1 and d, e, f at +1; C has no leaning. Means over neighbours with one:
    # a: (b, c) -1; b: -1; c: (a, b, d) -1/3; d: (c, e, f) 1/3; e: 1; f: (d, e) 1
    users = r.table("users", backend="polars")
    assert users.get_column("author").to_list() == list("abcdef")
    assert users.get_column("out_mean").to_list() == pytest.approx([-1, -1, -1 / 3, 1 / 3, 1, 1])
    # corr((-1, -1, -1, 1, 1, 1), (-1, -1, -1/3, 1/3, 1, 1)) = 14/3 / sqrt(6 * 38/9)
    assert r.value == pytest.approx((14 / 3) / math.sqrt(6 * 38 / 9))


def test_neighbour_leaning_pair_order_sets_the_poles():
    g, sides = ring()
    flipped = echo.neighbour_leaning(g, sides=sides, pair=("B", "A"))
    users = flipped.table("users", backend="polars")
    assert users.get_column("leaning").to_list() == [1, 1, 1, -1, -1, -1]
    assert flipped.value == pytest.approx(
        echo.neighbour_leaning(g, sides=sides, pair=("A", "B")).value
    )


def test_neighbour_leaning_two_groups_any_labels():
    g, sides = ring()
    two = only(sides, ("A", "B"))
    want = echo.neighbour_leaning(g, sides=two).value
    for codes in ({"A": 0, "B": 1}, {"A": -1, "B": 1}, {"A": 1, "B": 0}):
        labels = {u: codes[s] for u, s in two.items()}
        assert echo.neighbour_leaning(g, sides=labels).value == pytest.approx(want)


def test_neighbour_leaning_pair_errors_and_reasons():
    g, sides = ring()
    with pytest.raises(ValueError, match="The 'pair' parameter of neighbour_leaning"):
        echo.neighbour_leaning(g, leaning={"a": -1, "d": 1}, pair=("A", "B"))
    with pytest.raises(ValueError, match="The 'pair' parameter of neighbour_leaning"):
        echo.neighbour_leaning(g, sides=sides, pair=("A", "A"))
    r = echo.neighbour_leaning(g, sides=sides, pair=("A", "Z"))
    assert math.isnan(r.value)
    assert r.reason == "side 'Z' of pair has no users in the graph"


def test_neighbour_leaning_null_keeps_the_pair():
    g, sides = ring()
    r = echo.neighbour_leaning(g, sides=sides, pair=("A", "B"), null="label-shuffle", n_null=20)
    assert r.p_value is not None
