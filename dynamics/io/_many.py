"""Reading several files as one discussion, and keeping library internals out of errors.

:func:`read_many` reads each file with its own reader and concatenates the rows, keeping the
file each row came from in a ``source_file`` column. :func:`read_guarded` runs a reader and
turns any failure of the parsing libraries (polars, orjson, codecs) into an
:class:`~dynamics.errors.InputFormatError` that names the file and says what to try.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog, file_sample
from dynamics.errors import DynamicsError, EmptyInputError, InputFormatError
from dynamics.io._base import ReadResult
from dynamics.io._registry import check_options, detect, get_reader

__all__ = [
    "ManyResult",
    "drop_file_overlap",
    "file_row",
    "name_sample_files",
    "name_samples",
    "read_guarded",
    "read_many",
    "samples_since",
]

#: Exceptions of the parsing libraries that mean "this input is not what the reader expects".
_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    pl.exceptions.PolarsError,
    UnicodeError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    OverflowError,
)


def read_guarded(
    read: Callable[..., ReadResult], source: Any, path: Path | None, fmt: str, **options: Any
) -> ReadResult:
    """Run ``read(source, **options)``; wrap a parsing library's failure in InputFormatError.

    Errors of ``dynamics`` itself (which already name the file, record and field) pass through.

    Examples
    --------
    >>> def broken(source, **_):
    ...     raise pl.exceptions.ComputeError("cannot compare list with str")
    >>> try:
    ...     read_guarded(broken, None, Path("t.csv"), "csv")
    ... except InputFormatError as e:
    ...     print(e)  # doctest: +ELLIPSIS
    t.csv: cannot be read as csv (ComputeError: cannot compare list with str); ...
    """
    try:
        return read(source, **options)
    except InputFormatError as exc:
        if exc.path is None and path is not None:  # raised where the file was not known
            args = {"record": exc.record, "field": exc.field, "record_id": exc.record_id}
            raise InputFormatError(exc.reason, path=path, **args) from exc
        raise
    except DynamicsError:
        raise
    except _PARSE_ERRORS as exc:
        if isinstance(exc, ValueError) and str(exc).startswith("The '"):
            raise  # a parameter error ("The 'x' parameter of load must be ..."), not the input
        detail = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else ""
        msg = (
            f"cannot be read as {fmt} ({type(exc).__name__}{': ' + detail if detail else ''}); "
            "try format= another reader, or columns= to map the fields"
        )
        raise InputFormatError(msg, path=path) from exc


@dataclass
class ManyResult(ReadResult):
    """A :class:`ReadResult` of several files, with a label naming them for the report, and
    each file's name and number of rows (in the order the rows are concatenated)."""

    label: str = ""
    files: tuple[tuple[str, int], ...] = ()


def read_many(
    sources: Sequence[str | Path],
    format: str = "auto",
    *,
    strict: bool = False,
    progress: bool | None = None,
    **options: Any,
) -> ManyResult:
    """Read several files as one discussion (see :func:`dynamics.load`).

    Each file is detected and read on its own; the comments (and threads) are concatenated,
    with the file's name in a ``source_file`` column, and the problem counts added up. Comment
    ids are one id space: a comment whose id an earlier file of the list already holds is
    dropped and counted as ``file_overlap`` (files that overlap: the first kept, as for a
    ``duplicate_id`` within a file, which stays that). Of several files, each sample of the
    report names its file: ``"b.csv record 12"``, ``"b.csv id k3x9"``.
    """
    paths = [Path(p) for p in sources]
    if not paths or not all(isinstance(p, str | Path) for p in sources):
        msg = "load takes a path, a list of paths or a data frame; got an empty or mixed list"
        raise InputFormatError(msg)
    results, fmts = [], []
    for path in paths:
        fmt = detect(path) if format == "auto" else format
        if fmt == "parquet_cache":
            msg = "is a saved Discussion; load it on its own, not in a list"
            raise InputFormatError(msg, path=path)
        reader = get_reader(fmt)
        check_options(fmt, reader.read, options)
        result = read_guarded(
            reader.read, path, path, fmt, strict=strict, progress=progress, **options
        )
        result.comments = result.comments.with_columns(pl.lit(path.name).alias("source_file"))
        if result.threads is not None:
            result.threads = result.threads.with_columns(pl.lit(path.name).alias("source_file"))
        results.append(result)
        fmts.append(result.format)
    problems = ProblemLog(path=paths[0], strict=strict)
    for path, r in zip(paths, results, strict=True):
        problems.merge(r.problems, label=path.name if len(paths) > 1 else None)
    if strict:  # only a strict error needs to know which file a comment came from
        problems.locate = _locator(paths, results)
    comments = [r.comments for r in results if r.comments.width]
    if not comments:
        msg = f"{paths[0].name} and {len(paths) - 1} more: no comments found"
        raise EmptyInputError(msg)
    threads = [r.threads for r in results if r.threads is not None]
    label = (
        paths[0].name
        if len(paths) == 1
        else f"{paths[0].name} (+{len(paths) - 1} file{'s' if len(paths) > 2 else ''})"
    )
    return ManyResult(
        comments=_concat(comments, paths),
        threads=_concat(threads, paths) if threads else None,
        problems=problems,
        format="+".join(dict.fromkeys(fmts)),
        n_records=sum(r.n_records for r in results),
        label=label,
        files=tuple(
            (path.name, r.comments.height if r.comments.width else 0)
            for path, r in zip(paths, results, strict=True)
        ),
    )


