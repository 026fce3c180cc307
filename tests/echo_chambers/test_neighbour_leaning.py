"""neighbour_leaning: leaning vs mean leaning of neighbours (Cinelli et al. 2021)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.echo_chambers import neighbour_leaning
from dynamics.errors import GraphKindError

LEAN = {"a": -1, "b": -1, "c": 1, "d": 1}


def _graph(**counts: int) -> nx.DiGraph:
    """a <-> b (leaning -1), c <-> d (+1), and b -> c."""
    g = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("b", "c")])
    for edge, count in counts.items():
        g.edges[edge[0], edge[1]]["count"] = count
    return g


def test_out_direction_known_answer():
    # out-neighbour means: a -> {b}: -1; b -> {a, c}: 0; c -> {d}: 1; d -> {c}: 1.
    # x = (-1, -1, 1, 1) (mean 0), y = (-1, 0, 1, 1) (mean 1/4):
    # sum dx*dy = 1.25 + 0.25 + 0.75 + 0.75 = 3, sum dx^2 = 4, sum dy^2 = 2.75
    r = neighbour_leaning(_graph(), leaning=LEAN)
    assert r.value == pytest.approx(3 / math.sqrt(4 * 2.75), abs=1e-12)
    users = r.table("users", backend="polars").sort("author")
    assert users["out_mean"].to_list() == [-1.0, 0.0, 1.0, 1.0]
    # in-neighbours: a <- {b}: -1; b <- {a}: -1; c <- {b, d}: 0; d <- {c}: 1
    assert users["in_mean"].to_list() == [-1.0, -1.0, 0.0, 1.0]
    # every neighbour once: a {b} -1, b {a, c} 0, c {b, d} 0, d {c} 1
    assert users["neighbour_mean"].to_list() == [-1.0, 0.0, 0.0, 1.0]
    assert users["out_degree"].to_list() == [1, 2, 1, 1]
    assert users["in_degree"].to_list() == [1, 1, 2, 1]
    assert users["degree"].to_list() == [1, 2, 2, 1]
    assert r.n_users == 4
    assert r.params["direction"] == "out"


def test_in_and_all_directions_known_answer():
    # in: y = (-1, -1, 0, 1), mean -1/4, dy = (-.75, -.75, .25, 1.25): cov 3, var 2.75
    r_in = neighbour_leaning(_graph(), leaning=LEAN, direction="in")
    assert r_in.value == pytest.approx(3 / math.sqrt(11), abs=1e-12)
    # all: y = (-1, 0, 0, 1): cov 2, var y 2 -> 2 / sqrt(8)
    r_all = neighbour_leaning(_graph(), leaning=LEAN, direction="all")
    assert r_all.value == pytest.approx(2 / math.sqrt(8), abs=1e-12)


def test_weighted_mean_known_answer():
    # b replies to c three times: b's out mean = (-1 * 1 + 1 * 3) / 4 = 0.5
    # y = (-1, .5, 1, 1), mean .375, dy = (-1.375, .125, .625, .625):
    # cov = 1.375 - .125 + .625 + .625 = 2.5, var y = 2.6875
    g = _graph(bc=3)
    r = neighbour_leaning(g, leaning=LEAN, weight="count")
    assert r.value == pytest.approx(2.5 / math.sqrt(4 * 2.6875), abs=1e-12)
    # unweighted ignores the count
    assert neighbour_leaning(g, leaning=LEAN).value == pytest.approx(3 / math.sqrt(11))


def test_undirected_graph_directions_coincide():
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")])
    lean = {"a": -1, "b": -0.5, "c": 0.5, "d": 1}
    values = {
        d: neighbour_leaning(g, leaning=lean, direction=d).value for d in ("out", "in", "all")
    }
    assert values["out"] == values["in"] == values["all"]


def test_sides_map_to_minus_and_plus_one_in_sorted_order():
    sides = {"a": "L", "b": "L", "c": "R", "d": "R"}
    r = neighbour_leaning(_graph(), sides=sides)
    assert r.value == pytest.approx(3 / math.sqrt(11))
    users = r.table("users", backend="polars").sort("author")
    assert users["leaning"].to_list() == [-1.0, -1.0, 1.0, 1.0]  # L < R


def test_neighbours_without_leaning_are_left_out_of_the_mean():
    g = _graph()
    g.add_edge("a", "z")  # z has no leaning: a's out mean stays -1
    r = neighbour_leaning(g, leaning=LEAN)
    assert r.value == pytest.approx(3 / math.sqrt(11))
    assert "z" not in r.table("users", backend="polars")["author"].to_list()


def test_density_table_counts_every_user_once():
    r = neighbour_leaning(_graph(), leaning=LEAN, bins=4)
    density = r.table("density", backend="polars")
    assert density.height == 16
    assert density["count"].sum() == r.n_users
    # a: (-1, -1) lies in the first bin of both axes, centre -0.75
    first = density.filter((pl.col("x_bin") == -0.75) & (pl.col("y_bin") == -0.75))
    assert first["count"].item() == 1
    # c and d: (1, 1) in the last bin (the upper edge is included)
    last = density.filter((pl.col("x_bin") == 0.75) & (pl.col("y_bin") == 0.75))
    assert last["count"].item() == 2


def test_relabelling_and_side_swap_invariance():
    g = _graph()
    base = neighbour_leaning(g, leaning=LEAN).value
    mapping = {"a": "w9", "b": "x1", "c": "a0", "d": "zz"}
    relabelled = nx.relabel_nodes(g, mapping)
    lean = {mapping[k]: v for k, v in LEAN.items()}
    assert neighbour_leaning(relabelled, leaning=lean).value == pytest.approx(base, abs=1e-12)
    flipped = {k: -v for k, v in LEAN.items()}
    assert neighbour_leaning(g, leaning=flipped).value == pytest.approx(base, abs=1e-12)


def test_null_model_is_seeded_and_flags_karate():
    g = nx.karate_club_graph()
    sides = nx.get_node_attributes(g, "club")
    a = neighbour_leaning(g, sides=sides, null="label-shuffle", n_null=100, seed=3)
    b = neighbour_leaning(g, sides=sides, null="label-shuffle", n_null=100, seed=3)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    assert a.p_value < 0.05
    assert a.z > 2
    c = neighbour_leaning(g, sides=sides, null="degree-preserving", n_null=50, seed=3)
    assert c.p_value < 0.05


@pytest.mark.parametrize(
    ("graph", "kwargs", "reason"),
    [
        (nx.DiGraph([("a", "b")]), {"leaning": {"a": 1, "b": 1}}, "fewer than 3"),
        (nx.DiGraph([("a", "b"), ("b", "c")]), {"sides": {"a": "L"}}, "fewer than two users"),
        (nx.empty_graph(["a", "b"]), {"leaning": {"a": 1, "b": -1}}, "no edges"),
        (
            nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]),
            {"leaning": {"a": 0.5, "b": 0.5, "c": 0.5}},
            "do not vary",
        ),
    ],
)
def test_undefined_cases_give_nan_with_reason(graph, kwargs, reason):
    r = neighbour_leaning(graph, **kwargs, null="label-shuffle", n_null=5)
    assert math.isnan(r.value)
    assert reason in r.reason
    assert r.p_value is None


def test_parameter_errors():
    g = _graph()
    with pytest.raises(ValueError, match="exactly one of 'leaning' and 'sides'"):
        neighbour_leaning(g)
    with pytest.raises(ValueError, match="exactly one of 'leaning' and 'sides'"):
        neighbour_leaning(g, leaning=LEAN, sides={"a": "L"})
    with pytest.raises(ValueError, match=r"in \[-1, 1\]. Got 2.0 for 'a'"):
        neighbour_leaning(g, leaning={"a": 2, "b": 0})
    with pytest.raises(TypeError, match="must map authors to numbers"):
        neighbour_leaning(g, leaning={"a": "left"})
    with pytest.raises(ValueError, match="at most two labels"):
        neighbour_leaning(g, sides={"a": 1, "b": 2, "c": 3})
    with pytest.raises(ValueError, match="The 'direction' parameter of neighbour_leaning"):
        neighbour_leaning(g, leaning=LEAN, direction="both")
    with pytest.raises(ValueError, match="The 'bins' parameter"):
        neighbour_leaning(g, leaning=LEAN, bins=0)
    with pytest.raises(ValueError, match="The 'null' parameter"):
        neighbour_leaning(g, leaning=LEAN, null="shuffle")
    with pytest.raises(ValueError, match="needs a Discussion"):
        neighbour_leaning(g, leaning=LEAN, n_boot=10)
    with pytest.raises(GraphKindError):
        neighbour_leaning([("a", "b")], leaning=LEAN)


def _discussion() -> dyn.Discussion:
    # two threads; ann and bob (L) answer each other, cy and dee (R) too, and bob answers cy
    rows = [
        ("1", None, "t1", "ann"), ("2", "1", "t1", "bob"), ("3", "2", "t1", "ann"),
        ("4", None, "t2", "cy"), ("5", "4", "t2", "dee"), ("6", "5", "t2", "cy"),
        ("7", "4", "t2", "bob"),
    ]  # fmt: skip
    side = {"ann": "L", "bob": "L", "cy": "R", "dee": "R"}
    frame = pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "parent": [r[1] for r in rows],
            "thread": [r[2] for r in rows],
            "user": [r[3] for r in rows],
            "body": ["text"] * len(rows),
            "side": [side[r[3]] for r in rows],
            "lean": [-1.0 if side[r[3]] == "L" else 1.0 for r in rows],
        }
    )
    return dyn.load(frame)


def _copies(d: dyn.Discussion, k: int = 5) -> dyn.Discussion:
    """``k`` copies of every thread (same authors): enough threads for a bootstrap interval."""
    frame = d.comments.select("comment_id", "parent_id", "thread_id", "author", "text", "side")
    copies = [
        frame.with_columns(pl.col("comment_id", "parent_id", "thread_id") + f"_{i}")
        for i in range(k)
    ]
    return dyn.load(pl.concat(copies))


def test_discussion_with_columns_and_bootstrap():
    d = _discussion()
    # same structure as _graph(): out means ann -1, bob 0, cy 1, dee 1
    by_column = neighbour_leaning(d, sides="side")
    assert by_column.value == pytest.approx(3 / math.sqrt(11))
    assert neighbour_leaning(d, leaning="lean").value == pytest.approx(by_column.value)
    few = neighbour_leaning(d, sides="side", n_boot=30, seed=1)
    assert few.ci is None  # too few threads for an interval: the reason is recorded
    assert few.params["ci_reason"].startswith("no bootstrap interval")
    assert few.params["ci_reason"] in few.warnings
    many = _copies(d)
    assert neighbour_leaning(many, sides="side").value == pytest.approx(by_column.value)
    a = neighbour_leaning(many, sides="side", n_boot=30, seed=1)
    b = neighbour_leaning(many, sides="side", n_boot=30, seed=1)
    assert a.ci == b.ci
    assert a.ci is not None
    low, high = a.ci
    # resamples holding only one thread have one side: NaN and dropped; the others lie in [-1, 1]
    assert -1 <= low <= high <= 1


def test_seed_thread_runs(seed_thread):
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    authors = sorted(d.authors)
    sides = {a: ("L", "R")[i % 2] for i, a in enumerate(authors)}
    r = neighbour_leaning(d, sides=sides, null="label-shuffle", n_null=20, n_boot=10)
    assert r.defined or r.reason
    assert r.table("users").shape[0] == len(authors)


def test_polblogs_strong_echo_chambers(polblogs):
    g, sides = polblogs
    r = neighbour_leaning(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    assert r.value > 0.8
    assert r.p_value < 0.02
    users = r.table("users", backend="polars")
    # liberal blogs (value 0 -> leaning -1) link mostly to liberal blogs
    lib = users.filter(pl.col("leaning") == -1)["out_mean"].drop_nulls()
    assert float(np.mean(lib.to_numpy())) < -0.5


def test_garimella_strong_echo_chambers(garimella):
    name, g, sides = garimella
    r = neighbour_leaning(g, sides=sides, null="label-shuffle", n_null=100, seed=0)
    assert r.value > 0.9, name
    assert r.p_value < 0.02, name
