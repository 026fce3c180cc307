"""The Pushshift / Arctic-Shift NDJSON reader: real r/CollegeRant dump, compression, bad lines."""

from __future__ import annotations

import gzip
import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import reddit

DATA = Path(__file__).resolve().parents[1] / "data"
CONTRACT = ["comment_id", "parent_id", "thread_id", "author", "text", "created_at"]


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


def independent(path: Path) -> dict:
    """What the dump holds, computed with plain ``json`` (no code of the reader)."""
    comments, submissions = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                (comments if "parent_id" in obj else submissions).append(obj)

    def bare(fullname: str) -> str:
        return fullname.split("_", 1)[1]

    return {
        "comments": comments,
        "submissions": submissions,
        "pairs": {
            (c["id"], None if c["parent_id"].startswith("t3_") else bare(c["parent_id"]))
            for c in comments
        },
        "threads": {(c["id"], bare(c["link_id"])) for c in comments},
        "authors": {c["author"] for c in comments} - {"[deleted]", "[removed]"},
        "deleted": sum(c["author"] in ("[deleted]", "[removed]") for c in comments),
        "removed": sum(c["body"] in ("[deleted]", "[removed]") for c in comments),
    }


def write_lines(path: Path, lines: list) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


POST = {
    "id": "p1",
    "title": "Finals week",
    "selftext": "Why are all the papers due now?",
    "author": "op",
    "created_utc": 1_600_000_000,
    "subreddit": "CollegeRant",
    "num_comments": 3,
    "permalink": "/r/CollegeRant/comments/p1/finals_week/",
}
TOP = {
    "id": "c1",
    "parent_id": "t3_p1",
    "link_id": "t3_p1",
    "author": "ann",
    "body": "Same here.",
    "created_utc": 1_600_000_060,
    "score": 4,
    "subreddit": "CollegeRant",
}
REPLY = {
    "id": "c2",
    "parent_id": "t1_c1",
    "link_id": "t3_p1",
    "author": "bob",
    "body": "Agreed.",
    "created_utc": "1600000120",
    "score": 2,
    "subreddit": "CollegeRant",
}


# --------------------------------------------------------------------------- real data


def test_real_dump_is_detected(dump: Path) -> None:
    assert dyn.detect(dump) == "reddit"


def test_real_dump_matches_a_plain_json_reading(dump: Path) -> None:
    truth = independent(dump)
    d = load_quietly(dump)
    table = d.to_polars()
    assert len(d) == len(truth["comments"])
    assert set(d.authors) == truth["authors"]
    assert set(table.select("comment_id", "parent_id").iter_rows()) == truth["pairs"]
    assert set(table.select("comment_id", "thread_id").iter_rows()) == truth["threads"]
    # no comment lost to the integrity checks: the dump is a clean forest
    assert d.report["orphan"] == 0
    assert d.report["duplicate_id"] == 0
    assert d.report["missing_field"] == 0
    assert d.report.n_records == len(truth["comments"]) + len(truth["submissions"])


def test_real_dump_submissions_become_posts(dump: Path) -> None:
    truth = independent(dump)
    d = load_quietly(dump)
    assert d.posts is not None
    assert d.posts.height == len(truth["submissions"])
    assert set(d.posts.get_column("thread_id")) == {s["id"] for s in truth["submissions"]}
    # every comment belongs to a submission of the file, and none is a thread of its own
    assert set(d.thread_ids) <= set(d.posts.get_column("thread_id"))
    by_id = {s["id"]: s for s in truth["submissions"]}
    first = d.posts.row(0, named=True)
    assert first["title"] == by_id[first["thread_id"]]["title"]


def test_real_dump_top_level_comments_hang_from_the_submission(dump: Path) -> None:
    truth = independent(dump)
    top = {c["id"]: c["link_id"][3:] for c in truth["comments"] if c["parent_id"][:3] == "t3_"}
    table = load_quietly(dump).to_polars().filter(pl.col("parent_id").is_null())
    assert dict(table.select("comment_id", "thread_id").iter_rows()) == top
    # top-level because the source says so, not because a missing parent was attached
    assert table.get_column("orphan_of").null_count() == table.height