def drop_file_overlap(
    comments: pl.DataFrame, problems: ProblemLog, files: Sequence[tuple[str, int]]
) -> pl.DataFrame:
    """``comments`` (the rows of ``files`` in order: each file's name and number of rows)
    without the rows whose id an earlier file holds, counted as ``file_overlap`` (raising
    under ``strict=True``, the error naming the file of the repeat).

    Files that overlap (two crawls of one forum, pages fetched apart) are not a damaged
    file: their repeats are told apart from a file's own repeated ids (``duplicate_id``),
    which the report weighs when it doubts the format. Run on the finalized table, after
    the per-row checks (times, text), so every row read is checked once, as the Spark
    ingest checks it. The samples are the first ten ids repeated, in input order, each
    named by the file of its first repeat: the Spark ingest's rule too.

    >>> log = ProblemLog()
    >>> c = pl.DataFrame({"comment_id": ["1", "2", "2", "3", "2", "1"]})
    >>> drop_file_overlap(c, log, [("a.csv", 2), ("b.csv", 3), ("c.csv", 1)])["comment_id"].to_list()
    ['1', '2', '3']
    >>> log.counts, log.samples
    ({'file_overlap': 3}, {'file_overlap': ['b.csv id 2', 'c.csv id 1']})
    """
    if len(files) < 2 or "comment_id" not in comments.columns:
        return comments
    at = np.repeat(np.arange(len(files), dtype=np.int64), [height for _, height in files])
    frame = comments.select(
        pl.col("comment_id"), pl.Series("_file", at), pl.int_range(pl.len()).alias("_row")
    )
    repeat = frame.select(
        (pl.col("_file") > pl.col("_file").min().over("comment_id")).fill_null(value=False)
    ).to_series()
    if not repeat.any():
        return comments
    first = (
        frame.filter(repeat)
        .group_by("comment_id")
        .agg(pl.col("_row").min(), pl.col("_file").min())
        .sort("_row")
        .head(10)
    )
    problems.add_many(  # the ids as they are, for a strict error's file and field
        "file_overlap", first.get_column("comment_id").to_list(), total=int(repeat.sum())
    )
    shown = problems.samples["file_overlap"]
    named = [file_sample(files[f][0], i) for i, f in first.select("comment_id", "_file").rows()]
    problems.samples["file_overlap"] = shown[: len(shown) - len(named)] + named
    return comments.filter(~repeat)


def name_sample_files(
    problems: ProblemLog,
    since: dict[str, int],
    comments: pl.DataFrame,
    files: Sequence[tuple[str, int]],
) -> None:
    """Name the file of each sample the checks added after the files were read (those past
    ``since[kind]``): a comment id by the file of the comment kept (``"b.csv id k3x9"``, from
    the ``source_file`` column of ``comments``), a row of all files by its file and row
    there (``"b.csv row 2"``). A sample found in neither stays as it is (an orphan dropped
    with ``orphans="drop"``, a post's id).

    >>> log = ProblemLog(samples={"orphan": ["x", "2"], "missing_field": ["row 3"]})
    >>> table = pl.DataFrame({"comment_id": ["2"], "source_file": ["b.csv"]})
    >>> name_sample_files(log, {"orphan": 1}, table, [("a.csv", 2), ("b.csv", 2)])
    >>> log.samples
    {'orphan': ['x', 'b.csv id 2'], 'missing_field': ['b.csv row 1']}
    """
    if len(files) < 2:
        return
    wanted = samples_since(problems, since)
    holders: dict[str, str] = {}
    if wanted and {"comment_id", "source_file"} <= set(comments.columns):
        found = comments.select("comment_id", "source_file").filter(
            pl.col("comment_id").is_in(list(wanted))
        )
        for comment_id, source in found.iter_rows():
            holders.setdefault(comment_id, source)
    name_samples(problems, since, holders, files)


def samples_since(problems: ProblemLog, since: dict[str, int]) -> set[str]:
    """The samples added to ``problems`` after ``since`` (each kind's number of samples)."""
    return {s for kind, samples in problems.samples.items() for s in samples[since.get(kind, 0) :]}


