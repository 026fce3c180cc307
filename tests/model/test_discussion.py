"""The Discussion API: threads, forests, user graph in both backends, filters, I/O."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest

import dynamics as dyn

#   t1: a(ann) <- b(bob) <- c(ann) <- d(cat)      t2: e(bob) <- f(ann), e <- g(bob, self)
#                 a <- h(cat)
THREAD = Path(__file__).resolve().parents[2] / "dynamics" / "data" / "southfront-idlib-thread.txt"

ROWS = {
    "id": ["a", "b", "c", "d", "h", "e", "f", "g"],
    "parent": [None, "a", "b", "c", "a", None, "e", "e"],
    "thread": ["t1", "t1", "t1", "t1", "t1", "t2", "t2", "t2"],
    "user": ["ann", "bob", "ann", "cat", "cat", "bob", "ann", "bob"],
    "body": ["a", "b", "c", "d", "h", "e", "f", "g"],
    "time": [
        "2024-01-01T00:00:00Z",
        "2024-01-01T01:00:00Z",
        "2024-01-02T00:00:00Z",
        "2024-01-03T00:00:00Z",
        "2024-01-01T02:00:00Z",
        "2024-02-01T00:00:00Z",
        "2024-02-01T01:00:00Z",
        "2024-02-01T02:00:00Z",
    ],
}


@pytest.fixture
def disc() -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning, match="self_reply"):
        return dyn.load(pl.DataFrame(ROWS))


def test_columns_follow_the_contract(disc: dyn.Discussion) -> None:
    cols = disc.to_pandas().columns.tolist()
    assert cols[:7] == [
        "comment_id",
        "parent_id",
        "thread_id",
        "author",
        "text",
        "created_at",
        "source",
    ]
    assert disc.to_polars().schema["created_at"] == pl.Datetime("us", "UTC")
    assert disc.to_polars()["source"].unique().to_list() == ["frame"]
    assert "parent_author" not in cols


def test_threads_table(disc: dyn.Discussion) -> None:
    assert disc.thread_ids == ["t1", "t2"]
    t = disc.threads.sort("thread_id")
    assert t["n_comments"].to_list() == [5, 3]
    assert t["n_authors"].to_list() == [3, 2]
    assert t["n_top_level"].to_list() == [1, 1]


def test_forest_structure(disc: dyn.Discussion) -> None:
    f = disc.forest("t1")
    assert f.comment_ids == ["a", "b", "h", "c", "d"]  # chronological
    assert f.roots == ["a"]
    assert f.children("a") == ["b", "h"]
    assert f.parent_of("d") == "c"
    assert dict(zip(f.comment_ids, f.depth.tolist(), strict=True)) == {
        "a": 0,
        "b": 1,
        "h": 1,
        "c": 2,
        "d": 3,
    }
    assert dict(zip(f.comment_ids, f.subtree_size.tolist(), strict=True)) == {
        "a": 5,
        "b": 3,
        "h": 1,
        "c": 2,
        "d": 1,
    }
    assert f.paths() == [["a", "b", "c", "d"], ["a", "h"]]
    assert nx.is_tree(f.to_networkx().to_undirected())
    with pytest.raises(KeyError, match="no thread"):
        disc.forest("nope")
    assert [x.thread_id for x in disc.forests()] == ["t1", "t2"]


def test_tree_table_matches_forests(disc: dyn.Discussion) -> None:
    tt = disc.tree_table().sort("comment_id")
    assert tt["depth"].to_list() == [0, 1, 2, 3, 0, 1, 1, 1]  # a b c d e f g h
    assert tt["subtree_size"].to_list() == [5, 3, 2, 1, 3, 1, 1, 1]
    assert tt["n_children"].to_list() == [2, 1, 1, 0, 2, 0, 0, 0]
    assert tt["root_id"].to_list() == ["a", "a", "a", "a", "e", "e", "e", "a"]


def test_user_graph_networkx(disc: dyn.Discussion) -> None:
    g = disc.user_graph()
    assert isinstance(g, nx.DiGraph)
    # u -> v when u replied to v
    assert sorted(g.edges(data="count")) == [
        ("ann", "bob", 2),
        ("bob", "ann", 1),
        ("cat", "ann", 2),
    ]
    e = g["ann"]["bob"]
    assert e["first"] == datetime(2024, 1, 2, tzinfo=UTC)
    assert e["last"] == datetime(2024, 2, 1, 1, tzinfo=UTC)
    assert g.nodes["bob"]["n_comments"] == 3
    assert not g.has_edge("bob", "bob")  # self-reply g -> e


def test_user_graph_igraph_agrees(disc: dyn.Discussion) -> None:
    g = disc.user_graph(backend="igraph")
    assert isinstance(g, ig.Graph)
    assert g.is_directed()
    edges = sorted((g.vs[e.source]["name"], g.vs[e.target]["name"], e["count"]) for e in g.es)
    assert edges == sorted(disc.user_graph().edges(data="count"))
    with pytest.raises(ValueError, match="'backend' parameter"):
        disc.user_graph(backend="graphtool")


def test_anonymous_policies() -> None:
    df = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "parent": [None, "a", "a"],
            "user": ["ann", None, None],
            "body": ["x", "y", "z"],
        }
    )
    d = dyn.load(df)  # anonymous authors are not a defect: no warning
    assert d.user_graph().number_of_edges() == 0
    pooled = d.user_graph(anonymous="pool")
    assert pooled["[anonymous]"]["ann"]["count"] == 2
    separate = d.user_graph(anonymous="separate")
    assert sorted(separate.nodes) == ["[anonymous]:b", "[anonymous]:c", "ann"]
    with pytest.raises(ValueError, match="'anonymous' parameter"):
        d.user_graph(anonymous="drop")


def test_filters(disc: dyn.Discussion) -> None:
    jan = disc.filter(start="2024-01-01", end="2024-02-01")
    assert len(jan) == 5
    # a reply keeps its edge when the parent is outside the window
    late = disc.filter(start=datetime(2024, 1, 2, tzinfo=UTC))
    assert late.user_graph().has_edge("ann", "bob")  # c (Jan 2) replied to b (Jan 1)
    assert len(disc.filter(threads="t2")) == 3
    assert set(disc.filter(authors=["ann", "cat"]).authors) == {"ann", "cat"}
    assert len(disc.filter(threads=["t1"], authors="ann")) == 2


def _chain() -> dyn.Discussion:
    """ann posts on Jan 1, bob answers her on Jan 2, cy answers bob on Jan 3; dee answers
    ann's post anonymously (deleted author) on Jan 3."""
    day = [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3, 3)]
    frame = pl.DataFrame(
        {"id": list("abcd"), "parent": [None, "a", "b", "a"], "user": ["ann", "bob", "cy", None],
         "body": list("wxyz"), "time": day}
    )  # fmt: skip
    return dyn.load(frame)