def test_real_dump_counts_deleted_authors_and_removed_texts(dump: Path) -> None:
    truth = independent(dump)
    d = load_quietly(dump)
    assert truth["deleted"] > 0
    assert truth["removed"] > 0
    assert d.report["deleted_author"] == truth["deleted"]
    assert d.report["removed_text"] == truth["removed"]
    table = d.to_polars()
    assert table.get_column("author").null_count() == truth["deleted"]
    assert "[deleted]" not in table.get_column("author").drop_nulls().to_list()
    # removed texts are kept as written, flagged
    removed = table.filter(pl.col("text").is_in(["[deleted]", "[removed]"]))
    assert removed.height == truth["removed"]
    assert removed.get_column("deleted").all()


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_copies_read_the_same(dump: Path, tmp_path: Path, suffix: str) -> None:
    raw = dump.read_bytes()
    copy = tmp_path / f"{dump.name}{suffix}"
    if suffix == ".gz":
        copy.write_bytes(gzip.compress(raw))
    else:
        import zstandard

        copy.write_bytes(zstandard.ZstdCompressor(level=3).compress(raw))
    assert dyn.detect(copy) == "reddit"
    plain = load_quietly(dump)
    packed = load_quietly(copy)
    assert packed.to_polars().select(CONTRACT).equals(plain.to_polars().select(CONTRACT))
    assert packed.posts is not None
    assert packed.posts.height == plain.posts.height
    assert packed.report.n_records == plain.report.n_records


def test_zstd_stream_without_content_size(dump: Path, tmp_path: Path) -> None:
    """Dumps are written by streaming compressors: no frame content size in the header."""
    import zstandard

    copy = tmp_path / "stream.ndjson.zst"
    head = b"".join(dump.read_bytes().splitlines(keepends=True)[:500])
    with copy.open("wb") as fh, zstandard.ZstdCompressor().stream_writer(fh) as writer:
        writer.write(head)
    d = load_quietly(copy)
    truth = [json.loads(line) for line in head.splitlines()]
    assert len(d) == sum("parent_id" in obj for obj in truth)


def _compress(raw: bytes, suffix: str) -> bytes:
    import bz2
    import lzma

    import zstandard

    packers = {
        ".gz": gzip.compress,
        ".bz2": bz2.compress,
        ".xz": lzma.compress,
        ".zst": zstandard.ZstdCompressor(level=3).compress,
    }
    return packers[suffix](raw)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_a_compressed_dump_cut_short_is_an_error_naming_it(
    dump: Path, tmp_path: Path, suffix: str
) -> None:
    """A download cut short must not pass for the whole month: zstandard's stream reader
    gave the first blocks (or nothing) without a word."""
    with dump.open("rb") as fh:
        head = b"".join(next(fh) for _ in range(3000))
    packed = _compress(head, suffix)
    cut = tmp_path / f"cut.ndjson{suffix}"
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(dyn.InputFormatError, match=r"cut\.ndjson.*cut short"):
        dyn.load(cut)


def test_zstd_frames_one_after_another_read_as_one_file(dump: Path, tmp_path: Path) -> None:
    lines = dump.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    two = tmp_path / "two-frames.ndjson.zst"
    two.write_bytes(_compress(b"".join(lines[:half]), ".zst")
                    + _compress(b"".join(lines[half:]), ".zst"))  # fmt: skip
    assert (
        load_quietly(two)
        .to_polars()
        .select(CONTRACT)
        .equals(load_quietly(dump).to_polars().select(CONTRACT))
    )


def test_strict_mode_raises_on_the_real_dump(dump: Path) -> None:
    """The dump has deleted authors: ``strict=True`` refuses it and says where."""
    with pytest.raises(dyn.InputFormatError, match="author"):
        dyn.load(dump, strict=True)


# --------------------------------------------------------------------------- hand-written


