"""Sides with more than two groups, and labels other than 0 / 1, in every polarization measure.

Measures defined for any number of groups (E/I, modularity, cross-side hostility) use them all;
measures defined for two sides (RWC, boundary polarization, frustration, the leaning
distributions) raise ``UndefinedMetricError`` naming the groups, or compare the ``pair`` they
are given. Two groups give the same number whatever the labels (0 / 1, -1 / 1, "L" / "R").
"""

from __future__ import annotations

import warnings

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import DynamicsError, UndefinedMetricError

pol = dyn.polarization


def ring() -> tuple[nx.Graph, dict[str, str]]:
    """Three triangles A = a-b-c, B = d-e-f, C = g-h-i in a ring: c-d, f-g, i-a.

    12 edges, 9 inside a triangle and 3 across; every triangle's degree sum is 8.
    """
    g = nx.Graph()
    for u, v, w in ("abc", "def", "ghi"):
        g.add_edges_from([(u, v), (v, w), (u, w)])
    g.add_edges_from([("c", "d"), ("f", "g"), ("i", "a")])
    return g, {u: "A" if u in "abc" else "B" if u in "def" else "C" for u in g}


def signed_ring() -> tuple[nx.Graph, dict[str, str]]:
    """The ring with positive edges inside the triangles and negative ones across."""
    g, sides = ring()
    for u, v in g.edges:
        g.edges[u, v]["sign"] = 1 if sides[u] == sides[v] else -1
    return g, sides


def only(sides: dict[str, str], keep: tuple[str, str]) -> dict[str, str]:
    return {u: s for u, s in sides.items() if s in keep}


# ------------------------------------------------------------------ k groups: all of them
def test_ei_index_uses_every_group():
    g, sides = ring()
    r = pol.ei_index(g, sides=sides)
    # EL = 3, IL = 9: (3 - 9) / 12
    assert r.value == pytest.approx(-0.5)
    assert r.params["compared"] == ["A", "B", "C"]
    assert r.params["n_dropped"] == 0
    table = r.table("sides", backend="polars")
    # each triangle: 3 internal, 2 external edges: (2 - 3) / 5
    assert table.get_column("ei").to_list() == pytest.approx([-0.2] * 3)


def test_modularity_uses_every_group():
    g, sides = ring()
    # m = 12, l_s = 3, d_s = 8: Q = 3 (3/12 - (8/24)^2) = 5/12
    value = pol.modularity(g, sides=sides).value
    assert value == pytest.approx(5 / 12)
    groups = [{u for u in g if sides[u] == s} for s in "ABC"]
    assert value == pytest.approx(nx.community.modularity(g, groups))


def test_pair_restricts_a_k_group_measure_to_two():
    g, sides = ring()
    # A and B: a-b-c-d-e-f with 6 internal edges and c-d across: (1 - 6) / 7
    r = pol.ei_index(g, sides=sides, pair=("A", "B"))
    assert r.value == pytest.approx(-5 / 7)
    assert r.params["n_dropped"] == 3
    assert r.value == pol.ei_index(g, sides=only(sides, ("A", "B"))).value


def test_cross_side_hostility_uses_every_group():
    # ann, dan (L), bob (R), cy (M): bob -> ann 0.8 and cy -> bob 0.6 cross, dan -> ann 0.2
    # stays inside L. All groups: cross 0.7 / within 0.2 = 3.5; only L and R: 0.8 / 0.2 = 4.
    d = dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3", "4"],
                "parent": [None, "1", "2", "1"],
                "user": ["ann", "bob", "cy", "dan"],
                "body": ["a", "b", "c", "d"],
                "toxicity": [0.0, 0.8, 0.6, 0.2],
            }
        )
    )
    sides = {"ann": "L", "dan": "L", "bob": "R", "cy": "M"}
    r = pol.cross_side_hostility(d, sides=sides)
    assert r.value == pytest.approx(3.5)
    assert (r.n_cross, r.n_within) == (2, 1)
    assert pol.cross_side_hostility(d, sides=sides, pair=("L", "R")).value == pytest.approx(4.0)


def test_found_communities_all_count():
    g, _ = ring()
    s = pol.sides(g, method="leiden", n_sides=None, seed=0)
    assert sorted(s.sizes.values()) == [3, 3, 3]
    assert s.leaning is None  # three sides have no -1 / +1 leaning
    assert pol.ei_index(g, sides=s).value == pytest.approx(-0.5)
    assert pol.modularity(g, sides=s).value == pytest.approx(5 / 12)


# ------------------------------------------------------------------ two-sided: ask which two
TWO_SIDED = [
    ("random_walk_controversy", {"k": 1, "n_walks": 200}),
    ("boundary_polarization", {}),
    ("frustration", {}),
    ("polarization_index", {}),
    ("bimodality", {}),
]


@pytest.mark.parametrize(("name", "options"), TWO_SIDED, ids=[n for n, _ in TWO_SIDED])
def test_two_sided_measure_refuses_three_groups(name: str, options: dict) -> None:
    g, sides = signed_ring()
    sides = {**sides, "j": "C"}  # C is the largest: the old default compared C and one more
    g.add_edge("j", "g", sign=1)
    with pytest.raises(UndefinedMetricError) as info:
        getattr(pol, name)(g, sides=sides, **options)
    text = str(info.value)
    assert text.startswith(f"{name} compares two sides")
    assert "3 groups with users in the graph: 'C' (4 users), 'A' (3), 'B' (3)" in text
    assert "pair=('A', 'C')" in text
    assert "others='merge'" in text
    # a ValueError and a DynamicsError: the report skips the measure with this message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, DynamicsError)


