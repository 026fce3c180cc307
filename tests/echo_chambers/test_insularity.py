"""insularity and conductance of sides / communities."""

from __future__ import annotations

import math

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn
from dynamics.echo_chambers import conductance, insularity

PATH_SIDES = {"a": "L", "b": "L", "c": "R", "d": "R"}


def _replies() -> nx.DiGraph:
    """L = {a, b}, R = {c, d}; counts: a->b 2, b->c 1, c->d 1, d->a 1, d->c 3."""
    g = nx.DiGraph()
    for u, v, c in [("a", "b", 2), ("b", "c", 1), ("c", "d", 1), ("d", "a", 1), ("d", "c", 3)]:
        g.add_edge(u, v, count=c)
    return g


def test_undirected_path_known_answer():
    # L's members: a->b, b->a inside, b->c out: I(L) = 2/3; I(R) = 2/3 likewise.
    # one edge crosses; vol(L) = deg a + deg b = 3 = vol(R): conductance 1/3
    r = insularity(nx.path_graph(["a", "b", "c", "d"]), sides=PATH_SIDES)
    assert r.value == pytest.approx(2 / 3, abs=1e-12)
    table = r.table("sides", backend="polars")
    assert table["side"].to_list() == ["L", "R"]
    assert table["n_users"].to_list() == [2, 2]
    assert table["cut"].to_list() == [1.0, 1.0]
    assert table["volume"].to_list() == [3.0, 3.0]
    assert table["conductance"].to_list() == pytest.approx([1 / 3, 1 / 3])
    assert conductance(nx.path_graph(["a", "b", "c", "d"]), sides=PATH_SIDES).value == (
        pytest.approx(1 / 3)
    )


def test_directed_weighted_known_answer():
    # L: a->b 2 inside, b->c 1 out -> 2/3; R: c->d 1 + d->c 3 inside, d->a 1 out -> 4/5
    g = _replies()
    sides = {"a": "L", "b": "L", "c": "R", "d": "R"}
    r = insularity(g, sides=sides, weight="count")
    assert r.value == pytest.approx((2 / 3 + 4 / 5) / 2, abs=1e-12)
    # replies-weighted: (2 + 4) / (3 + 5)
    replies = insularity(g, sides=sides, weight="count", average="replies")
    assert replies.value == pytest.approx(6 / 8)
    # each connected pair once (the default): L 1 of 2, R 2 of 3 (c->d, d->c in; d->a out)
    assert insularity(g, sides=sides).value == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert insularity(g, sides=sides, weight=None).value == pytest.approx((1 / 2 + 2 / 3) / 2)
    # conductance: cut = b->c + d->a = 2; vol(L) = out 3 + in 3 = 6, vol(R) = 5 + 5 = 10
    c = conductance(g, sides=sides, weight="count")
    assert c.value == pytest.approx(2 / 6, abs=1e-12)
    table = c.table("sides", backend="polars")
    assert table["cut"].to_list() == [2.0, 2.0]
    assert table["volume"].to_list() == [6.0, 10.0]
    assert table["internal"].to_list() == [2.0, 4.0]
    assert table["external"].to_list() == [1.0, 1.0]


def test_three_communities_known_answer():
    # ring of three pairs: every side has 2 internal arc ends and 2 leaving -> 1/2;
    # cut 2 edges, vol(S) = 4, vol(rest) = 8 -> conductance 2/4
    g = nx.Graph([("a", "b"), ("c", "d"), ("e", "f"), ("b", "c"), ("d", "e"), ("f", "a")])
    sides = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Z", "f": "Z"}
    assert insularity(g, sides=sides).value == pytest.approx(0.5)
    assert conductance(g, sides=sides).value == pytest.approx(0.5)


def test_leaning_gives_sides_by_sign_and_zero_is_no_side():
    g = nx.path_graph(["a", "b", "c", "d", "e"])
    lean = {"a": -0.9, "b": -0.2, "c": 0.0, "d": 0.4, "e": 1.0}
    r = insularity(g, leaning=lean)
    # c has no side, so b-c and c-d drop out: both sides keep only their inside edge -> 1
    assert r.value == pytest.approx(1.0)
    assert r.table("sides", backend="polars")["side"].to_list() == [-1, 1]


def test_karate_matches_independent_count():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    r = insularity(g, sides=sides, weight=None)
    # independent count with networkx: degrees and crossing edges per club
    cut = sum(1 for u, v in g.edges if sides[u] != sides[v])
    vol = {c: sum(d for n, d in g.degree if sides[n] == c) for c in set(sides.values())}
    expected = {club: (volume - cut) / volume for club, volume in vol.items()}
    table = r.table("sides", backend="polars")
    got = dict(zip(table["side"].to_list(), table["insularity"].to_list(), strict=True))
    assert got == pytest.approx(expected, abs=1e-12)
    assert r.value == pytest.approx(sum(expected.values()) / 2)
    assert r.value > 0.8
    c = conductance(g, sides=sides, weight=None)
    assert c.value == pytest.approx(cut / min(vol.values()), abs=1e-12)
    assert c.value < 0.2