@pytest.mark.filterwarnings("ignore::dynamics.errors.DataQualityWarning")
def test_a_window_keeps_replies_to_users_outside_it() -> None:
    """Jan 2 on: bob's reply to ann (Jan 1, outside) stays an edge, and ann a node that
    wrote nothing in the window, in every graph form (it broke the coded edges once)."""
    window = _chain().filter(start="2024-01-02")
    nodes = window.user_nodes()
    assert nodes.rows() == [
        ("ann", 0, None, None),
        ("bob", 1, datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)),
        ("cy", 1, datetime(2024, 1, 3, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC)),
    ]
    edges = window.user_edges()
    assert edges.select("source", "target", "count").rows() == [("bob", "ann", 1), ("cy", "bob", 1)]
    g = window.user_graph("igraph")
    assert g.vs["name"] == ["ann", "bob", "cy"]
    assert g.get_edgelist() == [(1, 0), (2, 1)]
    assert g.vs["n_comments"] == [0, 1, 1]
    assert g.vs["first"][0] is None
    nxg = window.user_graph()
    assert nxg.nodes["ann"] == {"n_comments": 0, "first": None, "last": None}
    assert sorted(nxg.edges) == [("bob", "ann"), ("cy", "bob")]
    assert window.author_rows([]).rows() == [(1, 0), (2, 1), (None, 0)]
    # the anonymous reply to ann: pooled, its node replies to ann; excluded, no node
    pooled = window.user_nodes(anonymous="pool")
    assert pooled["author"].to_list() == ["[anonymous]", "ann", "bob", "cy"]
    assert window.user_edges(anonymous="pool").height == 3
    # and a Discussion that holds every parent has no such node
    assert _chain().user_nodes()["n_comments"].to_list() == [1, 1, 1]
    # a measure reads the window's graph: no reply there is returned
    assert dyn.structure.reciprocity(window).value == 0.0