def name_samples(
    problems: ProblemLog,
    since: dict[str, int],
    holders: dict[str, str],
    files: Sequence[tuple[str, int]],
) -> None:
    """Name the file of each sample added after ``since``: a comment id by ``holders`` (id
    -> the name of the file of the comment kept), a ``"row N"`` of all files by ``files``
    (each file's name and number of rows, in order); see :func:`name_sample_files`. The
    Spark ingest names its samples with this too."""
    for kind, samples in problems.samples.items():
        added = samples[since.get(kind, 0) :]
        if added:
            named = [_named(sample, holders, files) for sample in added]
            problems.samples[kind] = samples[: since.get(kind, 0)] + named


def file_row(sample: str, heights: Sequence[int]) -> tuple[int, int] | None:
    """For a sample ``"row N"`` of all files' rows (``heights``: each file's number of rows,
    in order), the file's index and the row's number in that file; None for any other
    sample or a row past the end. The in-memory and the Spark ingest both number so.

    >>> file_row("row 4", [2, 3]), file_row("row 6", [2, 3]), file_row("k3x9", [2, 3])
    ((1, 2), None, None)
    """
    if not (sample.startswith("row ") and sample[4:].isdigit()):
        return None
    row = int(sample[4:])
    for index, height in enumerate(heights):
        if row <= height:
            return index, row
        row -= height
    return None


def _named(sample: str, holders: dict[str, str], files: Sequence[tuple[str, int]]) -> str:
    """``sample`` with its file named (see :func:`name_sample_files`)."""
    found = file_row(sample, [height for _, height in files])
    if found is not None:
        return file_sample(files[found[0]][0], f"row {found[1]}")
    if sample.startswith("row "):
        return sample
    return file_sample(holders[sample], sample) if sample in holders else sample


def _locator(
    paths: list[Path], results: list[ReadResult]
) -> Callable[[str, str], tuple[Path, dict[str, str], str] | None]:
    """For the concatenated rows of ``results``: the file a comment id (or ``"row N"`` of
    all rows) came from, that file's own field names, and the sample as that file numbers
    it. Of an id in several files, a ``file_overlap`` is the second (the row dropped), any
    other problem the first (the row kept).

    >>> a = ReadResult(pl.DataFrame({"comment_id": ["1", "2"]}), None,
    ...                ProblemLog(source_fields={"created_at": "created_utc"}), "t")
    >>> b = ReadResult(pl.DataFrame({"comment_id": ["2", "3"]}), None,
    ...                ProblemLog(source_fields={"created_at": "time"}), "t")
    >>> where = _locator([Path("a.csv"), Path("b.csv")], [a, b])
    >>> for kind, sample in [("orphan", "2"), ("file_overlap", "2"), ("missing_field", "row 4")]:
    ...     path, fields, shown = where(kind, sample)
    ...     print(path.name, fields, shown)
    a.csv {'created_at': 'created_utc'} 2
    b.csv {'created_at': 'time'} 2
    b.csv {'created_at': 'time'} row 2
    """
    parts = [
        (
            path,
            dict(r.problems.source_fields),
            r.comments.get_column("comment_id").cast(pl.String)
            if "comment_id" in r.comments.columns
            else None,
            r.comments.height if r.comments.width else 0,  # as _concat counts the rows
        )
        for path, r in zip(paths, results, strict=True)
    ]

    def locate(kind: str, sample: str) -> tuple[Path, dict[str, str], str] | None:
        if sample.startswith("row ") and sample[4:].isdigit():
            found = file_row(sample, [height for *_, height in parts])
            if found is None:
                return None
            path, fields, _, _ = parts[found[0]]
            return path, fields, f"row {found[1]}"
        holders = [
            (path, fields)
            for path, fields, ids, _ in parts
            if ids is not None and (ids == sample).any()
        ]
        if not holders:
            return None
        path, fields = holders[1] if kind == "file_overlap" and len(holders) > 1 else holders[0]
        return path, fields, sample

    return locate


def _concat(frames: list[pl.DataFrame], paths: list[Path]) -> pl.DataFrame:
    """Rows of every file; a column typed differently in two files is read as text."""
    try:
        return pl.concat(frames, how="diagonal_relaxed")
    except pl.exceptions.PolarsError:
        as_text = [f.with_columns(pl.all().cast(pl.String, strict=False)) for f in frames]
        try:
            return pl.concat(as_text, how="diagonal_relaxed")
        except pl.exceptions.PolarsError as exc:
            msg = f"and {len(paths) - 1} more files have columns that cannot be combined ({exc})"
            raise InputFormatError(msg[:250], path=paths[0]) from exc
