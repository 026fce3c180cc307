"""Reddit API thread JSON: ``GET https://www.reddit.com/r/<sub>/comments/<id>.json``.

The endpoint (https://www.reddit.com/dev/api#GET_comments_{article}) returns a list of two
Listings: the first holds the post (a ``t3`` thing), the second the top-level comments (``t1``
things). Each comment's ``replies`` is ``""`` when it has none, or a Listing of its replies::

    [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {...}}], ...}},
     {"kind": "Listing", "data": {"children": [
         {"kind": "t1", "data": {"id": "k3x9", "parent_id": "t3_abc", "author": "...",
                                 "body": "...", "created_utc": 1713613544.0,
                                 "replies": "" | {"kind": "Listing", ...}, ...}},
         {"kind": "more", "data": {"count": 5, "children": ["k3y0", ...],
                                   "parent_id": "t3_abc", ...}}]}}]

``more`` things are stubs for replies the response left out (fetched with
``/api/morechildren``): the replies they stand for are counted as ``unfetched_replies``, never
invented. A file may hold one such document, a JSON list of several, or JSON Lines with one
document per line.

Comments get bare ids (``t1_k3x9`` -> ``k3x9``), ``parent_id`` null for top-level comments,
``thread_id`` the bare post id; ``score``, ``subreddit`` and the comment's ``url`` are kept,
and ``edited`` (``false``, or epoch seconds of the last edit) as ``edited_at``, a UTC time
(null when not edited, or when the API says only ``true``). Posts become the threads table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.errors import InputFormatError
from dynamics.io._base import ID_TEXT_SCHEMA, ReadResult, open_binary, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8

__all__ = ["detect", "name", "read"]

name = "reddit_api"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "the Reddit API sends JSON, UTF-8 by RFC 8259"

_LISTING = re.compile(r'"kind"\s*:\s*"Listing"')
_THING = re.compile(r'"kind"\s*:\s*"(?:t1|t3|more)"')
_BASE_URL = "https://www.reddit.com"


def detect(path: Path) -> bool:
    """True for JSON (or JSON Lines) that begins with a Reddit ``Listing`` or a list of them.

    The first 64 KiB must hold ``"kind": "Listing"`` and a ``t1``, ``t3`` or ``more`` thing.
    """
    if not path.is_file():
        return False
    head = peek_text(path).lstrip()
    return head.startswith(("[", "{")) and bool(_LISTING.search(head)) and bool(_THING.search(head))


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read Reddit API thread documents (``[listing(post), listing(comments)]``).

    Parameters
    ----------
    path : Path
        One document, a JSON list of documents, or JSON Lines of documents (plain or
        compressed).
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on the first malformed document or
        thing, or comment without ``id``.
    progress : bool or None, default None
        Unused: thread documents are small.
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments (``comment_id``, ``parent_id``, ``thread_id``, ``author``, ``text``,
        ``created_at``, ``score``, ``subreddit``, ``url``, ``edited_at``) and the posts as
        threads.

    Raises
    ------
    InputFormatError
        When the file is neither JSON nor JSON Lines of thread documents.

    Notes
    -----
    Record numbers in problems are document numbers (the line, in JSON Lines). A ``more``
    stub counts ``count`` unfetched replies (the number of ``children`` when ``count`` is
    0); a "continue this thread" stub (``id`` ``"_"``, no children) counts one, as at least
    one reply lies behind it. Things of other kinds count as ``malformed_record``.
    """
    require_utf8(encoding, name, _UTF8_WHY)
    problems = ProblemLog(path=path, strict=strict)
    documents = _documents(path, problems)
    walker = _Walker(problems)
    for number, document in documents:
        walker.document(document, number)
    comments = pl.DataFrame(walker.comments, schema=_COMMENT_SCHEMA).with_columns(
        (pl.col("edited_at") * 1_000_000)
        .round(0)
        .cast(pl.Int64)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )
    threads = None
    if walker.threads:
        # every document of a thread (pages fetched apart) repeats its post: the document is
        # the record, so a post met again is no lost record and is not counted
        threads = pl.DataFrame(walker.threads, schema=_THREAD_SCHEMA).unique(
            "thread_id", keep="first", maintain_order=True
        )
    n_records = len(documents) + problems.counts.get("malformed_record", 0)
    return ReadResult(comments, threads, problems, name, n_records)


