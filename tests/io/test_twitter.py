"""The Twitter / X API v2 reader: one response, twarc2 JSON Lines, flattened tweets, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import twitter

DATA = Path(__file__).resolve().parents[1] / "data"
CONVERSATION = DATA / "twitter" / "conversation.json"
REDDIT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "reddit-college"
    / "CollegeRant-pushshift.ndjson"
)
ROOT = "1727000000000000001"


def t(n: int) -> str:
    """Id of tweet ``n`` in the bundled conversation."""
    return f"17270000000000000{n:02d}"


def row(d: dyn.Discussion, comment_id: str) -> dict:
    rows = d.to_polars().filter(pl.col("comment_id") == comment_id)
    assert rows.height == 1, f"no comment {comment_id}"
    return rows.row(0, named=True)


@pytest.fixture
def conv() -> dyn.Discussion:
    return dyn.load(CONVERSATION)


def tweet(tid: str, author_id: str, text: str, *, reply_to: str | None = None) -> dict:
    out = {
        "id": tid,
        "text": text,
        "author_id": author_id,
        "conversation_id": "900",
        "created_at": "2024-01-02T03:04:05.000Z",
        "edit_history_tweet_ids": [tid],
    }
    if reply_to:
        out["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
    return out


# --------------------------------------------------------------------------- detection


def test_detected_as_twitter() -> None:
    assert dyn.detect(CONVERSATION) == "twitter"


@pytest.mark.parametrize(
    "path",
    [
        DATA / "hackernews" / "items.jsonl",
        DATA / "hackernews" / "algolia_item.json",
        DATA / "disqus" / "export.xml",
    ],
)
def test_not_detected_on_other_formats(path: Path) -> None:
    assert not twitter.detect(path)


def test_not_detected_on_reddit_dump() -> None:
    if not REDDIT.is_file():
        pytest.skip(f"shared data not available: {REDDIT}")
    assert not twitter.detect(REDDIT)


# --------------------------------------------------------------------------- one response


def test_conversation_counts_and_threads(conv: dyn.Discussion) -> None:
    assert len(conv) == 8  # 8 tweets in data, minus the retweet, plus one parent from includes
    assert conv.report.n_records == 8
    assert conv.report["retweet"] == 1
    assert conv.report.format == "twitter"
    assert conv.report.ok
    assert sorted(conv.thread_ids) == [ROOT, t(6)]
    sizes = dict(conv.threads.select("thread_id", "n_comments").iter_rows())
    assert sizes == {ROOT: 7, t(6): 1}


def test_reply_chain_parents(conv: dyn.Discussion) -> None:
    assert row(conv, ROOT)["parent_id"] is None
    assert row(conv, t(2))["parent_id"] == ROOT
    assert row(conv, t(3))["parent_id"] == t(2)
    assert row(conv, t(4))["parent_id"] == t(3)
    assert row(conv, t(5))["parent_id"] == ROOT
    assert row(conv, t(4))["thread_id"] == ROOT
    assert conv.report["orphan"] == 0


def test_authors_from_includes_users_with_author_id_fallback(conv: dyn.Discussion) -> None:
    assert row(conv, t(3))["author"] == "carol"
    assert row(conv, t(4))["author"] == "bob"
    dave = row(conv, t(5))  # dave is not in includes.users
    assert dave["author"] == "1300000000000000002"
    assert dave["author_id"] == "1300000000000000002"
    assert row(conv, t(2))["author_id"] == "1100000000000000002"


def test_retweet_is_left_out_and_quote_is_its_own_conversation(conv: dyn.Discussion) -> None:
    assert t(7) not in conv.to_polars().get_column("comment_id").to_list()
    quote = row(conv, t(6))
    assert quote["thread_id"] == t(6)
    assert quote["parent_id"] is None
    assert quote["quoted_id"] == ROOT
    assert quote["author"] == "erin"


def test_retweets_are_counted_in_the_report(tmp_path: Path) -> None:
    """4 tweets read, 3 comments kept: the retweet left out is said, with its id."""
    retweet = {
        **tweet("903", "3", "RT @one: root"),
        "referenced_tweets": [{"type": "retweeted", "id": "900"}],
    }
    response = {
        "data": [
            tweet("900", "1", "root"),
            tweet("901", "2", "reply", reply_to="900"),
            tweet("902", "1", "back", reply_to="901"),
            retweet,
        ]
    }
    path = tmp_path / "with_retweet.json"
    path.write_text(json.dumps(response))
    d = dyn.load(path, strict=True)  # informational: no error, no warning
    assert len(d) == 3
    assert d.report.n_records == 4
    assert d.report["retweet"] == 1
    assert d.report.samples["retweet"] == ["903"]
    assert d.report.ok
    assert "retweet" in d.report.summary()


def test_replied_to_parent_from_includes_is_added_once(conv: dyn.Discussion) -> None:
    parent = row(conv, t(9))
    assert parent["included"] is True
    assert parent["author"] == "alice"
    assert parent["parent_id"] == t(2)
    assert row(conv, t(8))["parent_id"] == t(9)
    assert row(conv, ROOT)["included"] is False  # in data and includes: read once, from data


def test_text_entities_times_and_metrics(conv: dyn.Discussion) -> None:
    assert row(conv, ROOT)["text"] == "Is the new tram plan any good? Costs & benefits below."
    assert row(conv, t(4))["text"] == "@carol Page 12 of the audit <link>."
    assert row(conv, t(2))["created_at"].isoformat() == "2023-11-21T09:05:00+00:00"
    assert row(conv, ROOT)["like_count"] == 5
    assert row(conv, t(2))["in_reply_to_user_id"] == "1100000000000000001"


# --------------------------------------------------------------------------- twarc2 lines


def test_twarc_lines_with_users_from_another_page(tmp_path: Path) -> None:
    page1 = {
        "data": [tweet("900", "1", "root"), tweet("901", "2", "reply", reply_to="900")],
        "includes": {"users": [{"id": "1", "name": "One", "username": "one"}]},
        "meta": {"result_count": 2},
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"},
    }
    page2 = {
        "data": [
            tweet("902", "1", "back to you", reply_to="901"),
            {"text": "a tweet without id", "author_id": "2", "conversation_id": "900"},
        ],
        "includes": {"users": [{"id": "2", "name": "Two", "username": "two"}]},
        "meta": {"result_count": 2},
    }
    path = tmp_path / "search.jsonl"
    path.write_text(json.dumps(page1) + "\n" + '{"data": [{"id": "9' + "\n" + json.dumps(page2))
    assert twitter.detect(path)
    result = twitter.read(path)
    assert result.problems.counts == {"malformed_record": 1, "missing_field": 1}
    assert result.problems.samples["malformed_record"] == ["record 2"]
    assert result.n_records == 4
    authors = dict(zip(*result.comments.select("comment_id", "author"), strict=True))
    assert authors == {"900": "one", "901": "two", "902": "one"}
    with pytest.raises(dyn.InputFormatError, match=r"search\.jsonl: record 2"):
        dyn.load(path, strict=True)


def test_tweet_without_id_is_counted_and_strict_names_the_field(tmp_path: Path) -> None:
    response = {
        "data": [
            tweet("900", "1", "root"),
            {"text": "no id here", "author_id": "1", "conversation_id": "900"},
        ]
    }
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response, indent=2))
    with pytest.warns(dyn.DataQualityWarning, match="1 missing_field"):
        d = dyn.load(path, format="twitter")
    assert len(d) == 1
    with pytest.raises(
        dyn.InputFormatError, match=r"response\.json: record 1: field 'id' is missing \(data\[1\]\)"
    ):
        dyn.load(path, format="twitter", strict=True)


def test_flattened_tweets_and_long_note_tweets(tmp_path: Path) -> None:
    lines = [
        {**tweet("900", "1", "root"), "author": {"id": "1", "username": "one"}},
        {
            **tweet("901", "2", "truncated…", reply_to="900"),
            "author": {"id": "2", "username": "two"},
            "note_tweet": {"text": "the whole long text"},
        },
    ]
    path = tmp_path / "flat.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    d = dyn.load(path, format="twitter")
    assert row(d, "901")["text"] == "the whole long text"
    assert row(d, "901")["author"] == "two"
    assert row(d, "901")["parent_id"] == "900"


# --------------------------------------------------------------------------- not Twitter


def test_file_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tweets.txt"
    path.write_text("@alice hello\n@bob hi\n")
    with pytest.raises(dyn.InputFormatError, match=r"tweets\.txt: is not valid JSON"):
        dyn.load(path, format="twitter")


def test_json_that_holds_no_tweets_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"name": "x", "size": 3}')
    with pytest.raises(dyn.InputFormatError, match=r"config\.json: field 'data'"):
        twitter.read(path)
