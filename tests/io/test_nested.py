"""Nested thread JSON: the real r/CollegeRant posts, both Reddit layouts agree, hand-made shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import nested

DATA = Path(__file__).resolve().parents[1] / "data"
CONTRACT = ["comment_id", "parent_id", "thread_id", "author", "text", "created_at"]


@pytest.fixture
def posts(shared_data: Path) -> Path:
    path = shared_data / "reddit-college" / "CollegeRant-posts.jsonl"
    if not path.is_file():
        pytest.skip(f"real nested Reddit threads not available at {path}")
    return path


@pytest.fixture
def dump(shared_data: Path) -> Path:
    path = shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson"
    if not path.is_file():
        pytest.skip(f"real Reddit dump not available at {path}")
    return path


def load_quietly(path: Path, **options) -> dyn.Discussion:
    """Load a file whose data problems are expected (the test checks them in the report)."""
    with pytest.warns(dyn.DataQualityWarning):
        return dyn.load(path, **options)


def walk_posts(path: Path) -> dict:
    """Comments of the nested file found with plain ``json`` (no code of the reader)."""
    rows, depths, n_posts, empty = [], [], 0, 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            post = json.loads(line)
            n_posts += 1
            empty += not post["comments"]
            stack = [(cid, c, None, 0) for cid, c in post["comments"].items()]
            while stack:
                cid, c, parent, depth = stack.pop()
                rows.append((cid, parent, post["sid"], c["author"], c["text"], c["created"]))
                depths.append(depth)
                stack.extend((k, r, cid, depth + 1) for k, r in c.get("replies", {}).items())
    return {"rows": rows, "max_depth": max(depths), "n_posts": n_posts, "empty": empty}


def write(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def write_lines(path: Path, records: list) -> Path:
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def structure(d: dyn.Discussion) -> list[tuple]:
    return d.to_polars().select("comment_id", "parent_id", "thread_id", "author").rows()


# --------------------------------------------------------------------------- real data


def test_real_posts_are_detected(posts: Path) -> None:
    assert dyn.detect(posts) == "nested"


def test_real_posts_match_a_plain_json_walk(posts: Path) -> None:
    truth = walk_posts(posts)
    d = load_quietly(posts)
    table = d.to_polars()
    assert len(d) == len(truth["rows"])
    assert set(table.select("comment_id", "parent_id", "thread_id").iter_rows()) == {
        row[:3] for row in truth["rows"]
    }
    authors = {row[3] for row in truth["rows"]} - {None}
    assert set(d.authors) == authors
    deleted = sum(row[3] is None for row in truth["rows"])
    assert d.report["deleted_author"] == deleted
    assert table.get_column("deleted").sum() >= deleted
    assert d.tree_table().get_column("depth").max() == truth["max_depth"]
    assert d.report["orphan"] == 0
    assert d.report.n_records == truth["n_posts"]


def test_real_posts_keep_every_post_as_a_thread_row(posts: Path) -> None:
    truth = walk_posts(posts)
    d = load_quietly(posts)
    assert d.posts is not None
    assert d.posts.height == truth["n_posts"]
    assert truth["empty"] > 0  # some posts have no comments at all
    with_comments = len({row[2] for row in truth["rows"]})
    assert with_comments == truth["n_posts"] - truth["empty"]
    # the title sits under the key "title:" (with a colon) in this data
    with posts.open(encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    row = d.posts.filter(pl.col("thread_id") == first["sid"]).row(0, named=True)
    assert row["title"] == first["title:"]
    assert row["url"] == first["link"]


def test_both_reddit_layouts_give_the_same_comments(posts: Path, dump: Path) -> None:
    """The issue's requirement: nested and Pushshift forms agree on comments, parents, authors."""
    a = load_quietly(posts).to_polars().select(CONTRACT).sort("comment_id")
    b = load_quietly(dump).to_polars().select(CONTRACT).sort("comment_id")
    assert a.height == b.height
    for column in CONTRACT:
        assert a.get_column(column).equals(b.get_column(column)), column
    assert a.equals(b)