def test_comments_and_submissions_together(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "mixed.ndjson", [POST, TOP, REPLY])
    d = dyn.load(path)
    table = d.to_polars()
    assert table.get_column("comment_id").to_list() == ["c1", "c2"]
    assert table.get_column("parent_id").to_list() == [None, "c1"]
    assert table.get_column("thread_id").to_list() == ["p1", "p1"]
    # an int and a string of digits are both epoch seconds
    assert table.get_column("created_at").to_list() == [
        datetime(2020, 9, 13, 12, 27, 40, tzinfo=UTC),
        datetime(2020, 9, 13, 12, 28, 40, tzinfo=UTC),
    ]
    assert table.get_column("score").to_list() == [4, 2]
    post = d.posts.row(0, named=True)
    assert post["title"] == "Finals week"
    assert post["text"] == POST["selftext"]
    assert post["url"] == "https://www.reddit.com/r/CollegeRant/comments/p1/finals_week/"
    assert d.threads.row(0, named=True)["title"] == "Finals week"
    assert d.report.n_records == 3
    assert d.report.ok


def test_prefixes_and_unprefixed_parent_of_the_post(tmp_path: Path) -> None:
    """Ids may carry their prefix; a bare parent equal to the post id is top-level too."""
    top = {**TOP, "id": "t1_c1", "parent_id": "p1"}
    path = write_lines(tmp_path / "prefixed.ndjson", [top, REPLY])
    table = dyn.load(path).to_polars()
    assert table.select("comment_id", "parent_id", "thread_id").rows() == [
        ("c1", None, "p1"),
        ("c2", "c1", "p1"),
    ]


def test_thread_from_parent_when_link_id_is_absent(tmp_path: Path) -> None:
    top = {k: v for k, v in TOP.items() if k != "link_id"}
    path = write_lines(tmp_path / "nolink.ndjson", [top, REPLY])
    assert dyn.load(path).to_polars().get_column("thread_id").to_list() == ["p1", "p1"]


def test_a_post_read_twice_is_counted(tmp_path: Path) -> None:
    """A submission twice in one dump, or in two overlapping files, is a duplicate_post:
    the first kept, the later counted (it was dropped without a word). Informational: pages
    of one thread fetched apart repeat their post, so it neither warns nor fails strict."""
    edited = {**POST, "title": "Finals week (edited)"}
    one = write_lines(tmp_path / "one.ndjson", [POST, TOP, edited, REPLY])
    d = dyn.load(one, strict=True)
    assert d.posts.select("thread_id", "title").rows() == [("p1", "Finals week")]
    assert d.report["duplicate_post"] == 1
    assert d.report.samples["duplicate_post"] == ["p1"]
    # 4 records: 2 comments, 1 post kept, 1 counted
    assert d.report.n_records == len(d) + d.posts.height + d.report["duplicate_post"]
    other = write_lines(tmp_path / "two.ndjson", [POST, {**REPLY, "id": "c3"}])
    both = dyn.load([tmp_path / "one.ndjson", other])
    assert both.report["duplicate_post"] == 2
    assert both.posts.height == 1


