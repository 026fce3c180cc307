"""Exception and warning hierarchy of ``dynamics``.

Every error that is about the input names the file, the record and the field, then says what
was expected and what was found, e.g.
``reddit.jsonl: record 1,204 (id='k3x9'): field 'parent_id' is missing``. Input errors stay
under :data:`MAX_MESSAGE` characters: lists of columns show a handful (:func:`few`), and an
over-long message is cut in the middle so that the option to try, at its end, survives.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "MAX_MESSAGE",
    "DataQualityWarning",
    "DynamicsError",
    "EmptyInputError",
    "GraphKindError",
    "InputFormatError",
    "MissingDependencyError",
    "ModelNotFoundError",
    "ReaderOptionError",
    "UndefinedMetricError",
    "few",
]


class DynamicsError(Exception):
    """Base class of every error raised by ``dynamics``."""


#: Longest message an input error prints: it must fit on a screen and in a log line.
MAX_MESSAGE = 300


def few(names: list[str] | tuple[str, ...], n: int = 6) -> str:
    """At most ``n`` names, then how many more: for messages that list available columns.

    Examples
    --------
    >>> few(["id", "by", "time"])
    "'id', 'by', 'time'"
    >>> few([f"c{i}" for i in range(2000)], 3)
    "'c0', 'c1', 'c2', ... (1,997 more)"
    """
    shown = ", ".join(repr(str(name)[:30]) for name in names[:n])
    return shown + (f", ... ({len(names) - n:,} more)" if len(names) > n else "")


def _shorten(text: str, limit: int) -> str:
    """Cut the middle of ``text`` to ``limit`` characters, keeping the hint at its end."""
    if len(text) <= limit:
        return text
    tail = min(len(text) // 2, max(0, limit // 2 - 2))
    return text[: limit - tail - 3] + "..." + text[len(text) - tail :]


def _where(path: str | Path | None, record: int | None, record_id: str | None) -> str:
    parts = []
    if path is not None:
        name = Path(path).name if isinstance(path, Path) else str(path)
        parts.append(_shorten(name, 80))
    shown_id = None if record_id is None else repr(_shorten(str(record_id), 40))
    if record is not None:
        rec = f"record {record:,}"
        if shown_id is not None:
            rec += f" (id={shown_id})"
        parts.append(rec)
    elif shown_id is not None:
        parts.append(f"id={shown_id}")
    return ": ".join(parts)


class InputFormatError(DynamicsError, ValueError):
    """The input cannot be read as the format it claims to be.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    path : str or Path, optional
        The file being read.
    record : int, optional
        1-based record (line, item or element) number within the file.
    field : str, optional
        The field that is missing or malformed.
    record_id : str, optional
        The id of the record, when it has one.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        record: int | None = None,
        field: str | None = None,
        record_id: str | None = None,
    ) -> None:
        self.path = path
        self.record = record
        self.field = field
        self.record_id = record_id
        self.reason = message
        where = _where(path, record, record_id)
        text = message if field is None else f"field {field!r} {message}"
        text = _shorten(text, MAX_MESSAGE - len(where) - 2)
        super().__init__(f"{where}: {text}" if where else text)


class EmptyInputError(DynamicsError, ValueError):
    """The input holds no comments at all."""


class ReaderOptionError(DynamicsError, TypeError):
    """An option passed to :func:`dynamics.load` that the chosen reader does not take."""


class MissingDependencyError(DynamicsError, ImportError):
    """An optional dependency needed by the requested feature is not installed."""


class ModelNotFoundError(DynamicsError, FileNotFoundError):
    """A local model directory is missing or does not hold a usable model."""


class GraphKindError(DynamicsError, TypeError):
    """A function received a graph of a kind it does not accept."""


class UndefinedMetricError(DynamicsError, ValueError):
    """A metric is undefined on this input (for example a single side, or no edges)."""


class DataQualityWarning(UserWarning):
    """Non-fatal problems were found in the input; see ``Discussion.report``."""