_COMMENT_SCHEMA = {
    **ID_TEXT_SCHEMA,
    "created_at": pl.Float64,
    "score": pl.Int64,
    "subreddit": pl.String,
    "url": pl.String,
    "edited_at": pl.Float64,
}
_THREAD_SCHEMA = {
    "thread_id": pl.String,
    "title": pl.String,
    "author": pl.String,
    "text": pl.String,
    "created_at": pl.Float64,
    "url": pl.String,
    "score": pl.Int64,
    "subreddit": pl.String,
    "num_comments": pl.Int64,
}


def _documents(path: Path, problems: ProblemLog) -> list[tuple[int, Any]]:
    """``(number, document)`` pairs: one JSON value, a list of documents, or JSON Lines."""
    import orjson

    with open_binary(path) as fh:
        raw = fh.read()
    text, utf8 = _utf8(raw)
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if b"\n" not in raw.strip() or raw.lstrip().startswith((b"[\n", b"[\r\n")):
            # one JSON value, not JSON Lines: it is broken
            msg = f"is not valid JSON ({exc})"
            raise InputFormatError(msg, path=path) from exc
    else:
        if _is_document(data) or (
            isinstance(data, list) and data and all(_is_document(d) for d in data)
        ):
            if not utf8:
                problems.add("non_utf8_text", message="has bytes that are not UTF-8")
            return [(1, data)] if _is_document(data) else list(enumerate(data, start=1))
        msg = "is not a Reddit API thread: expected [Listing(post), Listing(comments)]"
        raise InputFormatError(msg, path=path, record=1)
    documents = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        text, utf8 = _utf8(line)
        if not utf8:
            problems.add("non_utf8_text", record=number)
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            problems.add("malformed_record", record=number, message=f"is not valid JSON ({exc})")
            continue
        if not _is_document(document):
            problems.add(
                "malformed_record",
                record=number,
                message="is not a Reddit API thread ([Listing(post), Listing(comments)])",
            )
            continue
        documents.append((number, document))
    if not documents:
        msg = "holds no Reddit API thread: expected [Listing(post), Listing(comments)]"
        raise InputFormatError(msg, path=path)
    return documents


def _utf8(raw: bytes) -> tuple[bytes, bool]:
    """``raw`` with undecodable bytes replaced by U+FFFD, and whether it was valid UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace").encode("utf-8"), False
    return raw, True


def _is_document(value: Any) -> bool:
    """True for a list of Listings (the thread endpoint's answer) or a single Listing."""
    if isinstance(value, dict):
        return value.get("kind") == "Listing"
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and v.get("kind") == "Listing" for v in value)
    )


def _bare(fullname: Any) -> str | None:
    """``t1_k3x9`` -> ``k3x9`` (ids without a type prefix are returned as they are)."""
    if not isinstance(fullname, str) or not fullname:
        return None
    if len(fullname) > 3 and fullname[0] == "t" and fullname[1].isdigit() and fullname[2] == "_":
        return fullname[3:]
    return fullname


def _url(data: dict[str, Any]) -> str | None:
    permalink = data.get("permalink")
    if isinstance(permalink, str) and permalink:
        return _BASE_URL + permalink if permalink.startswith("/") else permalink
    url = data.get("url")
    return url if isinstance(url, str) else None


