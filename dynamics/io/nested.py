"""Generic nested thread JSON: posts whose comments nest under ``replies`` / ``children``.

Scrapers (PRAW scripts, forum crawlers, research dumps such as emorynlp/reddit-college) often
save a thread as the post with its comment tree inside it::

    {"sid": "a24rid", "title:": "...", "author": "...", "text": "...", "created": 1543684356,
     "comments": {"eav43zf": {"author": "...", "text": "...", "created": 1543684910,
                               "replies": {"eaw3ms7": {..., "replies": {}}}}}}

Each record (one JSON object, a JSON list of them, or one per line in JSON Lines) is a post
(it has a title, or its replies sit under ``comments``) or a comment that roots its own tree.
Replies sit under ``replies``, ``children`` or ``kids`` (and ``comments`` at the post level),
either as a list of comment objects or as an object keyed by comment id; in the keyed form the
id comes from the key when the comment has no id field of its own. Field names are guessed with
:func:`dynamics.io.tabular.guess_columns` (trailing colons ignored, so ``title:`` is a title);
the post id also from ``sid`` / ``submission_id``, the URL from ``url`` / ``link`` /
``permalink``. There is no published specification: this reader covers the common shapes.

Parents come from the nesting (a top-level comment has parent null), threads from the post.
Reddit type prefixes are stripped from ids (``t1_k3x9`` -> ``k3x9``) so that ids match the
Pushshift and API readers. An explicit null author means a deleted account by default (PRAW's
``comment.author`` is None for deleted accounts; ``null_author="anonymous"`` says otherwise).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._words import counted
from dynamics.errors import InputFormatError
from dynamics.io._base import ID_TEXT_SCHEMA, ReadResult, iter_json_lines, open_binary, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io.tabular import guess_columns

__all__ = ["REPLY_KEYS", "detect", "name", "read"]

name = "nested"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "JSON is UTF-8, RFC 8259"

#: Keys under which replies nest (``comments`` only at the post level).
REPLY_KEYS = ("replies", "children", "kids")
_POST_REPLY_KEYS = ("comments", *REPLY_KEYS)
_POST_ID_KEYS = ("sid", "submission_id", "post_id", "thread_id", "link_id")
_TITLE_KEYS = ("title", "subject", "headline")
_URL_KEYS = ("url", "permalink", "link", "href")
#: Hacker News Algolia items (``type`` story/comment, ``story_id``) are the hackernews reader's.
_HN_TYPES = frozenset({"story", "comment", "job", "poll", "pollopt"})
_SAMPLE = 20  # records looked at by ``detect``
_PREFIX = re.compile(r"^t\d_")
_PEEKS = (65536, 2**20, 16 * 2**20)

NullAuthor = Literal["deleted", "anonymous"]


def detect(path: Path) -> bool:
    """True for JSON / JSON Lines of posts (or comments) that hold their replies as objects.

    Among the first records (up to 20, within at most 16 MiB), one must have ``replies``,
    ``children``, ``kids`` or ``comments`` holding a non-empty list of objects or an object
    of objects, or be a post (a title) whose ``comments`` is an empty list or object. Hacker
    News Algolia items (``story_id``, or ``type`` story/comment/...) are left to the
    hackernews reader.
    """
    if not path.is_file():
        return False
    records = _first_records(path)
    if not records or any(_hacker_news(record) for record in records):
        return False
    return any(
        any(_replies_of(record, key) for key in _POST_REPLY_KEYS)
        or (_reply_key(record, ("comments",)) is not None and _has_title(record))
        for record in records
    )


def _hacker_news(record: dict[str, Any]) -> bool:
    return "story_id" in record or record.get("type") in _HN_TYPES


def _has_title(record: dict[str, Any]) -> bool:
    return any(isinstance(k, str) and k.lower().rstrip(":") in _TITLE_KEYS for k in record)


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    null_author: NullAuthor = "deleted",
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read nested thread JSON or JSON Lines.

    Parameters
    ----------
    path : Path
        One post object, a JSON list of posts, or JSON Lines of posts (plain or compressed).
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on the first malformed record or
        comment without an id.
    progress : bool or None, default None
        Unused.
    null_author : {"deleted", "anonymous"}, default "deleted"
        What an explicit ``"author": null`` means: a deleted account (``deleted=True``), or
        an anonymous comment.
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments (contract columns plus the comments' other scalar fields) and the posts as
        threads.

    Raises
    ------
    InputFormatError
        When the file is not JSON / JSON Lines, or ``strict=True`` and a problem is found.

    Notes
    -----
    Record numbers in problems are line numbers in JSON Lines and 1-based positions in a JSON
    list. A comment without an id (neither a field nor a key) counts as ``missing_field`` and
    is skipped; its replies keep a placeholder parent (``<thread>#<n>``) and so are reported
    as orphans by the checks. Reply entries that are bare ids count as ``unfetched_replies``.
    A post without an id counts as ``missing_field`` and is skipped with its comments.
    """
    require_utf8(encoding, name, _UTF8_WHY)
    if null_author not in {"deleted", "anonymous"}:
        msg = (
            "The 'null_author' parameter of read must be 'deleted' or 'anonymous'. "
            f"Got {null_author!r} instead."
        )
        raise ValueError(msg)
    problems = ProblemLog(path=path, strict=strict)
    builder = _Builder(problems, null_deleted=null_author == "deleted")
    n_records = 0
    for number, record in _records(path, problems):
        n_records += 1
        builder.record(record, number)
    # lines that were not JSON were records too; what the builder counted lay inside records
    n_records += problems.counts.get("malformed_record", 0) - builder.malformed
    if builder.lost_below:
        problems.policies["missing_field"] = (
            f"skipped; posts without an id are skipped with the "
            f"{counted(builder.lost_below, 'comment')} below them"
        )
    return ReadResult(builder.comments(), builder.threads(), problems, name, n_records)


