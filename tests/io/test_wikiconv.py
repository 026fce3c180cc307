"""WikiConv conversations (actions keyed by id) and JSON objects keyed by record id."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import orjson

import dynamics as dyn
from dynamics.io import wikiconv

DATA = Path(__file__).parents[1] / "data" / "wikiconv" / "conversations.json"


def load(source, **kw) -> dyn.Discussion:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(source, **kw)


def by_id(d: dyn.Discussion) -> dict[str, dict]:
    return {row["comment_id"]: row for row in d.comments.iter_rows(named=True)}


def test_detected_and_read_as_wikiconv() -> None:
    assert dyn.detect(DATA) == "wikiconv"
    d = load(DATA)
    assert d.report.format == "wikiconv"
    n_actions = sum(len(conv) for conv in orjson.loads(DATA.read_bytes()))
    assert d.report.n_records == n_actions == 11
    # 7 comments: modifications, removals and restorations are not new replies
    assert d.report.n_comments == 7
    assert d.report.n_threads == 2


def test_replies_and_threads() -> None:
    c = by_id(load(DATA))
    assert c["100.0.0"]["parent_id"] is None  # section creation: parent_id ""
    assert c["101.5.5"]["parent_id"] == "100.0.0"
    assert c["102.9.9"]["parent_id"] == "101.5.5"
    # a reply to the modified version's id replies to the comment itself
    assert c["104.14.14"]["parent_id"] == "102.9.9"
    assert {c[k]["thread_id"] for k in ("100.0.0", "101.5.5", "104.14.14")} == {"100.0.0"}
    assert c["203.7.7"]["thread_id"] == "200.0.0"
    assert c["104.14.14"]["page_title"] == "Talk:Battle of Hastings"


def test_versions_removal_and_restoration() -> None:
    d = load(DATA)
    c = by_id(d)
    edited = c["102.9.9"]
    assert edited["author"] == "Ealdgyth"  # the comment's author, not the last editor
    assert edited["versions"] == 3  # added, modified, restored
    assert edited["text"].endswith("Please do not remove other people's comments. ~~~~")
    assert edited["deleted"] is False  # removed, then restored
    assert edited["edited_at"].isoformat().startswith("2009-03-02T09:10")
    assert edited["created_at"].isoformat().startswith("2009-03-01T12:00")
    assert c["201.3.3"]["deleted"] is True  # removed and never restored
    assert c["201.3.3"]["text"].startswith("Anyone who puts milk")  # the text is kept
    assert d.report["comment_versions"] == 2
    assert "1 modifications and 1 restorations" in d.report.policy("comment_versions")
    assert "2 removals" in d.report.policy("comment_versions")
    assert d.report["deleted_comment"] == 1


def test_anonymous_action_and_user_graph() -> None:
    d = load(DATA)
    assert by_id(d)["203.7.7"]["author"] is None
    g = d.user_graph()
    assert g.has_edge("203.0.113.7", "Ealdgyth")
    assert g.has_edge("Wiglaf77", "Ealdgyth")


def test_release_layout_with_reply_to_and_short_types(tmp_path) -> None:
    """The released tables: flat actions, ``type`` short names, ``replyTo_id`` as the reply."""
    actions = [
        {"id": "1.0.0", "conversation_id": "1.0.0", "type": "CREATION", "replyTo_id": None,
         "parent_id": None, "user_text": "A", "content": "== S ==",
         "timestamp": "2010-01-01 00:00:00 UTC", "page_title": "Talk:X"},
        {"id": "2.1.1", "conversation_id": "1.0.0", "type": "ADDITION", "replyTo_id": "1.0.0",
         "parent_id": None, "user_text": "B", "content": "first",
         "timestamp": "2010-01-01 01:00:00 UTC", "page_title": "Talk:X"},
        {"id": "3.1.1", "conversation_id": "1.0.0", "type": "MODIFICATION",
         "replyTo_id": "1.0.0", "parent_id": "2.1.1", "ancestor_id": "2.1.1",
         "user_text": "B", "content": "second", "timestamp": "2010-01-01 02:00:00 UTC",
         "page_title": "Talk:X"},
        {"id": "4.2.2", "conversation_id": "1.0.0", "type": "ADDITION", "replyTo_id": "2.1.1",
         "parent_id": None, "user_text": "C", "content": "reply",
         "timestamp": "2010-01-01 03:00:00 UTC", "page_title": "Talk:X"},
    ]  # fmt: skip
    path = tmp_path / "wikiconv_en.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(a) for a in actions))
    assert dyn.detect(path) == "wikiconv"
    c = by_id(load(path))
    assert sorted(c) == ["1.0.0", "2.1.1", "4.2.2"]
    assert c["2.1.1"]["text"] == "second"
    assert c["2.1.1"]["parent_id"] == "1.0.0"
    assert c["4.2.2"]["parent_id"] == "2.1.1"
    assert {r["thread_id"] for r in c.values()} == {"1.0.0"}


def test_unknown_action_type_is_counted() -> None:
    assert "COMMENT_ADDING" in wikiconv.ACTION_TYPES
    conv = {
        "1.0.0": {"id": "1.0.0", "comment_type": "SECTION_CREATION", "parent_id": "",
                  "user_text": "A", "content": "== S ==", "page_title": "Talk:X",
                  "timestamp": "2010-01-01 00:00:00 UTC"},
        "2.0.0": {"id": "2.0.0", "comment_type": "COMMENT_SHUFFLE", "parent_id": "1.0.0",
                  "user_text": "B", "content": "?", "page_title": "Talk:X",
                  "timestamp": "2010-01-01 00:00:00 UTC"},
    }  # fmt: skip
    d = _load_json([conv])
    assert d.report["malformed_record"] == 1
    assert "2.0.0" in d.report.samples["malformed_record"]
    assert d.report.n_comments == 1


def _load_json(doc, name="conv.json") -> dyn.Discussion:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(orjson.dumps(doc))
        return load(path)


# --------------------------------------------------------------- keyed records in general


def test_objects_keyed_by_record_id(tmp_path) -> None:
    doc = {
        "c1": {"parent": None, "author": "ann", "body": "root"},
        "c2": {"parent": "c1", "author": "bob", "body": "reply"},
        "c3": {"parent": "c2", "author": "ann", "body": "re-reply"},
    }
    path = tmp_path / "comments.json"
    path.write_bytes(orjson.dumps(doc))
    assert dyn.detect(path) == "keyed_json"
    d = load(path)
    assert d.report.format == "keyed_json"
    assert dict(zip(d.comments["comment_id"], d.comments["parent_id"], strict=True)) == {
        "c1": None,
        "c2": "c1",
        "c3": "c2",
    }
    assert d.comments["text"].to_list() == ["root", "reply", "re-reply"]


def test_a_list_of_keyed_groups_gives_one_thread_each(tmp_path) -> None:
    doc = [
        {"a": {"id": "a", "parent_id": "", "user": "u1", "text": "x"},
         "b": {"id": "b", "parent_id": "a", "user": "u2", "text": "y"}},
        {"c": {"id": "c", "parent_id": "", "user": "u3", "text": "z"},
         "d": {"id": "d", "parent_id": "c", "user": "u1", "text": "w"}},
    ]  # fmt: skip
    path = tmp_path / "groups.json"
    path.write_bytes(orjson.dumps(doc))
    d = load(path)
    threads = dict(zip(d.comments["comment_id"], d.comments["thread_id"], strict=True))
    assert threads["a"] == threads["b"] != threads["c"] == threads["d"]
    assert d.report.n_threads == 2


def test_keys_are_the_ids_when_records_have_none(tmp_path) -> None:
    doc = {f"k{i}": {"x": i, "text": "t"} for i in range(50)}
    path = tmp_path / "odd.json"
    path.write_bytes(orjson.dumps(doc))
    d = load(path, format="keyed_json")
    assert d.comments["comment_id"].to_list() == list(doc)
    assert d.comments["x"].to_list() == list(range(50))


def test_cli_info_reads_a_wikiconv_file() -> None:
    from typer.testing import CliRunner

    from dynamics.cli import app

    result = CliRunner().invoke(app, ["info", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "wikiconv" in result.output
    assert re.search(r"comments\s+7\b", result.output)
    assert "comment_versions" in result.output


def test_formats_lists_the_new_layouts() -> None:
    from typer.testing import CliRunner

    from dynamics.cli import app

    out = CliRunner().invoke(app, ["formats"], terminal_width=200).output
    for name in ("wikiconv", "keyed_json", "reddit fullnames", "turns=reddit_thread"):
        assert name in out
    assert out.index(" wikiconv ") < out.index(" nested ") < out.index(" keyed_json ")


def test_a_large_conversation_is_detected_not_read_as_thousands_of_columns(tmp_path) -> None:
    """The issue's case: thousands of action ids used to become thousands of table columns."""
    conv = {
        f"{100 + i}.{i}.{i}": {
            "id": f"{100 + i}.{i}.{i}",
            "comment_type": "SECTION_CREATION" if i == 0 else "COMMENT_ADDING",
            "parent_id": "" if i == 0 else f"{100 + (i - 1) // 2}.{(i - 1) // 2}.{(i - 1) // 2}",
            "user_text": f"user{i % 40}",
            "content": f"comment {i}",
            "timestamp": f"2012-01-01 00:{i % 60:02d}:00 UTC",
            "page_title": "Talk:Big",
        }
        for i in range(3000)
    }
    path = tmp_path / "conversations.json"
    path.write_bytes(orjson.dumps([conv]))
    assert dyn.detect(path) == "wikiconv"
    d = load(path)
    assert d.report.n_comments == 3000
    assert d.report.n_threads == 1
    assert d.comments["parent_id"].null_count() == 1


def test_snapshot_layout_entries_are_comments(tmp_path) -> None:
    """Snapshots (a ``status`` per entry) hold each comment's current state: no merging."""
    conv = {
        "550613551.0.0": {"id": "550613551.0.0", "comment_type": "SECTION_CREATION",
                          "parent_id": "", "user_text": "Adamdaley", "content": "== Name ==",
                          "timestamp": "2013-04-16 08:55:31 UTC", "status": "just added",
                          "page_title": "Talk:T"},
        "550613600.3.3": {"id": "550613600.3.3", "comment_type": "COMMENT_MODIFICATION",
                          "parent_id": "550613551.0.0", "user_text": "Bea",
                          "content": "Fixed my typo.", "timestamp": "2013-04-16 09:00:00 UTC",
                          "status": "content changed", "page_title": "Talk:T"},
    }  # fmt: skip
    path = tmp_path / "snapshot.json"
    path.write_bytes(orjson.dumps([conv]))
    c = by_id(load(path))
    assert c["550613600.3.3"]["parent_id"] == "550613551.0.0"
    assert c["550613600.3.3"]["author"] == "Bea"
    assert c["550613551.0.0"]["text"] == "== Name =="