def test_both_reddit_layouts_give_the_same_user_graph(posts: Path, dump: Path) -> None:
    a = load_quietly(posts).user_graph()
    b = load_quietly(dump).user_graph()
    assert sorted(a.edges(data="count")) == sorted(b.edges(data="count"))
    assert a.number_of_edges() > 1000


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("key", ["replies", "children", "kids"])
def test_replies_as_a_list_under_each_key(tmp_path: Path, key: str) -> None:
    post = {
        "id": "p1",
        "title": "A post",
        "comments": [
            {
                "id": "a",
                "author": "ann",
                "body": "one",
                key: [
                    {"id": "b", "author": "bob", "body": "two", key: []},
                    {"id": "c", "author": "cat", "body": "three"},
                ],
            },
            {"id": "d", "author": "dan", "body": "four", key: []},
        ],
    }
    d = dyn.load(write_lines(tmp_path / f"{key}.jsonl", [post]))
    assert sorted(structure(d)) == [
        ("a", None, "p1", "ann"),
        ("b", "a", "p1", "bob"),
        ("c", "a", "p1", "cat"),
        ("d", None, "p1", "dan"),
    ]
    assert d.to_polars().get_column("text").to_list() == ["one", "two", "three", "four"]
    assert d.report.ok


@pytest.mark.parametrize("key", ["replies", "children", "kids"])
def test_replies_as_a_dict_keyed_by_comment_id(tmp_path: Path, key: str) -> None:
    post = {
        "sid": "p1",
        "title": "A post",
        "comments": {
            "a": {"author": "ann", "text": "one", key: {"b": {"author": "bob", "text": "two"}}},
            "c": {"author": "cat", "text": "three", key: {}},
        },
    }
    path = write(tmp_path / f"{key}.json", post)
    assert dyn.detect(path) == "nested"
    assert sorted(structure(dyn.load(path))) == [
        ("a", None, "p1", "ann"),
        ("b", "a", "p1", "bob"),
        ("c", None, "p1", "cat"),
    ]


def test_own_id_field_wins_over_the_dict_key(tmp_path: Path) -> None:
    post = {
        "id": "p1",
        "title": "T",
        "comments": {"k1": {"id": "t1_real", "author": "x", "text": "t"}},
    }
    d = dyn.load(write(tmp_path / "own.json", post))
    assert structure(d) == [("real", None, "p1", "x")]


def test_deep_thread(tmp_path: Path) -> None:
    """Depth 60 (the real data goes to 44): parents follow the nesting all the way down."""
    leaf: dict = {"id": "c59", "author": "u59", "text": "bottom", "replies": []}
    for i in range(58, -1, -1):
        leaf = {"id": f"c{i}", "author": f"u{i % 2}", "text": f"level {i}", "replies": [leaf]}
    d = dyn.load(write(tmp_path / "deep.json", {"id": "p", "title": "T", "comments": [leaf]}))
    table = d.tree_table()
    assert table.get_column("depth").max() == 59
    parents = dict(d.to_polars().select("comment_id", "parent_id").iter_rows())
    assert parents["c59"] == "c58"
    assert parents["c1"] == "c0"
    assert parents["c0"] is None


def test_missing_comment_id_is_counted_and_its_replies_kept(tmp_path: Path) -> None:
    post = {
        "id": "p1",
        "title": "T",
        "comments": [
            {"id": "a", "author": "ann", "text": "fine"},
            {
                "author": "bob",
                "text": "no id",
                "replies": [
                    {"id": "c", "author": "cat", "text": "reply to the id-less comment"},
                ],
            },
        ],
    }
    path = write_lines(tmp_path / "noid.jsonl", [post])
    d = load_quietly(path)
    assert d.report["missing_field"] == 1
    assert d.report.samples["missing_field"] == ["record 1"]
    # the reply survives: an orphan attached to the thread root, never silently lost
    assert d.report["orphan"] == 1
    row = d.to_polars().filter(pl.col("comment_id") == "c").row(0, named=True)
    assert row["parent_id"] is None
    assert row["orphan_of"] is not None
    assert sorted(d.to_polars().get_column("comment_id")) == ["a", "c"]


def test_missing_comment_id_raises_in_strict_mode(tmp_path: Path) -> None:
    post = {"id": "p1", "title": "T", "comments": [{"author": "bob", "text": "no id"}]}
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(write_lines(tmp_path / "noid.jsonl", [post]), strict=True)
    assert (info.value.record, info.value.field) == (1, "id")
    assert str(info.value).startswith("noid.jsonl: record 1: field 'id' is missing")


def test_missing_post_id_skips_the_post_and_says_so(tmp_path: Path) -> None:
    ok = {"id": "p1", "title": "T", "comments": [{"id": "a", "author": "x", "text": "t"}]}
    bad = {"title": "U", "comments": [{"id": "b", "author": "y", "text": "u"}]}
    bad["comments"][0]["replies"] = [{"id": "c", "author": "z", "text": "v"}]
    d = load_quietly(write_lines(tmp_path / "nopost.jsonl", [ok, bad]))
    assert d.report["missing_field"] == 1
    assert d.report.samples["missing_field"] == ["record 2"]
    # the comments skipped with it are counted (they went unsaid)
    assert d.report.policy("missing_field") == (
        "skipped; posts without an id are skipped with the 2 comments below them"
    )
    assert structure(d) == [("a", None, "p1", "x")]