def test_save_and_reopen_parquet(disc: dyn.Discussion, tmp_path: Path) -> None:
    out = disc.save(tmp_path / "d.parquet")
    assert dyn.detect(out) == "parquet_cache"
    again = dyn.load(out)
    assert again.to_polars().equals(disc.to_polars())
    assert again.report == disc.report
    assert sorted(again.user_graph().edges(data="count")) == sorted(
        disc.user_graph().edges(data="count")
    )


def test_cache_makes_second_load_read_parquet(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    pl.DataFrame(ROWS).write_csv(src)
    cache = tmp_path / "cache"
    with pytest.warns(dyn.DataQualityWarning) as said:
        first = dyn.load(src, cache=cache)
    files = list(cache.glob("*.parquet"))
    assert len(files) == 1
    # read back from the cache, and its data's problems said again (a notebook run again)
    with pytest.warns(dyn.DataQualityWarning) as again:
        second = dyn.load(src, cache=cache)
    assert str(again[0].message) == f"{said[0].message} (read from the cache)"
    assert second.to_polars().equals(first.to_polars())
    assert second.report == first.report


def test_len_repr_and_time_span(disc: dyn.Discussion) -> None:
    assert len(disc) == 8
    assert "8 comments, 2 threads, 3 authors" in repr(disc)
    assert disc.time_span == (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, 2, tzinfo=UTC))


def test_forest_arrays_large_random_tree() -> None:
    # depth and subtree sizes on a random tree agree with networkx
    rng = np.random.default_rng(0)
    n = 2000
    parents = [None] + [str(int(rng.integers(0, i))) for i in range(1, n)]
    d = dyn.load(
        pl.DataFrame(
            {
                "id": [str(i) for i in range(n)],
                "parent": parents,
                "text": ["x"] * n,
                "user": [f"u{i}" for i in range(n)],
            }
        )
    )
    tt = d.tree_table()
    g = nx.DiGraph((p, c) for c, p in enumerate(parents) if p is not None)
    g = nx.relabel_nodes(g, {k: int(k) for k in g.nodes if isinstance(k, str)})
    depth = nx.shortest_path_length(g, 0)
    assert tt["depth"].to_list() == [depth[i] for i in range(n)]
    assert tt["subtree_size"].to_list() == [len(nx.descendants(g, i)) + 1 for i in range(n)]


def _dump_with_a_silent_post(tmp_path: Path) -> Path:
    """Two Pushshift submissions, one of which drew no comment, and two comments."""
    lines = [
        {
            "id": "p1",
            "title": "Asked",
            "selftext": "",
            "author": "ann",
            "created_utc": 100,
            "subreddit": "x",
        },
        {
            "id": "p2",
            "title": "Ignored",
            "selftext": "",
            "author": "bob",
            "created_utc": 200,
            "subreddit": "x",
        },
        {
            "id": "c1",
            "parent_id": "t3_p1",
            "link_id": "t3_p1",
            "author": "bob",
            "body": "an answer",
            "created_utc": 150,
        },
        {
            "id": "c2",
            "parent_id": "t1_c1",
            "link_id": "t3_p1",
            "author": "ann",
            "body": "thanks",
            "created_utc": 160,
        },
    ]
    path = tmp_path / "RS_RC.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_posts_without_comments_are_threads(tmp_path: Path) -> None:
    d = dyn.load(_dump_with_a_silent_post(tmp_path))
    assert d.thread_ids == ["p1", "p2"]
    assert d.n_threads == d.report.n_threads == 2
    threads = d.threads
    assert threads.get_column("thread_id").to_list() == ["p1", "p2"]
    assert threads.get_column("n_comments").to_list() == [2, 0]
    assert threads.get_column("title").to_list() == ["Asked", "Ignored"]
    quiet = d.filter(threads=["p2"])
    assert (len(quiet), quiet.n_threads) == (0, 1)
    assert d.filter(threads=["p1"]).thread_ids == ["p1"]
    assert d.filter(authors=["ann"]).posts.get_column("thread_id").to_list() == ["p1"]


