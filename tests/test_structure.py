"""Structure measures: known answers worked out by hand, independent recomputations, edge cases."""

from __future__ import annotations

import json
import math
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics import structure as S
from dynamics.errors import GraphKindError

T0 = datetime(2024, 1, 1, tzinfo=UTC)

# Hand-built discussion (seconds after T0 in brackets):
#   thread t1: a ann [0]  <- b bob [60]  <- c ann [180]
#              a          <- d cy [120]
#              e bob [30] <- f ann [90]
#   thread t2: g dan [0]  <- h dan [600]   (a self-reply)
#   thread t3: i eve [0]
ROWS = [
    ("a", None, "t1", "ann", 0),
    ("b", "a", "t1", "bob", 60),
    ("c", "b", "t1", "ann", 180),
    ("d", "a", "t1", "cy", 120),
    ("e", None, "t1", "bob", 30),
    ("f", "e", "t1", "ann", 90),
    ("g", None, "t2", "dan", 0),
    ("h", "g", "t2", "dan", 600),
    ("i", None, "t3", "eve", 0),
]


def _load(rows=ROWS, *, times: bool = True) -> dyn.Discussion:
    data = {
        "id": [r[0] for r in rows],
        "parent": [r[1] for r in rows],
        "thread": [r[2] for r in rows],
        "user": [r[3] for r in rows],
        "body": ["text"] * len(rows),
    }
    if times:
        data["time"] = [T0 + timedelta(seconds=r[4]) for r in rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(pl.DataFrame(data))


@pytest.fixture
def disc() -> dyn.Discussion:
    return _load()


def _per_thread(result, column):
    table = result.table("per_thread", backend="polars")
    return dict(zip(table["thread_id"], table[column], strict=True))


# --------------------------------------------------------------------------- known answers


def test_thread_size(disc):
    r = S.thread_size(disc)
    assert _per_thread(r, "n_comments") == {"t1": 6, "t2": 2, "t3": 1}
    assert _per_thread(r, "n_authors") == {"t1": 3, "t2": 1, "t3": 1}
    assert _per_thread(r, "n_top_level") == {"t1": 2, "t2": 1, "t3": 1}
    assert (r.value, r.median, r.maximum, r.n_threads) == (3.0, 2.0, 6.0, 3)
    assert isinstance(r.value, float)


def test_depth(disc):
    # t1: a (1) <- b (2) <- c (3); t2: g (1) <- h (2); t3: i (1)
    r = S.depth(disc)
    assert _per_thread(r, "depth") == {"t1": 3, "t2": 2, "t3": 1}
    assert r.value == 2.0
    # mean level in t1: (1 + 2 + 3 + 2 + 1 + 2) / 6
    assert _per_thread(r, "mean_level")["t1"] == pytest.approx(11 / 6)


def test_width(disc):
    # t1 levels: {a, e}, {b, d, f}, {c} -> width 3 on level 2; t2: 1 on level 1; t3: 1
    r = S.width(disc)
    assert _per_thread(r, "width") == {"t1": 3, "t2": 1, "t3": 1}
    assert _per_thread(r, "widest_level") == {"t1": 2, "t2": 1, "t3": 1}
    assert r.value == pytest.approx(5 / 3)


def test_structural_virality(disc):
    # t1 has 7 nodes (post + 6). Subtree sizes a 4, b 2, c 1, d 1, e 2, f 1, so the Wiener
    # index is 4*3 + 2*5 + 1*6 + 1*6 + 2*5 + 1*6 = 50 and v = 50 / 21.
    # t2 is the chain post - g - h: distances 1, 1, 2 -> 4/3. t3 is post - i: 1.
    r = S.structural_virality(disc)
    per = _per_thread(r, "structural_virality")
    assert per["t1"] == pytest.approx(50 / 21)
    assert per["t2"] == pytest.approx(4 / 3)
    assert per["t3"] == pytest.approx(1.0)
    assert r.value == pytest.approx((50 / 21 + 4 / 3 + 1) / 3)
    assert _per_thread(r, "n_nodes") == {"t1": 7, "t2": 3, "t3": 2}


def test_structural_virality_matches_networkx(disc):
    # mean shortest-path length of the undirected tree with the post as an extra node
    tree = nx.Graph()
    for cid, parent, thread, _, _ in ROWS:
        if thread == "t1":
            tree.add_edge(cid, parent or "post")
    assert _per_thread(S.structural_virality(disc), "structural_virality")["t1"] == (
        pytest.approx(nx.average_shortest_path_length(tree))
    )


def test_h_index(disc):
    # t1: 2 comments on level 1, 3 on level 2, 1 on level 3 -> levels 1 and 2 qualify: h = 2
    # t2: 1 and 1 -> h = 1; t3: h = 1
    r = S.h_index(disc)
    assert _per_thread(r, "h_index") == {"t1": 2, "t2": 1, "t3": 1}
    assert r.value == pytest.approx(4 / 3)


def test_h_index_takes_the_deepest_qualifying_level():
    # levels hold 1, 1, 3 comments: level 2 fails (1 < 2) but level 3 holds 3 >= 3, so h = 3
    rows = [("a", None, "t", "u1", 0), ("b", "a", "t", "u2", 1)] + [
        (f"c{i}", "b", "t", f"v{i}", 2) for i in range(3)
    ]
    assert S.h_index(_load(rows)).value == 3.0


def test_reciprocity(disc):
    # distinct edges bob->ann, ann->bob (twice: c->b, f->e), cy->ann; dan's self-reply ignored.
    # Unweighted: bob<->ann reciprocated, cy->ann not: 2/3.
    # Weighted by replies: (min(1, 2) + min(2, 1) + 0) / (1 + 2 + 1) = 2/4.
    r = S.reciprocity(disc)
    assert r.value == pytest.approx(2 / 3)
    assert S.reciprocity(disc, weight="count").value == pytest.approx(0.5)
    per = _per_thread(r, "reciprocity")
    assert per["t1"] == pytest.approx(2 / 3)
    assert math.isnan(per["t2"])
    assert math.isnan(per["t3"])
    assert _per_thread(r, "n_edges") == {"t1": 3, "t2": 0, "t3": 0}
    assert _per_thread(S.reciprocity(disc, weight="count"), "reciprocity")["t1"] == 0.5


@pytest.mark.parametrize("seed", range(5))
def test_reciprocity_matches_networkx_and_igraph(seed):
    g = nx.gnp_random_graph(30, 0.1, seed=seed, directed=True)
    expected = nx.overall_reciprocity(g)
    assert S.reciprocity(g).value == pytest.approx(expected)
    h = ig.Graph.from_networkx(g)
    assert S.reciprocity(h).value == pytest.approx(h.reciprocity())
    assert S.reciprocity(h).value == pytest.approx(expected)


def test_reciprocity_weighted_graph():
    g = nx.DiGraph()
    g.add_edge("a", "b", w=3.0)
    g.add_edge("b", "a", w=1.0)
    g.add_edge("a", "c", w=2.0)
    # (min(3, 1) + min(1, 3) + 0) / (3 + 1 + 2)
    assert S.reciprocity(g, weight="w").value == pytest.approx(2 / 6)
    assert S.reciprocity(g).value == pytest.approx(2 / 3)


def test_dyadic_exchanges(disc):
    # ann-bob-ann along a <- b <- c (3 turns), ann <- cy (2), bob <- ann along e <- f (2);
    # dan answering dan is no exchange
    r = S.dyadic_exchanges(disc)
    assert r.value == 3.0
    assert r.mean_turns == pytest.approx(7 / 3)
    assert r.max_turns == 3.0
    table = r.table("exchanges", backend="polars")
    assert table.select("user_a", "user_b", "turns").rows() == [
        ("ann", "bob", 3),
        ("ann", "cy", 2),
        ("bob", "ann", 2),
    ]
    assert table.row(0, named=True)["end"] == T0 + timedelta(seconds=180)
    assert _per_thread(r, "n_exchanges") == {"t1": 3, "t2": 0, "t3": 0}
    assert S.dyadic_exchanges(disc, min_turns=3).value == 1.0
    assert r.to_frame()["mean_turns"].item() == pytest.approx(7 / 3)


def test_participation_inequality(disc):
    # comments per author: ann 3, bob 2, cy 1, dan 2, eve 1 -> sorted (1, 1, 2, 2, 3), sum 9:
    # G = (-4*1 - 2*1 + 0*2 + 2*2 + 4*3) / (5 * 9) = 10 / 45
    r = S.participation_inequality(disc)
    assert r.value == pytest.approx(10 / 45)
    assert r.ci is None
    # t1: ann 3, bob 2, cy 1 -> (-2*1 + 0 + 2*3) / (3 * 6) = 4 / 18; t2, t3: one author
    per = _per_thread(r, "gini")
    assert per["t1"] == pytest.approx(4 / 18)
    assert math.isnan(per["t2"])
    assert math.isnan(per["t3"])


def test_participation_inequality_mean_difference_form():
    # the Gini as sum |x_i - x_j| / (2 k^2 mean) on random counts
    gen = np.random.default_rng(3)
    counts = gen.integers(1, 20, 12)
    rows = [
        (f"{u}-{k}", None, f"t{k}", f"user{u}", 0) for u, n in enumerate(counts) for k in range(n)
    ]
    x = counts.astype(float)
    expected = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert S.participation_inequality(_load(rows)).value == pytest.approx(expected)


def test_participation_inequality_bootstrap_is_seeded(disc):
    few = S.participation_inequality(disc, n_boot=50, seed=1)  # 3 threads: no interval
    assert few.ci is None
    assert few.params["ci_reason"] == "no bootstrap interval: 3 threads, under the minimum of 10"
    assert few.warnings == (few.params["ci_reason"],)
    # four copies of the three threads: 12 threads, same authors and so the same Gini
    rows = [
        (f"{r[0]}{k}", r[1] and f"{r[1]}{k}", f"{r[2]}{k}", *r[3:]) for k in range(4) for r in ROWS
    ]
    many = _load(rows)
    assert S.participation_inequality(many).value == pytest.approx(few.value)
    a = S.participation_inequality(many, n_boot=50, seed=1)
    b = S.participation_inequality(many, n_boot=50, seed=1)
    assert a.ci == b.ci
    assert a.ci is not None
    assert a.ci[0] <= a.ci[1]
    assert a.params["n_boot"] == 50


def test_response_times(disc):
    # delays: b-a 60, c-b 120, d-a 120, f-e 60, h-g 600 -> median 120, mean 192
    r = S.response_times(disc)
    assert (r.value, r.mean, r.n_replies, r.n_negative) == (120.0, 192.0, 5, 0)
    q = dict(r.table("quantiles", backend="polars").rows())
    assert (q[0.25], q[0.5], q[0.75]) == (60.0, 120.0, 120.0)
    assert _per_thread(r, "median")["t1"] == 90.0
    assert _per_thread(r, "median")["t2"] == 600.0
    assert math.isnan(_per_thread(r, "median")["t3"])
    replies = r.table("replies", backend="polars")
    assert dict(zip(replies["comment_id"], replies["seconds"], strict=True))["c"] == 120.0


def test_response_times_leave_out_negative_delays():
    rows = [("a", None, "t", "ann", 100), ("b", "a", "t", "bob", 40), ("c", "a", "t", "cy", 130)]
    r = S.response_times(_load(rows))
    assert (r.value, r.n_replies, r.n_negative) == (30.0, 1, 1)


# --------------------------------------------------------------------------- degenerate input

ALL = [
    S.thread_size,
    S.depth,
    S.width,
    S.structural_virality,
    S.h_index,
    S.reciprocity,
    S.dyadic_exchanges,
    S.participation_inequality,
    S.response_times,
]


@pytest.mark.parametrize("metric", ALL, ids=lambda f: f.__name__)
def test_empty_discussion(disc, metric):
    empty = disc.filter(authors=["nobody"])
    r = metric(empty)
    if metric is S.dyadic_exchanges:
        assert r.value == 0.0
        assert math.isnan(r.mean_turns)
    else:
        assert math.isnan(r.value)
        assert r.reason


def test_single_comment():
    d = _load([("a", None, "t", "ann", 0)])
    assert S.thread_size(d).value == 1.0
    assert S.depth(d).value == 1.0
    assert S.width(d).value == 1.0
    assert S.structural_virality(d).value == 1.0  # post - a: one pair at distance 1
    assert S.h_index(d).value == 1.0
    for metric in (S.reciprocity, S.participation_inequality, S.response_times):
        r = metric(d)
        assert math.isnan(r.value)
        assert r.reason
    assert S.dyadic_exchanges(d).value == 0.0


def test_no_timestamps(disc):
    r = S.response_times(_load(times=False))
    assert math.isnan(r.value)
    assert r.reason == "no reply has a time on both ends"
    assert r.n_replies == 0
    assert S.dyadic_exchanges(_load(times=False)).value == 3.0


def test_posts_without_comments_count_as_empty_threads(disc):
    posts = pl.DataFrame(
        {
            "thread_id": ["t1", "t9"],
            "title": ["one", "nine"],
            "author": ["ann", "zoe"],
            "text": ["", ""],
            "created_at": [T0, T0],
            "url": [None, None],
            "source": ["test", "test"],
        },
        schema_overrides={"created_at": pl.Datetime("us", "UTC"), "url": pl.String},
    )
    d = dyn.Discussion(disc.comments, disc.report, posts)
    r = S.thread_size(d)
    assert _per_thread(r, "n_comments")["t9"] == 0
    assert r.value == pytest.approx(9 / 4)
    assert _per_thread(S.depth(d), "depth")["t9"] == 0
    assert _per_thread(S.h_index(d), "h_index")["t9"] == 0
    sv = S.structural_virality(d)
    assert math.isnan(_per_thread(sv, "structural_virality")["t9"])
    assert sv.n_threads == 3  # the empty thread has no pair of nodes


def test_one_author_or_no_reply_gives_nan_reciprocity():
    d = _load([("a", None, "t", "ann", 0), ("b", "a", "t", "ann", 5)])
    r = S.reciprocity(d)
    assert math.isnan(r.value)
    assert r.reason == "the user graph has no edge between distinct users"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "metric", [m for m in ALL if m is not S.reciprocity], ids=lambda f: f.__name__
)
def test_graph_input_is_refused(metric):
    with pytest.raises(GraphKindError, match="Discussion"):
        metric(nx.DiGraph([("a", "b")]))


