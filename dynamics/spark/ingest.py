"""``dynamics.spark.ingest``: archive dumps and tables -> a checked, partitioned Parquet dataset.

Stages (each announced on standard error; Spark shows its own progress per job):

1. **parse**: one Spark task per input file (:mod:`dynamics.spark.parse`), reusing the
   in-memory readers, writes staged Parquet parts and returns the reader's problem counts;
2. **check**: the integrity checks in Spark SQL (:mod:`dynamics.spark.checks`), same counts and
   policies as :func:`dynamics.load`;
3. **write**: ``DATASET/comments/thread_bucket=K/`` (a thread lives in one bucket, its rows
   sorted by thread and time), ``DATASET/threads/`` (posts, when the input has them),
   ``DATASET/ingest_report.json`` and ``DATASET/manifest.json``.

The staging directory and the dataset must be on storage every executor and the driver see
(a shared file system, HDFS or an object store mounted as a path).
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dynamics._problems import PROBLEM_KINDS, ProblemLog
from dynamics._version import __version__
from dynamics.errors import DataQualityWarning, EmptyInputError, InputFormatError
from dynamics.model.checks import IngestReport, OrphanPolicy
from dynamics.spark.checks import check_comments
from dynamics.spark.parse import FileResult, parse_file
from dynamics.spark.session import get_session, stage

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyspark.sql import DataFrame, SparkSession

__all__ = ["ingest"]

#: Comments per thread bucket when ``buckets`` is not given.
ROWS_PER_BUCKET = 1_000_000


def ingest(
    paths: str | Path | list[str | Path],
    output: str | Path,
    *,
    spark: SparkSession | None = None,
    format: str = "auto",
    strict: bool = False,
    orphans: OrphanPolicy = "attach",
    buckets: int | None = None,
    overwrite: bool = False,
    progress: bool = True,
    **options: Any,
) -> IngestReport:
    """Read dumps or tables with Spark, check them, and write a partitioned Parquet dataset.

    Parameters
    ----------
    paths : path or list of paths
        Files (Pushshift / Arctic-Shift ``RC_*``/``RS_*`` dumps, plain, ``.gz`` or ``.zst``;
        CSV / JSON Lines / Parquet tables; any format :func:`dynamics.load` reads) or
        directories of them (read in name order). Rows keep the order of the inputs.
    output : path
        The dataset directory to create.
    spark : SparkSession, optional
        The session to use (default: the active one, or ``local[*]``).
    format : str, default "auto"
        Reader for every input (``"auto"`` detects each file).
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on any data problem.
    orphans : {"attach", "drop", "keep"}, default "attach"
        As in :func:`dynamics.load`.
    buckets : int or None, default None
        Thread-hash buckets (Parquet partitions); None: one per million comments.
    overwrite : bool, default False
        Replace an existing ``output``.
    progress : bool, default True
        Announce each stage on standard error.
    **options
        Reader options (e.g. ``columns=`` for tables).

    Returns
    -------
    IngestReport
        The same counts and policies :func:`dynamics.load` reports for the same input (also
        written to ``output/ingest_report.json``).
    """
    spark = spark or get_session()
    files = _expand(paths)
    out = Path(output)
    if out.exists():
        if not overwrite:
            msg = f"{out} exists; pass overwrite=True (--overwrite) to replace it"
            raise FileExistsError(msg)
        shutil.rmtree(out)
    staging = out / "_staging"
    formats = [_format(f, format) for f in files]
    _check_options(formats, options)
    with stage(f"parse {len(files)} file(s) on executors", progress=progress):
        jobs = [
            (i, str(f.resolve()), fmt)
            for i, (f, fmt) in enumerate(zip(files, formats, strict=True))
        ]
        stage_dir, opts = str(staging.resolve()), dict(options)
        results: list[FileResult] = (
            spark.sparkContext.parallelize(jobs, len(jobs))
            .map(lambda job: parse_file(job[0], job[1], job[2], stage_dir, opts))
            .collect()
        )
    results.sort(key=lambda r: r.index)
    problems = ProblemLog(path=files[0] if len(files) == 1 else out, strict=strict)
    # of several files, each sample names its file, as dynamics.load says it
    names = {r.index: Path(r.path).name for r in results} if len(results) > 1 else None
    for r in results:
        _replay(r, problems, strict=strict, label=None if names is None else names[r.index])
    offsets, total = {}, 0
    for r in results:
        offsets[r.index] = total
        total += r.n_rows
    if total == 0:
        shutil.rmtree(staging, ignore_errors=True)
        msg = f"{', '.join(f.name for f in files)}: no comments found"
        if problems.counts:
            msg += f" ({', '.join(f'{n} {k}' for k, n in problems.counts.items())})"
        raise EmptyInputError(msg)
    reader = spark.read.option("mergeSchema", "true")
    staged = reader.parquet(str(staging / "comments"))
    if strict and len(results) > 1:  # a strict error names the file of the comment, as load's
        problems.locate = _locator(staged, results)
    with stage("integrity checks", progress=progress):
        since = {kind: len(samples) for kind, samples in problems.samples.items()}
        comments = check_comments(
            staged,
            problems,
            orphans=orphans,
            row_offsets=offsets,
            file_names=names,
        )
        if names is not None:
            _name_check_samples(comments, problems, since, names, results)
    threads = _threads(spark, staging, problems)
    with stage("write dataset", progress=progress):
        report, n_buckets = _write(comments, threads, problems, out, results, buckets)
    shutil.rmtree(staging, ignore_errors=True)
    manifest = {
        "dynamics_version": __version__,
        "inputs": [str(f) for f in files],
        "formats": [r.format for r in results],
        "orphans": orphans,
        "strict": strict,
        "buckets": n_buckets,
        "options": {k: repr(v) for k, v in options.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    (out / "ingest_report.json").write_text(json.dumps(report.to_dict(), indent=2))
    if not report.ok:
        bad = "; ".join(
            f"{n:,} {k}" for k, n in report.counts.items() if k not in ProblemLog.informational
        )
        warnings.warn(
            f"{report.path}: {bad} (see the ingest report)", DataQualityWarning, stacklevel=2
        )
    return report


def _expand(paths: str | Path | list[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    files: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            files.extend(
                p for p in sorted(item.iterdir()) if p.is_file() and not p.name.startswith(".")
            )
        elif item.is_file():
            files.append(item)
        else:
            msg = "no such file or directory"
            raise InputFormatError(msg, path=item)
    if not files:
        msg = "no input files"
        raise InputFormatError(msg, path=items[0] if items else None)
    return files


def _format(path: Path, fmt: str) -> str:
    from dynamics.io import READERS, detect

    if fmt == "auto":
        found = detect(path)
        if found == "parquet_cache":  # a Discussion.save file is a table of the contract
            return "tabular"
        return found
    if fmt not in READERS:
        msg = f"The 'format' parameter of ingest must be one of {['auto', *READERS]}. Got {fmt!r} instead."
        raise ValueError(msg)
    return fmt


def _check_options(formats: list[str], options: dict[str, Any]) -> None:
    """Refuse, before any task starts, an option a file's reader does not take, as
    :func:`dynamics.load` does (the Reddit dumps are parsed block by block, not by
    ``read``, so its ``encoding=`` check is made here too)."""
    from dynamics.io import get_reader, reddit
    from dynamics.io._registry import check_options

    for fmt in dict.fromkeys(formats):
        check_options(fmt, get_reader(fmt).read, options)
        if fmt == reddit.name:
            reddit.check_encoding(options.get("encoding", "utf-8"))


def _locator(
    staged: DataFrame, results: list[FileResult]
) -> Callable[[str, str], tuple[str, dict[str, str], str] | None]:
    """For a strict error of the checks: the file a comment id (or ``"row N"`` of all
    files' rows) came from, that file's own field names, and the sample as that file
    numbers it (see :func:`dynamics.io._many._locator`, the same rule in memory). Runs a
    Spark query, once, when the error is raised."""
    from dynamics.io._many import file_row

    by_index = {r.index: r for r in results}
    ordered = sorted(results, key=lambda r: r.index)  # the order of the rows' numbers

    def locate(kind: str, sample: str) -> tuple[str, dict[str, str], str] | None:
        from pyspark.sql import functions as F

        if sample.startswith("row ") and sample[4:].isdigit():
            found = file_row(sample, [r.n_rows for r in ordered])
            if found is None:
                return None
            r = ordered[found[0]]
            return r.path, dict(r.source_fields), f"row {found[1]}"
        files = [
            row[0]
            for row in staged.filter(F.col("comment_id") == sample)
            .select("_file")
            .distinct()
            .orderBy("_file")
            .collect()
        ]
        if not files:
            return None
        index = files[1] if kind == "file_overlap" and len(files) > 1 else files[0]
        r = by_index[index]
        return r.path, dict(r.source_fields), sample

    return locate


def _replay(
    result: FileResult, problems: ProblemLog, *, strict: bool, label: str | None = None
) -> None:
    """Add one file's reader problems to the log (raising, with the file named, when strict),
    each sample named after ``label`` when given (one of several files)."""
    log = ProblemLog(path=result.path, strict=strict, source_fields=dict(result.source_fields))
    for kind, n in result.counts.items():
        log.add_many(kind, result.samples.get(kind, []), total=n)
    log.policies.update(result.policies)
    problems.merge(log, label=label)


def _name_check_samples(
    comments: DataFrame,
    problems: ProblemLog,
    since: dict[str, int],
    names: dict[int, str],
    results: list[FileResult],
) -> None:
    """Name the file of each sample the checks added (a comment id by the file of the
    comment kept, a ``row N`` by the file that holds it), as :func:`dynamics.load` of
    several files does (:func:`dynamics.io._many.name_samples`)."""
    from pyspark.sql import functions as F

    from dynamics.io._many import name_samples, samples_since

    wanted = samples_since(problems, since)
    ids = [s for s in wanted if not s.startswith("row ")]
    holders: dict[str, str] = {}
    if ids:
        found = (
            comments.filter(F.col("comment_id").isin(ids))
            .groupBy("comment_id")
            .agg(F.min("_file").alias("_file"))
            .collect()
        )
        holders = {row["comment_id"]: names[row["_file"]] for row in found}
    name_samples(problems, since, holders, [(names[r.index], r.n_rows) for r in results])


def _threads(spark: SparkSession, staging: Path, problems: ProblemLog) -> DataFrame | None:
    """The posts, the first of each thread id in input order kept and the later ones counted
    as ``duplicate_post``, as :func:`dynamics.io._base.drop_duplicate_posts` does."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    parts = staging / "threads"
    if not parts.is_dir() or not any(parts.glob("*.parquet")):
        return None
    df = spark.read.option("mergeSchema", "true").parquet(str(parts))
    first = Window.partitionBy("thread_id").orderBy("_file", "_row")
    df = df.withColumn("_nth", F.row_number().over(first))
    later = df.filter("_nth > 1")
    n_later = later.count()
    if n_later:
        ids = (
            later.groupBy("thread_id")
            .agg(F.min(F.struct("_file", "_row")).alias("_at"))
            .orderBy("_at")
            .limit(10)
            .select("thread_id")
        )
        problems.add_many("duplicate_post", [r[0] for r in ids.collect()], total=n_later)
    return df.filter("_nth = 1").drop("_nth")


def _write(
    comments: DataFrame,
    threads: DataFrame | None,
    problems: ProblemLog,
    out: Path,
    results: list[FileResult],
    buckets: int | None,
) -> tuple[IngestReport, int]:
    from pyspark.sql import functions as F

    comments = comments.cache()
    stats = comments.agg(
        F.count(F.lit(1)).alias("n"),
        F.countDistinct("author").alias("authors"),
        F.unix_micros(F.min("created_at")).alias("start"),
        F.unix_micros(F.max("created_at")).alias("end"),
    ).first()
    thread_ids = comments.select("thread_id")
    if threads is not None:
        thread_ids = thread_ids.unionByName(threads.select("thread_id"))
    n_threads = thread_ids.distinct().count()
    n_buckets = buckets or max(1, math.ceil(stats["n"] / ROWS_PER_BUCKET))
    bucket = F.pmod(F.xxhash64("thread_id"), F.lit(n_buckets)).cast("int")
    (
        comments.withColumn("thread_bucket", bucket)
        .repartition(n_buckets, "thread_bucket")
        .sortWithinPartitions("thread_id", "created_at", "_file", "_row")
        .write.partitionBy("thread_bucket")
        .parquet(str(out / "comments"))
    )
    if threads is not None:
        threads.orderBy("_file", "_row").write.parquet(str(out / "threads"))
    formats = sorted({r.format for r in results})
    fmt = formats[0] if len(formats) == 1 else "+".join(formats)
    report = IngestReport(
        path=results[0].path if len(results) == 1 else str(out),
        format=fmt,
        n_records=sum(r.n_records for r in results),
        n_comments=int(stats["n"]),
        n_threads=n_threads,
        n_authors=int(stats["authors"]),
        start=_utc(stats["start"]),
        end=_utc(stats["end"]),
        counts=dict(problems.counts),
        samples={k: list(v) for k, v in problems.samples.items()},
        policies={k: problems.policies.get(k, PROBLEM_KINDS[k][1]) for k in problems.counts},
    )
    comments.unpersist()
    return report, n_buckets


def _utc(micros: int | None) -> datetime | None:
    """Epoch microseconds as an aware UTC datetime (Spark would give local naive ones)."""
    if micros is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
