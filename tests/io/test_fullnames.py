"""Reddit fullnames (t1_/t3_) in generic tables: PRAW-style CSVs, JSON Lines, Parquet, frames."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn

PRAW_CSV = Path(__file__).parents[1] / "data" / "reddit_praw" / "comments.csv"


def load(source, **kw) -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning):
        return dyn.load(source, **kw)


def parents(d: dyn.Discussion) -> dict[str, str | None]:
    return dict(zip(d.comments["comment_id"], d.comments["parent_id"], strict=True))


def test_praw_csv_joins_parents_through_the_prefix() -> None:
    d = load(PRAW_CSV)
    assert d.report.format == "csv"
    assert d.report.n_comments == 8
    par = parents(d)
    assert par["k1a0002"] == "k1a0001"  # t1_ parent: reply to that comment
    assert par["k1a0003"] == "k1a0002"
    assert par["k1a0001"] is None  # t3_ parent: top-level
    assert par["k1a0005"] is None
    # the two replies to a purged comment are the only orphans
    assert d.report["orphan"] == 2
    assert set(d.comments.filter(pl.col("orphan_of").is_not_null())["comment_id"]) == {
        "k1a0007",
        "k1a0008",
    }
    assert d.comments["thread_id"].unique().to_list() == ["17xq9zz"]
    assert d.report.n_threads == 1
    assert d.user_graph().number_of_edges() > 0


def test_praw_csv_states_the_guess_in_the_report() -> None:
    d = load(PRAW_CSV)
    assert d.report["reddit_fullnames"] == 8
    policy = d.report.policy("reddit_fullnames")
    assert "t3_ parent is top-level" in policy
    assert "'permalink'" in policy
    assert "Reddit fullnames" in d.report.summary()


def test_continue_this_thread_stubs_are_unfetched_replies_not_duplicates() -> None:
    d = load(PRAW_CSV)
    assert d.report["duplicate_id"] == 0
    assert d.report["unfetched_replies"] == 2
    assert "_" not in d.comments["comment_id"].to_list()


def test_fullname_ids_give_the_same_tree_as_bare_ids() -> None:
    bare = load(PRAW_CSV)
    named = load(PRAW_CSV, columns={"comment_id": "name"})
    assert parents(named) == parents(bare)
    assert named.report["missing_field"] == 0  # the stubs have no name: dropped as stubs


def test_threads_from_link_id_and_from_the_permalink() -> None:
    df = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "parent_id": ["t3_p1", "t1_a", "t1_gone"],
            "link_id": ["t3_p1", "t3_p1", None],
            "permalink": [None, None, "/r/x/comments/p2/title/c/"],
            "author": ["ann", "bob", "cat"],
            "body": ["x", "y", "z"],
        }
    )
    d = load(df)
    assert dict(zip(d.comments["comment_id"], d.comments["thread_id"], strict=True)) == {
        "a": "p1",
        "b": "p1",
        "c": "p2",  # an orphan takes its permalink's post
    }
    assert "'link_id'" in d.report.policy("reddit_fullnames")


def test_megathread_orphans_take_link_id_thread() -> None:
    """Issue 15.1: replies to comments outside a one-post export stay in one thread."""
    n = 30
    df = pl.DataFrame(
        {
            "name": [f"t1_c{i}" for i in range(n)],
            "parent_id": [f"t1_missing{i % 7}" for i in range(n)],
            "link_id": ["t3_mega"] * n,
            "author": [f"u{i}" for i in range(n)],
        }
    )
    d = load(df, columns={"comment_id": "name"})
    assert d.report.n_threads == 1
    assert d.report["orphan"] == n
    assert "took the thread given by the source" in d.report.policy("orphan")


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_fullnames_in_jsonl_and_parquet(tmp_path, suffix) -> None:
    df = pl.read_csv(PRAW_CSV, infer_schema=False)
    path = tmp_path / f"comments{suffix}"
    if suffix == ".jsonl":
        df.write_ndjson(path)
    else:
        df.write_parquet(path)
    d = load(path)
    assert parents(d) == parents(load(PRAW_CSV))
    assert d.report["unfetched_replies"] == 2
    if suffix == ".jsonl":  # JSON Lines with t1_/t3_ fields are the Reddit dump reader's
        assert d.report.format == "reddit"
        assert d.comments["thread_id"].unique().to_list() == ["17xq9zz"]  # from the permalink
    else:
        assert d.report["reddit_fullnames"] == 8


def test_plain_tables_are_not_read_as_fullnames() -> None:
    df = pl.DataFrame(
        {"id": ["t1", "t2"], "parent": [None, "t1"], "author": ["a", "b"], "text": ["x", "y"]}
    )
    d = dyn.load(df)
    assert d.report["reddit_fullnames"] == 0
    assert parents(d) == {"t1": None, "t2": "t1"}


def test_info_states_the_guess() -> None:
    from typer.testing import CliRunner

    from dynamics.cli import app

    result = CliRunner().invoke(app, ["info", str(PRAW_CSV)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "reddit_fullnames" in result.output
    assert "read as Reddit fullnames" in result.output
