"""JSON objects keyed by record id: ``{"c1": {"parent": null, ...}, "c2": {...}}``, or a list.

Some exports store a table as one JSON object whose keys are the record ids and whose values
are the records (ConvoKit-style ``speakers.json`` maps, Firebase exports, hand-made datasets);
a JSON list of such objects, or one per line, holds one group each (a conversation, a page).
Each record becomes a row: its id is its own ``id`` (or other id field) when it has one, else
its key (kept as ``record_key``); the columns are then mapped and guessed exactly as for any
table (:func:`dynamics.io.tabular.guess_columns`, ``columns=`` to override). When the file
holds several groups and the records name no thread, each group is a thread (``group``
column, its 1-based number). WikiConv files, which are keyed the same way, are the wikiconv
reader's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.errors import EmptyInputError
from dynamics.io._base import ReadResult, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io._json_columns import scalar_series
from dynamics.io._keyed import iter_groups, looks_keyed
from dynamics.io.tabular import GUESSES, guess_columns, read_frame

__all__ = ["detect", "name", "read"]

name = "keyed_json"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "JSON is UTF-8, RFC 8259"

#: The first record must name a parent or carry its key as its id to count as keyed records.
_RECORD_FIELDS = re.compile(
    r'^\s*\[?\s*\{\s*"(?P<key>[^"\\]+)"\s*:\s*\{[^{}]*?"(?:'
    + "|".join(re.escape(c) for c in GUESSES["parent_id"])
    + r'|id)"\s*:',
    re.IGNORECASE,
)


def detect(path: Path) -> bool:
    """True for JSON that opens with an object keyed by id whose first record is a comment.

    The first record (within 64 KiB) must have a parent field (``parent_id``, ``parent``,
    ``in_reply_to``, ...) or an ``id`` field.
    """
    if not looks_keyed(path):
        return False
    return bool(_RECORD_FIELDS.match(peek_text(path)))


@reader_doc
def read(
    path: Path,
    *,
    columns: dict[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
) -> ReadResult:
    """Read keyed records as a table (see the module docstring).

    Parameters
    ----------
    path : Path
    columns : dict, optional
        Contract column -> source column, as for tables.
    strict : bool, default False
    progress : bool or None
        Unused.
    {encoding_utf8}
    """
    require_utf8(encoding, name, _UTF8_WHY)
    problems = ProblemLog(path=path, strict=strict)
    rows: list[dict[str, Any]] = []
    groups = 0
    for number, group in iter_groups(path, problems):
        groups += 1
        for key, record in group:
            rows.append({**record, "record_key": key, "group": str(number)})
    if not rows:
        msg = f"{path.name}: no records found in the keyed objects"
        raise EmptyInputError(msg)
    names = list(dict.fromkeys(k for row in rows for k in row))
    frame = pl.DataFrame([scalar_series(k, [_plain(row.get(k)) for row in rows]) for k in names])
    mapping = dict(columns or {})
    guessed = guess_columns([n for n in names if n not in {"record_key", "group"}], mapping)
    if "comment_id" not in guessed:
        mapping["comment_id"] = "record_key"
    if groups > 1 and "thread_id" not in guessed:
        mapping["thread_id"] = "group"
    # the values that were not records were records of the file too (malformed ones)
    n_records = len(rows) + problems.counts.get("malformed_record", 0)
    return read_frame(
        frame, columns=mapping, path=path, fmt=name, problems=problems, n_records=n_records
    )


def _plain(value: Any) -> Any:
    """Nested values as JSON text, so that every column holds one plain value per row."""
    if isinstance(value, dict | list):
        import orjson

        return orjson.dumps(value).decode()
    return value
