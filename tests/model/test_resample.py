"""Thread bootstrap samples: the fast user graph equals the one built from the comments table."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.model.discussion import Discussion
from dynamics.model.resample import ThreadResampler


def _scored_rant(shared_data: Path) -> Discussion:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    # real replies, threads and authors; a seeded score column stands in for the text models
    # so the test stays fast (the aggregation is what is tested, not the scores)
    first = d.comments.head(3000)
    gen = np.random.default_rng(1)
    n = first.height
    p_agree = gen.uniform(0, 0.6, n)
    scored = first.with_columns(
        pl.Series(
            "toxicity", np.where(gen.uniform(size=n) < 0.05, np.nan, gen.beta(0.5, 2, n))
        ).fill_nan(None),
        pl.Series("stance", gen.choice(["agree", "disagree", "neutral"], n)),
        pl.Series("p_agree", p_agree),
        pl.Series("p_disagree", gen.uniform(0, 1 - p_agree)),
    )
    return Discussion(scored, d.report)


def _same_graph(fast, slow) -> None:
    assert fast.vs["name"] == slow.vs["name"]
    assert fast.get_edgelist() == slow.get_edgelist()
    for seq_fast, seq_slow in ((fast.vs, slow.vs), (fast.es, slow.es)):
        assert sorted(seq_fast.attributes()) == sorted(seq_slow.attributes())
        for attr in seq_slow.attributes():
            a, b = seq_fast[attr], seq_slow[attr]
            if attr in {"mean_toxicity", "sign_weight"}:
                np.testing.assert_allclose(
                    np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-12
                )
            else:
                assert a == b, attr


@pytest.mark.parametrize("anonymous", ["exclude", "pool", "separate"])
def test_sample_graph_matches_materialised_comments(shared_data: Path, anonymous: str) -> None:
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    drawn = resampler.draw(np.random.default_rng(7))
    assert np.bincount(drawn).max() > 1  # some thread is drawn twice
    fast = resampler.discussion(drawn)
    slow = Discussion(fast.comments, d.report)  # the comments table, built the long way
    assert fast.comments.height == int(
        d.comments.group_by("thread_id")
        .len()
        .join(pl.DataFrame({"thread_id": resampler.thread_ids.gather(drawn)}), on="thread_id")[
            "len"
        ]
        .sum()
    )
    for self_loops in (False, True):
        assert fast.user_edges(anonymous=anonymous, self_loops=self_loops).equals(
            slow.user_edges(anonymous=anonymous, self_loops=self_loops)
        ) or _close_tables(
            fast.user_edges(anonymous=anonymous, self_loops=self_loops),
            slow.user_edges(anonymous=anonymous, self_loops=self_loops),
        )
        _same_graph(
            fast.user_graph("igraph", anonymous=anonymous, self_loops=self_loops),
            slow.user_graph("igraph", anonymous=anonymous, self_loops=self_loops),
        )
    assert fast.user_nodes(anonymous=anonymous).equals(slow.user_nodes(anonymous=anonymous))


@pytest.mark.parametrize("anonymous", ["exclude", "pool"])
def test_sample_of_a_window_keeps_the_users_answered_outside_it(
    shared_data: Path, anonymous: str
) -> None:
    """A time window whose replies answer comments before it: its samples have those users
    as nodes without comments, as the window itself does."""
    d = _scored_rant(shared_data)
    times = d.comments.get_column("created_at").sort()
    window = d.filter(start=times[times.len() // 2])
    nodes = window.user_nodes(anonymous=anonymous)
    silent = nodes.filter(pl.col("n_comments") == 0)
    assert silent.height > 0  # the window does answer users outside it
    resampler = ThreadResampler(window)
    for seed in (3, 4):
        fast = resampler.discussion(resampler.draw(np.random.default_rng(seed)))
        slow = Discussion(fast.comments, d.report)
        assert fast.user_nodes(anonymous=anonymous).equals(slow.user_nodes(anonymous=anonymous))
        _close_tables(fast.user_edges(anonymous=anonymous), slow.user_edges(anonymous=anonymous))
        _same_graph(
            fast.user_graph("igraph", anonymous=anonymous),
            slow.user_graph("igraph", anonymous=anonymous),
        )
        assert fast.author_rows(["toxicity"]).equals(slow.author_rows(["toxicity"]))


def _close_tables(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    """Equal up to float rounding (means summed in another order)."""
    assert a.columns == b.columns
    for col in a.columns:
        if a[col].dtype.is_float():
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-12)
        else:
            assert a[col].to_list() == b[col].to_list(), col
    return True


def test_sample_without_timestamps_or_scores(seed_thread: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent")
    resampler = ThreadResampler(d)
    fast = resampler.discussion(resampler.draw(np.random.default_rng(0)))
    slow = Discussion(fast.comments, d.report)
    _same_graph(fast.user_graph("igraph"), slow.user_graph("igraph"))
    assert fast.user_edges().equals(slow.user_edges())


def test_bootstrap_sample_draws_as_before(shared_data: Path) -> None:
    """The draw is the one the bootstrap always made: ``n`` thread indices from the seed."""
    d = _scored_rant(shared_data)
    from dynamics._significance import resample_threads

    sample = resample_threads(d, 3)
    ids = d.comments.get_column("thread_id").unique(maintain_order=True)
    expected = ids.gather(np.random.default_rng(3).integers(0, ids.len(), ids.len()))
    got = sample.comments.get_column("thread_id").str.replace(r"#b\d+$", "")
    assert sorted(got.unique().to_list()) == sorted(expected.unique().to_list())
    assert len(sample) == sum(
        d.comments.filter(pl.col("thread_id") == t).height for t in expected.to_list()
    )


def test_seeded_bootstraps_share_sample_graphs(shared_data: Path) -> None:
    """Two metrics bootstrapped with the same seed draw the same samples: graphs built once."""
    from dynamics._significance import bootstrap_threads
    from dynamics.model.resample import resampler_of

    d = _scored_rant(shared_data)
    seen: list[object] = []

    def edges_of(sample: Discussion) -> float:
        g = sample.user_graph("igraph")
        seen.append(sample)
        return g.ecount()

    first, values = bootstrap_threads(edges_of, d, n_boot=5, seed=4)
    kept = dict(resampler_of(d)._graphs)
    assert len(kept) == 5
    again, values_again = bootstrap_threads(edges_of, d, n_boot=5, seed=4)
    assert again == first
    np.testing.assert_array_equal(values, values_again)
    assert resampler_of(d)._graphs == kept  # nothing new was built
    bootstrap_threads(edges_of, d, n_boot=5, seed=5)
    assert len(resampler_of(d)._graphs) == 10
    # the kept graph is the one the comments table gives
    sample = seen[-1]
    slow = Discussion(sample.comments, d.report)
    _same_graph(sample.user_graph("igraph"), slow.user_graph("igraph"))


def test_samples_of_one_draw_share_their_user_table(shared_data: Path) -> None:
    """A keyed sample's user table (counts and times by original code) is built once per key:
    the next measure's sample of the same draw reads it (cross-side hostility's coded rows
    after a graph measure built the sample graph), and it equals an unkeyed sample's."""
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    drawn = resampler.draw(np.random.default_rng(3))
    first = resampler.discussion(drawn, key=("seed", 0))
    first.user_graph("igraph")
    second = resampler.discussion(drawn, key=("seed", 0))
    assert second._node_table("exclude") is first._node_table("exclude")
    rows = second.author_rows(["toxicity"])
    alone = resampler.discussion(drawn)  # no key: nothing shared
    assert alone._node_table("exclude") is not first._node_table("exclude")
    assert alone._node_table("exclude").equals(first._node_table("exclude"))
    assert rows.equals(alone.author_rows(["toxicity"]))
    other = resampler.discussion(resampler.draw(np.random.default_rng(4)), key=("seed", 1))
    assert not other._node_table("exclude").equals(first._node_table("exclude"))


