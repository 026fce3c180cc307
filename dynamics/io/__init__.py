"""Reading discussions: one reader module per format behind a detection registry.

``load(path)`` picks the reader whose ``detect`` accepts the file (most specific first), reads
it, runs the integrity checks and returns a :class:`~dynamics.Discussion`. ``READERS`` lists the
format names in detection order; ``detect(path)`` says which one would be used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._version import __version__
from dynamics.errors import DataQualityWarning, EmptyInputError, ReaderOptionError
from dynamics.io._base import ReadResult, drop_duplicate_posts, finalize_comments, finalize_threads
from dynamics.io._many import (
    ManyResult,
    drop_file_overlap,
    name_sample_files,
    read_guarded,
    read_many,
)
from dynamics.io._registry import READERS, check_not_blank, check_options, detect, get_reader
from dynamics.model.checks import OrphanPolicy, check_comments, report_from
from dynamics.model.discussion import Discussion

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["READERS", "detect", "get_reader", "load"]

logger = logging.getLogger(__name__)


def load(
    source: str | Path | pl.DataFrame | pd.DataFrame,
    format: str = "auto",
    *,
    strict: bool = False,
    orphans: OrphanPolicy = "attach",
    cache: bool | str | Path = False,
    progress: bool | None = None,
    **options: Any,
) -> Discussion:
    """Read a discussion from a file, a directory or a data frame.

    Parameters
    ----------
    source : path, list of paths, polars.DataFrame or pandas.DataFrame
        A file in any supported format (compressed ``.gz``/``.zst`` too), a ConvoKit corpus
        directory, a Parquet file written by :meth:`Discussion.save`, or a data frame. A list
        of files is read as one discussion: each file with its own reader, rows concatenated,
        the file each row came from kept in a ``source_file`` column.
    format : str, default "auto"
        ``"auto"`` detects; otherwise one of :data:`READERS`.
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on the first data problem instead of
        counting it in the report.
    orphans : {"attach", "drop", "keep"}, default "attach"
        Replies whose parent is missing: attach to the thread root (the missing id is kept in
        ``orphan_of``), drop them with their replies, or keep the dangling ``parent_id``.
    cache : bool or path, default False
        True keeps a Parquet copy in ``$XDG_CACHE_HOME/dynamics`` (``~/.cache/dynamics``) keyed
        by the file's path, size, modification time and the options, so a second load is
        instant (and warns of the data's problems again); a path names the cache directory.
    progress : bool or None, default None
        Show progress bars (None: only for large files on a terminal).
    **options
        Passed to the reader: e.g. ``columns={"comment_id": "my_id"}`` or
        ``encoding="cp1252"`` for tables, ``infer_replies="adjacent"`` for plain-text scrapes.

    Returns
    -------
    Discussion

    Raises
    ------
    InputFormatError
        The file cannot be read as the format (message names file, record and field, and the
        ``columns=`` / ``format=`` option to try), or ``strict=True`` and a data problem was
        found. Failures inside the parsing libraries are wrapped in it too.
    EmptyInputError
        Nothing readable was found.

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({"id": ["1", "2"], "parent_id": [None, "1"],
    ...                            "author": ["ann", "bob"], "text": ["hi", "hello"]}))
    >>> d.report.n_comments, d.report.format
    (2, 'frame')
    """
    if isinstance(source, pl.DataFrame) or type(source).__name__ == "DataFrame":
        from dynamics.io import tabular

        check_options("frame", tabular.read_frame, options)
        result = read_guarded(tabular.read_frame, source, None, "frame", strict=strict, **options)
        return _assemble(result, None, orphans=orphans, strict=strict)
    if isinstance(source, list | tuple):
        if cache is not False:
            msg = "cache= keeps one file's Parquet copy; load a list of files without it"
            raise ReaderOptionError(msg)
        result = read_many(source, format, strict=strict, progress=progress, **options)
        return _assemble(result, result.label, orphans=orphans, strict=strict)

    path = Path(source)
    if format != "auto":
        check_not_blank(path)  # detect() checks it too
    fmt = detect(path) if format == "auto" else format
    if fmt == "parquet_cache":
        return Discussion.read_parquet(path)
    reader = get_reader(fmt)
    check_options(fmt, reader.read, options)
    cache_file = _cache_file(path, fmt, cache, strict=strict, orphans=orphans, options=options)
    if cache_file is not None and cache_file.exists():
        logger.info("reading %s from cache %s", path, cache_file)
        cached = Discussion.read_parquet(cache_file)
        if not cached.report.ok:  # a notebook run again hears of its data's problems again
            text = _warning_text(cached.report)
            warnings.warn(f"{text} (read from the cache)", DataQualityWarning, stacklevel=2)
        return cached
    # no name for the reader's result: _assemble releases its raw table as soon as it can
    disc = _assemble(
        read_guarded(reader.read, path, path, fmt, strict=strict, progress=progress, **options),
        path,
        orphans=orphans,
        strict=strict,
    )
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        disc.save(cache_file)
    return disc


def _assemble(
    result: ReadResult, path: Path | str | None, *, orphans: OrphanPolicy, strict: bool
) -> Discussion:
    problems = result.problems
    problems.strict = strict
    # the samples the readers gave; those the checks add are named by file after them
    since = {kind: len(samples) for kind, samples in problems.samples.items()}
    raw, result.comments = result.comments, None  # type: ignore[assignment]
    comments = finalize_comments(raw, source=result.format, problems=problems)
    del raw  # the raw table is not needed any more: free it before the checks copy columns
    if comments.height == 0:
        msg = f"{path.name if isinstance(path, Path) else path or 'frame'}: no comments found"
        if problems.counts:
            found = [f"{n:,} {k}" for k, n in problems.counts.items()]
            msg += f" ({', '.join(found[:4])}{', ...' if len(found) > 4 else ''})"
        raise EmptyInputError(msg)
    if isinstance(result, ManyResult):
        comments = drop_file_overlap(comments, problems, result.files)
    comments = check_comments(comments, problems, orphans=orphans, parent_fields=True)
    threads = drop_duplicate_posts(finalize_threads(result.threads, source=result.format), problems)
    if isinstance(result, ManyResult):
        name_sample_files(problems, since, comments, result.files)
    report = report_from(
        comments,
        problems,
        path=path,
        fmt=result.format,
        n_records=result.n_records,
        threads=threads,
    )
    if not report.ok:
        warnings.warn(_warning_text(report), DataQualityWarning, stacklevel=3)
    return Discussion(comments, report, threads, holds_parents=True)


def _warning_text(report: Any) -> str:
    """One line naming each defect; a missing author column is said in words."""
    parts = []
    for kind, n in report.counts.items():
        if kind in ProblemLog.informational:
            continue
        if kind == "no_author_column":
            parts.append(report.policy(kind))
        else:
            parts.append(f"{n:,} {kind}")
    doubt = report.format_doubt()
    return f"{report.path or 'frame'}: {'; '.join(parts)} (see Discussion.report)" + (
        f". {doubt[0].upper()}{doubt[1:]}" if doubt else ""
    )


def _cache_file(path: Path, fmt: str, cache: bool | str | Path, **key: Any) -> Path | None:
    if cache is False:
        return None
    if cache is True:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dynamics"
    else:
        base = Path(cache)
    stat = path.stat()
    ident = repr(
        (
            str(path.resolve()),
            stat.st_size,
            stat.st_mtime_ns,
            fmt,
            __version__,
            sorted(key.items(), key=str),
        )
    )
    digest = hashlib.sha1(ident.encode(), usedforsecurity=False).hexdigest()[:16]
    return base / f"{path.name}.{digest}.parquet"