def _shared_fields(data: dict[str, Any], *, text: str) -> dict[str, Any]:
    """The fields posts (``t3``) and comments (``t1``) share; the text is under ``text``."""
    return {
        "author": _str(data.get("author")),
        "text": _str(data.get(text)),
        "created_at": _time(data.get("created_utc")),
        "url": _url(data),
        "score": _int(data.get("score")),
        "subreddit": _str(data.get("subreddit")),
    }


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _time(value: Any) -> float | None:
    """Epoch seconds from a number or a string of digits (None for anything else)."""
    if isinstance(value, bool):  # ``edited`` is false when a comment was never edited
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _Walker:
    """Collects comment and thread rows while walking the Listings depth-first."""

    def __init__(self, problems: ProblemLog) -> None:
        self.problems = problems
        self.comments: dict[str, list[Any]] = {key: [] for key in _COMMENT_SCHEMA}
        self.threads: dict[str, list[Any]] = {}

    def document(self, document: Any, number: int) -> None:
        listings = [document] if isinstance(document, dict) else document
        post_id = None
        for listing in listings:
            for thing in _children(listing):
                if isinstance(thing, dict) and thing.get("kind") == "t3":
                    post_id = self._post(thing.get("data") or {}, number) or post_id
        for listing in listings:
            stack = [(thing, None) for thing in reversed(_children(listing))]
            while stack:
                thing, nest_parent = stack.pop()
                kind = thing.get("kind") if isinstance(thing, dict) else None
                data = thing.get("data") if isinstance(thing, dict) else None
                if kind == "t3":
                    continue
                if not isinstance(data, dict) or kind not in {"t1", "more"}:
                    self.problems.add(
                        "malformed_record",
                        record=number,
                        field="kind",
                        message=f"is {kind!r}: expected a comment ('t1') or a 'more' stub",
                    )
                    continue
                if kind == "more":
                    self._more(data, number)
                    continue
                comment_id = self._comment(data, nest_parent, post_id, number)
                if comment_id is not None:
                    replies = _children(data.get("replies"))
                    stack.extend((reply, comment_id) for reply in reversed(replies))

    def _id(self, data: dict[str, Any], number: int) -> str | None:
        """The bare id of a post or comment (None, counted as ``missing_field``, without one)."""
        thing_id = _bare(data.get("id")) or _bare(data.get("name"))
        if thing_id is None:
            self.problems.add("missing_field", record=number, field="id", message="is missing")
        return thing_id

    def _post(self, data: dict[str, Any], number: int) -> str | None:
        post_id = self._id(data, number)
        if post_id is None:
            return None
        if not self.threads:
            self.threads = {key: [] for key in _THREAD_SCHEMA}
        row = {
            "thread_id": post_id,
            "title": _str(data.get("title")),
            **_shared_fields(data, text="selftext"),
            "num_comments": _int(data.get("num_comments")),
        }
        for key, value in row.items():
            self.threads[key].append(value)
        return post_id

    def _comment(
        self, data: dict[str, Any], nest_parent: str | None, post_id: str | None, number: int
    ) -> str | None:
        comment_id = self._id(data, number)
        if comment_id is None:
            return None
        thread_id = _bare(data.get("link_id")) or post_id
        if thread_id is None:
            self.problems.add(
                "missing_field",
                record=number,
                record_id=comment_id,
                field="link_id",
                message="is missing and the document has no post",
            )
            return None
        raw_parent = data.get("parent_id")
        if isinstance(raw_parent, str) and raw_parent:
            parent = None if raw_parent.startswith("t3_") else _bare(raw_parent)
        else:
            parent = nest_parent
        row = {
            "comment_id": comment_id,
            "parent_id": parent,
            "thread_id": thread_id,
            **_shared_fields(data, text="body"),
            "edited_at": _time(data.get("edited")),
        }
        for key, value in row.items():
            self.comments[key].append(value)
        return comment_id

    def _more(self, data: dict[str, Any], number: int) -> None:
        children = data.get("children") if isinstance(data.get("children"), list) else []
        count = _int(data.get("count")) or len(children)
        message = f"'more' stub for {count} replies"
        if count == 0:
            # "continue this thread": the replies below the depth limit, at least one
            count = 1
            message = "'continue this thread' stub"
        self.problems.add(
            "unfetched_replies",
            record=number,
            record_id=_bare(data.get("parent_id")),
            message=message,
            count=count,
        )


def _children(listing: Any) -> list[Any]:
    """The ``children`` of a Listing (``[]`` for ``""`` or anything else)."""
    if not isinstance(listing, dict):
        return []
    data = listing.get("data")
    children = data.get("children") if isinstance(data, dict) else None
    return children if isinstance(children, list) else []