def test_sample_graph_builds_no_comments_table(shared_data: Path) -> None:
    """The igraph graph of a sample comes from the coded rows alone (the speed of the bootstrap
    rests on it): no comments table, no string edge table."""
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    sample = resampler.discussion(resampler.draw(np.random.default_rng(2)))
    sample.user_graph("igraph")
    assert sample._built is None
    assert not any(key[0] in {"coded_edges", "user_edges", "user_nodes"} for key in sample._cache)


def test_sample_comment_rows_match_its_comments(shared_data: Path) -> None:
    """A sample's ``comment_rows`` are its comments' columns (the same rows, repeated threads
    included) without the comments table being built; a missing column raises as polars does."""
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    sample = resampler.discussion(resampler.draw(np.random.default_rng(3)))
    columns = ["author", "parent_author", "toxicity", "thread_id"]
    rows = sample.comment_rows(columns)
    assert sample._built is None
    assert rows.columns == columns
    expected = sample.comments.select(columns).with_columns(
        pl.col("thread_id").str.replace(r"#b\d+$", "")  # the copies' suffix
    )
    assert rows.sort(columns, nulls_last=True).equals(expected.sort(columns, nulls_last=True))
    assert d.comment_rows(columns).equals(d.comments.select(columns))
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        sample.comment_rows(["no_such_column"])


def test_sample_comments_per_author_match_its_comments(shared_data: Path) -> None:
    """A sample counts each author's comments from its original's per-thread counts (threads
    drawn twice count twice), as its comments table would, without building that table; the
    participation Gini of the sample is the one of the comments table."""
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    drawn = resampler.draw(np.random.default_rng(4))
    sample = resampler.discussion(drawn)
    counts = sample.comments_per_author()
    assert sample._built is None
    slow = Discussion(sample.comments, d.report)
    assert sorted(counts.tolist()) == sorted(slow.comments_per_author().tolist())
    expected = slow.comments.get_column("author").drop_nulls().value_counts()
    assert counts.sum() == expected.get_column("count").sum() > len(d.authors)
    gini = dyn.structure.participation_inequality
    assert gini(sample).value == gini(slow).value


