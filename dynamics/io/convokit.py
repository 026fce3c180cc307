"""ConvoKit corpus directories: read them, and write a Discussion back as one.

Format: https://convokit.cornell.edu/documentation/data_format.html. A corpus is a directory
holding ``utterances.jsonl`` (one utterance per line: ``id``, ``speaker``, ``conversation_id``,
``reply_to``, ``timestamp``, ``text``, ``meta``), ``speakers.json`` and ``conversations.json``
(id -> metadata, plain or as ``{"meta": ..., "vectors": ...}`` as ``Corpus.dump`` writes it),
``corpus.json`` (corpus metadata) and ``index.json`` (metadata keys and their types).

Reading: each utterance becomes a comment (``comment_id`` = ``id``, ``parent_id`` =
``reply_to``, also spelled ``reply-to``, ``thread_id`` = ``conversation_id``, ``author`` =
``speaker``, ``created_at`` = ``timestamp``). Scalar ``meta`` fields become extra columns (a
field named like a contract column gets the prefix ``meta_``); fields holding lists or objects,
fields stored as pickles (``"bin"`` in the index), and speaker and conversation metadata are
not read. ``utterances.json`` (a JSON list) and the older keys ``user`` and ``root`` are
accepted. The path may be the directory or its utterances file.

Writing (:func:`write_corpus`): a thread whose post is in ``Discussion.posts`` becomes one
conversation rooted at the post (utterance id = thread id, prefixed ``dynamics_post:`` if a
comment has that id; meta ``dynamics_post: true``, ``title``, ``url``); its top-level comments
reply to the post. A thread without its post is split into one conversation per top-level
comment, named after that comment. Every conversation thus has one root, and
``conversations.json`` names its thread in ``dynamics_thread_id``. A comment without an author
is written with the speaker ``[deleted]`` when flagged ``deleted``, else ``[anonymous]`` (a
speaker whose metadata holds ``dynamics_anonymous: true``); both read back as a null author.
Posts carry no ``deleted`` flag, so a post without an author is ``[anonymous]`` unless the
posts table has a true ``deleted`` column. What ConvoKit has no field for goes into utterance
meta: ``dynamics_deleted``, ``dynamics_inferred``, ``dynamics_inference``, ``dynamics_source``,
``dynamics_orphan_of`` (the missing parent of an orphan or of a dangling reply), extra columns
under their own names; ``corpus.json`` keeps their types. ConvoKit sorts replies by timestamp
and cannot compare a missing one, so a missing time is written as ``0`` with
``dynamics_time_missing: true`` (a post's missing text as ``""`` with
``dynamics_null_text: true``). So ``dynamics.load(write_corpus(d, path))`` gives back the
tables of ``d`` (loaded with the same ``orphans=`` policy), and ConvoKit 5 loads the directory
with ``Corpus(filename=path)`` and traverses every conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError
from dynamics.io._base import (
    COMMENT_COLUMNS,
    THREAD_COLUMNS,
    ReadResult,
    iter_json_lines,
    peek_text,
)
from dynamics.io._convokit_layout import (
    ANON_KEY,
    ANONYMOUS_SPEAKER,
    DELETED_SPEAKER,
    FLAG_KEYS,
    NO_TIME_KEY,
    NULL_TEXT_KEY,
    POST_KEY,
    SCHEMA_KEY,
    THREAD_KEY,
    UTTERANCE_FILES,
)
from dynamics.io._convokit_write import write_corpus
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io._json_columns import restore, scalar_series

__all__ = ["ANONYMOUS_SPEAKER", "DELETED_SPEAKER", "detect", "name", "read", "write_corpus"]

name = "convokit"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "a ConvoKit corpus is JSON, UTF-8 by RFC 8259"

_COMMENT_RESERVED = frozenset({*COMMENT_COLUMNS, "orphan_of", "parent_author", "parent_deleted"})
_THREAD_RESERVED = frozenset(THREAD_COLUMNS)
_SCALARS = (str, int, float, bool)


# --------------------------------------------------------------------------- reading


def detect(path: Path) -> bool:
    """True for a directory holding ``utterances.jsonl`` / ``utterances.json``, or that file."""
    if path.is_dir():
        return any((path / f).is_file() for f in UTTERANCE_FILES)
    if path.is_file() and path.name.lower() in UTTERANCE_FILES:
        head = peek_text(path, 4096).lstrip()
        return head.startswith(("{", "[")) and '"id"' in head
    return False


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read a ConvoKit corpus directory (or its utterances file).

    Parameters
    ----------
    path : Path
        The corpus directory, or its ``utterances.jsonl`` / ``utterances.json``; the other
        corpus files are read from the same directory when present.
    strict : bool, default False
        Raise on the first malformed or id-less utterance instead of counting it.
    {progress}
    {encoding_utf8}

    Returns
    -------
    ReadResult
        The comments, and a threads table when the corpus holds posts written by
        :func:`write_corpus`.

    Raises
    ------
    InputFormatError
        No utterances file, or a corpus file that is not JSON of the expected shape.
    """
    require_utf8(encoding, name, _UTF8_WHY)
    path = Path(path)
    directory = path if path.is_dir() else path.parent
    utt_file = path if path.is_file() else None
    for candidate in UTTERANCE_FILES:
        if utt_file is None and (directory / candidate).is_file():
            utt_file = directory / candidate
    if utt_file is None:
        msg = "is not a ConvoKit corpus: it has no utterances.jsonl or utterances.json"
        raise InputFormatError(msg, path=path)
    problems = ProblemLog(path=utt_file, strict=strict)
    index = _json_object(directory / "index.json")
    schema = _json_object(directory / "corpus.json").get(SCHEMA_KEY)
    schema = schema if isinstance(schema, dict) else {}
    convos = _component_meta(_json_object(directory / "conversations.json"))
    speakers = _component_meta(_json_object(directory / "speakers.json"))
    anonymous = {s for s, meta in speakers.items() if meta.get(ANON_KEY) is True}
    binary = {k for k, v in index.get("utterances-index", {}).items() if v in ("bin", ["bin"])}

    comments: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    size = utt_file.stat().st_size
    with progress_bar(f"reading {directory.name}", None, enabled=progress, size=size):
        for number, utt in _utterances(utt_file, problems):
            uid = _as_id(utt.get("id"))
            if not uid:
                problems.add("missing_field", record=number, field="id", message="has no 'id'")
                continue
            meta = utt.get("meta")
            meta = meta if isinstance(meta, dict) else {}
            speaker = _as_id(utt.get("speaker", utt.get("user")))
            row = {
                "comment_id": uid,
                "parent_id": _as_id(utt["reply_to"] if "reply_to" in utt else utt.get("reply-to")),
                "conversation": _as_id(utt.get("conversation_id", utt.get("root"))),
                "author": None if speaker in anonymous else speaker,
                "text": None if meta.get(NULL_TEXT_KEY) is True else utt.get("text"),
                "created_at": None if meta.get(NO_TIME_KEY) is True else utt.get("timestamp"),
            }
            if meta.get(POST_KEY) is True:
                row.update(title=meta.get("title"), url=meta.get("url"))
                row["source"] = meta.get(FLAG_KEYS["source"])
                row["_extra"] = _extras(meta, binary, _THREAD_RESERVED, skip=("title", "url"))
                posts.append(row)
            else:
                row.update({c: meta[key] for c, key in FLAG_KEYS.items() if key in meta})
                row["_extra"] = _extras(meta, binary, _COMMENT_RESERVED)
                comments.append(row)
    skipped = problems.counts.get("malformed_record", 0) + problems.counts.get("missing_field", 0)
    n_records = len(comments) + len(posts) + skipped

    _link(comments, posts, {c: _as_id(m.get(THREAD_KEY)) or c for c, m in convos.items()})
    frame = _frame(comments, list(COMMENT_COLUMNS), schema.get("comments"))
    threads = None
    if posts or schema.get("threads") is not None:
        threads = _frame(posts, list(THREAD_COLUMNS), schema.get("threads"))
    return ReadResult(frame, threads, problems, name, n_records)