@pytest.mark.parametrize(("name", "options"), TWO_SIDED, ids=[n for n, _ in TWO_SIDED])
def test_two_sided_measure_compares_the_pair(name: str, options: dict) -> None:
    g, sides = signed_ring()
    func = getattr(pol, name)
    r = func(g, sides=sides, pair=("A", "B"), seed=0, **options)
    alone = func(g, sides=only(sides, ("A", "B")), seed=0, **options)
    assert r.params["compared"] == ["A", "B"]
    assert r.value == pytest.approx(alone.value, nan_ok=True)


def test_two_sided_known_answers_on_a_pair():
    g, sides = signed_ring()
    pair = ("A", "B")
    # A and B: boundary c and d, each with d_i = 2 and d_b = 1: 2/3 - 1/2
    assert pol.boundary_polarization(g, sides=sides, pair=pair).value == pytest.approx(1 / 6)
    # every edge between A and B is balanced (positive inside, c-d negative across)
    assert pol.frustration(g, sides=sides, pair=pair).value == 0.0
    # three users at -1 and three at +1 (C has no leaning): mu = 1
    assert pol.polarization_index(g, sides=sides, pair=pair).value == pytest.approx(1.0)
    # the same six users: G1 = 0, G2 = 5/12 * (7 * -2 + 6) = -10/3, BC = 1 / (-10/3 + 25/4)
    r = pol.bimodality(g, sides=sides, pair=pair)
    assert (r.n_users, r.value) == (6, pytest.approx(12 / 35))


def test_two_groups_any_labels_same_value():
    g, sides = signed_ring()
    two = only(sides, ("A", "B"))
    relabelled = [
        {u: {"A": 0, "B": 1}[s] for u, s in two.items()},
        {u: {"A": -1, "B": 1}[s] for u, s in two.items()},
        {u: {"A": 1, "B": -1}[s] for u, s in two.items()},
    ]
    for name, options in [*TWO_SIDED, ("ei_index", {}), ("modularity", {})]:
        func = getattr(pol, name)
        want = func(g, sides=two, seed=0, **options).value
        for labels in relabelled:
            if name == "random_walk_controversy" and labels["a"] == 1:
                continue  # B first: the walks start from the other side first, other draws
            assert func(g, sides=labels, seed=0, **options).value == pytest.approx(want), name


def test_nan_and_none_labels_are_no_side():
    """A mapping built from a pandas column holds NaN where a user has no side: NaN, like
    None, is no group, so two real labels stay two sides for every measure."""
    g, sides = signed_ring()
    two = only(sides, ("A", "B"))
    with_missing = {**two, "g": float("nan"), "h": None}
    for name, options in [*TWO_SIDED, ("ei_index", {}), ("modularity", {})]:
        func = getattr(pol, name)
        r = func(g, sides=with_missing, seed=0, **options)
        assert r.value == pytest.approx(func(g, sides=two, seed=0, **options).value), name
        if "compared" in r.params:
            assert r.params["compared"] == ["A", "B"], name
    # numeric labels with NaN, as from a float column of 0 / 1 sides
    numeric = {u: {"A": 0.0, "B": 1.0}[s] for u, s in two.items()} | {"g": float("nan")}
    assert pol.boundary_polarization(g, sides=numeric).params["compared"] == [0.0, 1.0]


def test_two_labels_in_natural_order():
    # 2 and 10 compare as numbers, as Sides.leaning orders them (2 is -1): not as strings
    g, sides = ring()
    numbers = {u: {"A": 10, "B": 2}[s] for u, s in only(sides, ("A", "B")).items()}
    assert pol.polarization_index(g, sides=numbers).params["compared"] == [2, 10]
    assert pol.ei_index(g, sides=numbers).params["compared"] == [2, 10]
    s = pol.sides(g, method="labels", labels=numbers)
    assert (s.leaning["d"], s.leaning["a"]) == (-1.0, 1.0)


def test_a_third_label_without_users_in_the_graph_is_not_a_group():
    g, sides = ring()
    two = {**only(sides, ("A", "B")), "nobody": "C"}  # "nobody" is not in the graph
    assert pol.boundary_polarization(g, sides=two).params["compared"] == ["A", "B"]


def test_null_and_bootstrap_keep_the_pair():
    g, sides = ring()
    r = pol.boundary_polarization(g, sides=sides, pair=("A", "B"), null="label-shuffle", n_null=20)
    assert r.params["compared"] == ["A", "B"]
    assert r.p_value is not None


def test_real_thread_modularity_of_every_community(seed_thread) -> None:
    # the bundled SouthFront thread: Leiden finds four communities of interacting users; the
    # modularity measure given all of them is the partition's own modularity, and a two-sided
    # measure names the four groups instead of keeping two
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    s = pol.sides(d, method="leiden", n_sides=None, seed=0)
    assert len(s.sizes) == 4
    assert pol.modularity(d, sides=s).value == pytest.approx(s.details["modularity"])
    with pytest.raises(UndefinedMetricError, match="4 groups with users in the graph"):
        pol.boundary_polarization(d, sides=s)