def test_reciprocity_needs_a_directed_graph():
    with pytest.raises(GraphKindError, match="directed"):
        S.reciprocity(nx.Graph([("a", "b")]))
    with pytest.raises(GraphKindError):
        S.reciprocity([("a", "b")])


def test_reciprocity_weight_errors(disc):
    with pytest.raises(ValueError, match="The 'weight' parameter of reciprocity"):
        S.reciprocity(nx.DiGraph([("a", "b")]), weight="w")
    with pytest.raises(ValueError, match="The 'weight' parameter of reciprocity"):
        S.reciprocity(disc, weight="mean_toxicity")


def test_parameter_errors(disc):
    with pytest.raises(ValueError, match="The 'n_boot' parameter of participation_inequality"):
        S.participation_inequality(disc, n_boot=1)
    with pytest.raises(ValueError, match="The 'ci' parameter of participation_inequality"):
        S.participation_inequality(disc, ci=1.5)
    with pytest.raises(ValueError, match="The 'quantiles' parameter of response_times"):
        S.response_times(disc, quantiles=(0.5, 2.0))
    with pytest.raises(ValueError, match="The 'min_turns' parameter of dyadic_exchanges"):
        S.dyadic_exchanges(disc, min_turns=1)


# --------------------------------------------------------------------------- invariance


