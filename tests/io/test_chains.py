"""Threads stored as ordered lists of turns (ToxiChat's ``reddit_thread``): columns={"turns": ...}."""

from __future__ import annotations

import warnings
from pathlib import Path

import orjson
import polars as pl
import pytest

import dynamics as dyn

TURNS_FILE = Path(__file__).parents[1] / "data" / "toxichat" / "threads.jsonl"


def load(source, **kw) -> dyn.Discussion:
    # ToxiChat has no authors: whether that warns is the author-column check's business
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(source, **kw)


def test_each_turn_replies_to_the_one_before() -> None:
    d = load(TURNS_FILE, columns={"turns": "reddit_thread"})
    c = d.comments
    assert c["comment_id"].to_list() == ["1-1", "1-2", "1-3", "2-1", "2-2"]
    assert c["parent_id"].to_list() == [None, "1-1", "1-2", None, "2-1"]
    assert c["thread_id"].to_list() == ["1", "1", "1", "2", "2"]
    assert c["inferred"].to_list() == [False, True, True, False, True]
    assert c["inference"].to_list() == [None, "chain_order", "chain_order", None, "chain_order"]
    assert d.report["inferred_reply"] == 3
    assert "turn before it" in d.report.policy("inferred_reply")


def test_threads_without_turns_are_counted(tmp_path: Path) -> None:
    """A thread whose list of turns is empty or null, or a null turn in a list, is counted
    (they vanished: 50 threads read, 48 kept, nothing said)."""
    lines = TURNS_FILE.read_bytes().splitlines()
    first = orjson.loads(lines[0])
    empty = {**first, "reddit_thread": []}
    null = {**first, "reddit_thread": None}
    holed = {**first, "reddit_thread": [first["reddit_thread"][0], None]}
    path = tmp_path / "holes.jsonl"
    path.write_bytes(b"\n".join([lines[1], *map(orjson.dumps, (empty, null, holed))]) + b"\n")
    d = load(path, columns={"turns": "reddit_thread"})
    assert d.report["missing_field"] == 2
    assert d.report.samples["missing_field"] == ["record 2", "record 3"]
    assert d.report["malformed_record"] == 1
    assert d.report.samples["malformed_record"] == ["record 4"]
    assert d.report.n_threads == 2


def test_machine_generated_responses_are_left_out() -> None:
    d = load(TURNS_FILE, columns={"turns": "reddit_thread"})
    texts = " ".join(d.comments["text"].to_list())
    assert "As an AI" not in texts  # final_dgpt_response / final_gpt3_response
    assert not any(c.startswith("final_") for c in d.comments.columns)
    assert d.comments["offense_label"].to_list()[1] == "Offensive"  # turn fields kept


def test_turns_with_authors_and_a_thread_column() -> None:
    df = pl.DataFrame(
        {
            "thread": ["x9"],
            "turns": [[{"author": "ann", "text": "a"}, {"author": "bob", "text": "b"}]],
        }
    )
    d = load(df, columns={"turns": "turns", "thread_id": "thread"})
    assert d.comments["comment_id"].to_list() == ["x9-1", "x9-2"]
    assert d.comments["author"].to_list() == ["ann", "bob"]
    assert d.user_graph().has_edge("bob", "ann")


def test_a_column_that_is_not_turns_is_refused_by_name() -> None:
    df = pl.DataFrame({"id": ["a"], "body": ["x"]})
    with pytest.raises(dyn.InputFormatError, match=r"'turns'.*'body'"):
        dyn.load(df, columns={"turns": "body"})
    with pytest.raises(dyn.InputFormatError, match=r"'turns'.*'nope'"):
        dyn.load(df, columns={"turns": "nope"})


def test_real_toxichat_dev_split_in_place(shared_data) -> None:
    path = shared_data / "toxichat" / "dev.jsonl"
    d = load(path, columns={"turns": "reddit_thread"})
    threads = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    n_turns = sum(len(t["reddit_thread"]) for t in threads)
    assert d.report.n_comments == n_turns
    assert d.report.n_threads == len(threads)
    assert d.report["inferred_reply"] == n_turns - len(threads)
    assert d.report["orphan"] == 0
    generated = {
        t[k]["text"] for t in threads for k in ("final_dgpt_response", "final_gpt3_response")
    }
    assert generated.isdisjoint(d.comments["text"].to_list())
    first = threads[0]["reddit_thread"]
    assert d.comments.filter(pl.col("comment_id") == "1-2")["text"].item() == first[1]["text"]
