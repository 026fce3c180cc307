"""The Reddit API thread reader: ``[Listing(post), Listing(comments)]``, ``more`` stubs, edits."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import reddit_api

DATA = Path(__file__).resolve().parents[1] / "data"
THREAD = DATA / "reddit_api" / "thread.json"


def load_quietly(path: Path, **options) -> dyn.Discussion:
    """Load a file whose data problems are expected (the test checks them in the report)."""
    with pytest.warns(dyn.DataQualityWarning):
        return dyn.load(path, **options)


def walk(document: list) -> tuple[list[dict], list[dict]]:
    """Comments and ``more`` stubs of a thread document, with plain Python (not the reader)."""
    comments, stubs = [], []
    stack = list(reversed(document[1]["data"]["children"]))
    while stack:
        thing = stack.pop()
        if thing["kind"] == "more":
            stubs.append(thing["data"])
            continue
        comments.append(thing["data"])
        replies = thing["data"]["replies"]
        if replies:
            stack.extend(reversed(replies["data"]["children"]))
    return comments, stubs


def listing(children: list, **data) -> dict:
    return {
        "kind": "Listing",
        "data": {"after": None, "before": None, **data, "children": children},
    }


def post(post_id: str = "abc", **data) -> dict:
    return {
        "kind": "t3",
        "data": {
            "id": post_id,
            "name": f"t3_{post_id}",
            "title": "A post",
            "selftext": "",
            "author": "op",
            "created_utc": 1_700_000_000.0,
            "subreddit": "test",
            "num_comments": 1,
            "permalink": f"/r/test/comments/{post_id}/a_post/",
            **data,
        },
    }


def comment(cid: str, parent: str, replies: list | None = None, **data) -> dict:
    return {
        "kind": "t1",
        "data": {
            "id": cid,
            "name": f"t1_{cid}",
            "parent_id": parent,
            "link_id": "t3_abc",
            "author": f"user_{cid}",
            "body": f"comment {cid}",
            "created_utc": 1_700_000_100.0,
            "edited": False,
            "score": 1,
            "subreddit": "test",
            "depth": 0,
            "replies": listing(replies) if replies else "",
            **data,
        },
    }


def more(parent: str, count: int, children: list[str]) -> dict:
    first = children[0] if children else "_"
    return {
        "kind": "more",
        "data": {
            "count": count,
            "name": f"t1_{first}",
            "id": first,
            "parent_id": parent,
            "depth": 1,
            "children": children,
        },
    }


def document(*comments: dict, post_id: str = "abc") -> list:
    return [listing([post(post_id)], dist=1), listing(list(comments))]


def write(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.fixture
def thread() -> dyn.Discussion:
    return load_quietly(THREAD)


# --------------------------------------------------------------------------- the fixture


def test_fixture_follows_the_published_shape() -> None:
    """Two Listings; things are {kind, data}; leaves have replies ""; stubs have count and ids."""
    doc = json.loads(THREAD.read_text(encoding="utf-8"))
    assert [part["kind"] for part in doc] == ["Listing", "Listing"]
    assert [t["kind"] for t in doc[0]["data"]["children"]] == ["t3"]
    comments, stubs = walk(doc)
    assert all(c["replies"] == "" or c["replies"]["kind"] == "Listing" for c in comments)
    assert any(c["replies"] == "" for c in comments)
    for stub in stubs:
        assert set(stub) >= {"count", "children", "parent_id", "id", "name", "depth"}
        assert stub["id"] == stub["children"][0]
        assert stub["count"] >= len(stub["children"])
    for c in comments:
        assert c["name"] == f"t1_{c['id']}"
        assert c["link_id"] == doc[0]["data"]["children"][0]["data"]["name"]


def test_fixture_is_detected() -> None:
    assert dyn.detect(THREAD) == "reddit_api"


def test_fixture_comments_parents_and_threads(thread: dyn.Discussion) -> None:
    doc = json.loads(THREAD.read_text(encoding="utf-8"))
    comments, _ = walk(doc)
    expected = [
        (c["id"], None if c["parent_id"].startswith("t3_") else c["parent_id"][3:], "1c9xq2e")
        for c in comments
    ]
    assert thread.to_polars().select("comment_id", "parent_id", "thread_id").rows() == expected
    assert set(thread.authors) == {c["author"] for c in comments} - {"[deleted]"}
    assert thread.report.n_records == 1


def test_more_stubs_count_the_replies_they_hide(thread: dyn.Discussion) -> None:
    doc = json.loads(THREAD.read_text(encoding="utf-8"))
    _, stubs = walk(doc)
    assert thread.report["unfetched_replies"] == sum(s["count"] for s in stubs)
    # Reddit's num_comments counts the shown comments and the hidden ones
    post_data = doc[0]["data"]["children"][0]["data"]
    assert len(thread) + thread.report["unfetched_replies"] == post_data["num_comments"]
    # stubs are counted, never turned into comments
    assert not set(thread.to_polars().get_column("comment_id")) & {
        i for s in stubs for i in s["children"]
    }


def test_deleted_comment_keeps_its_place_in_the_tree(thread: dyn.Discussion) -> None:
    table = thread.to_polars()
    gone = table.filter(pl.col("comment_id") == "l0r0c1x").row(0, named=True)
    assert gone["author"] is None
    assert gone["deleted"] is True
    assert gone["text"] == "[deleted]"
    reply = thread.comments.filter(pl.col("comment_id") == "l0r2m4t").row(0, named=True)
    assert reply["parent_id"] == "l0r0c1x"
    assert reply["parent_author"] is None
    assert thread.report["deleted_author"] == 1
    assert thread.report["removed_text"] == 1
    assert thread.report["orphan"] == 0


def test_edited_timestamps(thread: dyn.Discussion) -> None:
    table = thread.to_polars()
    edited = dict(table.select("comment_id", "edited_at").iter_rows())
    assert edited["l0r1b7d"] == datetime(2024, 4, 20, 12, 44, 35, tzinfo=UTC)
    assert [k for k, v in edited.items() if v is not None] == ["l0r1b7d"]
    created = table.filter(pl.col("comment_id") == "l0r1b7d").get_column("created_at").item()
    assert edited["l0r1b7d"] > created


def test_post_becomes_the_thread_row(thread: dyn.Discussion) -> None:
    info = thread.threads.row(0, named=True)
    assert info["thread_id"] == "1c9xq2e"
    assert info["title"] == "Why did medieval bridges have houses on them?"
    assert info["post_author"] == "quill_and_ledger"
    assert info["url"].startswith("https://www.reddit.com/r/AskHistorians/comments/1c9xq2e/")
    assert info["n_comments"] == 6
    url = thread.to_polars().get_column("url")[0]
    assert url == (
        "https://www.reddit.com/r/AskHistorians/comments/1c9xq2e/"
        "why_did_medieval_bridges_have_houses_on_them/l0qz8fa/"
    )


def test_user_graph_of_the_fixture(thread: dyn.Discussion) -> None:
    edges = sorted(thread.user_graph().edges(data="count"))
    # fen_archivist answered stonemason_ed once and stonemason_ed answered back once;
    # the reply to the deleted comment has no target
    assert edges == [("fen_archivist", "stonemason_ed", 1), ("stonemason_ed", "fen_archivist", 1)]


# --------------------------------------------------------------------------- hand-made


def test_more_stubs_alone_are_no_defect(tmp_path: Path) -> None:
    """Unfetched replies describe the download, not bad data: no warning, report ok."""
    doc = document(comment("a", "t3_abc"), more("t3_abc", 4, ["b", "c"]))
    d = dyn.load(write(tmp_path / "more.json", doc))  # warnings are errors in this suite
    assert d.report["unfetched_replies"] == 4
    assert d.report.ok
    assert dyn.load(write(tmp_path / "more.json", doc), strict=True).report.ok


def test_continue_this_thread_stub_counts_one(tmp_path: Path) -> None:
    doc = document(comment("a", "t3_abc", [more("t1_a", 0, [])]))
    d = dyn.load(write(tmp_path / "deep.json", doc))
    assert d.report["unfetched_replies"] == 1
    assert d.report.samples["unfetched_replies"] == ["a"]


def test_more_without_count_uses_its_children(tmp_path: Path) -> None:
    doc = document(comment("a", "t3_abc"), more("t3_abc", 0, ["b", "c", "d"]))
    assert dyn.load(write(tmp_path / "m.json", doc)).report["unfetched_replies"] == 3


def test_parent_from_nesting_when_parent_id_is_absent(tmp_path: Path) -> None:
    child = comment("b", "")
    del child["data"]["parent_id"]
    d = dyn.load(write(tmp_path / "n.json", document(comment("a", "t3_abc", [child]))))
    assert d.to_polars().select("comment_id", "parent_id").rows() == [("a", None), ("b", "a")]


def test_removed_comment(tmp_path: Path) -> None:
    gone = comment("b", "t1_a", author="[deleted]", body="[removed]")
    d = load_quietly(write(tmp_path / "r.json", document(comment("a", "t3_abc", [gone]))))
    row = d.to_polars().row(1, named=True)
    assert (row["author"], row["text"], row["deleted"]) == (None, "[removed]", True)
    assert d.report["removed_text"] == 1


def test_edited_true_without_time(tmp_path: Path) -> None:
    """Some old comments say only ``edited: true``; no time is invented."""
    d = dyn.load(write(tmp_path / "e.json", document(comment("a", "t3_abc", edited=True))))
    assert d.to_polars().get_column("edited_at").to_list() == [None]


def test_json_lines_of_threads_and_a_broken_line(tmp_path: Path) -> None:
    one = document(comment("a", "t3_abc"), post_id="abc")
    two = document(comment("b", "t3_xyz", link_id="t3_xyz"), post_id="xyz")
    path = tmp_path / "threads.jsonl"
    path.write_text(
        json.dumps(one) + "\n" + '[{"kind": "Listing", "data": {"chil' + "\n" + json.dumps(two),
        encoding="utf-8",
    )
    assert dyn.detect(path) == "reddit_api"
    d = load_quietly(path)
    assert d.to_polars().select("comment_id", "thread_id").rows() == [("a", "abc"), ("b", "xyz")]
    assert d.posts.get_column("thread_id").to_list() == ["abc", "xyz"]
    assert d.report["malformed_record"] == 1
    assert d.report.samples["malformed_record"] == ["record 2"]
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    assert info.value.record == 2
    assert str(info.value).startswith("threads.jsonl: record 2: ")


def test_a_json_list_of_thread_documents(tmp_path: Path) -> None:
    docs = [document(comment("a", "t3_abc")), document(comment("b", "t3_abc"))]
    d = dyn.load(write(tmp_path / "many.json", docs))
    assert d.to_polars().get_column("comment_id").to_list() == ["a", "b"]
    assert d.report.n_records == 2


def test_a_single_listing_of_comments(tmp_path: Path) -> None:
    """``/r/<sub>/comments.json`` answers one Listing of comments from many posts."""
    flat = listing(
        [
            comment("a", "t3_abc"),
            comment("b", "t1_a"),
            comment("c", "t3_xyz", link_id="t3_xyz"),
        ]
    )
    path = write(tmp_path / "latest.json", flat)
    assert dyn.detect(path) == "reddit_api"
    d = dyn.load(path)
    assert d.to_polars().select("comment_id", "parent_id", "thread_id").rows() == [
        ("a", None, "abc"),
        ("b", "a", "abc"),
        ("c", None, "xyz"),
    ]
    assert d.posts is None


def test_gzipped_thread(tmp_path: Path) -> None:
    path = tmp_path / "thread.json.gz"
    path.write_bytes(gzip.compress(THREAD.read_bytes()))
    assert dyn.detect(path) == "reddit_api"
    d = load_quietly(path)
    assert len(d) == 6


def test_missing_comment_id(tmp_path: Path) -> None:
    bad = comment("b", "t1_a")
    del bad["data"]["id"], bad["data"]["name"]
    path = write(tmp_path / "noid.json", document(comment("a", "t3_abc", [bad])))
    d = load_quietly(path)
    assert d.report["missing_field"] == 1
    assert d.to_polars().get_column("comment_id").to_list() == ["a"]
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    assert (info.value.record, info.value.field) == (1, "id")
    assert str(info.value).startswith("noid.json: record 1: field 'id' is missing")


def test_unknown_kind_is_malformed(tmp_path: Path) -> None:
    odd = {"kind": "t5", "data": {"id": "sub"}}
    path = write(tmp_path / "odd.json", document(comment("a", "t3_abc"), odd))
    d = load_quietly(path)
    assert d.report["malformed_record"] == 1
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    assert info.value.field == "kind"


def test_not_a_thread_raises_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "other.json", [{"kind": "Listing", "data": {}}, {"x": 1}])
    with pytest.raises(dyn.InputFormatError, match=r"^other\.json: record 1: "):
        reddit_api.read(path)
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"kind": "Listing", "data": {"children": [\n', encoding="utf-8")
    with pytest.raises(dyn.InputFormatError, match=r"^broken\.json: is not valid JSON"):
        reddit_api.read(broken)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "path",
    [
        DATA / "hackernews" / "items.jsonl",
        DATA / "hackernews" / "algolia_item.json",
        DATA / "twitter" / "conversation.json",
        DATA / "convokit" / "tiny-corpus",
        DATA / "convokit" / "tiny-corpus" / "utterances.jsonl",
        DATA / "disqus" / "export.xml",
    ],
)
def test_not_detected_on_other_formats(path: Path) -> None:
    assert not reddit_api.detect(path)


def test_not_detected_on_a_plain_json_table(tmp_path: Path) -> None:
    rows = [{"id": "1", "parent": None, "kind": "t1"}, {"id": "2", "parent": "1", "kind": "t1"}]
    path = write(tmp_path / "table.json", rows)
    assert not reddit_api.detect(path)
    assert dyn.detect(path) == "tabular"


def test_not_detected_on_the_real_reddit_files(shared_data: Path) -> None:
    folder = shared_data / "reddit-college"
    if not folder.is_dir():
        pytest.skip(f"real Reddit data not available at {folder}")
    assert not reddit_api.detect(folder / "CollegeRant-pushshift.ndjson")
    assert not reddit_api.detect(folder / "CollegeRant-posts.jsonl")