def _link(
    comments: list[dict[str, Any]], posts: list[dict[str, Any]], thread_of: dict[str, str]
) -> None:
    """Set ``thread_id`` (a conversation's ``dynamics_thread_id``, else its id) and parents.

    A reply to one of our post utterances is a top-level comment; an orphan gets its missing
    parent back, so that ``load`` finds it (and attaches it) again.
    """
    post_thread = {}
    for row in posts:
        conversation = row.pop("conversation") or row["comment_id"]
        thread = thread_of.get(conversation, conversation)
        post_thread[row.pop("comment_id")] = row["thread_id"] = thread
        del row["parent_id"]
    for row in comments:
        parent, conversation = row["parent_id"], row.pop("conversation")
        if conversation is None:
            row["thread_id"] = post_thread.get(parent or "")
        else:
            row["thread_id"] = thread_of.get(conversation, conversation)
        orphan_of = _as_id(row.pop("orphan_of", None))
        row["parent_id"] = orphan_of or (None if parent in post_thread else parent)


def _utterances(path: Path, problems: ProblemLog) -> Iterator[tuple[int, dict[str, Any]]]:
    if path.name.lower().endswith(".jsonl"):
        yield from iter_json_lines(path, problems)
        return
    data = _load_json(path)
    if not isinstance(data, list):
        msg = "is not a JSON list of utterances"
        raise InputFormatError(msg, path=path)
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            yield number, item
        else:
            problems.add("malformed_record", record=number, message="is not a JSON object")