def test_a_null_reply_does_not_add_a_record(tmp_path: Path) -> None:
    """A reply that is not an object is malformed inside its post's record: 2 lines are 2
    records read (they were 3)."""
    one = {"id": "p1", "title": "T", "comments": [{"id": "a", "author": "x", "text": "t"}, None]}
    two = {"id": "p2", "title": "U", "comments": []}
    d = load_quietly(write_lines(tmp_path / "null.jsonl", [one, two]))
    assert d.report["malformed_record"] == 1
    assert d.report.n_records == 2


def test_duplicated_comment_id_is_counted(tmp_path: Path) -> None:
    post = {
        "id": "p1",
        "title": "T",
        "comments": [
            {
                "id": "a",
                "author": "ann",
                "text": "first",
                "replies": [
                    {"id": "b", "author": "bob", "text": "reply"},
                ],
            },
            {"id": "a", "author": "ann", "text": "the same id again"},
        ],
    }
    d = load_quietly(write_lines(tmp_path / "dup.jsonl", [post]))
    assert d.report["duplicate_id"] == 1
    assert d.report.samples["duplicate_id"] == ["a"]
    table = d.to_polars()
    assert table.get_column("comment_id").to_list() == ["a", "b"]
    assert table.row(0, named=True)["text"] == "first"


def test_duplicated_id_raises_in_strict_mode(tmp_path: Path) -> None:
    post = {"id": "p1", "title": "T", "comments": [{"id": "a"}, {"id": "a"}]}
    with pytest.raises(dyn.InputFormatError, match="comment_id"):
        dyn.load(write_lines(tmp_path / "dup.jsonl", [post]), strict=True)


def test_null_author_is_deleted_by_default_or_anonymous(tmp_path: Path) -> None:
    post = {"id": "p1", "title": "T", "comments": {"a": {"author": None, "text": "gone"}}}
    path = write(tmp_path / "null.json", post)
    d = load_quietly(path)
    assert d.report["deleted_author"] == 1
    assert d.to_polars().row(0, named=True)["deleted"] is True
    anon = dyn.load(path, null_author="anonymous")
    assert anon.report["deleted_author"] == 0
    assert anon.report["anonymous_author"] == 1
    with pytest.raises(ValueError, match="null_author"):
        dyn.load(path, null_author="nobody")


def test_reply_given_by_id_only_is_unfetched(tmp_path: Path) -> None:
    post = {
        "id": "p1",
        "title": "T",
        "comments": [{"id": "a", "body": "t", "kids": [{"id": "b", "body": "u"}, "c"]}],
    }
    d = dyn.load(write(tmp_path / "ids.json", post))
    assert d.report["unfetched_replies"] == 1
    assert sorted(d.to_polars().get_column("comment_id")) == ["a", "b"]


def test_a_json_list_of_posts_and_comment_rooted_trees(tmp_path: Path) -> None:
    posts = [
        {"id": "p1", "title": "T", "comments": [{"id": "a", "author": "x", "text": "t"}]},
        {"id": "p2", "title": "U", "comments": [{"id": "b", "author": "y", "text": "u"}]},
    ]
    d = dyn.load(write(tmp_path / "posts.json", posts))
    assert sorted(structure(d)) == [("a", None, "p1", "x"), ("b", None, "p2", "y")]
    assert d.posts.get_column("title").to_list() == ["T", "U"]
    # records without a title or comments are comments rooting their own tree
    roots = [
        {
            "id": "r",
            "author": "x",
            "text": "root",
            "replies": [{"id": "s", "author": "y", "text": "t"}],
        }
    ]
    tree = dyn.load(write(tmp_path / "roots.json", roots))
    assert sorted(structure(tree)) == [("r", None, "r", "x"), ("s", "r", "r", "y")]


def test_times_and_extra_fields(tmp_path: Path) -> None:
    post = {
        "id": "p1",
        "title": "T",
        "created": 1_600_000_000,
        "comments": {"a": {"author": "x", "text": "t", "created": 1_600_000_060, "upvotes": 3}},
    }
    d = dyn.load(write(tmp_path / "times.json", post))
    row = d.to_polars().row(0, named=True)
    assert row["created_at"] == datetime(2020, 9, 13, 12, 27, 40, tzinfo=UTC)
    assert row["upvotes"] == 3
    assert d.posts.row(0, named=True)["created_at"] == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)


