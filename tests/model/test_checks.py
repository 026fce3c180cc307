"""Every data problem is counted with sample ids, the policy applied, and strict=True raises."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.model.checks import _all_distinct


def frame(**cols) -> pl.DataFrame:
    n = len(cols["id"])
    base = {
        "parent": [None] * n,
        "thread": ["t"] * n,
        "user": [f"u{i}" for i in range(n)],
        "body": ["text"] * n,
        "time": list(range(100, 100 + n)),
    }
    base.update(cols)
    return pl.DataFrame(base, schema_overrides={"parent": pl.String, "user": pl.String})


def load(df: pl.DataFrame, **kw) -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning):
        return dyn.load(df, **kw)


def test_clean_input_has_no_problems_and_no_warning() -> None:
    d = dyn.load(frame(id=["a", "b"], parent=[None, "a"]))
    assert d.report.ok
    assert d.report.counts == {}
    assert d.report.n_comments == 2


def test_orphans_attached_by_default() -> None:
    d = load(frame(id=["a", "b", "c"], parent=[None, "gone", "b"]))
    assert d.report["orphan"] == 1
    assert d.report.samples["orphan"] == ["b"]
    assert "attached to the thread root" in d.report.policy("orphan")
    row = d.to_polars().filter(pl.col("comment_id") == "b").row(0, named=True)
    assert row["parent_id"] is None
    assert row["orphan_of"] == "gone"
    assert d.forest("t").roots == ["a", "b"]


def test_orphans_drop_and_keep() -> None:
    df = frame(id=["a", "b", "c"], parent=[None, "gone", "b"])
    dropped = load(df, orphans="drop")
    assert dropped.to_polars()["comment_id"].to_list() == ["a"]  # c replied to the orphan
    assert dropped.report["orphan"] == 1
    # the replies dropped with the orphans are counted: 3 records = 1 kept + 1 orphan + 1
    assert dropped.report.policy("orphan") == "dropped, with 1 reply below them"
    kept = load(df, orphans="keep")
    assert kept.to_polars()["parent_id"].to_list() == [None, "gone", "b"]
    assert kept.user_graph().number_of_edges() == 1  # c -> b only; no node for "gone"


def test_duplicate_ids_keep_first() -> None:
    d = load(frame(id=["a", "b", "a"], body=["first", "x", "second"]))
    assert d.report["duplicate_id"] == 1
    assert d.report.samples["duplicate_id"] == ["a"]
    assert len(d) == 2
    assert d.to_polars().filter(pl.col("comment_id") == "a")["text"].item() == "first"


def test_cycles_broken_at_earliest_comment() -> None:
    d = load(frame(id=["r", "x", "y", "z"], parent=[None, "z", "x", "y"], time=[1, 5, 3, 4]))
    assert d.report["cycle"] == 3
    assert sorted(d.report.samples["cycle"]) == ["x", "y", "z"]
    df = d.to_polars()
    # y is the earliest on the cycle: it becomes top-level, its old parent kept in orphan_of
    y = df.filter(pl.col("comment_id") == "y").row(0, named=True)
    assert y["parent_id"] is None
    assert y["orphan_of"] == "x"
    assert d.tree_table().filter(pl.col("comment_id") == "x")["depth"].item() == 2


def test_self_reply_counted_and_no_self_loop() -> None:
    d = load(frame(id=["a", "b"], parent=[None, "a"], user=["ann", "ann"]))
    assert d.report["self_reply"] == 1
    assert d.user_graph().number_of_edges() == 0
    assert d.user_graph(self_loops=True).has_edge("ann", "ann")


def test_reply_older_than_parent() -> None:
    d = load(frame(id=["a", "b"], parent=[None, "a"], time=[200, 100]))
    assert d.report["reply_before_parent"] == 1
    assert d.report.samples["reply_before_parent"] == ["b"]


def test_deleted_and_anonymous_authors() -> None:
    d = load(
        frame(
            id=["a", "b", "c", "d"],
            user=["[deleted]", "[removed]", None, "ann"],
            body=["x", "[removed]", "y", "z"],
        )
    )
    assert d.report["deleted_author"] == 2
    assert d.report["anonymous_author"] == 1
    assert d.report["removed_text"] == 1
    df = d.to_polars()
    assert df["author"].to_list() == [None, None, None, "ann"]
    assert df["deleted"].to_list() == [True, True, False, False]


def test_empty_text_kept() -> None:
    d = load(frame(id=["a", "b"], body=["", "   "]))
    assert d.report["empty_text"] == 2
    assert len(d) == 2


def test_text_of_unicode_whitespace_only_is_empty() -> None:
    """Empty means nothing but Unicode White_Space (a zero-width space is not whitespace)."""
    bodies = ["\n\t \u00a0", "\u3000\u2028", " x ", "\u200b", "\n\nok\n"]
    d = load(frame(id=[str(i) for i in range(len(bodies))], body=bodies))
    assert d.report["empty_text"] == 2
    assert d.report.samples["empty_text"] == ["0", "1"]


def test_non_utf8_text_in_csv(tmp_path) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(b"id,parent,author,text\n1,,ann,caf\xe9\n2,1,bob,fine\n")
    d = load(f)
    assert d.report["non_utf8_text"] == 1
    assert d.report.samples["non_utf8_text"] == ["1"]
    assert d.to_polars()["text"][0] == "caf\ufffd"


def test_missing_ids_skipped() -> None:
    d = load(frame(id=["a", None, ""]))
    assert d.report["missing_field"] == 2
    assert len(d) == 1


def test_bad_timestamps_counted() -> None:
    d = load(frame(id=["a", "b"], time=["2020-01-01T00:00:00Z", "yesterday"]))
    assert d.report["bad_timestamp"] == 1
    assert d.report.samples["bad_timestamp"] == ["b"]
    assert d.to_polars()["created_at"][1] is None


def test_thread_mismatch_follows_the_parent() -> None:
    d = load(frame(id=["a", "b"], parent=[None, "a"], thread=["t1", "t2"]))
    assert d.report["thread_mismatch"] == 1
    assert d.to_polars()["thread_id"].to_list() == ["t1", "t1"]


def test_missing_thread_ids_come_from_the_root() -> None:
    d = dyn.load(
        pl.DataFrame(
            {
                "id": ["a", "b", "c", "d"],
                "parent": [None, "a", "b", None],
                "author": ["ann", "bob", "ann", "cat"],
                "text": ["w", "x", "y", "z"],
            }
        )
    )
    assert d.to_polars()["thread_id"].to_list() == ["a", "a", "a", "d"]


@pytest.mark.parametrize(
    ("cols", "match"),
    [
        (
            {"id": ["a", "b"], "parent": [None, "gone"]},
            r"id='b': field 'parent' refers to a comment",
        ),
        ({"id": ["a", "a"]}, r"id='a': field 'id' occurs more than once"),
        ({"id": ["a", "b"], "parent": ["b", "a"]}, r"field 'parent' closes a reply cycle"),
        (
            {"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "x"]},
            r"id='b': field 'parent' refers to a comment by the same author",
        ),
        (
            {"id": ["a", "b"], "parent": [None, "a"], "time": [5, 1]},
            r"id='b': field 'time' is earlier",
        ),
        ({"id": ["a"], "user": ["[deleted]"]}, r"id='a': field 'user' is deleted"),
        ({"id": ["a"], "body": [""]}, r"id='a': field 'body' is empty"),
    ],
)
def test_strict_raises_naming_record_and_field(cols, match) -> None:
    # the field as the table names it ('parent', 'user'), not the contract's column
    with pytest.raises(dyn.InputFormatError, match=match):
        dyn.load(frame(**cols), strict=True)


def test_report_round_trips_and_renders() -> None:
    d = load(frame(id=["a", "b", "b"], parent=[None, "zz", None]))
    again = dyn.IngestReport.from_dict(d.report.to_dict())
    assert again == d.report
    table = d.report.to_frame()
    assert set(table["problem"]) == {"orphan", "duplicate_id"}
    assert "1 replies whose parent is not in the data" in str(d.report)
    with pytest.raises(KeyError, match="unknown problem kind"):
        d.report["nonsense"]


def test_bad_orphan_policy() -> None:
    with pytest.raises(ValueError, match="'orphans' parameter"):
        dyn.load(frame(id=["a"]), orphans="ignore")


# ------------------------------------------------ orphans: which thread they take (issue 15.1)


def test_orphans_sharing_a_missing_parent_share_one_thread() -> None:
    df = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "parent": ["gone", "gone", "b", "lost", None],
            "user": ["u1", "u2", "u3", "u4", "u5"],
            "body": ["x"] * 5,
        }
    )
    d = load(df)
    thread = dict(zip(d.comments["comment_id"], d.comments["thread_id"], strict=True))
    assert thread["a"] == thread["b"] == thread["c"] == "gone"  # c follows its orphan parent
    assert thread["d"] == "lost"
    assert thread["e"] == "e"
    assert d.report.n_threads == 3
    assert "share a thread per missing parent" in d.report.policy("orphan")
    assert "given by the source" not in d.report.policy("orphan")


def test_orphans_keep_the_thread_their_source_gives() -> None:
    df = frame(id=["a", "b", "c"], parent=[None, "gone", "gone"], thread=["t1", "t1", "t2"])
    d = load(df)
    assert d.comments["thread_id"].to_list() == ["t1", "t1", "t2"]
    assert "2 took the thread given by the source" in d.report.policy("orphan")


@pytest.mark.parametrize("policy", ["keep", "attach"])
def test_orphan_thread_rule_applies_to_kept_and_attached_orphans(policy) -> None:
    df = pl.DataFrame({"id": ["a", "b"], "parent": ["gone", "gone"], "user": ["u1", "u2"]})
    d = load(df, orphans=policy)
    assert d.comments["thread_id"].to_list() == ["gone", "gone"]
    assert d.report.n_threads == 1


@pytest.mark.parametrize("orphans", ["attach", "drop", "keep"])
def test_parent_fields_gathered_by_the_checks_equal_the_join(orphans) -> None:
    """``check_comments(parent_fields=True)``, and ``with_parent_fields`` without the parent
    rows (as a Discussion built from a table without the fields does), give what a join on
    the ids gives."""
    from dynamics._problems import ProblemLog
    from dynamics.io._base import finalize_comments
    from dynamics.io.tabular import read_frame
    from dynamics.model.checks import check_comments
    from dynamics.model.forest import with_parent_fields

    # a missing id, a duplicate, an orphan with a reply, a two-cycle, a self-cycle, a deleted
    # parent, a self-reply, an anonymous author and a thread mismatch
    df = frame(
        id=["a", "b", "", "b", "o", "p", "x", "y", "s", "d", "e", "f", "g"],
        parent=[None, "a", "a", "a", "gone", "o", "y", "x", "s", None, "d", "e", "a"],
        user=["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "[deleted]", "u9", "u9", None],
        thread=["t"] * 12 + ["other"],
    )
    final = finalize_comments(read_frame(df).comments, source="frame")
    problems = ProblemLog()
    gathered = check_comments(final, ProblemLog(), orphans=orphans, parent_fields=True)
    checked = check_comments(final, problems, orphans=orphans)
    lookup = checked.select(
        pl.col("comment_id").alias("parent_id"),
        pl.col("author").alias("parent_author"),
        pl.col("deleted").alias("parent_deleted"),
    )
    joined = checked.join(lookup, on="parent_id", how="left", maintain_order="left")
    planted = {"duplicate_id", "missing_field", "orphan", "cycle", "self_reply", "thread_mismatch"}
    assert planted <= set(problems.counts)
    assert gathered.equals(joined)
    assert with_parent_fields(checked).equals(joined)
    assert gathered.columns[-2:] == ["parent_author", "parent_deleted"]
    assert gathered.get_column("parent_author").null_count() < gathered.height


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "c"],
        ["a", "b", "a"],
        ["a", None, "b"],
        ["a", None, None],
        [],
        [f"id{i}" for i in range(5000)] + ["id17"],
    ],
)
def test_all_distinct_equals_counting_the_values(values: list[str | None]) -> None:
    series = pl.Series(values, dtype=pl.String)
    assert _all_distinct(series) is (series.n_unique() == series.len())


def test_all_distinct_on_real_ids(shared_data: Path) -> None:
    ids = pl.read_ndjson(
        shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson",
        schema={"id": pl.String},
    ).get_column("id")
    assert _all_distinct(ids) is (ids.n_unique() == ids.len())
    assert _all_distinct(pl.concat([ids, ids.tail(1)])) is False


def test_an_empty_report_has_the_columns_and_types_of_a_full_one() -> None:
    """A report with no problem gives an empty table whose count column is still an integer
    (pandas gave object, which polars read as strings)."""
    d = dyn.load(pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "y"],
                               "body": ["hi", "hello"]}))  # fmt: skip
    empty = d.report.to_frame(backend="polars")
    assert empty.height == 0
    assert empty.schema["count"] == pl.Int64
    assert str(d.report.to_frame()["count"].dtype) == "int64"