def _load_json(path: Path) -> Any:
    import orjson

    raw = path.read_bytes()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        msg = f"is not valid JSON ({exc})"
        raise InputFormatError(msg, path=path) from exc


def _json_object(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; ``{}`` when the file is absent."""
    if not path.is_file():
        return {}
    data = _load_json(path)
    if not isinstance(data, dict):
        msg = f"is not a JSON object (found {type(data).__name__})"
        raise InputFormatError(msg, path=path)
    return data


def _component_meta(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """id -> metadata, for the documented layout and the one ``Corpus.dump`` writes."""
    out = {}
    for key, value in data.items():
        meta = value.get("meta", value) if isinstance(value, dict) else {}
        out[str(key)] = meta if isinstance(meta, dict) else {}
    return out


def _as_id(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _extras(
    meta: dict[str, Any], binary: set[str], reserved: frozenset[str], skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Meta fields that become extra columns (our ``dynamics_`` keys are not among them)."""
    return {
        f"meta_{key}" if key in reserved else key: value
        for key, value in meta.items()
        if not key.startswith("dynamics_") and key not in binary and key not in skip
    }


def _frame(rows: list[dict[str, Any]], contract: list[str], schema: Any) -> pl.DataFrame:
    """Contract columns first, then extras: those of ``schema`` typed, others if scalar."""
    columns: dict[str, pl.Series] = {}
    for column in contract:
        if column in ("thread_id", "created_at") or any(column in r for r in rows):
            columns[column] = scalar_series(column, [r.get(column) for r in rows])
    if columns["created_at"].dtype.is_nested():
        columns["created_at"] = columns["created_at"].cast(pl.String)
    extras = [r.pop("_extra") for r in rows]
    typed = dict(schema) if isinstance(schema, list) else {}
    for key in dict.fromkeys([*typed, *(k for e in extras for k in e)]):
        values = [e.get(key) for e in extras]
        if key in typed:
            columns[key] = restore(key, values, typed[key])
        elif all(v is None or isinstance(v, _SCALARS) for v in values):
            columns[key] = scalar_series(key, values)
    return pl.DataFrame(columns, height=len(rows))


# --------------------------------------------------------------------------- writing
