"""Property test over every reader: a random valid discussion written in the reader's layout
reads back with every comment, its parent and its author.

Hypothesis draws a reply forest (up to 10 comments; each comment replies to an earlier one or
is top-level), authors from a small pool (so self-replies and repeated authors occur) and texts
from plain words; each writer below puts it in one layout the way that source writes it, and
the test compares the (id, parent, author) triples read back with the ones written. Examples
are derandomised (the same on every run) and few, so each reader takes a few seconds.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dynamics as dyn

NAMES = ("ann", "bob", "cat_9", "dev", "eve_x")
WORDS = ("tram", "budget", "no", "yes", "source", "wrong", "agree", "city", "vote", "late")
T0 = 1_600_000_000


@dataclass(frozen=True)
class Forest:
    """``parent[i]`` is an earlier index or None; ``author[i]``, ``text[i]``; times increase."""

    parent: tuple[int | None, ...]
    author: tuple[str, ...]
    text: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.parent)

    def time(self, i: int) -> int:
        return T0 + 60 * (i + 1)

    def root(self, i: int) -> int:
        while self.parent[i] is not None:
            i = self.parent[i]  # type: ignore[assignment]
        return i

    def children(self, i: int | None) -> list[int]:
        return [j for j, p in enumerate(self.parent) if p == i]


@st.composite
def forests(draw: Callable) -> Forest:
    n = draw(st.integers(1, 10))
    parent = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, n)]
    author = [draw(st.sampled_from(NAMES)) for _ in range(n)]
    text = [
        " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))) for _ in range(n)
    ]
    return Forest(tuple(parent), tuple(author), tuple(text))


# ----------------------------------------------------------------------------- writers
# Each writer returns the path to load and the id it gave comment i.


def write_reddit(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"k{i}x" for i in range(len(f))]
    lines = [{"id": "p1", "title": "Post", "selftext": "", "author": "op", "subreddit": "s",
              "created_utc": T0, "num_comments": len(f)}]  # fmt: skip
    for i in range(len(f)):
        p = f.parent[i]
        lines.append({
            "id": ids[i], "parent_id": "t3_p1" if p is None else f"t1_{ids[p]}",
            "link_id": "t3_p1", "author": f.author[i], "body": f.text[i],
            "created_utc": f.time(i), "score": 1, "subreddit": "s",
        })  # fmt: skip
    path = d / "RC_2020-09.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in lines))
    return path, ids


def write_reddit_api(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"g{i}z" for i in range(len(f))]

    def thing(i: int) -> dict:
        kids = [thing(j) for j in f.children(i)]
        p = f.parent[i]
        return {"kind": "t1", "data": {
            "id": ids[i], "name": f"t1_{ids[i]}", "link_id": "t3_p1",
            "parent_id": "t3_p1" if p is None else f"t1_{ids[p]}", "author": f.author[i],
            "body": f.text[i], "created_utc": float(f.time(i)), "score": 1, "subreddit": "s",
            "replies": {"kind": "Listing", "data": {"children": kids}} if kids else "",
        }}  # fmt: skip

    post = {"kind": "t3", "data": {"id": "p1", "name": "t3_p1", "title": "Post", "selftext": "",
            "author": "op", "created_utc": float(T0), "subreddit": "s",
            "num_comments": len(f), "permalink": "/r/s/comments/p1/post/"}}  # fmt: skip
    doc = [
        {"kind": "Listing", "data": {"children": [post]}},
        {"kind": "Listing", "data": {"children": [thing(i) for i in f.children(None)]}},
    ]
    path = d / "thread.json"
    path.write_bytes(orjson.dumps(doc))
    return path, ids


def write_nested(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"n{i}" for i in range(len(f))]

    def node(i: int) -> dict:
        return {"author": f.author[i], "text": f.text[i], "created": f.time(i),
                "replies": {ids[j]: node(j) for j in f.children(i)}}  # fmt: skip

    doc = {"sid": "p1", "title": "Post", "author": "op", "text": "", "created": T0,
           "comments": {ids[i]: node(i) for i in f.children(None)}}  # fmt: skip
    path = d / "posts.jsonl"
    path.write_bytes(orjson.dumps(doc) + b"\n")
    return path, ids


def write_hackernews(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [str(40_000_100 + i) for i in range(len(f))]
    items = [{"by": "op", "id": 40_000_001, "kids": [int(ids[j]) for j in f.children(None)],
              "time": T0, "title": "Story", "type": "story", "score": 1}]  # fmt: skip
    for i in range(len(f)):
        p = f.parent[i]
        item = {"by": f.author[i], "id": int(ids[i]),
                "parent": 40_000_001 if p is None else int(ids[p]), "text": f.text[i],
                "time": f.time(i), "type": "comment"}  # fmt: skip
        kids = [int(ids[j]) for j in f.children(i)]
        if kids:
            item["kids"] = kids
        items.append(item)
    path = d / "items.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(x) for x in items))
    return path, ids


def write_twitter(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [str(1_727_000_000_000_000_100 + i) for i in range(len(f))]
    tweets = []
    for i in range(len(f)):
        p = f.parent[i]
        tweet = {"id": ids[i], "text": f.text[i], "edit_history_tweet_ids": [ids[i]],
                 "author_id": f"u_{f.author[i]}", "conversation_id": ids[f.root(i)],
                 "created_at": f"2023-11-21T09:{i:02d}:00.000Z"}  # fmt: skip
        if p is not None:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": ids[p]}]
        tweets.append(tweet)
    users = [{"id": f"u_{n}", "username": n, "name": n.title()} for n in NAMES]
    path = d / "search.json"
    path.write_bytes(orjson.dumps({"data": tweets, "includes": {"users": users}}))
    return path, ids


def write_disqus(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [str(4_500_000_100 + i) for i in range(len(f))]
    posts = []
    for i in range(len(f)):
        p = f.parent[i]
        parent = "" if p is None else f'<parent dsq:id="{ids[p]}"/>'
        posts.append(
            f'<post dsq:id="{ids[i]}"><id/><message><![CDATA[<p>{escape(f.text[i])}</p>]]>'
            f"</message><createdAt>2019-05-28T10:{i:02d}:00Z</createdAt>"
            "<isDeleted>false</isDeleted><isSpam>false</isSpam>"
            f"<author><name>{f.author[i].title()}</name><isAnonymous>false</isAnonymous>"
            f"<username>{f.author[i]}</username></author>"
            f'<thread dsq:id="7200000001"/>{parent}</post>'
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="7200000001"><id>post-1</id><forum>f</forum>'
        "<link>https://example.org/a/</link><title>A</title>"
        "<createdAt>2019-05-28T09:00:00Z</createdAt><isDeleted>false</isDeleted></thread>"
        + "".join(posts)
        + "</disqus>"
    )
    path = d / "export.xml"
    path.write_text(xml, encoding="utf-8")
    return path, ids


def write_convokit(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"u{i}" for i in range(len(f))]
    corpus = d / "corpus"
    corpus.mkdir()
    lines = [
        {"id": ids[i], "speaker": f.author[i], "conversation_id": ids[f.root(i)],
         "reply-to": None if f.parent[i] is None else ids[f.parent[i]],  # type: ignore[index]
         "timestamp": f.time(i), "text": f.text[i], "meta": {}}
        for i in range(len(f))
    ]  # fmt: skip
    (corpus / "utterances.jsonl").write_bytes(b"\n".join(orjson.dumps(x) for x in lines))
    (corpus / "speakers.json").write_bytes(orjson.dumps({n: {"meta": {}} for n in NAMES}))
    return corpus, ids


def _table(f: Forest, ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ids,
            "parent": [None if p is None else ids[p] for p in f.parent],
            "author": list(f.author),
            "text": list(f.text),
            "created_at": [f.time(i) for i in range(len(f))],
        },
        schema_overrides={"parent": pl.String},
    )


def write_csv(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"r{i}" for i in range(len(f))]
    path = d / "comments.csv"
    _table(f, ids).write_csv(path)
    return path, ids


def write_jsonl(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"r{i}" for i in range(len(f))]
    path = d / "comments.jsonl"
    _table(f, ids).write_ndjson(path)
    return path, ids


def write_parquet(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"r{i}" for i in range(len(f))]
    path = d / "comments.parquet"
    _table(f, ids).write_parquet(path)
    return path, ids


def write_praw_csv(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"k{i}q" for i in range(len(f))]
    df = pl.DataFrame(
        {
            "id": ids,
            "author": list(f.author),
            "body": list(f.text),
            "created_utc": [float(f.time(i)) for i in range(len(f))],
            "score": [1] * len(f),
            "name": [f"t1_{x}" for x in ids],
            "parent_id": ["t3_p1" if p is None else f"t1_{ids[p]}" for p in f.parent],
            "permalink": [f"/r/s/comments/p1/post/{x}/" for x in ids],
        }
    )
    path = d / "praw.csv"
    df.write_csv(path)
    return path, ids


def write_wikiconv(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"{100 + i}.{i}.{i}" for i in range(len(f))]
    conversation = {
        ids[i]: {"id": ids[i], "comment_type": "COMMENT_ADDING",
                 "parent_id": "" if f.parent[i] is None else ids[f.parent[i]],  # type: ignore[index]
                 "user_text": f.author[i], "content": f.text[i],
                 "timestamp": f"2009-03-01 10:{i:02d}:00 UTC", "page_title": "Talk:X"}
        for i in range(len(f))
    }  # fmt: skip
    path = d / "conversations.json"
    path.write_bytes(orjson.dumps([conversation]))
    return path, ids


def write_keyed_json(f: Forest, d: Path) -> tuple[Path, list[str]]:
    ids = [f"c{i}" for i in range(len(f))]
    doc = {
        ids[i]: {"parent": None if f.parent[i] is None else ids[f.parent[i]],  # type: ignore[index]
                 "author": f.author[i], "text": f.text[i], "time": f.time(i)}
        for i in range(len(f))
    }  # fmt: skip
    path = d / "keyed.json"
    path.write_bytes(orjson.dumps(doc))
    return path, ids


WRITERS: dict[str, tuple[Callable[[Forest, Path], tuple[Path, list[str]]], str]] = {
    "reddit": (write_reddit, "reddit"),
    "reddit_api": (write_reddit_api, "reddit_api"),
    "nested": (write_nested, "nested"),
    "hackernews": (write_hackernews, "hackernews"),
    "twitter": (write_twitter, "twitter"),
    "disqus": (write_disqus, "disqus"),
    "convokit": (write_convokit, "convokit"),
    "csv": (write_csv, "csv"),
    "jsonl": (write_jsonl, "jsonl"),
    "parquet": (write_parquet, "parquet"),
    "praw_csv": (write_praw_csv, "csv"),
    "wikiconv": (write_wikiconv, "wikiconv"),
    "keyed_json": (write_keyed_json, "keyed_json"),
}

_SETTINGS = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _quietly(source, **kw) -> dyn.Discussion:
    # self-replies are drawn on purpose; the warning they raise is not what is tested here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(source, **kw)


def _triples(d: dyn.Discussion) -> set[tuple[str, str | None, str | None]]:
    c = d.comments
    return set(zip(c["comment_id"], c["parent_id"], c["author"], strict=True))


def _expected(f: Forest, ids: list[str]) -> set[tuple[str, str | None, str | None]]:
    return {
        (ids[i], None if f.parent[i] is None else ids[f.parent[i]], f.author[i])  # type: ignore[index]
        for i in range(len(f))
    }


_DEFECTS = ("orphan", "duplicate_id", "missing_field", "malformed_record", "cycle", "bad_timestamp")


@pytest.mark.parametrize("layout", list(WRITERS))
def test_every_reader_reads_back_comments_parents_and_authors(layout: str) -> None:
    writer, fmt = WRITERS[layout]

    @_SETTINGS
    @given(forests())
    def check(f: Forest) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path, ids = writer(f, Path(tmp))
            tables = {"csv", "jsonl", "parquet"}
            assert dyn.detect(path) == ("tabular" if fmt in tables else fmt)
            d = _quietly(path)
        assert d.report.format == fmt
        assert d.report.n_comments == len(f)
        assert _triples(d) == _expected(f, ids)
        texts = dict(zip(d.comments["comment_id"], d.comments["text"], strict=True))
        assert [texts[x] for x in ids] == list(f.text)
        assert not any(d.report[k] for k in _DEFECTS), d.report.summary()

    check()


@pytest.mark.parametrize("kind", ["polars", "pandas"])
def test_data_frames_read_back(kind: str) -> None:
    @_SETTINGS
    @given(forests())
    def check(f: Forest) -> None:
        ids = [f"r{i}" for i in range(len(f))]
        frame = _table(f, ids)
        d = _quietly(frame if kind == "polars" else frame.to_pandas())
        assert _triples(d) == _expected(f, ids)

    check()


def test_turns_read_back_as_chains() -> None:
    """Threads as lists of turns: each turn replies to the one before (depth-first order)."""

    @_SETTINGS
    @given(forests())
    def check(f: Forest) -> None:
        threads, expected = [], set()
        for number, root in enumerate(f.children(None), start=1):
            order, stack = [], [root]
            while stack:
                i = stack.pop()
                order.append(i)
                stack.extend(reversed(f.children(i)))
            threads.append(
                {"reddit_thread": [
                    {"turn_id": k + 1, "author": f.author[i], "text": f.text[i]}
                    for k, i in enumerate(order)
                ]}
            )  # fmt: skip
            for k, i in enumerate(order):
                parent = None if k == 0 else f"{number}-{k}"
                expected.add((f"{number}-{k + 1}", parent, f.author[i]))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "threads.jsonl"
            path.write_bytes(b"\n".join(orjson.dumps(t) for t in threads))
            d = _quietly(path, columns={"turns": "reddit_thread"})
        assert _triples(d) == expected
        assert d.report["inferred_reply"] == len(f) - len(threads)

    check()