@pytest.mark.parametrize("broken", [False, True], ids=["fast", "line_by_line"])
def test_replies_without_link_id_keep_their_ancestors_thread(tmp_path: Path, broken: bool) -> None:
    """A dump stripped of ``link_id`` (and of permalinks) loses no reply: a reply's thread is
    its top-level comment's, whose ``t3_`` parent names the post. They were skipped as
    missing a field, 281 of the 552 comments of 600 lines of r/CollegeRant."""
    unlinked = [{k: v for k, v in c.items() if k != "link_id"} for c in (TOP, REPLY)]
    deeper = {**unlinked[1], "id": "c3", "parent_id": "t1_c2", "author": "cy"}
    lines = [*unlinked, deeper, *(["{oops"] if broken else [])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(write_lines(tmp_path / "nolink.ndjson", lines))
    assert d.to_polars().select("comment_id", "thread_id").rows() == [
        ("c1", "p1"), ("c2", "p1"), ("c3", "p1")
    ]  # fmt: skip
    assert "missing_field" not in d.report.counts
    assert d.user_edges().select("source", "target").rows() == [("bob", "ann"), ("cy", "bob")]


@pytest.mark.parametrize("broken", [False, True])
def test_edited_time_is_kept(tmp_path: Path, broken: bool) -> None:
    """Same result from the fast parser and the line-by-line one (used when a line is bad)."""
    lines = [{**TOP, "edited": False}, {**REPLY, "edited": 1_600_000_500.5}, {**TOP, "id": "c3"}]
    if broken:
        lines.append("{oops")
        with pytest.warns(dyn.DataQualityWarning, match="1 malformed_record"):
            d = dyn.load(write_lines(tmp_path / "edited.ndjson", lines))
    else:
        d = dyn.load(write_lines(tmp_path / "edited.ndjson", lines))
    table = d.to_polars()
    assert table.get_column("edited_at").to_list() == [
        None,
        datetime(2020, 9, 13, 12, 35, 0, 500000, tzinfo=UTC),
        None,
    ]


def test_deleted_author_and_removed_text_are_counted(tmp_path: Path) -> None:
    gone = {**REPLY, "author": "[deleted]", "body": "[removed]"}
    d = load_quietly(write_lines(tmp_path / "gone.ndjson", [POST, TOP, gone]))
    row = d.to_polars().row(1, named=True)
    assert row["author"] is None
    assert row["deleted"] is True
    assert row["text"] == "[removed]"
    assert d.report["deleted_author"] == 1
    assert d.report["removed_text"] == 1
    assert d.report.samples["deleted_author"] == ["c2"]


def test_malformed_line_is_counted_with_its_line_number(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "broken.ndjson", [POST, TOP, '{"id": "c9", "body": ', REPLY])
    d = load_quietly(path)
    assert d.to_polars().get_column("comment_id").to_list() == ["c1", "c2"]
    assert d.report["malformed_record"] == 1
    assert d.report.samples["malformed_record"] == ["record 3"]
    assert d.report.n_records == 4


def test_malformed_line_raises_in_strict_mode(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "broken.ndjson", [POST, TOP, '{"id": "c9", "body": ', REPLY])
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    assert info.value.record == 3
    assert str(info.value).startswith("broken.ndjson: record 3: ")
    assert "not valid JSON" in str(info.value)


def test_line_that_is_not_an_object_is_counted(tmp_path: Path) -> None:
    d = load_quietly(write_lines(tmp_path / "list.ndjson", [TOP, "[1, 2]", REPLY]))
    assert d.report["malformed_record"] == 1
    assert d.report.samples["malformed_record"] == ["record 2"]
    assert len(d) == 2


@pytest.mark.parametrize(
    ("drop", "field"),
    [("id", "id"), ("parent_id", None)],
)
def test_missing_required_field_is_counted(tmp_path: Path, drop: str, field: str | None) -> None:
    broken = {k: v for k, v in REPLY.items() if k != drop}
    d = load_quietly(write_lines(tmp_path / "missing.ndjson", [POST, TOP, broken]))
    if field == "id":
        # without an id the record cannot be kept
        assert d.to_polars().get_column("comment_id").to_list() == ["c1"]
        assert d.report["missing_field"] == 1
        assert d.report.samples["missing_field"] == ["record 3"]
    else:
        # a comment (it has a body and link_id) without parent_id: counted, skipped
        assert d.report["missing_field"] == 1
        assert len(d) == 1


def test_missing_id_raises_in_strict_mode_naming_file_line_and_field(tmp_path: Path) -> None:
    broken = {k: v for k, v in REPLY.items() if k != "id"}
    path = write_lines(tmp_path / "missing.ndjson", [POST, TOP, broken])
    with pytest.raises(dyn.InputFormatError) as info:
        dyn.load(path, strict=True)
    error = info.value
    assert (error.record, error.field) == (3, "id")
    assert str(error).startswith("missing.ndjson: record 3: field 'id' is missing")


def test_record_that_is_neither_comment_nor_submission(tmp_path: Path) -> None:
    d = load_quietly(write_lines(tmp_path / "odd.ndjson", [TOP, {"id": "x1", "author": "z"}]))
    assert d.report["missing_field"] == 1
    assert len(d) == 1


def test_line_numbers_stay_right_across_blocks(tmp_path: Path, monkeypatch) -> None:
    """Dumps are parsed in blocks; a problem in a later block reports its own line."""
    lines = [POST] + [{**TOP, "id": f"c{i}", "body": f"comment number {i}"} for i in range(1, 200)]
    lines.insert(150, "not json at all")
    path = write_lines(tmp_path / "long.ndjson", lines)
    monkeypatch.setattr(reddit, "_BLOCK_BYTES", 1024)
    d = load_quietly(path)
    assert d.report.samples["malformed_record"] == ["record 151"]
    assert len(d) == 199
    assert path.stat().st_size > 10 * 1024  # so the file really spans several blocks
    monkeypatch.undo()
    assert load_quietly(path).report.samples["malformed_record"] == ["record 151"]


def test_non_utf8_bytes_are_counted_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "bytes.ndjson"
    good = json.dumps(TOP).encode()
    bad = json.dumps({**REPLY, "body": "caf\udce9"}, ensure_ascii=False).encode(
        "utf-8", "surrogateescape"
    )
    path.write_bytes(good + b"\n" + bad + b"\n")
    d = load_quietly(path)
    assert d.report["non_utf8_text"] == 1
    assert d.report.samples["non_utf8_text"] == ["record 2"]
    assert d.to_polars().row(1, named=True)["text"] == "caf\ufffd"


def test_byte_order_mark_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.ndjson"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(TOP).encode() + b"\r\n\r\n" + json.dumps(REPLY).encode()
    )
    assert dyn.detect(path) == "reddit"
    d = dyn.load(path)
    assert d.to_polars().get_column("parent_id").to_list() == [None, "c1"]
    assert d.report.ok


