"""The Hacker News reader: Firebase items, Algolia items and search hits, and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import hackernews

DATA = Path(__file__).resolve().parents[1] / "data"
ITEMS = DATA / "hackernews" / "items.jsonl"
ALGOLIA = DATA / "hackernews" / "algolia_item.json"
REDDIT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "reddit-college"
    / "CollegeRant-pushshift.ndjson"
)


def row(d: dyn.Discussion, comment_id: str) -> dict:
    rows = d.to_polars().filter(pl.col("comment_id") == comment_id)
    assert rows.height == 1, f"no comment {comment_id}"
    return rows.row(0, named=True)


@pytest.fixture
def items() -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning, match="1 orphan; 1 deleted_author; 1 empty_text"):
        return dyn.load(ITEMS)


@pytest.fixture
def algolia() -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning, match="1 deleted_author"):
        return dyn.load(ALGOLIA)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", [ITEMS, ALGOLIA])
def test_detected_as_hackernews(path: Path) -> None:
    assert dyn.detect(path) == "hackernews"


@pytest.mark.parametrize(
    "path", [DATA / "twitter" / "conversation.json", DATA / "disqus" / "export.xml"]
)
def test_not_detected_on_other_formats(path: Path) -> None:
    assert not hackernews.detect(path)


def test_not_detected_on_reddit_dump() -> None:
    if not REDDIT.is_file():
        pytest.skip(f"shared data not available: {REDDIT}")
    assert not hackernews.detect(REDDIT)


def test_generic_table_with_some_hn_names_is_not_claimed(tmp_path: Path) -> None:
    # ``by`` and ``time`` together with ``id`` and a parent or text are the HN item fields
    # (BigQuery exports have no ``type``); without ``by`` it is a generic table
    path = tmp_path / "table.jsonl"
    path.write_text('{"id": 1, "parent": null, "user": "x", "time": 5, "text": "hi"}\n')
    assert not hackernews.detect(path)


# --------------------------------------------------------------------------- Firebase items


def test_firebase_stories_are_threads_comments_are_comments(items: dyn.Discussion) -> None:
    assert len(items) == 8
    assert items.report.n_records == 9
    assert items.report.format == "hackernews"
    post = items.posts.row(0, named=True)
    assert items.posts.height == 1
    assert post["thread_id"] == "40000001"
    assert post["title"] == "Show HN: A tiny reply-graph library"
    assert post["author"] == "ada"
    assert post["url"] == "https://example.com/replygraph"
    assert post["score"] == 42


def test_firebase_parents_and_threads(items: dyn.Discussion) -> None:
    assert row(items, "40000002")["parent_id"] is None  # parent is the story
    assert row(items, "40000007")["parent_id"] is None
    assert row(items, "40000003")["parent_id"] == "40000002"
    assert row(items, "40000004")["parent_id"] == "40000003"
    deep = row(items, "40000004")
    assert deep["thread_id"] == "40000001"
    assert deep["author"] == "grace"
    assert deep["created_at"].isoformat() == "2023-11-14T22:28:20+00:00"


def test_chain_that_leaves_the_file_is_threaded_by_its_topmost_comment(
    items: dyn.Discussion,
) -> None:
    top, reply = row(items, "40000010"), row(items, "40000011")
    assert top["thread_id"] == reply["thread_id"] == "40000010"
    assert reply["parent_id"] == "40000010"
    assert top["parent_id"] is None  # attached to the root by the orphan policy
    assert top["orphan_of"] == "39999990"
    assert items.report["orphan"] == 1


def test_html_text_is_decoded(items: dyn.Discussion) -> None:
    assert row(items, "40000002")["text"] == (
        "It's neat. The docs are at https://example.com/docs\n\n"
        'Second paragraph with "quotes" & a > sign.'
    )
    assert row(items, "40000003")["text"] == "Really? Try this:\n\n  g = load(path)\n  g.report"


def test_deleted_and_dead_comments(items: dyn.Discussion) -> None:
    deleted = row(items, "40000005")
    assert deleted["deleted"] is True
    assert deleted["author"] is None
    assert deleted["text"] == ""
    assert deleted["parent_id"] == "40000002"
    dead = row(items, "40000006")
    assert dead["dead"] is True
    assert dead["deleted"] is False
    assert dead["author"] == "spamkid"
    assert items.to_polars().get_column("dead").sum() == 1
    assert items.report["deleted_author"] == 1


def test_kids_missing_from_the_file_are_unfetched_replies(items: dyn.Discussion) -> None:
    assert items.report["unfetched_replies"] == 2
    assert set(items.report.samples["unfetched_replies"]) == {"40000002", "40000007"}


def test_kids_of_a_story_missing_from_the_file_are_unfetched_replies(tmp_path: Path) -> None:
    """A story's kids count as a comment's do (they went uncounted: 3 comments listed, 1 read,
    nothing said), and the report words them as Hacker News kids, not Reddit's stubs."""
    path = tmp_path / "story.jsonl"
    path.write_text(
        '{"by":"a","id":1,"kids":[2,3,4],"time":1700000000,"title":"t","type":"story"}\n'
        '{"by":"b","id":2,"parent":1,"text":"hi","time":1700000100,"type":"comment"}\n'
    )
    d = dyn.load(path)
    assert len(d) == 1
    assert d.report["unfetched_replies"] == 2
    assert d.report.samples["unfetched_replies"] == ["1"]
    assert "kids" in d.report.policy("unfetched_replies")
    assert "more" not in d.report.summary()
    assert d.report.ok  # informational: no warning