# --------------------------------------------------------------------------- input


def _first_records(path: Path) -> list[dict[str, Any]]:
    """The first objects of a JSON object, JSON list or JSON Lines file.

    Reads as little as possible: up to ``_SAMPLE`` records from the first 64 KiB, or the
    first record from a larger peek when it is longer; ``[]`` when none parses.
    """
    decoder = json.JSONDecoder()
    for size in _PEEKS:
        head = peek_text(path, size)
        text = head.lstrip()
        text = text.removeprefix("[")
        records: list[dict[str, Any]] = []
        pos = 0
        while len(records) < _SAMPLE:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] != "{":
                break
            try:
                obj, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError:
                break
            records.append(obj)
        # found; or the whole file was read; or it does not start with an object, which a
        # longer peek cannot change (only a first record cut by the peek's end can)
        starts_object = text.lstrip(" \t\r\n,").startswith("{")
        if records or not starts_object or len(head.encode("utf-8")) < size:
            return records
    return []


def _records(path: Path, problems: ProblemLog) -> Iterable[tuple[int, Any]]:
    """``(number, record)``: the objects of JSON Lines, or of one JSON value."""
    import orjson

    with open_binary(path) as fh:
        raw = fh.read().removeprefix(b"\xef\xbb\xbf")
    lines = _first_lines(raw, 3)
    if lines and _object_line(lines[0]):
        return iter_json_lines(path, problems)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        utf8 = False
    else:
        utf8 = True
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        # JSON Lines whose first line is broken: counted there, line by line
        if any(_object_line(line) for line in lines[1:]):
            return iter_json_lines(path, problems)
        msg = f"is not valid JSON or JSON Lines ({exc})"
        raise InputFormatError(msg, path=path) from exc
    if not utf8:
        problems.add("non_utf8_text", message="has bytes that are not UTF-8")
    if isinstance(data, dict):
        return [(1, data)]
    if isinstance(data, list):
        return list(enumerate(data, start=1))
    msg = f"holds a JSON {type(data).__name__}: expected posts (objects)"
    raise InputFormatError(msg, path=path)


def _first_lines(raw: bytes, n: int) -> list[bytes]:
    """The first ``n`` non-blank lines of ``raw`` (without copying the rest)."""
    lines: list[bytes] = []
    start = 0
    while len(lines) < n and start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        if raw[start:end].strip():
            lines.append(raw[start:end])
        start = end + 1
    return lines


