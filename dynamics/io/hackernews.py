"""Hacker News: Firebase API items and Algolia HN Search items / search results.

Firebase API (https://github.com/HackerNews/API)
    One item per JSON object, as JSON Lines or a JSON array: ``id``, ``type`` (``story``,
    ``comment``, ``job``, ``poll``, ``pollopt``), ``by``, ``time`` (Unix seconds), ``text``
    (HTML), ``parent``, ``kids``, ``deleted``, ``dead``, ``url``, ``score``, ``title``,
    ``descendants``. Stories, jobs and polls go to the threads table; comments to the comments
    table, with ``parent_id`` null when the parent is the story, and ``thread_id`` the story
    found by following parents (or, when the chain leaves the file, the topmost ancestor that is
    in it). Deleted items (``"deleted": true``) have no author and no text: ``deleted=True``,
    author null. ``dead`` (flagged or killed) comments are kept, with a ``dead`` column, and
    dead stories too (a ``dead`` column in the threads table); both are counted in the report
    as ``dead_item`` (informational: no warning, no error under ``strict=True``). Ids in the
    ``kids`` of an item, a story's or a comment's, that are absent from the file are replies
    that were not fetched: counted as ``unfetched_replies``, the item's id as the sample.
    Poll options (``pollopt``) are the poll's choices, not replies: they are not comments, and
    are left out of both tables.

Algolia HN Search (https://hn.algolia.com/api)
    ``/api/v1/items/<id>``: one nested object ``{"id", "created_at", "created_at_i", "type",
    "author", "title", "url", "text", "points", "parent_id", "story_id", "children": [...]}``
    (one per line or in an array for several). The root story goes to the threads table, every
    nested child is a comment. Algolia keeps deleted comments as children with null ``author``
    and ``text``: those get ``deleted=True``. ``/api/v1/search`` responses (``{"hits": [...]}``,
    each hit with ``objectID``, ``_tags``, ``comment_text``, ``story_id``, ``parent_id``) are read
    too: comment hits are comments, story hits are threads.

BigQuery exports (``bigquery-public-data.hacker_news``), as JSON or CSV
    The same item fields, often without ``type`` (e.g. ``id, by, time, text, parent``): a file
    is taken as Hacker News when its fields include ``id``, ``by`` and ``time`` and one of
    ``parent``, ``kids``, ``text``. An item without ``type`` is a comment when it has a parent,
    a story when it has a title and no parent, else a top-level comment. In CSV, empty cells are
    missing and ``true``/``false`` are booleans.

HTML in ``text`` is decoded to plain text by :func:`dynamics.io._html.html_to_text`. Ids are
Hacker News item ids (one id space for stories and comments), kept as strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError
from dynamics.io._base import ReadResult, peek_text, strip_compression
from dynamics.io._delimited import read_delimited
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import count_replaced_rows, read_as_utf8, require_utf8
from dynamics.io._html import html_to_text
from dynamics.io._json_documents import iter_json_records

__all__ = ["detect", "name", "read"]

name = "hackernews"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "the Hacker News API sends JSON, UTF-8 by RFC 8259, and BigQuery exports UTF-8"

_THREAD_TYPES = frozenset({"story", "job", "poll"})
_FIREBASE_TYPE = re.compile(r'"type"\s*:\s*"(?:story|comment|job|poll|pollopt)"')
_FIREBASE_KEY = re.compile(r'"(?:by|kids|descendants)"\s*:')
_ALGOLIA_KEY = re.compile(r'"created_at_i"\s*:')
_ALGOLIA_SHAPE = re.compile(r'"(?:children|story_id|objectID)"\s*:')
_JSON_KEY = re.compile(r'"(id|by|time|parent|kids|text)"\s*:')


def detect(path: Path) -> bool:
    """True for JSON (or a CSV export) holding Hacker News items (Firebase or Algolia).

    Firebase items are recognised by a ``"type"`` of ``story``/``comment``/``job``/``poll``/
    ``pollopt`` next to ``"time"`` and one of ``"by"``, ``"kids"``, ``"descendants"``; Algolia
    items and hits by ``"created_at_i"`` next to ``"children"``, ``"story_id"`` or
    ``"objectID"``; items without ``type`` (BigQuery exports, JSON or CSV) by the field set
    ``id``, ``by``, ``time`` plus one of ``parent``, ``kids``, ``text``. Only the first 64 KiB
    are read.
    """
    if not path.is_file():
        return False
    head = peek_text(path)
    if _is_csv(path):
        return _hn_field_set(_csv_header(head))
    if not head.lstrip().startswith(("{", "[")):
        return False
    firebase = bool(_FIREBASE_TYPE.search(head)) and '"time"' in head
    firebase = firebase and bool(_FIREBASE_KEY.search(head))
    algolia = bool(_ALGOLIA_KEY.search(head)) and bool(_ALGOLIA_SHAPE.search(head))
    return firebase or algolia or _hn_field_set(set(_JSON_KEY.findall(head[:4096])))


def _hn_field_set(fields: set[str]) -> bool:
    """True for the Hacker News item fields without ``type`` (BigQuery exports)."""
    return {"id", "by", "time"} <= fields and bool(fields & {"parent", "kids", "text"})


def _is_csv(path: Path) -> bool:
    return strip_compression(path).endswith(".csv")


def _csv_header(head: str) -> set[str]:
    first = head.split("\n", 1)[0]
    return {f.strip().strip('"').lower() for f in first.split(",")}


def _csv_records(path: Path, problems: ProblemLog) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a CSV export of items as dicts: empty cells None, "true"/"false" booleans.

    Read as the tables reader reads a CSV: rows shorter or longer than the header and bytes
    that are not UTF-8 are counted in ``problems`` (``short_record``, ``malformed_record``,
    ``non_utf8_text``), not passed over."""
    data, lossy = read_as_utf8(path)
    table = read_delimited(data, ",", problems)
    del data
    table = table.rename({c: c.strip().lower() for c in table.columns})
    if lossy:
        named = table.rename({"id": "comment_id"}) if "comment_id" not in table.columns else table
        count_replaced_rows(named, problems, "utf-8")
    for number, row in enumerate(table.iter_rows(named=True), start=2):  # line 1: header
        yield number, {k: _csv_value(v) for k, v in row.items()}


