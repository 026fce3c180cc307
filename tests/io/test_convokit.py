"""ConvoKit corpus directories: reading, writing, round trips, and ConvoKit 5 loading ours."""

from __future__ import annotations

import importlib.util
import json
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import dynamics as dyn
from dynamics import DataQualityWarning, InputFormatError
from dynamics.io import convokit as ck
from dynamics.io.convokit import write_corpus

DATA = Path(__file__).resolve().parents[1] / "data" / "convokit"
TINY = DATA / "tiny-corpus"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COLLEGE_RANT = SHARED / "reddit-college" / "CollegeRant-pushshift.ndjson"


def write_lines(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def same_tables(a: dyn.Discussion, b: dyn.Discussion) -> None:
    left, right = a.to_polars().sort("comment_id"), b.to_polars().sort("comment_id")
    assert left.schema == right.schema
    assert left.equals(right)


@pytest.fixture
def corpus_cls(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """ConvoKit's Corpus, with its config file kept out of the real home directory."""
    convokit = pytest.importorskip("convokit")
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("CONVOKIT_BACKEND", "mem")
    return convokit.Corpus


def check_convokit_trees(corpus: Any) -> None:
    """Every conversation has one root and a BFS from it visits all its utterances."""
    for convo in corpus.iter_conversations():
        assert convo.check_integrity(verbose=False), convo.id
        visited = [u.id for u in convo.traverse("bfs")]
        assert sorted(visited) == sorted(convo.get_utterance_ids()), convo.id
        assert convo.get_root_to_leaf_paths()  # raises unless one root


# --------------------------------------------------------------------------- detection


def test_detect_directory_and_utterances_file(tmp_path: Path) -> None:
    assert ck.detect(TINY)
    assert ck.detect(TINY / "utterances.jsonl")
    assert dyn.detect(TINY) == "convokit"
    generic = write_lines(tmp_path / "comments.jsonl", [{"id": "1", "parent": None, "text": "x"}])
    assert not ck.detect(generic)
    assert dyn.detect(generic) == "tabular"
    assert not ck.detect(tmp_path)  # a directory without utterances


# --------------------------------------------------------------------------- reading


def test_read_tiny_corpus() -> None:
    with pytest.warns(DataQualityWarning, match="1 deleted_author"):
        d = dyn.load(TINY)
    assert d.report.format == "convokit"
    assert (len(d), d.n_threads, d.report.n_records) == (7, 2, 7)
    df = d.to_polars().sort("comment_id")
    row = {r["comment_id"]: r for r in df.iter_rows(named=True)}
    assert row["u3"]["parent_id"] == "u2"  # written as "reply-to"
    assert row["u2"]["parent_id"] == "c1"
    assert row["c1"]["parent_id"] is None
    assert row["u7"]["thread_id"] == "c6"
    assert row["u4"]["author"] is None
    assert row["u4"]["deleted"] is True
    assert row["u3"]["created_at"] == datetime(2020, 1, 1, 0, 20, 0, 500000, tzinfo=UTC)
    assert row["u5"]["source"] == "convokit"
    assert (df.schema["score"], df.schema["edited"], df.schema["flair"]) == (
        pl.Int64,
        pl.Boolean,
        pl.String,
    )
    assert row["u3"]["edited"] is True
    assert "awards" not in df.columns  # a list in meta is not a column
    assert d.posts is None
    assert sorted(d.user_graph().edges(data="count")) == [
        ("alice", "bob", 1),
        ("bob", "alice", 1),
        ("bob", "dave", 1),
    ]


def test_utterances_file_reads_like_its_directory() -> None:
    with pytest.warns(DataQualityWarning):
        by_dir = dyn.load(TINY)
    with pytest.warns(DataQualityWarning):
        by_file = dyn.load(TINY / "utterances.jsonl")
    same_tables(by_dir, by_file)


def test_json_list_with_old_keys_and_numeric_ids(tmp_path: Path) -> None:
    utterances = [
        {"id": 10, "user": "ann", "root": 10, "reply-to": None, "timestamp": 1, "text": "a"},
        {"id": 11, "user": "bob", "root": 10, "reply-to": 10, "timestamp": 2, "text": "b"},
    ]
    (tmp_path / "utterances.json").write_text(json.dumps(utterances), encoding="utf-8")
    d = dyn.load(tmp_path)
    df = d.to_polars()
    assert df["comment_id"].to_list() == ["10", "11"]
    assert df["parent_id"].to_list() == [None, "10"]
    assert df["thread_id"].to_list() == ["10", "10"]
    assert df["author"].to_list() == ["ann", "bob"]


def test_malformed_lines_and_missing_ids_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "corpus" / "utterances.jsonl"
    write_lines(path, [{"id": "a", "speaker": "ann", "conversation_id": "a", "text": "hi"}])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps({"speaker": "bob", "conversation_id": "a", "text": "no id"}) + "\n")
    result = ck.read(path.parent)
    assert result.comments["comment_id"].to_list() == ["a"]
    assert result.problems.counts == {"malformed_record": 1, "missing_field": 1}
    assert result.n_records == 3
    with pytest.raises(InputFormatError, match="record 2"):
        ck.read(path.parent, strict=True)


def test_meta_named_like_a_column_is_prefixed_and_pickled_meta_skipped(tmp_path: Path) -> None:
    meta = {"text": "shadow", "deleted": True, "vec": "<##bin{0}&&@**>", "n": 1}
    write_lines(
        tmp_path / "utterances.jsonl",
        [{"id": "a", "speaker": "ann", "conversation_id": "a", "text": "hi", "meta": meta}],
    )
    index = {"utterances-index": {"vec": ["bin"], "n": ["<class 'int'>"]}}
    (tmp_path / "index.json").write_text(json.dumps(index), encoding="utf-8")
    df = dyn.load(tmp_path).to_polars()
    assert df["text"].to_list() == ["hi"]
    assert df["meta_text"].to_list() == ["shadow"]
    assert df["meta_deleted"].to_list() == [True]
    assert df["deleted"].to_list() == [False]
    assert "vec" not in df.columns
    assert df["n"].to_list() == [1]


def test_bad_conversations_file_is_an_input_error(tmp_path: Path) -> None:
    write_lines(tmp_path / "utterances.jsonl", [{"id": "a", "speaker": "ann", "text": "hi"}])
    (tmp_path / "conversations.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"conversations\.json.*not a JSON object"):
        dyn.load(tmp_path)


def test_convokit_loads_the_bundled_corpus(corpus_cls: Any) -> None:
    corpus = corpus_cls(filename=str(TINY))
    assert len(corpus.utterances) == 7
    assert corpus.get_utterance("u3").reply_to == "u2"
    check_convokit_trees(corpus)


# --------------------------------------------------------------------------- writing


@pytest.fixture
def tiny_written(tmp_path: Path) -> tuple[dyn.Discussion, Path]:
    with pytest.warns(DataQualityWarning):
        d = dyn.load(TINY)
    return d, write_corpus(d, tmp_path / "out")


def test_tiny_corpus_round_trip(tiny_written: tuple[dyn.Discussion, Path]) -> None:
    d, out = tiny_written
    assert sorted(p.name for p in out.iterdir()) == [
        "conversations.json",
        "corpus.json",
        "index.json",
        "speakers.json",
        "utterances.jsonl",
    ]
    with pytest.warns(DataQualityWarning):
        back = dyn.load(out)
    same_tables(d, back)
    assert back.to_polars()["comment_id"].to_list() == d.to_polars()["comment_id"].to_list()
    index = json.loads((out / "index.json").read_text(encoding="ascii"))
    assert index["utterances-index"]["score"] == ["<class 'int'>"]
    assert index["version"] == 1


def test_tiny_corpus_written_loads_in_convokit(
    tiny_written: tuple[dyn.Discussion, Path], corpus_cls: Any
) -> None:
    corpus = corpus_cls(filename=str(tiny_written[1]))
    assert (len(corpus.utterances), len(corpus.speakers), len(corpus.conversations)) == (7, 5, 2)
    assert corpus.get_utterance("u3").reply_to == "u2"
    assert corpus.get_utterance("u3").timestamp == 1577838000.5
    assert corpus.get_utterance("u2").timestamp == 1577837400
    assert isinstance(corpus.get_utterance("u2").timestamp, int)
    assert corpus.get_utterance("u4").speaker.id == "[deleted]"
    assert corpus.get_utterance("u5").meta["score"] == 2
    check_convokit_trees(corpus)


def test_refuses_to_write_into_a_non_empty_directory(tmp_path: Path) -> None:
    d = dyn.load(pl.DataFrame({"id": ["a"], "user": ["ann"], "body": ["hi"]}))
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_corpus(d, tmp_path)
    write_corpus(d, tmp_path, overwrite=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert dyn.load(tmp_path).to_polars()["comment_id"].to_list() == ["a"]
    with pytest.raises(FileExistsError, match="not a directory"):
        write_corpus(d, tmp_path / "notes.txt", overwrite=True)


EDGE_CASES = pl.DataFrame(
    {
        "id": ["t1", "r1", "r2", "r3", "o1", "o2", "s1"],
        "parent": [None, "t1", "t1", "r2", "gone", "o1", None],
        "thread": ["T", "T", "T", "T", "T", "T", "S"],
        "user": ["ann", "[deleted]", None, "bob", "cat", "ann", None],
        "body": ["root", "[removed]", "anon", "reply", "orphan", "to orphan", ""],
        "timestamp": [1_600_000_000.0, 1_600_000_010.25, None, 1_600_000_030.0, 1.0, 2.0, 3.0],
        "rank": pl.Series([1, 2, 3, 4, 5, 6, None], dtype=pl.Int32),
        "ratio": [0.5, None, 1.0, 2.0, 3.5, 4.0, 5.0],
        "seen": [date(2020, 1, 1), None, date(2020, 1, 2), None, None, None, None],
        "edited_at": pl.Series([None, None, None, None, None, None, 1_600_000_000_000_000])
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("Europe/Paris"),
        "label": [None] * 7,
    }
)


@pytest.mark.parametrize("orphans", ["attach", "keep"])
def test_orphan_deleted_and_anonymous_round_trip(tmp_path: Path, orphans: str) -> None:
    with pytest.warns(DataQualityWarning):
        d = dyn.load(EDGE_CASES, orphans=orphans)
    row = {r["comment_id"]: r for r in d.to_polars().iter_rows(named=True)}
    assert (row["r1"]["author"], row["r1"]["deleted"]) == (None, True)
    assert (row["r2"]["author"], row["r2"]["deleted"]) == (None, False)
    out = write_corpus(d, tmp_path / "out")
    with pytest.warns(DataQualityWarning):
        back = dyn.load(out, orphans=orphans)
    same_tables(d, back)
    back_row = {r["comment_id"]: r for r in back.to_polars().iter_rows(named=True)}
    if orphans == "attach":
        assert (back_row["o1"]["parent_id"], back_row["o1"]["orphan_of"]) == (None, "gone")
    else:
        assert (back_row["o1"]["parent_id"], back_row["o1"]["orphan_of"]) == ("gone", None)
    assert back_row["r2"]["created_at"] is None
    assert back_row["r3"]["edited_at"] is None
    assert back_row["s1"]["edited_at"] == datetime(2020, 9, 13, 10, 26, 40, tzinfo=UTC)


def test_orphan_deleted_and_anonymous_load_in_convokit(tmp_path: Path, corpus_cls: Any) -> None:
    with pytest.warns(DataQualityWarning):
        d = dyn.load(EDGE_CASES)
    corpus = corpus_cls(filename=str(write_corpus(d, tmp_path / "out")))
    # no posts: one conversation per top-level comment (t1, o1 and s1)
    assert len(corpus.utterances) == 7
    assert sorted(corpus.conversations) == ["o1", "s1", "t1"]
    assert corpus.get_conversation("o1").meta["dynamics_thread_id"] == "T"
    assert corpus.get_utterance("o1").reply_to is None
    assert corpus.get_utterance("o1").meta["dynamics_orphan_of"] == "gone"
    assert corpus.get_utterance("o2").reply_to == "o1"
    assert corpus.get_utterance("r3").reply_to == "r2"
    assert corpus.get_utterance("r1").speaker.id == ck.DELETED_SPEAKER
    assert corpus.get_utterance("r2").speaker.id == ck.ANONYMOUS_SPEAKER
    assert corpus.get_utterance("s1").speaker.id == ck.ANONYMOUS_SPEAKER
    assert sorted(corpus.speakers) == ["[anonymous]", "[deleted]", "ann", "bob", "cat"]
    # ConvoKit sorts replies by timestamp, so a missing time is written as 0 and flagged
    assert corpus.get_utterance("r2").timestamp == 0
    assert corpus.get_utterance("r2").meta["dynamics_time_missing"] is True
    check_convokit_trees(corpus)


def test_a_real_author_named_anonymous_keeps_its_name(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"id": ["a", "b"], "parent": [None, "a"], "user": ["[anonymous]", None], "body": ["x", "y"]}
    )
    d = dyn.load(frame)  # an anonymous comment is no defect: no warning
    assert d.report["anonymous_author"] == 1
    out = write_corpus(d, tmp_path / "out")
    speakers = json.loads((out / "speakers.json").read_text(encoding="utf-8"))
    assert speakers["[anonymous-1]"]["meta"] == {"dynamics_anonymous": True}
    assert speakers["[anonymous]"]["meta"] == {}
    same_tables(d, dyn.load(out))


def test_non_ascii_text_is_escaped_and_nan_becomes_null(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "id": ["a", "b"],
            "parent": [None, "a"],
            "user": ["zoë", "bob"],
            "body": ["café ☕ 😀", "naïve"],
            "x": [float("nan"), 1.5],
        }
    )
    d = dyn.load(frame)
    out = write_corpus(d, tmp_path / "out")
    (out / "utterances.jsonl").read_bytes().decode("ascii")  # ConvoKit reads in any locale
    back = dyn.load(out).to_polars()
    assert back["text"].to_list() == ["café ☕ 😀", "naïve"]
    assert back["author"].to_list() == ["zoë", "bob"]
    assert back["x"].to_list() == [None, 1.5]


def our_corpus_with_posts(path: Path) -> Path:
    """A corpus as write_corpus lays out posts: the post of thread "p1" clashes with comment "p1"."""

    def utt(uid, speaker, convo, reply, meta, text="t", ts=1_600_000_000):
        return {
            "id": uid,
            "speaker": speaker,
            "conversation_id": convo,
            "reply_to": reply,
            "timestamp": ts,
            "text": text,
            "meta": meta,
        }

    post = {"dynamics_post": True, "dynamics_source": "reddit", "url": None, "score": 7}
    write_lines(
        path / "utterances.jsonl",
        [
            utt("dynamics_post:p1", "ann", "dynamics_post:p1", None, {**post, "title": "One"}),
            utt("p2", "[deleted]", "p2", None, {**post, "title": None, "dynamics_null_text": True}),
            utt("p1", "bob", "dynamics_post:p1", "dynamics_post:p1", {"dynamics_source": "reddit"}),
            utt(
                "c2",
                "ann",
                "dynamics_post:p1",
                "p1",
                {"dynamics_source": "reddit"},
                ts=1_600_000_000.5,
            ),
            utt("q1", "cat", "q1", None, {"dynamics_source": "reddit"}),
        ],
    )
    convos = {
        "dynamics_post:p1": {"meta": {"dynamics_thread_id": "p1"}},
        "p2": {"meta": {"dynamics_thread_id": "p2"}},
        "q1": {"meta": {"dynamics_thread_id": "Q"}},
    }
    (path / "conversations.json").write_text(json.dumps(convos), encoding="utf-8")
    schema = {"comments": [], "threads": [["score", "Int64"]]}
    (path / "corpus.json").write_text(json.dumps({"dynamics_columns": schema}), encoding="utf-8")
    return path


@pytest.fixture
def posts_written(tmp_path: Path) -> tuple[dyn.Discussion, Path]:
    d = dyn.load(our_corpus_with_posts(tmp_path / "ours"))
    return d, write_corpus(d, tmp_path / "out")


def test_posts_are_read_and_round_trip(posts_written: tuple[dyn.Discussion, Path]) -> None:
    d, out = posts_written
    posts = d.posts
    assert posts is not None
    assert posts["thread_id"].to_list() == ["p1", "p2"]
    assert posts["title"].to_list() == ["One", None]
    assert posts["author"].to_list() == ["ann", None]
    assert posts["text"].to_list() == ["t", None]
    assert posts.schema["score"] == pl.Int64
    df = d.to_polars()
    assert df["comment_id"].to_list() == ["p1", "c2", "q1"]
    assert df["parent_id"].to_list() == [None, "p1", None]
    assert df["thread_id"].to_list() == ["p1", "p1", "Q"]
    assert df["source"].to_list() == ["reddit"] * 3
    back = dyn.load(out)
    same_tables(d, back)
    assert back.posts is not None
    assert back.posts.equals(posts)


def test_posts_become_conversation_roots_in_convokit(
    posts_written: tuple[dyn.Discussion, Path], corpus_cls: Any
) -> None:
    corpus = corpus_cls(filename=str(posts_written[1]))
    assert (len(corpus.utterances), len(corpus.conversations)) == (5, 3)
    root = corpus.get_conversation("dynamics_post:p1").get_root_to_leaf_paths()[0][0]
    assert (root.id, root.meta["title"], root.meta["dynamics_post"]) == (
        "dynamics_post:p1",
        "One",
        True,
    )
    assert corpus.get_utterance("p1").reply_to == "dynamics_post:p1"
    assert corpus.get_utterance("c2").reply_to == "p1"
    assert corpus.get_utterance("p2").text == ""
    assert corpus.get_utterance("q1").reply_to is None
    check_convokit_trees(corpus)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def college_rant(tmp_path_factory: pytest.TempPathFactory) -> tuple[dyn.Discussion, Path]:
    """The real r/CollegeRant threads, loaded and written as a corpus."""
    if not COLLEGE_RANT.is_file():
        pytest.skip(f"shared data not available: {COLLEGE_RANT}")
    if importlib.util.find_spec("dynamics.io.reddit") is None:
        pytest.skip("the Reddit reader (dynamics.io.reddit) is not there yet")
    with pytest.warns(DataQualityWarning):
        d = dyn.load(COLLEGE_RANT)
    return d, write_corpus(d, tmp_path_factory.mktemp("college-rant") / "corpus")


@pytest.mark.slow
def test_college_rant_round_trip(college_rant: tuple[dyn.Discussion, Path]) -> None:
    d, out = college_rant
    assert d.posts is not None
    assert (len(d), d.posts.height) == (22_825, 2_480)
    with pytest.warns(DataQualityWarning):
        back = dyn.load(out)
    same_tables(d, back)
    assert back.posts is not None
    assert back.posts.equals(d.posts)


@pytest.mark.slow
def test_college_rant_loads_in_convokit(
    college_rant: tuple[dyn.Discussion, Path], corpus_cls: Any
) -> None:
    d, out = college_rant
    assert d.posts is not None
    corpus = corpus_cls(filename=str(out))
    authors = set(d.authors) | set(d.posts["author"].drop_nulls().to_list())
    assert len(corpus.utterances) == 22_825 + 2_480
    assert len(corpus.conversations) == 2_480  # every thread has its post
    # deleted commenters are "[deleted]"; posts carry no deleted flag, so their missing
    # authors are "[anonymous]"
    assert set(corpus.speakers) == authors | {"[deleted]", "[anonymous]"}
    assert corpus.get_utterance("eaw3ms7").reply_to == "eav43zf"
    assert corpus.get_utterance("eav43zf").reply_to == "a24rid"
    assert corpus.get_utterance("eaw3ms7").speaker.id == "[deleted]"
    assert corpus.get_conversation("a24rid").meta["dynamics_thread_id"] == "a24rid"
    check_convokit_trees(corpus)


@pytest.mark.slow
def test_a_time_window_counts_the_replies_it_cannot_keep(
    college_rant: tuple[dyn.Discussion, Path], tmp_path: Path
) -> None:
    """A week of r/CollegeRant: replies to comments before the week know whom they answer in
    the Discussion, not in a corpus; the warning counts them and the edges they carry."""
    week = college_rant[0].filter(start="2021-10-01", end="2021-10-08")
    c = week.comments
    outside = c.filter(
        pl.col("parent_deleted").is_not_null()
        & ~pl.col("parent_id").is_in(c.get_column("comment_id").implode())
    )
    assert outside.height > 0
    with pytest.warns(
        DataQualityWarning, match=f"{outside.height} replies answer comments outside"
    ):
        out = write_corpus(week, tmp_path / "week")
    with pytest.warns(DataQualityWarning):
        back = dyn.load(out)
    assert back.user_edges().height < week.user_edges().height
    # the whole Discussion writes none
    whole = dyn.load(
        pl.DataFrame(
            {"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "y"], "body": ["p", "q"]}
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write_corpus(whole, tmp_path / "whole")