def _object_line(line: bytes) -> bool:
    """True when ``line`` is a whole JSON object on its own."""
    import orjson

    line = line.strip()
    if not line.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


# --------------------------------------------------------------------------- records


def _replies_of(obj: dict[str, Any], key: str) -> list[tuple[str | None, Any]] | None:
    """``(key id, reply)`` pairs under ``key`` when it holds objects (or ids), else None."""
    value = obj.get(key)
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        return list(value.items())
    if isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
        return [(None, v) for v in value]
    return None


def _reply_key(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The key holding ``obj``'s replies (present even when empty), or None."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, dict | list):
            return key
    return None


def _bare(value: Any) -> str | None:
    """An id as a string without a Reddit type prefix (None when empty)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return _PREFIX.sub("", text) or None


def _normalised(keys: list[str]) -> dict[str, str]:
    """Lower-cased keys without trailing colons -> the keys as written (first one wins)."""
    out: dict[str, str] = {}
    for key in keys:
        out.setdefault(key.lower().rstrip(":").strip(), key)
    return out


class _Fields:
    """Where a kind of object (post or comment) keeps each field, from its keys."""

    def __init__(self, keys: list[str], *, post: bool) -> None:
        norm = _normalised(keys)
        mapping = guess_columns(list(norm))
        self.field = {target: norm[src] for target, src in mapping.items()}
        if post:
            self.field.pop("thread_id", None)
            own = next((norm[k] for k in _POST_ID_KEYS if k in norm), None)
            if own is not None:
                self.field["comment_id"] = own
            for target, candidates in (("title", _TITLE_KEYS), ("url", _URL_KEYS)):
                found = next((norm[k] for k in candidates if k in norm), None)
                if found is not None:
                    self.field[target] = found
        used = set(self.field.values()) | set(_POST_REPLY_KEYS)
        reserved = {"comment_id", "parent_id", "thread_id", "author", "text", "created_at"}
        reserved |= {"source", "deleted", "inferred", "inference", "title", "url"}
        self.extras = [k for k in keys if k not in used and k.lower() not in reserved]


class _Builder:
    """Walks posts and their comment trees, collecting rows."""

    def __init__(self, problems: ProblemLog, *, null_deleted: bool) -> None:
        self.problems = problems
        self.null_deleted = null_deleted
        self.rows: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self._fields: dict[tuple[bool, tuple[str, ...]], _Fields] = {}
        self._placeholders = 0
        self.malformed = 0  # malformed_record counted here, inside records read
        self.lost_below = 0  # comments skipped with a post that has no id

    def fields(self, obj: dict[str, Any], *, post: bool) -> _Fields:
        key = (post, tuple(obj))
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = _Fields(list(obj), post=post)
        return found

    def record(self, record: Any, number: int) -> None:
        if not isinstance(record, dict):
            self.problems.add("malformed_record", record=number, message="is not a JSON object")
            self.malformed += 1
            return
        is_post = _reply_key(record, ("comments",)) is not None or _has_title(record)
        if not is_post:
            # a comment that roots its own tree: it is the thread
            fields = self.fields(record, post=False)
            root_id = _bare(record.get(fields.field.get("comment_id", "")))
            thread_id = _bare(record.get(fields.field.get("thread_id", ""))) or root_id
            if root_id is None or thread_id is None:
                self._missing_id(number, None, field=fields.field.get("comment_id", "id"))
                return
            self._walk([(None, record)], thread_id, number)
            return
        fields = self.fields(record, post=True)
        id_field = fields.field.get("comment_id", "id")
        thread_id = _bare(record.get(id_field))
        if thread_id is None:
            self._missing_id(number, None, field=id_field, post=True)
            key = _reply_key(record, _POST_REPLY_KEYS)
            self.lost_below += _count_comments(record[key]) if key is not None else 0
            return
        f = fields.field
        self.posts.append(
            {
                "thread_id": thread_id,
                "title": _text(record.get(f.get("title", ""))),
                "author": _text(record.get(f.get("author", ""))),
                "text": _text(record.get(f.get("text", ""))),
                "created_at": record.get(f.get("created_at", "")),
                "url": _text(record.get(f.get("url", ""))),
            }
        )
        key = _reply_key(record, _POST_REPLY_KEYS)
        if key is not None:
            self._walk(_entries(record[key]), thread_id, number)

    def _walk(self, entries: list[tuple[str | None, Any]], thread_id: str, number: int) -> None:
        """Depth-first, in file order, without recursion (threads can be deep)."""
        stack = [(key, obj, None) for key, obj in reversed(entries)]
        while stack:
            key, obj, parent = stack.pop()
            if not isinstance(obj, dict):
                if _bare(obj) is not None:
                    self.problems.add(
                        "unfetched_replies",
                        record=number,
                        record_id=parent,
                        message="reply given by id only",
                    )
                else:
                    self.problems.add(
                        "malformed_record",
                        record=number,
                        message="has a reply that is not an object",
                    )
                    self.malformed += 1
                continue
            fields = self.fields(obj, post=False)
            f = fields.field
            comment_id = _bare(obj.get(f["comment_id"])) if "comment_id" in f else None
            comment_id = comment_id or _bare(key)
            if comment_id is None:
                self._missing_id(number, parent, field=f.get("comment_id", "id"))
                self._placeholders += 1
                own = f"{thread_id}#{self._placeholders}"
            else:
                own = comment_id
                author_key = f.get("author")
                author = _text(obj.get(author_key)) if author_key else None
                row = {
                    "comment_id": comment_id,
                    "parent_id": parent,
                    "thread_id": thread_id,
                    "author": author,
                    "text": _text(obj.get(f.get("text", ""))),
                    "created_at": obj.get(f.get("created_at", "")),
                    "deleted": self.null_deleted
                    and author_key is not None
                    and obj.get(author_key) is None,
                }
                for extra in fields.extras:
                    value = obj[extra]
                    if value is None or isinstance(value, str | int | float | bool):
                        row[extra] = value
                self.rows.append(row)
            reply_key = _reply_key(obj, REPLY_KEYS)
            if reply_key is not None:
                stack.extend((k, o, own) for k, o in reversed(_entries(obj[reply_key])))

    def _missing_id(
        self, number: int, parent: str | None, *, field: str, post: bool = False
    ) -> None:
        """Count a post or comment without an id (``parent``: the comment it replies to)."""
        if post:
            message = "is missing: the post and its comments are skipped"
        else:
            message = "is missing on a comment" + (f" (a reply to {parent!r})" if parent else "")
        self.problems.add("missing_field", record=number, field=field, message=message)

    def comments(self) -> pl.DataFrame:
        if not self.rows:
            return pl.DataFrame(schema=ID_TEXT_SCHEMA)
        keys = dict.fromkeys(key for row in self.rows for key in row)
        return pl.DataFrame(
            {key: _series(key, [row.get(key) for row in self.rows]) for key in keys}
        )

    def threads(self) -> pl.DataFrame | None:
        if not self.posts:
            return None
        columns = {key: [post[key] for post in self.posts] for key in self.posts[0]}
        return pl.DataFrame({key: _series(key, values) for key, values in columns.items()})


def _count_comments(value: Any) -> int:
    """The comments (objects) in a tree of replies, at every depth.

    >>> _count_comments([{"id": 1, "replies": [{"id": 2}, {"id": 3, "replies": []}]}, "4"])
    3
    """
    n, stack = 0, [obj for _, obj in _entries(value)]
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            n += 1
            key = _reply_key(obj, REPLY_KEYS)
            if key is not None:
                stack.extend(o for _, o in _entries(obj[key]))
    return n


def _entries(value: Any) -> list[tuple[str | None, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [(None, v) for v in value]
    return []


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _series(key: str, values: list[Any]) -> pl.Series:
    """A column from Python scalars; mixed kinds (numbers and text) become text."""
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {int, float} or kinds in ({str}, {bool}):
        return pl.Series(key, values)
    return pl.Series(key, [None if v is None else str(v) for v in values], dtype=pl.String)