def test_only_submissions_is_an_empty_discussion(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "posts.ndjson", [POST, {**POST, "id": "p2"}])
    assert dyn.detect(path) == "reddit"
    with pytest.raises(dyn.EmptyInputError, match="no comments"):
        dyn.load(path)


# --------------------------------------------------------------------------- detection


def test_detects_a_dump_that_starts_with_a_submission_or_a_comment(tmp_path: Path) -> None:
    assert reddit.detect(write_lines(tmp_path / "a.ndjson", [POST, TOP]))
    assert reddit.detect(write_lines(tmp_path / "b.ndjson", [TOP, POST]))
    assert reddit.detect(write_lines(tmp_path / "c.jsonl", [REPLY]))


def test_not_detected_on_a_post_that_nests_its_comments(tmp_path: Path) -> None:
    """A scrape that keeps PRAW's fields but nests comments is the nested reader's."""
    post = {**POST, "comments": [{**TOP, "replies": [REPLY]}]}
    path = write_lines(tmp_path / "praw.jsonl", [post])
    assert not reddit.detect(path)
    assert dyn.detect(path) == "nested"
    table = dyn.load(path).to_polars()
    assert table.select("comment_id", "parent_id", "thread_id").rows() == [
        ("c1", None, "p1"),
        ("c2", "c1", "p1"),
    ]


def test_not_detected_on_a_plain_table(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "parent_id": None, "author": "ann", "text": "hi"},
        {"id": "2", "parent_id": "1", "author": "bob", "text": "hello"},
    ]
    path = write_lines(tmp_path / "table.jsonl", rows)
    assert not reddit.detect(path)
    assert dyn.detect(path) == "tabular"


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
    assert not reddit.detect(path)


def test_blocks_with_different_time_encodings_read_as_one_file(tmp_path: Path, monkeypatch) -> None:
    """Each block is reduced to the contract columns on its own; their times must still agree."""
    lines = [POST]
    for i in range(1, 120):
        when = 1_600_000_000 + 60 * i
        # epoch ints first, then strings of digits, then ISO strings, each in its own blocks
        created = when if i < 40 else str(when) if i < 80 else f"2020-09-13T12:{i - 80:02d}:00Z"
        lines.append({**TOP, "id": f"c{i}", "body": f"number {i}", "created_utc": created})
    path = write_lines(tmp_path / "mixed.ndjson", lines)
    whole = dyn.load(path).to_polars()
    monkeypatch.setattr(reddit, "_BLOCK_BYTES", 1024)
    blocks = dyn.load(path).to_polars()
    assert blocks.equals(whole)
    times = blocks.get_column("created_at")
    assert times.null_count() == 0
    assert times[0] == datetime(2020, 9, 13, 12, 27, 40, tzinfo=UTC)  # 1_600_000_060
    assert times[-1] == datetime(2020, 9, 13, 12, 39, tzinfo=UTC)