def test_relabelling_invariance():
    g = _replies()
    sides = {"a": "L", "b": "L", "c": "R", "d": "R"}
    base = insularity(g, sides=sides).value
    h = nx.relabel_nodes(g, {"a": "q", "b": "r", "c": "s", "d": "t"})
    renamed = {"q": "Z", "r": "Z", "s": "A", "t": "A"}
    assert insularity(h, sides=renamed).value == pytest.approx(base, abs=1e-12)


def test_null_models_seeded_and_directional():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    a = insularity(g, sides=sides, null="label-shuffle", n_null=100, seed=2)
    b = insularity(g, sides=sides, null="label-shuffle", n_null=100, seed=2)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    assert a.z > 2
    assert a.p_value < 0.05
    c = conductance(g, sides=sides, null="label-shuffle", n_null=100, seed=2)
    assert c.z < -2  # closed sides have low conductance: tested on the lower tail
    assert c.p_value < 0.05


@pytest.mark.parametrize("func", [insularity, conductance])
@pytest.mark.parametrize(
    ("graph", "sides", "reason"),
    [
        (nx.path_graph(["a", "b", "c"]), {"a": "L", "b": "L"}, "only one side"),
        (nx.path_graph(["a", "b", "c"]), {}, "no user has a side"),
        (nx.empty_graph(["a", "b"]), {"a": "L", "b": "R"}, "no edges"),
        (nx.path_graph(["a", "b", "c"]), {"a": "L", "c": "R"}, "no edge joins"),
    ],
)
def test_undefined_cases_give_nan_with_reason(func, graph, sides, reason):
    r = func(graph, sides=sides, null="label-shuffle", n_null=5)
    assert math.isnan(r.value)
    assert reason in r.reason


def test_parameter_errors():
    g = _replies()
    with pytest.raises(ValueError, match="The 'average' parameter of insularity"):
        insularity(g, sides=PATH_SIDES, average="users")
    with pytest.raises(TypeError, match="must be a mapping author -> side"):
        insularity(g, sides=["a", "b"])
    with pytest.raises(ValueError, match="The 'n_boot' parameter of conductance"):
        conductance(g, sides=PATH_SIDES, n_boot=1)


def test_discussion_bootstrap_is_seeded():
    rows = [
        ("1", None, "t1", "ann"), ("2", "1", "t1", "bob"), ("3", "2", "t1", "cy"),
        ("4", None, "t2", "cy"), ("5", "4", "t2", "dee"), ("6", "5", "t2", "cy"),
        ("7", None, "t3", "ann"), ("8", "7", "t3", "bob"), ("9", "7", "t3", "dee"),
    ]  # fmt: skip
    frame = pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "parent": [r[1] for r in rows],
            "thread": [r[2] for r in rows],
            "user": [r[3] for r in rows],
            "body": ["x"] * len(rows),
        }
    )
    # five copies of the threads: enough threads (MIN_BOOTSTRAP_THREADS) for an interval
    copies = [frame.with_columns(pl.col("id", "parent", "thread") + f"_{k}") for k in range(5)]
    d = dyn.load(pl.concat(copies))
    sides = {"ann": "L", "bob": "L", "cy": "R", "dee": "R"}
    # replies: bob->ann (L in), cy->bob (R out), dee->cy, cy->dee (R in), bob->ann, dee->ann
    # L: 2 of 2 inside -> 1; R: cy->dee, dee->cy inside, cy->bob, dee->ann out -> 2/4
    r = insularity(d, sides=sides, n_boot=40, seed=5)
    assert r.value == pytest.approx(0.75)
    assert r.ci == insularity(d, sides=sides, n_boot=40, seed=5).ci
    assert 0 <= r.ci[0] <= r.ci[1] <= 1


def test_seed_thread_runs(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = {a: ("L", "R")[i % 2] for i, a in enumerate(sorted(d.authors))}
    for func in (insularity, conductance):
        r = func(d, sides=sides, null="label-shuffle", n_null=10, n_boot=5)
        assert r.defined or r.reason


def test_polblogs_insular(polblogs):
    g, sides = polblogs
    r = insularity(g, sides=sides, null="label-shuffle", n_null=100)
    assert r.value > 0.85
    assert r.p_value < 0.02
    c = conductance(g, sides=sides, null="label-shuffle", n_null=100)
    assert c.value < 0.15
    assert c.p_value < 0.02


def test_garimella_insular(garimella):
    name, g, sides = garimella
    r = insularity(g, sides=sides, null="label-shuffle", n_null=100)
    assert r.value > 0.9, name
    assert r.p_value < 0.02, name
    c = conductance(g, sides=sides, null="degree-preserving", n_null=20)
    assert c.value < 0.1, name
    assert c.p_value < 0.1, name