def _relabelled() -> dyn.Discussion:
    names = {"ann": "zz", "bob": "yy", "cy": "xx", "dan": "ww", "eve": "vv"}
    ids = {r[0]: f"id{99 - k}" for k, r in enumerate(ROWS)}
    threads = {"t1": "q3", "t2": "q1", "t3": "q2"}
    rows = [(ids[c], ids.get(p) if p else None, threads[t], names[u], s) for c, p, t, u, s in ROWS]
    return _load(rows[::-1])  # also reverse the table order


@pytest.mark.parametrize("metric", ALL, ids=lambda f: f.__name__)
def test_relabelling_invariance(disc, metric):
    a, b = metric(disc), metric(_relabelled())
    assert a.value == pytest.approx(b.value)
    ta, tb = a.table("per_thread", backend="polars"), b.table("per_thread", backend="polars")
    value_cols = [c for c in ta.columns if c != "thread_id"]
    assert sorted(map(str, ta.select(value_cols).rows())) == sorted(
        map(str, tb.select(value_cols).rows())
    )


@pytest.mark.parametrize("metric", ALL, ids=lambda f: f.__name__)
def test_deterministic(disc, metric):
    a, b = metric(disc), metric(disc)
    assert a.to_dict() == b.to_dict()


# --------------------------------------------------------------------------- real data