def test_malformed_line_is_counted_with_its_line_number(tmp_path: Path) -> None:
    good = {"id": "p1", "title": "T", "comments": [{"id": "a", "author": "x", "text": "t"}]}
    other = {"id": "p2", "title": "U", "comments": [{"id": "b", "author": "y", "text": "u"}]}
    path = write_lines(tmp_path / "broken.jsonl", [good, '{"id": "p3", "comm', other])
    d = load_quietly(path)
    assert d.report["malformed_record"] == 1
    assert d.report.samples["malformed_record"] == ["record 2"]
    assert sorted(d.to_polars().get_column("comment_id")) == ["a", "b"]
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    assert info.value.record == 2
    assert str(info.value).startswith("broken.jsonl: record 2: ")


def test_broken_json_document_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"id": "p1", "title": "T", "comments": [{"id": "a"}]\n', encoding="utf-8")
    with pytest.raises(dyn.InputFormatError, match=r"^broken\.json: is not valid JSON"):
        nested.read(path)


# --------------------------------------------------------------------------- detection


def test_detected_when_the_first_post_has_no_comments(tmp_path: Path) -> None:
    """Real dumps start with comment-less posts too (246 of 2,480 in r/CollegeRant)."""
    empty = {"sid": "p0", "title:": "Nobody answered", "comments": {}}
    full = {"sid": "p1", "title:": "T", "comments": {"a": {"author": "x", "text": "t"}}}
    path = write_lines(tmp_path / "posts.jsonl", [empty, full])
    assert dyn.detect(path) == "nested"
    d = dyn.load(path)
    assert structure(d) == [("a", None, "p1", "x")]
    assert d.posts.get_column("thread_id").to_list() == ["p0", "p1"]


def test_detected_when_the_first_line_is_longer_than_the_peek(tmp_path: Path) -> None:
    comments = {f"c{i}": {"author": f"u{i}", "text": "x" * 200} for i in range(1000)}
    path = write_lines(tmp_path / "big.jsonl", [{"sid": "p1", "title:": "T", "comments": comments}])
    assert path.stat().st_size > 65536
    assert dyn.detect(path) == "nested"


def test_detected_in_an_indented_list_whose_first_post_is_longer_than_the_peek(
    tmp_path: Path,
) -> None:
    """A longer peek is read when the first object is cut, also after ``[`` and a newline."""
    comments = {f"c{i}": {"author": f"u{i}", "text": "x" * 200} for i in range(1000)}
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps([{"sid": "p1", "title:": "T", "comments": comments}], indent=2),
        encoding="utf-8",
    )
    assert path.stat().st_size > 65536
    assert dyn.detect(path) == "nested"


def test_a_file_not_starting_with_an_object_is_rejected_from_the_first_peek(
    tmp_path: Path,
) -> None:
    """A CSV larger than the peek is not JSON however much of it is read."""
    path = tmp_path / "table.csv"
    path.write_text("id,parent,user\n" + "".join(f"{i},,u{i}\n" for i in range(20_000)))
    assert path.stat().st_size > 65536
    assert nested._first_records(path) == []
    assert dyn.detect(path) == "tabular"


def test_not_detected_on_a_plain_table(tmp_path: Path) -> None:
    rows = [{"id": "1", "parent": None, "user": "a"}, {"id": "2", "parent": "1", "user": "b"}]
    path = write_lines(tmp_path / "table.jsonl", rows)
    assert not nested.detect(path)
    assert dyn.detect(path) == "tabular"


def test_not_detected_on_a_table_with_id_lists(tmp_path: Path) -> None:
    """Hacker-News-style ``kids`` that hold ids, not objects, are no nested tree."""
    rows = [{"id": 1, "kids": [2, 3], "text": "a"}, {"id": 2, "kids": [], "text": "b"}]
    assert not nested.detect(write_lines(tmp_path / "ids.jsonl", rows))


@pytest.mark.parametrize(
    "path",
    [
        DATA / "hackernews" / "items.jsonl",
        DATA / "hackernews" / "algolia_item.json",
        DATA / "twitter" / "conversation.json",
        DATA / "reddit_api" / "thread.json",
        DATA / "convokit" / "tiny-corpus",
        DATA / "convokit" / "tiny-corpus" / "utterances.jsonl",
        DATA / "disqus" / "export.xml",
    ],
)
def test_not_detected_on_other_formats(path: Path) -> None:
    assert not nested.detect(path)


def test_not_detected_on_the_pushshift_dump(dump: Path) -> None:
    assert not nested.detect(dump)