def _csv_value(value: str | None) -> Any:
    if value is None or value == "":
        return None
    return {"true": True, "false": False}.get(value.lower(), value)


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read Hacker News items (Firebase or Algolia) into comments and threads.

    Parameters
    ----------
    path : Path
        JSON Lines, a JSON array or one JSON object (``.gz``/``.zst`` too).
    {strict}
    {progress}
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments with an extra ``dead`` column (Firebase items); threads with ``score``
        (Firebase) or ``points`` (Algolia), ``descendants``, ``type`` and ``dead`` (Firebase).

    Raises
    ------
    InputFormatError
        The file is not JSON, or none of its objects is a Hacker News item.

    Notes
    -----
    Records without ``id`` are counted as ``missing_field`` and skipped; lines that do not
    parse as ``malformed_record``; ``dead`` items (kept) as ``dead_item``; kids not in the
    file, of stories and comments alike, as ``unfetched_replies``. Thread ids are found with one walk up the parent chains,
    memoised, so the cost is linear in the number of items.
    """
    require_utf8(encoding, name, _UTF8_WHY)
    problems = ProblemLog(path=path, strict=strict)
    items = _Items()
    n_records = 0
    with progress_bar(
        f"reading {path.name}", None, enabled=progress, size=path.stat().st_size
    ) as bar:
        records = (
            _csv_records(path, problems) if _is_csv(path) else iter_json_records(path, problems)
        )
        for number, obj in records:
            n_records += _dispatch(obj, number, items, problems)
            bar.advance()
    n_records += problems.counts.get("malformed_record", 0)
    if not items.seen_item:
        msg = "holds no Hacker News items (objects with 'id' and 'type', or Algolia 'children')"
        raise InputFormatError(msg, path=path, field="id")
    comments = items.firebase_comments(problems) + items.algolia
    frame = pl.from_dicts(comments, infer_schema_length=None) if comments else pl.DataFrame()
    threads = pl.from_dicts(items.threads, infer_schema_length=None) if items.threads else None
    return ReadResult(frame, threads, problems, name, n_records)


class _Items:
    """What the records of one file add up to."""

    def __init__(self) -> None:
        self.firebase: list[tuple[int, dict[str, Any]]] = []  # (record, comment item)
        self.stories: list[tuple[int, dict[str, Any]]] = []  # (record, story / job / poll)
        self.story_ids: set[int] = set()
        self.threads: list[dict[str, Any]] = []
        self.algolia: list[dict[str, Any]] = []
        self.seen_item = False

    def firebase_comments(self, problems: ProblemLog) -> list[dict[str, Any]]:
        """Comments rows from the Firebase items, with thread ids and unfetched kids."""
        parent = {item["id"]: _int(item.get("parent")) for _, item in self.firebase}
        present = parent.keys() | self.story_ids
        roots = _thread_roots(parent, self.story_ids)
        rows = []
        for _, item in self.firebase:
            up = parent[item["id"]]
            deleted = bool(item.get("deleted"))
            rows.append(
                {
                    "comment_id": str(item["id"]),
                    "parent_id": None if up is None or up in self.story_ids else str(up),
                    "thread_id": str(roots[item["id"]]),
                    "author": None if deleted else _str(item.get("by")),
                    "text": html_to_text(item.get("text")) or "",
                    "created_at": item.get("time"),
                    "deleted": deleted,
                    "dead": bool(item.get("dead")),
                }
            )
        for record, item in self.stories + self.firebase:
            _count_unfetched(item, record, present, problems)
        return rows


def _dispatch(obj: dict[str, Any], number: int, items: _Items, problems: ProblemLog) -> int:
    """Route one JSON object; return how many items it held."""
    if isinstance(obj.get("hits"), list):
        for hit in obj["hits"]:
            if isinstance(hit, dict):
                _algolia_hit(hit, number, items, problems)
        return len(obj["hits"])
    if "children" in obj or "created_at_i" in obj:
        return _algolia_tree(obj, number, items, problems)
    _firebase_item(obj, number, items, problems)
    return 1


def _firebase_item(item: dict[str, Any], number: int, items: _Items, problems: ProblemLog) -> None:
    item_id = _int(item.get("id"))
    if item_id is None:
        problems.add(
            "missing_field", record=number, field="id", message="is missing or not a number"
        )
        return
    items.seen_item = True
    kind = item.get("type") or _untyped_kind(item)
    if kind is None:
        problems.add("missing_field", record=number, record_id=str(item_id), field="type")
        return
    if item.get("dead") is True and (kind in _THREAD_TYPES or kind == "comment"):
        # counted where it is kept (a poll option is in neither table)
        problems.add(
            "dead_item",
            record=number,
            record_id=str(item_id),
            field="dead",
            message="is dead (flagged or killed)",
        )
    if kind in _THREAD_TYPES:
        items.story_ids.add(item_id)
        items.stories.append((number, {**item, "id": item_id}))
        items.threads.append(
            {
                "thread_id": str(item_id),
                "title": _str(item.get("title")),
                "author": _str(item.get("by")),
                "text": html_to_text(item.get("text")),
                "created_at": item.get("time"),
                "url": _str(item.get("url")),
                "score": item.get("score"),
                "descendants": item.get("descendants"),
                "type": kind,
                "dead": bool(item.get("dead")),
            }
        )
    elif kind == "comment":
        items.firebase.append((number, {**item, "id": item_id}))


def _untyped_kind(item: dict[str, Any]) -> str | None:
    """Kind of an item exported without ``type``: a reply is a comment, a titled root a story."""
    if item.get("parent") is not None:
        return "comment"
    if item.get("title") is not None:
        return "story"
    return "comment" if "parent" in item or "by" in item else None


def _count_unfetched(item: dict[str, Any], record: int, present: Any, problems: ProblemLog) -> None:
    kids = item.get("kids")
    if not isinstance(kids, list):
        return
    missing = sum(1 for kid in kids if _int(kid) not in present)
    if missing:
        problems.add(
            "unfetched_replies",
            record=record,
            record_id=str(item["id"]),
            field="kids",
            message=f"lists {missing} kids that are not in the file",
            count=missing,
        )
        problems.policies["unfetched_replies"] = (
            "counted: `kids` not in the file; the samples are the stories and comments that "
            "list them"
        )


def _thread_roots(parent: dict[int, Any], stories: set[int]) -> dict[int, int]:
    """Map each comment id to its story, or to its topmost ancestor present in the file."""
    root: dict[int, int] = {}
    for start in parent:
        path: list[int] = []
        on_path: set[int] = set()
        node = start
        while True:
            if node in root:
                top = root[node]
                break
            if node in stories:
                top = node
                break
            path.append(node)
            on_path.add(node)
            up = parent.get(node)
            if up in on_path or (up not in parent and up not in stories):
                top = node  # the chain leaves the file (or loops): this is as high as it goes
                break
            node = up
        for visited in path:
            root[visited] = top
    return root


def _algolia_tree(obj: dict[str, Any], number: int, items: _Items, problems: ProblemLog) -> int:
    """Add an Algolia item and its nested children; return how many items there were."""
    if obj.get("id") is None:
        problems.add("missing_field", record=number, field="id")
        return 1
    items.seen_item = True
    story = obj.get("story_id") if obj.get("type") not in _THREAD_TYPES else obj["id"]
    if obj.get("type") in _THREAD_TYPES:
        items.threads.append(
            {
                "thread_id": str(obj["id"]),
                "title": _str(obj.get("title")),
                "author": _str(obj.get("author")),
                "text": html_to_text(obj.get("text")),
                "created_at": obj.get("created_at_i", obj.get("created_at")),
                "url": _str(obj.get("url")),
                "points": obj.get("points"),
                "type": obj.get("type"),
            }
        )
        stack = [c for c in reversed(obj.get("children") or []) if isinstance(c, dict)]
    else:
        stack = [obj]
    count = 1
    while stack:
        node = stack.pop()
        if node is not obj:
            count += 1
        if node.get("id") is None:
            problems.add("missing_field", record=number, field="id", message="(a child) is missing")
            continue
        thread = node.get("story_id") or story
        up = node.get("parent_id")
        author, text = _str(node.get("author")), node.get("text")
        items.algolia.append(
            {
                "comment_id": str(node["id"]),
                "parent_id": None if up is None or up == thread else str(up),
                "thread_id": None if thread is None else str(thread),
                "author": author,
                "text": html_to_text(text) or "",
                "created_at": node.get("created_at_i", node.get("created_at")),
                "deleted": author is None and text is None,
            }
        )
        stack.extend(c for c in reversed(node.get("children") or []) if isinstance(c, dict))
    return count


def _algolia_hit(hit: dict[str, Any], number: int, items: _Items, problems: ProblemLog) -> None:
    """Add one ``/search`` hit: a comment or a story."""
    hit_id = hit.get("objectID")
    if hit_id is None:
        problems.add("missing_field", record=number, field="objectID", message="(a hit) is missing")
        return
    items.seen_item = True
    tags = hit.get("_tags") or []
    when = hit.get("created_at_i", hit.get("created_at"))
    if "comment" in tags or "comment_text" in hit:
        thread, up = hit.get("story_id"), hit.get("parent_id")
        items.algolia.append(
            {
                "comment_id": str(hit_id),
                "parent_id": None if up is None or up == thread else str(up),
                "thread_id": None if thread is None else str(thread),
                "author": _str(hit.get("author")),
                "text": html_to_text(hit.get("comment_text")) or "",
                "created_at": when,
                "deleted": False,
            }
        )
    else:
        items.threads.append(
            {
                "thread_id": str(hit_id),
                "title": _str(hit.get("title")),
                "author": _str(hit.get("author")),
                "text": html_to_text(hit.get("story_text")),
                "created_at": when,
                "url": _str(hit.get("url")),
                "points": hit.get("points"),
                "type": "story",
            }
        )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    """An item id as a number (ids saved as digit strings too); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
