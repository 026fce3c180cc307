"""WikiConv: Wikipedia talk-page conversations as actions keyed by id (Hua et al. 2018).

WikiConv (Hua, Danescu-Niculescu-Mizil, Taraborelli, Thain, Sorensen, Dixon 2018, "WikiConv:
A Corpus of the Complete Conversational History of a Large Online Collaborative Community",
EMNLP, https://arxiv.org/abs/1810.13181; schema in https://github.com/conversationai/wikidetox,
``wikiconv/README.md``) reconstructs talk pages as *actions*. The Wikipedia data behind
Conversations Gone Awry (Zhang et al. 2018) is stored as a JSON list of conversations, each an
object keyed by action id::

    [{"550613551.0.0": {"id": "550613551.0.0", "comment_type": "SECTION_CREATION",
                        "parent_id": "", "user_text": "Adamdaley", "content": "== Name ==",
                        "timestamp": "2013-04-16 08:55:31 UTC", "page_title": "Talk:..."},
      "550613552.12.12": {..., "comment_type": "COMMENT_ADDING", "replyTo_id": "550613551.0.0"}}]

One conversation per line (JSON Lines), one conversation object, and the released flat tables
(one action per record with ``conversation_id``) read too. Action types, as WikiConv defines
them (``comment_type``, or ``type`` with the release's short names):

* ``SECTION_CREATION`` / ``CREATION`` and ``COMMENT_ADDING`` / ``ADDITION`` add a comment: it
  becomes a row whose parent is ``replyTo_id`` (the reply link), and when the actions carry no
  ``replyTo_id`` field at all, ``parent_id`` (the Conversations Gone Awry snapshot layout);
  ``""`` means no parent (a section header);
* ``COMMENT_MODIFICATION`` / ``MODIFICATION`` and ``COMMENT_RESTORATION`` / ``RESTORATION`` are
  a **new version of an existing comment**, not a new reply: ``parent_id`` (or
  ``ancestor_id``, when given, for the first version) names the action modified or restored.
  The comment keeps its author, time and place in the tree; its ``text`` becomes the latest
  version's content (in time order), ``edited_at`` the time of that version, and ``versions``
  counts its text versions (1 = never changed). Earlier texts are not kept. Each such action is
  counted in the report as ``comment_versions``;
* ``COMMENT_REMOVAL`` / ``DELETION`` flags the comment removed (``deleted`` true, counted as
  ``deleted_comment``) and keeps its last text; a later restoration clears the flag.

A version whose comment is not in the file (its creation came before the dump) becomes a
comment of its own. Replies that point at a later version's id are joined to the comment.
Actions with a ``status`` field (snapshot files, where every entry is already a comment's
current state, as in ConvoKit's and wpconvlib's Conversations Gone Awry files) are read as
comments whatever their type, with ``parent_id`` as the reply. The thread is the record's
``conversation_id`` when given, else the id of the conversation's first action (the section
creation). Times are WikiConv's ``"YYYY-MM-DD hh:mm:ss UTC"``; ``page_title`` is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.io._base import ID_TEXT_SCHEMA, ReadResult, peek_text, to_utc
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io._keyed import iter_groups, looks_keyed

__all__ = ["ACTION_TYPES", "detect", "name", "read"]

name = "wikiconv"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "WikiConv is released as JSON, UTF-8 by RFC 8259"

#: WikiConv action type -> what it does (both spellings: Conversations Gone Awry and release).
ACTION_TYPES: dict[str, str] = {
    "SECTION_CREATION": "add",
    "COMMENT_ADDING": "add",
    "CREATION": "add",
    "ADDITION": "add",
    "COMMENT_MODIFICATION": "version",
    "MODIFICATION": "version",
    "COMMENT_REARRANGEMENT": "version",
    "REARRANGEMENT": "version",
    "COMMENT_RESTORATION": "restore",
    "RESTORATION": "restore",
    "COMMENT_REMOVAL": "remove",
    "DELETION": "remove",
}
_TYPE_FIELD = re.compile(r'"(?:comment_type|type)"\s*:\s*"(?:' + "|".join(ACTION_TYPES) + r')"')


def detect(path: Path) -> bool:
    """True for JSON whose records carry a WikiConv action type and ``user_text`` / ``page_title``."""
    if not path.is_file():
        return False
    head = peek_text(path)
    if not _TYPE_FIELD.search(head) or not re.search(r'"(?:user_text|page_title)"\s*:', head):
        return False
    return looks_keyed(path, head) or head.lstrip().startswith(("{", "["))


def _kind(action: dict[str, Any]) -> str | None:
    value = action.get("comment_type", action.get("type"))
    return ACTION_TYPES.get(value) if isinstance(value, str) else None


def _ref(value: Any) -> str | None:
    if value is None or value in ("", -1):
        return None
    return str(value)


def _time(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().removesuffix(" UTC").removesuffix("UTC").strip()
    return value


@reader_doc
def read(
    path: Path, *, strict: bool = False, progress: bool | None = None, encoding: str = "utf-8"
) -> ReadResult:
    """Read WikiConv conversations into comments (see the module docstring for the rules).

    Parameters
    ----------
    path : Path
        JSON list of conversations, one conversation object, JSON Lines, or flat actions.
    strict : bool, default False
        Raise on the first malformed action instead of counting it.
    progress : bool or None
        Unused (the file is read in one pass).
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments with ``page_title``, ``versions``, ``edited_at`` and ``action_type`` (the
        adding action's type) as extra columns, and one thread per conversation (its page
        title as title).
    """
    require_utf8(encoding, name, _UTF8_WHY)
    problems = ProblemLog(path=path, strict=strict)
    rows: list[dict[str, Any]] = []
    n_records = 0
    n_versions = {"version": 0, "restore": 0, "remove": 0}
    bad_actions = 0  # malformed records among the groups' records (counted in n_records)
    for number, group in iter_groups(path, problems):
        n_records += len(group)
        before = problems.counts.get("malformed_record", 0)
        _conversation(group, number, rows, n_versions, problems)
        bad_actions += problems.counts.get("malformed_record", 0) - before
    # values that were not records, and lines that were not JSON, were records of the file too
    n_records += problems.counts.get("malformed_record", 0) - bad_actions
    comments = pl.DataFrame(
        rows,
        schema={
            **ID_TEXT_SCHEMA,
            "created_at": pl.String,
            "deleted": pl.Boolean,
            "page_title": pl.String,
            "action_type": pl.String,
            "versions": pl.Int64,
            "edited_at": pl.String,
        },
    )
    comments = comments.with_columns(to_utc(comments.get_column("edited_at")))
    threads = (
        comments.group_by("thread_id", maintain_order=True)
        .agg(pl.col("page_title").drop_nulls().first().alias("title"))
        .with_columns(pl.lit(name).alias("source"))
    )
    changed = n_versions["version"] + n_versions["restore"]
    if changed:
        problems.add("comment_versions", count=changed)
        problems.policies["comment_versions"] = (
            f"latest text kept, earlier versions dropped; {n_versions['version']:,} "
            f"modifications and {n_versions['restore']:,} restorations merged into their "
            f"comment (see `versions`); {n_versions['remove']:,} removals flag it `deleted`"
        )
    return ReadResult(comments, threads, problems, name, n_records)


def _conversation(
    group: list[tuple[str, dict[str, Any]]],
    number: int,
    rows: list[dict[str, Any]],
    counts: dict[str, int],
    problems: ProblemLog,
) -> None:
    """Turn one conversation's actions into comment rows (appended to ``rows``)."""
    raw_layout = any("replyTo_id" in a or "ancestor_id" in a for _, a in group)
    snapshot = any("status" in a for _, a in group)
    actions = []
    for key, action in group:
        kind = _kind(action)
        if kind is None:
            problems.add(
                "malformed_record",
                record=number,
                record_id=key,
                field="comment_type",
                message=f"is {action.get('comment_type', action.get('type'))!r}, not a WikiConv "
                "action type (SECTION_CREATION, COMMENT_ADDING, ...)",
            )
            continue
        if snapshot:
            kind = "add"
        actions.append((str(action.get("id", key)), kind, action))
    if not actions:
        return
    # time order; WikiConv ids are "<rev_id>.<start>.<offset>": the revision breaks ties
    actions.sort(key=lambda a: (str(_time(a[2].get("timestamp")) or ""), _rev_order(a[0])))
    given = next(
        (a[2].get("conversation_id") for a in actions if a[2].get("conversation_id")), None
    )
    creation = next(
        (
            a[0]
            for a in actions
            if a[2].get("comment_type", a[2].get("type")) in {"SECTION_CREATION", "CREATION"}
        ),
        actions[0][0],
    )
    thread = str(given) if given is not None else creation
    comment_of: dict[str, str] = {}
    by_id: dict[str, dict[str, Any]] = {}
    history: dict[str, list[str]] = defaultdict(list)
    for action_id, kind, action in actions:
        target = _ref(action.get("ancestor_id")) or _ref(action.get("parent_id"))
        if kind != "add" and target is not None and target in comment_of:
            comment = by_id[comment_of[target]]
            comment_of[action_id] = comment["comment_id"]
            history[comment["comment_id"]].append(kind)
            counts[kind] += 1
            if kind == "remove":
                comment["deleted"] = True
                continue
            comment["deleted"] = False
            comment["text"] = _text(action)
            comment["edited_at"] = _time(action.get("timestamp"))
            comment["versions"] += 1
            continue
        reply = action.get("replyTo_id") if raw_layout else action.get("parent_id")
        row = {
            "comment_id": action_id,
            "parent_id": _ref(reply),
            "thread_id": thread,
            "author": action.get("user_text") or None,
            "text": _text(action),
            "created_at": _time(action.get("timestamp")),
            "deleted": kind == "remove",
            "page_title": action.get("page_title"),
            "action_type": action.get("comment_type", action.get("type")),
            "versions": 1,
            "edited_at": None,
        }
        comment_of[action_id] = action_id
        by_id[action_id] = row
        rows.append(row)
    # replies that name a later version's id reply to the comment itself
    for row in by_id.values():
        parent = row["parent_id"]
        if parent is not None and parent in comment_of:
            row["parent_id"] = comment_of[parent]


def _text(action: dict[str, Any]) -> str:
    value = action.get("content", action.get("cleaned_content"))
    return "" if value is None else str(value)


def _rev_order(action_id: str) -> tuple[int, ...]:
    parts = action_id.split(".")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return ()
