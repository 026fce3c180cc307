"""JSON objects keyed by record id: the documents of the wikiconv and keyed_json readers.

A file holds one object keyed by record id (``{"a1": {...}, "a2": {...}}``), a JSON list of such
objects (WikiConv / Conversations Gone Awry: one object per conversation), or one such object
per line (JSON Lines). :func:`iter_groups` yields each keyed object with its 1-based number and
its records with their keys, so that error messages can point at the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dynamics._problems import ProblemLog
from dynamics.io._base import peek_text, strip_compression
from dynamics.io._json_documents import iter_json_records

__all__ = ["iter_groups", "looks_keyed"]

#: A file that opens with an object (or a list of objects) whose first value is an object.
_KEYED_START = re.compile(r'^\s*\[?\s*\{\s*"[^"\\]+"\s*:\s*\{')
#: A second key of the same object whose value is an object too.
_NEXT_KEYED = re.compile(r'\}\s*,\s*"[^"\\]+"\s*:\s*\{')
_SUFFIXES = (".json", ".jsonl", ".ndjson")


def looks_keyed(path: Path, head: str | None = None) -> bool:
    """True when ``path`` is JSON that opens with an object keyed by id whose values are objects."""
    if not path.is_file() or not strip_compression(path).endswith(_SUFFIXES):
        return False
    head = peek_text(path) if head is None else head
    return bool(_KEYED_START.match(head))


def is_flat_record(obj: dict[str, Any]) -> bool:
    """True for a record that is itself an action (it has an ``id`` field with a scalar value)."""
    return isinstance(obj.get("id"), str | int) and not isinstance(obj.get("id"), bool)


def iter_groups(
    path: Path, problems: ProblemLog
) -> Iterator[tuple[int, list[tuple[str, dict[str, Any]]]]]:
    """Yield ``(group_number, [(key, record), ...])`` for each keyed object of ``path``.

    A file of flat records (each with its own ``id``, as WikiConv's released tables are) is one
    group whose keys are the records' ids. Values that are not objects count as
    ``malformed_record`` (with the group's number) and are skipped.
    """
    flat: list[tuple[str, dict[str, Any]]] = []
    for number, obj in iter_json_records(path, problems):
        values = list(obj.values())
        if is_flat_record(obj) and not all(isinstance(v, dict) for v in values):
            flat.append((str(obj["id"]), obj))
            continue
        group = []
        for key, value in obj.items():
            if isinstance(value, dict):
                group.append((str(key), value))
            else:
                problems.add(
                    "malformed_record",
                    record=number,
                    record_id=str(key),
                    message=f"holds a {type(value).__name__} under key {key!r}, not a record",
                )
        yield number, group
    if flat:
        yield 1, flat