def test_derived_tables_are_computed_once(disc: dyn.Discussion) -> None:
    assert disc.tree_table() is disc.tree_table()
    assert disc.user_edges() is disc.user_edges()
    assert disc.user_edges(self_loops=True) is not disc.user_edges()
    assert disc.user_edges(self_loops=True).height == disc.user_edges().height + 1


def test_each_igraph_graph_is_a_new_object(disc: dyn.Discussion) -> None:
    g1 = disc.user_graph(backend="igraph")
    g1.delete_edges(list(range(g1.ecount())))
    g2 = disc.user_graph(backend="igraph")
    assert g2 is not g1
    assert g2.ecount() == disc.user_edges().height > 0


def test_annotate_is_lent_by_the_text_layer() -> None:
    from dynamics.model.discussion import register_method

    with pytest.raises(ValueError, match="'name' parameter of register_method"):
        register_method("plot", print)


@pytest.mark.filterwarnings("ignore::dynamics.errors.DataQualityWarning")
def test_a_part_says_what_it_holds(tmp_path: Path) -> None:
    """A filtered Discussion's report gives the part's sizes and time span and says which
    part it is; the records read and the problems stay those of the input."""
    d = _chain()
    window = d.filter(start="2024-01-02", end="2024-01-03")
    r = window.report
    assert (r.n_comments, r.n_threads, r.n_authors) == (1, 1, 1)
    assert r.start == r.end == datetime(2024, 1, 2, tzinfo=UTC)
    assert r.n_records == d.report.n_records == 4
    assert r.counts == d.report.counts
    assert r.selection == "start 2024-01-02, end 2024-01-03 (1 of 4 comments)"
    assert "a part of the input: start 2024-01-02" in r.summary()
    # a part of a part says both; a generator of threads is read once
    narrower = d.filter(threads=iter(["a"])).filter(authors="bob")
    assert (
        narrower.report.selection
        == "threads: 1 given (4 of 4 comments); then authors: bob (1 of 4 comments)"
    )
    # saved and reopened, it still says so
    again = dyn.load(window.save(tmp_path / "w.parquet"))
    assert again.report.selection == r.selection
    assert again.report.n_comments == 1
    # the whole input has no selection
    assert d.report.selection is None
    assert d.filter().report.selection is None


def test_opening_a_file_that_save_did_not_write_names_it(tmp_path: Path) -> None:
    text = tmp_path / "x.csv"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    table = tmp_path / "plain.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(table)
    with pytest.raises(dyn.InputFormatError, match=r"x\.csv: not a file written by Discussion"):
        dyn.load(text, format="parquet_cache")
    with pytest.raises(dyn.InputFormatError, match=r"plain\.parquet: .*without its metadata"):
        dyn.load(table, format="parquet_cache")


@pytest.mark.filterwarnings("ignore::dynamics.errors.DataQualityWarning")
def test_a_discussion_knows_whether_it_holds_every_parent(tmp_path: Path) -> None:
    d = _chain()
    assert d.holds_parents  # as read
    window = d.filter(start="2024-01-02")
    assert not window.holds_parents  # bob's reply answers ann's comment of Jan 1
    assert d.filter(threads=["a"]).holds_parents  # whole threads hold their parents
    assert not d.filter(authors=["bob"]).holds_parents
    assert dyn.load(window.save(tmp_path / "w.parquet")).holds_parents is False
    assert dyn.load(d.save(tmp_path / "d.parquet")).holds_parents is True
    # brought parent fields may answer comments the table lacks; derived ones may not
    assert not dyn.Discussion(window.comments, window.report).holds_parents
    raw = window.comments.drop("parent_author", "parent_deleted")
    assert dyn.Discussion(raw, window.report).holds_parents
    assert dyn.Discussion(d.comments, d.report, holds_parents=True).holds_parents
    # scores keep it
    assert d.annotate(["sentiment"], cache=False, progress=False).holds_parents
    assert not window.annotate(["sentiment"], cache=False, progress=False).holds_parents