def test_dead_items_are_kept_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "dead.jsonl"
    path.write_text(
        '{"by":"a","dead":true,"id":1,"time":1700000000,"title":"t","type":"story"}\n'
        '{"by":"b","id":2,"parent":1,"text":"hi","time":1700000100,"type":"comment"}\n'
        '{"by":"c","dead":true,"id":3,"parent":2,"text":"spam","time":1700000200,'
        '"type":"comment"}\n'
        # a poll option is in neither table: its being dead is not a kept item's flag
        '{"by":"a","dead":true,"id":4,"poll":1,"text":"yes","time":1700000300,'
        '"type":"pollopt"}\n'
    )
    d = dyn.load(path, strict=True)  # informational: no error under strict
    assert d.report["dead_item"] == 2
    assert d.report.samples["dead_item"] == ["1", "3"]
    assert d.comments.filter(pl.col("dead")).get_column("comment_id").to_list() == ["3"]
    assert d.posts.filter(pl.col("dead")).get_column("thread_id").to_list() == ["1"]


def test_json_array_and_gzip_read_the_same(tmp_path: Path) -> None:
    lines = ITEMS.read_text().splitlines()
    array = tmp_path / "items.json"
    array.write_text(json.dumps([json.loads(line) for line in lines], indent=1))
    packed = tmp_path / "items.jsonl.gz"
    packed.write_bytes(gzip.compress(ITEMS.read_bytes()))
    for path in (array, packed):
        result = hackernews.read(path)
        assert result.comments.height == 8
        assert result.n_records == 9
        assert result.problems.counts == {"dead_item": 1, "unfetched_replies": 2}
        ids = dict(zip(*result.comments.select("comment_id", "thread_id"), strict=True))
        assert ids["40000004"] == "40000001"


# --------------------------------------------------------------------------- Algolia


def test_algolia_item_tree(algolia: dyn.Discussion) -> None:
    assert len(algolia) == 5
    assert algolia.thread_ids == ["40100001"]
    assert row(algolia, "40100002")["parent_id"] is None
    assert row(algolia, "40100003")["parent_id"] == "40100002"
    assert row(algolia, "40100004")["parent_id"] == "40100003"
    assert row(algolia, "40100006")["parent_id"] == "40100005"
    assert row(algolia, "40100003")["author"] == "barbara"
    assert row(algolia, "40100002")["text"] == (
        "Mostly with jq & patience.\n\nThen I gave up and wrote a parser."
    )
    assert row(algolia, "40100004")["text"] == "https://example.org/parser"
    post = algolia.posts.row(0, named=True)
    assert post["title"] == "Ask HN: How do you read comment dumps?"
    assert post["text"] == "I have a few million comments as JSON. What's your workflow?"
    assert post["points"] == 17


