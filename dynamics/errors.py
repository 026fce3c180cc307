"""Exception and warning hierarchy of ``dynamics``.

Every error that is about the input names the file, the record and the field, then says what
was expected and what was found, e.g.
``reddit.jsonl: record 1,204 (id='k3x9'): field 'parent_id' is missing``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DataQualityWarning",
    "DynamicsError",
    "EmptyInputError",
    "GraphKindError",
    "InputFormatError",
    "MissingDependencyError",
    "ModelNotFoundError",
    "ReaderOptionError",
    "UndefinedMetricError",
]


class DynamicsError(Exception):
    """Base class of every error raised by ``dynamics``."""


def _where(path: str | Path | None, record: int | None, record_id: str | None) -> str:
    parts = []
    if path is not None:
        parts.append(Path(path).name if isinstance(path, Path) else str(path))
    if record is not None:
        rec = f"record {record:,}"
        if record_id is not None:
            rec += f" (id={record_id!r})"
        parts.append(rec)
    elif record_id is not None:
        parts.append(f"id={record_id!r}")
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