@pytest.mark.filterwarnings("ignore::dynamics.errors.DataQualityWarning")
def test_a_chain_of_filters_keeps_the_posts_one_filter_keeps(shared_data: Path) -> None:
    """r/CollegeRant, October 2021: one call and a chain of two keep the same comments and
    the same posts (the chain once kept 18 more, older posts whose comments fell after the
    window), whichever way round; a date works as a start."""
    from datetime import date

    rant = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    assert rant.posts is not None
    one = rant.filter(start="2021-10-01", end="2021-11-01")
    chained = rant.filter(start="2021-10-01").filter(end="2021-11-01")
    backwards = rant.filter(end="2021-11-01").filter(start=date(2021, 10, 1))
    assert one.comments.equals(chained.comments)
    assert one.comments.equals(backwards.comments)
    ids = one.posts.get_column("thread_id").sort()
    assert chained.posts.get_column("thread_id").sort().equals(ids)
    assert backwards.posts.get_column("thread_id").sort().equals(ids)
    assert one.n_threads == chained.n_threads == backwards.n_threads
    # a post that drew no comment at all stays when posted in the window
    commented = rant.comments.get_column("thread_id").unique().implode()
    silent = rant.posts.filter(~pl.col("thread_id").is_in(commented))
    if silent.height:
        kept = one.posts.filter(~pl.col("thread_id").is_in(commented))
        assert (
            kept.height
            == silent.filter(
                (pl.col("created_at") >= datetime(2021, 10, 1, tzinfo=UTC))
                & (pl.col("created_at") < datetime(2021, 11, 1, tzinfo=UTC))
            ).height
        )


def test_a_saved_file_without_its_posts_file_says_so(tmp_path: Path) -> None:
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(THREAD, infer_replies="adjacent")
    assert d.posts is not None
    saved = d.save(tmp_path / "d.parquet")
    (tmp_path / "d.threads.parquet").unlink()
    with pytest.raises(dyn.InputFormatError, match=r"d\.threads\.parquet, which is missing"):
        dyn.load(saved)


def test_a_time_window_needs_times(seed_thread: Path) -> None:
    """The bundled thread has no times: a window is an error, not an empty part; a table
    with some times missing warns that those comments are in no window."""
    with pytest.warns(dyn.DataQualityWarning):
        untimed = dyn.load(seed_thread, infer_replies="adjacent")
    with pytest.raises(ValueError, match=r"no comment of .*southfront.* has one \(49 comments"):
        untimed.filter(start="2020-01-01")
    assert len(untimed.filter(authors=sorted(untimed.authors)[:1])) > 0  # other filters work
    some = dyn.load(
        pl.DataFrame(
            {
                "id": ["a", "b", "c"],
                "parent": [None, "a", "a"],
                "user": ["x", "y", "z"],
                "body": ["p", "q", "r"],
                "created_utc": [1_700_000_000, None, 1_700_000_100],
            }
        )
    )
    with pytest.warns(dyn.DataQualityWarning, match="1 of 3 comments have no time"):
        part = some.filter(start="2000-01-01")
    assert part.comments.get_column("comment_id").to_list() == ["a", "c"]
    # only the comments the other conditions keep are counted: x and z wrote timed ones
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(some.filter(authors=["x", "z"], start="2000-01-01")) == 2


def test_filter_refuses_a_window_that_is_not_one() -> None:
    """A date that does not parse names its parameter; an end before the start was an
    empty part without a word."""
    d = dyn.load(pl.DataFrame({"id": ["a"], "user": ["u"], "body": ["x"], "time": [1_600_000_000]}))
    with pytest.raises(ValueError, match="'start' parameter of filter must be a datetime"):
        d.filter(start="2021-13-01")
    with pytest.raises(ValueError, match="'end' parameter of filter must be later than 'start'"):
        d.filter(start="2021-02-01", end="2021-01-01")
