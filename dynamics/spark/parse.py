"""Executor side of ingest: one input file -> staged Parquet parts of the comments contract.

Each input file is one Spark task (a ``.zst`` stream cannot be split, and monthly dumps give
the parallelism). The task parses with the in-memory readers of :mod:`dynamics.io`, so both
paths read every record the same way: Reddit dumps are streamed in blocks of whole lines
(:mod:`dynamics.io.reddit`, decompressed by :func:`dynamics.io._base.open_binary`, which gives
zstandard ``max_window_size=2**31`` for the long-window Pushshift dumps), other formats are
read whole. Each block is brought to the contract by
:func:`~dynamics.io._base.finalize_comments` and written to the staging directory with its
position in the input (``_file``, ``_row``), which later defines "first occurrence" exactly
as the in-memory order does. Only the problem counts travel back to the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.io._base import finalize_comments, finalize_threads

__all__ = ["FileResult", "parse_file"]

#: Rows per staged part for formats that are read whole.
PART_ROWS = 500_000


@dataclass
class FileResult:
    """What one parse task reports to the driver (small: counts, never rows)."""

    index: int
    path: str
    format: str  # the reader's own name for what it read (the ``source`` of the rows)
    n_records: int = 0
    n_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)
    source_fields: dict[str, str] = field(default_factory=dict)  # for strict errors


def parse_file(
    index: int, path: str, fmt: str, staging: str, options: dict[str, Any] | None = None
) -> FileResult:
    """Parse input file number ``index`` into Parquet parts under ``staging``.

    Parameters
    ----------
    index : int
        Position of the file among the inputs (its rows come after earlier files' rows).
    path : str
        The file (plain, ``.gz`` or ``.zst``).
    fmt : str
        A reader name from :data:`dynamics.io.READERS`.
    staging : str
        Directory (visible to the driver) receiving ``comments/`` and ``threads/`` parts.
    options : dict, optional
        Reader options (e.g. ``columns=`` for tables).

    Returns
    -------
    FileResult
        Record and row counts and the reader's problem log (never raises on data problems;
        the driver applies ``strict``).
    """
    problems = ProblemLog(path=path)
    result = FileResult(index=index, path=path, format=fmt)
    out = Path(staging)
    (out / "comments").mkdir(parents=True, exist_ok=True)
    (out / "threads").mkdir(parents=True, exist_ok=True)
    row = thread_row = 0  # the input order of the comments, and of the posts
    blocks = _parts(Path(path), fmt, problems, result, options)
    for part, (raw, raw_threads) in enumerate(blocks):
        comments = finalize_comments(raw, source=result.format, problems=problems)
        n = comments.height
        comments = comments.with_columns(
            pl.lit(index, dtype=pl.Int64).alias("_file"),
            pl.int_range(row, row + n, dtype=pl.Int64).alias("_row"),
        )
        _write(_no_null_types(comments), out / "comments" / f"f{index:06d}-p{part:06d}.parquet")
        threads = finalize_threads(raw_threads, source=result.format)
        if threads is not None and threads.height:
            threads = threads.with_columns(
                pl.lit(index, dtype=pl.Int64).alias("_file"),
                pl.int_range(thread_row, thread_row + threads.height, dtype=pl.Int64).alias("_row"),
            )
            _write(_no_null_types(threads), out / "threads" / f"f{index:06d}-p{part:06d}.parquet")
            thread_row += threads.height
        row += n
    result.n_rows = row
    result.counts = dict(problems.counts)
    result.samples = {k: list(v) for k, v in problems.samples.items()}
    result.policies = dict(problems.policies)
    result.source_fields = dict(problems.source_fields)
    return result


def _parts(
    path: Path,
    fmt: str,
    problems: ProblemLog,
    result: FileResult,
    options: dict[str, Any] | None,
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame | None]]:
    """Raw (reader-shaped) comments and threads, block by block."""
    if fmt == "reddit":
        from dynamics.io import reddit

        first_line = 1
        n_records = 0
        for block in reddit._blocks(path):
            comments, threads, n = reddit.parse_block(block, first_line, problems)
            n_records += n
            first_line += reddit.count_lines(block)
            yield comments, threads
        result.n_records = n_records + problems.counts.get("malformed_record", 0)
        return
    from dynamics.io import get_reader

    read = get_reader(fmt).read(path, strict=False, progress=False, **(options or {}))
    problems.merge(read.problems)
    result.n_records = read.n_records
    result.format = read.format  # a reader may name the variant (e.g. tabular -> parquet)
    comments = read.comments
    for start in range(0, max(comments.height, 1), PART_ROWS):
        threads = read.threads if start == 0 else None
        yield comments.slice(start, PART_ROWS), threads


def _no_null_types(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns of polars' Null type (all values missing) as strings, which Parquet readers know."""
    nulls = [name for name, dtype in frame.schema.items() if dtype == pl.Null]
    return frame.with_columns(pl.col(nulls).cast(pl.String)) if nulls else frame


def _write(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")  # Spark skips dot files
    frame.write_parquet(tmp, compression="zstd")
    tmp.replace(path)