def test_algolia_deleted_child_keeps_its_replies(algolia: dyn.Discussion) -> None:
    gone = row(algolia, "40100005")
    assert gone["deleted"] is True
    assert gone["author"] is None
    assert algolia.report["deleted_author"] == 1
    assert algolia.report["orphan"] == 0


def test_algolia_search_hits(tmp_path: Path) -> None:
    hits = {
        "hits": [
            {
                "_tags": ["story", "author_pat", "story_500"],
                "objectID": "500",
                "author": "pat",
                "title": "A story",
                "url": "https://example.com",
                "points": 3,
                "created_at_i": 1700000000,
                "story_id": 500,
            },
            {
                "_tags": ["comment", "author_sam", "story_500"],
                "objectID": "501",
                "author": "sam",
                "comment_text": "First &amp; top-level",
                "created_at_i": 1700000100,
                "parent_id": 500,
                "story_id": 500,
            },
            {
                "_tags": ["comment", "author_pat", "story_500"],
                "objectID": "502",
                "author": "pat",
                "comment_text": "A reply",
                "created_at_i": 1700000200,
                "parent_id": 501,
                "story_id": 500,
            },
        ],
        "nbHits": 3,
    }
    path = tmp_path / "search.json"
    path.write_text(json.dumps(hits))
    assert hackernews.detect(path)
    d = dyn.load(path)
    assert len(d) == 2
    assert row(d, "501")["parent_id"] is None
    assert row(d, "501")["text"] == "First & top-level"
    assert row(d, "502")["parent_id"] == "501"
    assert d.thread_ids == ["500"]
    assert d.posts.get_column("title").to_list() == ["A story"]


# --------------------------------------------------------------------------- bad input


def test_line_that_does_not_parse_is_counted(tmp_path: Path) -> None:
    lines = ITEMS.read_text().splitlines()
    lines.insert(2, '{"by":"x","id":40000099,"parent":4000')
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = hackernews.read(path)
    assert result.problems.counts["malformed_record"] == 1
    assert result.problems.samples["malformed_record"] == ["record 3"]
    assert result.comments.height == 8
    assert result.n_records == 10
    with pytest.raises(dyn.InputFormatError, match=r"broken\.jsonl: record 3"):
        dyn.load(path, strict=True)


def test_item_without_id_is_a_missing_field(tmp_path: Path) -> None:
    path = tmp_path / "noid.jsonl"
    path.write_text(
        '{"by":"a","id":1,"time":1700000000,"title":"t","type":"story","kids":[2]}\n'
        '{"by":"b","id":2,"parent":1,"text":"hi","time":1700000100,"type":"comment"}\n'
        '{"by":"c","parent":1,"text":"no id","time":1700000200,"type":"comment"}\n'
    )
    result = hackernews.read(path)
    assert result.problems.counts == {"missing_field": 1}
    assert result.comments.get_column("comment_id").to_list() == ["2"]
    with pytest.raises(dyn.InputFormatError, match=r"noid\.jsonl: record 3: field 'id'"):
        dyn.load(path, format="hackernews", strict=True)


def test_file_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes,\nnot Hacker News at all.\n")
    with pytest.raises(dyn.InputFormatError, match=r"notes\.txt: is not valid JSON"):
        dyn.load(path, format="hackernews")


def test_json_without_items_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('[{"name": "a"}, {"name": "b"}]')
    with pytest.raises(dyn.InputFormatError, match=r"other\.json: field 'id'"):
        hackernews.read(path)