@pytest.mark.parametrize("with_post", [False, True], ids=["comments_only", "with_post"])
def test_comment_without_body_gets_empty_text(tmp_path: Path, with_post: bool) -> None:
    """A comment without ``body`` has the empty text (counted as empty by the checks), whether
    or not the block also holds submissions (whose missing ``body`` is not a comment's)."""
    no_body = {k: v for k, v in REPLY.items() if k != "body"}
    lines = ([POST] if with_post else []) + [TOP, no_body]
    d = load_quietly(write_lines(tmp_path / "nobody.ndjson", lines))
    texts = dict(d.comments.select("comment_id", "text").iter_rows())
    assert texts[no_body["id"]] == ""
    assert texts[TOP["id"]] == TOP["body"]
    assert d.comments.get_column("text").null_count() == 0
    assert (d.posts is not None) is with_post


def _blocks_by_hand(data: bytes, size: int) -> list[bytes]:
    """``size`` bytes, then the rest of the line they end in, until the data is used up."""
    out, pos = [], 0
    while pos < len(data):
        end = data.find(b"\n", pos + size)  # the line that byte pos + size is in ends here
        end = len(data) if end < 0 else end + 1
        out.append(data[pos:end])
        pos = end
    return out


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
@pytest.mark.parametrize("size", [1, 7, 64, 4096])
@pytest.mark.parametrize("ending", [b"\n", b""])
def test_blocks_are_whole_lines_of_the_file(tmp_path: Path, monkeypatch, suffix, size, ending):
    import zstandard

    lines = [json.dumps({**TOP, "id": f"c{i}", "body": "x" * (i % 13)}).encode() for i in range(60)]
    lines.insert(5, b"")  # an empty line
    data = b"\n".join(lines) + ending
    path = tmp_path / f"dump.ndjson{suffix}"
    raw = b"\xef\xbb\xbf" + data  # a byte order mark, dropped from the first block
    if suffix == ".gz":
        path.write_bytes(gzip.compress(raw))
    elif suffix == ".zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    else:
        path.write_bytes(raw)
    monkeypatch.setattr(reddit, "_BLOCK_BYTES", size)
    blocks = list(reddit._blocks(path))
    expected = _blocks_by_hand(raw, size)
    expected[0] = expected[0].removeprefix(b"\xef\xbb\xbf")
    assert blocks == expected
    assert b"".join(blocks) == data


def test_blocks_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"")
    assert list(reddit._blocks(path)) == []


@pytest.mark.parametrize("size", [0, 1, 2**18 - 1, 2**18, 2**18 + 1, 3 * 2**18 + 7])
def test_count_lines_counts_every_newline_of_the_block(size: int) -> None:
    """count_lines compares the block a slice at a time: newlines at the slices' edges, and
    in the last short slice, are each counted once."""
    step = reddit._COUNT_STEP
    block = bytearray(b"x" * size)
    for i in (0, step - 1, step, step + 1, 2 * step - 1, size - 1):
        if 0 <= i < size:
            block[i] = ord("\n")
    assert reddit.count_lines(bytes(block)) == bytes(block).count(b"\n")


def test_encoding_other_than_utf8_is_refused_saying_why(tmp_path: Path) -> None:
    """Pushshift dumps are UTF-8 JSON: encoding="utf-8" is taken, as every text reader takes
    it, and a latin-1 export is refused with the reason and the way out, never read wrong."""
    lines = [json.dumps({**TOP, "body": "caf\u00e9"}, ensure_ascii=False)]
    latin = tmp_path / "latin.ndjson"
    latin.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    with pytest.raises(dyn.errors.ReaderOptionError, match=r"reads UTF-8 only \(Pushshift") as err:
        dyn.load(latin, encoding="latin-1")
    assert "iconv -f latin-1 -t utf-8" in str(err.value)
    utf8 = write_lines(tmp_path / "utf8.ndjson", [{**TOP, "body": "caf\u00e9"}])
    d = dyn.load(utf8, encoding="UTF8")
    assert d.comments.get_column("text").to_list() == ["caf\u00e9"]