def test_sample_author_rows_match_its_comments(shared_data: Path) -> None:
    """``author_rows`` codes each comment's author and parent author as rows of the user
    table: a sample renumbers its original's codes to its own users, equal (rows sorted) to
    the codes of its comments table built the long way; the cross-side hostility of the
    sample is the same either way."""
    d = _scored_rant(shared_data)
    names = d.user_nodes().get_column("author")
    rows = d.author_rows(["toxicity"])
    assert rows.columns == ["_a", "_p", "toxicity"]
    plain = d.comment_rows(["author", "parent_author"])
    assert names.gather(rows.get_column("_a")).equals(plain.get_column("author"), null_equal=True)
    assert (
        names.gather(rows.get_column("_p")).to_list() == plain.get_column("parent_author").to_list()
    )
    resampler = ThreadResampler(d)
    drawn = resampler.draw(np.random.default_rng(5))
    assert np.bincount(drawn).max() > 1
    sample = resampler.discussion(drawn)
    fast = sample.author_rows(["toxicity"])
    assert sample._built is None
    slow = Discussion(sample.comments, d.report)
    expected = slow.author_rows(["toxicity"])
    by = ["_a", "_p", "toxicity"]
    assert fast.sort(by, nulls_last=True).equals(expected.sort(by, nulls_last=True))
    assert fast.get_column("_a").max() < len(slow.authors) < len(d.authors)
    sides = {name: i % 2 for i, name in enumerate(names.to_list())}  # every user on a side
    hostility = dyn.polarization.cross_side_hostility
    a, b = hostility(sample, sides=sides), hostility(slow, sides=sides)
    assert not math.isnan(a.value)
    assert (a.n_cross, a.n_within) == (b.n_cross, b.n_within)
    # the same replies summed in another row order: equal to rounding
    assert a.value == pytest.approx(b.value, rel=1e-12)
    assert a.cross_toxicity == pytest.approx(b.cross_toxicity, rel=1e-12)


def test_time_attributes_equal_to_list(shared_data: Path) -> None:
    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    times = d.comments.get_column("created_at").drop_nulls()
    t0, t1, t2 = times.min(), times.max(), times.sort().gather(1).item()
    table = pl.DataFrame(
        {
            "first": [t0, t0, None, t2, None],
            "last": [t0, t1, t2, None, None],
            "edited": [t1, None, t0, t0, t2],
        },
        schema={c: times.dtype for c in ("first", "last", "edited")},
    )
    got = resampler.time_attributes(table.with_columns(count=pl.lit(1)))
    assert sorted(got) == ["edited", "first", "last"]  # only the temporal columns
    for col in table.columns:
        assert got[col] == table.get_column(col).to_list(), col
    assert got["last"][0] is got["first"][0]  # an equal last is the same object
    lone = resampler.time_attributes(table.select("last"))
    assert lone == {"last": table.get_column("last").to_list()}


def test_keyed_sample_graph_keeps_the_edge_array_it_was_built_from(shared_data: Path) -> None:
    from dynamics._memo import EDGE_ENDS
    from dynamics._validation import edge_ends, edge_list_array

    d = _scored_rant(shared_data)
    resampler = ThreadResampler(d)
    sample = resampler.discussion(resampler.draw(np.random.default_rng(3)), key=(3, 0))
    g = sample.user_graph("igraph", copy=False)
    primed = sample.memo.get(EDGE_ENDS, (g,), lambda: "read from igraph")
    assert isinstance(primed, np.ndarray)  # kept when the graph was built
    assert not primed.flags.writeable
    assert np.array_equal(primed, edge_list_array(g))
    assert edge_ends(g, sample) is primed


def test_sample_author_rows_are_null_for_users_the_sample_lacks() -> None:
    """In a window, an anonymous reply in thread t1 answers ann's comment of before it; ann
    writes in t2 only. A sample of t1 twice has no node ann (nobody named answers her), so
    the reply's ``_p`` is null there, as in the sample's own comments (it was -1)."""
    from datetime import UTC, datetime

    day = [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3, 3)]
    frame = pl.DataFrame(
        {"id": ["a", "b", "c", "d"], "parent": [None, "a", None, "c"],
         "link_id": ["t1", "t1", "t2", "t2"], "user": ["ann", None, "ann", "bob"],
         "body": list("wxyz"), "time": day}
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        window = dyn.load(frame).filter(start="2024-01-02")
    resampler = ThreadResampler(window)
    t1 = resampler.thread_ids.to_list().index("t1")
    fast = resampler.discussion(np.array([t1, t1]))
    slow = Discussion(fast.comments, window.report, holds_parents=False)
    assert fast.author_rows([]).rows() == slow.author_rows([]).rows() == [(None, None)] * 2