def test_seed_thread(seed_thread):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(seed_thread, infer_replies="adjacent")
    # adjacent inference makes 34 of the 49 comments top-level; the deepest chains are
    # #29 <- #30 <- #31 <- #32 and #23 <- #24 <- #25 <- #26 (level 4)
    assert S.thread_size(d).value == 49.0
    assert S.depth(d).value == 4.0
    assert S.width(d).value == 34.0
    # distinct named reply edges: Xoli->Oscar, Assad->Concrete, Brother<->Zionism,
    # Tudor<->Saddam, Tudor<->Willing, Willing->Xoli: 6 of 9 reciprocated
    assert S.reciprocity(d).value == pytest.approx(6 / 9)
    assert S.reciprocity(d).value == pytest.approx(nx.overall_reciprocity(d.user_graph()))
    assert S.dyadic_exchanges(d).value == 6.0
    r = S.response_times(d)  # the text file has no times
    assert math.isnan(r.value)
    assert r.reason


def _walk(comments: dict, level: int, parent: str, levels: Counter, edges: list) -> None:
    for cid, c in comments.items():
        levels[level] += 1
        edges.append((cid, parent))
        _walk(c.get("replies") or {}, level + 1, cid, levels, edges)


def _college_reference(path):
    """Per-thread size, depth, width, structural virality and h-index from the nested JSON."""
    out = {}
    with path.open() as fh:
        for line in fh:
            post = json.loads(line)
            levels: Counter[int] = Counter()
            edges: list[tuple[str, str]] = []
            _walk(post.get("comments") or {}, 1, "__post__", levels, edges)
            n = len(edges)
            h = max([lv for lv, k in levels.items() if k >= lv], default=0)
            sv = math.nan
            if n:  # all-pairs distances by networkx (skip the few big threads: slow)
                sv = nx.average_shortest_path_length(nx.Graph(edges)) if n < 300 else None
            out[post["sid"]] = (n, max(levels, default=0), max(levels.values(), default=0), sv, h)
    return out


def test_reddit_college_matches_nested_json(shared_data):
    folder = shared_data / "reddit-college"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(folder / "CollegeRant-pushshift.ndjson")
    ref = _college_reference(folder / "CollegeRant-posts.jsonl")
    size = _per_thread(S.thread_size(d), "n_comments")
    dep = _per_thread(S.depth(d), "depth")
    wid = _per_thread(S.width(d), "width")
    sv = _per_thread(S.structural_virality(d), "structural_virality")
    h = _per_thread(S.h_index(d), "h_index")
    assert len(ref) == len(size) == 2480
    checked_sv = 0
    for sid, (n, dd, ww, vv, hh) in ref.items():
        tid = next(t for t in (sid, f"t3_{sid}") if t in size)
        assert (size[tid], dep[tid], wid[tid], h[tid]) == (n, dd, ww, hh), sid
        if n == 0:
            assert math.isnan(sv[tid])
        elif vv is not None:
            assert sv[tid] == pytest.approx(vv), sid
            checked_sv += 1
    assert checked_sv > 2000
    assert max(dep.values()) == 44
