"""JSON input that is either one document (an object or an array) or JSON Lines.

API dumps come both ways: a saved response is one pretty-printed object, a crawl is one
object per line (twarc2, Hacker News item crawls). :func:`iter_json_records` hides the
difference and numbers records so that error messages can point at them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dynamics._problems import ProblemLog
from dynamics.errors import InputFormatError
from dynamics.io._base import iter_json_lines, open_binary

__all__ = ["iter_json_records"]


def _first_lines(path: Path, n: int = 2) -> list[bytes]:
    lines: list[bytes] = []
    with open_binary(path) as fh:
        for raw in fh:
            line = raw.strip()
            if line:
                lines.append(line.removeprefix(b"\xef\xbb\xbf"))
                if len(lines) == n:
                    break
    return lines


def _is_object_line(line: bytes) -> bool:
    return line.startswith(b"{") and line.endswith(b"}")


def iter_json_records(path: Path, problems: ProblemLog) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(record_number, object)`` for the JSON objects of ``path``.

    Parameters
    ----------
    path : Path
        A JSON Lines file (one object per line), a JSON array of objects, or one JSON object;
        ``.gz``/``.zst``/``.bz2``/``.xz`` compressed too.
    problems : ProblemLog
        Receives ``malformed_record`` (a line or array element that is not a JSON object) and
        ``non_utf8_text``.

    Yields
    ------
    tuple of (int, dict)
        The 1-based record number (the line for JSON Lines, the position for an array, 1 for a
        single object) and the object.

    Raises
    ------
    InputFormatError
        A file that is one document (not JSON Lines) and does not parse, or whose top level is
        neither an object nor an array.

    Notes
    -----
    A file is JSON Lines when its first non-blank line is a complete ``{...}`` object, or when
    it does not parse as one document but its second line does look like one (a JSON Lines file
    whose first line is broken). Everything else is read as one document, in memory.
    """
    import orjson

    head = _first_lines(path)
    if head and _is_object_line(head[0]):
        yield from iter_json_lines(path, problems)
        return
    with open_binary(path) as fh:
        raw = fh.read()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.add("non_utf8_text", record=1)
        raw = raw.decode("utf-8", errors="replace").encode("utf-8")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if len(head) == 2 and head[0].startswith(b"{") and _is_object_line(head[1]):
            yield from iter_json_lines(path, problems)
            return
        msg = f"is not valid JSON or JSON Lines ({exc})"
        raise InputFormatError(msg, path=path) from exc
    if isinstance(doc, dict):
        yield 1, doc
    elif isinstance(doc, list):
        for number, item in enumerate(doc, start=1):
            if isinstance(item, dict):
                yield number, item
            else:
                problems.add("malformed_record", record=number, message="is not a JSON object")
    else:
        msg = f"holds a JSON {type(doc).__name__}, not an object or an array of objects"
        raise InputFormatError(msg, path=path)
