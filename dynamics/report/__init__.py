"""The ``dynamics analyze`` report: every metric family on one discussion, written to a folder.

:func:`analyze` scores the texts, finds the sides, runs every metric (see
:mod:`dynamics.report.collect`) and writes

- ``report.html``: one self-contained page (plotly.js inline once, no network needed) with the
  input and its IngestReport, the parameters and defaults used, every number with its interval
  and p-value, figures, and what was skipped and why;
- ``results.json``: every result's :meth:`~dynamics._results.MetricResult.to_dict`, the sides,
  the IngestReport, the package and library versions, the input's name and SHA-256, and every
  parameter and the seed; it holds no timestamp or timing, so two runs with the same seed on
  the same input write the same bytes;
- ``tables/*.csv``: ``summary.csv`` (one row per metric), ``sides.csv``,
  ``ingest_report.csv`` and one file per detail table, named ``<family>_<metric>.csv`` (or
  ``<family>_<metric>_<table>.csv`` when a metric has several tables).
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._results import jsonable
from dynamics.errors import EmptyInputError
from dynamics.model.discussion import Discussion
from dynamics.report.collect import (
    FAMILIES,
    Collected,
    MetricRun,
    Settings,
    collect,
    has_p,
    n_steps,
)

if TYPE_CHECKING:
    from dynamics.spark.dataset import SparkDataset

__all__ = ["FILES", "Settings", "analyze", "check_out_dir", "results_dict"]

#: The files :func:`analyze` writes (besides ``tables/``).
FILES = ("report.html", "results.json")
_TABLES = "tables"
_LIBRARIES = ("polars", "igraph", "numpy", "networkx", "plotly", "scikit-learn", "vaderSentiment")


def check_out_dir(out_dir: str | Path, *, overwrite: bool) -> Path:
    """``out_dir`` as a Path, when :func:`analyze` may write its report there.

    Raises
    ------
    NotADirectoryError
        When ``out_dir`` is a file.
    FileExistsError
        When it already holds a report and ``overwrite`` is False.
    OSError
        When it does not exist and cannot be made (its nearest existing folder takes no new
        folder: read-only, or a system folder such as ``/proc``): said before any work, not
        after the measures have run.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        msg = f"{out} is a file; the report needs a folder"
        raise NotADirectoryError(msg)
    if not out.exists():
        _check_creatable(out)
    existing = [out / name for name in FILES if (out / name).exists()]
    if existing and not overwrite:
        msg = (
            f"{out} already holds a report ({existing[0].name}); pass overwrite=True "
            "(--overwrite) to replace it"
        )
        raise FileExistsError(msg)
    return out


def _check_creatable(out: Path) -> None:
    """Raise an ``OSError`` naming ``out`` when no folder can be made where it would go (a
    trial folder is made and removed in its nearest existing ancestor)."""
    import tempfile

    base = out.absolute().parent
    while not base.exists():
        base = base.parent
    try:
        Path(tempfile.mkdtemp(prefix=".dynamics-check-", dir=base)).rmdir()
    except OSError as exc:
        msg = f"cannot make the report folder {out}: {base} takes no new folder ({exc.strerror})"
        raise OSError(msg) from exc


def analyze(
    discussion: Discussion | SparkDataset,
    out_dir: str | Path,
    *,
    seed: int = 0,
    n_null: int = 200,
    n_boot: int = 200,
    null: str | None = "auto",
    annotate: bool = True,
    sides_method: str = "leiden",
    n_sides: int = 2,
    n_jobs: int = 1,
    signal_draws: int = 0,
    signal_calibration: str | Path | None = None,
    thresholds: Sequence[float] = (),
    side_seeds: int = 5,
    read_options: Mapping[str, Any] | None = None,
    source: str | Path | None = None,
    overwrite: bool = False,
    progress: bool | None = None,
) -> Path:
    """Run every metric family on ``discussion`` and write the report to ``out_dir``.

    Parameters
    ----------
    discussion : Discussion or SparkDataset
        What to analyse (as returned by :func:`dynamics.load`). A
        :class:`~dynamics.spark.SparkDataset` is analysed on Spark from distributed pieces,
        without pulling its texts to the driver (:mod:`dynamics.report.on_spark` says what
        comes to the driver and what stays on Spark); pull it with ``to_discussion()`` for the
        in-memory report.
    out_dir : str or Path
        Folder to write ``report.html``, ``results.json`` and ``tables/`` into; created if
        missing.
    seed : int, default 0
        Seed of the sides (Leiden) and of every null model and bootstrap.
    n_null : int, default 200
        Null-model samples, for every metric that takes them; 0 runs no null model.
    n_boot : int, default 200
        Bootstrap samples over threads for the confidence intervals, for every metric that
        takes them; 0 computes no interval.
    null : str or None, default "auto"
        Null model for the side-based measures whose null model is off by default: "auto"
        re-finds the sides on rewired graphs for found sides ("rewire-refit") and shuffles
        given labels (see :class:`~dynamics.report.collect.Settings`); None runs none.
    annotate : bool, default True
        Score toxicity, sentiment and stance first (cached); without it the escalation
        metrics and the cross-side hostility are skipped.
    sides_method : str, default "leiden"
        ``method`` of :func:`dynamics.polarization.sides` (Leiden communities of the user reply
        graph, seeded).
    n_sides : int, default 2
        Keep the ``n_sides`` largest communities as sides.
    n_jobs : int, default 1
        Worker processes for the null samples that re-find the sides (-1: every core); the
        results do not depend on it.
    signal_draws : int, default 0
        For every measure that reads the text signals, also its value on this many label
        sets drawn from the scores (:func:`dynamics.uncertainty.signal_uncertainty`), shown
        beside its value in the report and ``results.json``; 0 draws none. A Discussion only
        (not a SparkDataset).
    signal_calibration : str, Path or None, default None
        With ``signal_draws``, map the scores through a calibration before drawing:
        ``"toxichat"`` (:func:`~dynamics.text.calibration.toxichat_calibration`) or the path
        of a CSV of labelled comments of this input (``comment_id``, ``toxic`` and/or
        ``stance``; :meth:`~dynamics.text.calibration.Calibration.from_labels`).
    thresholds : sequence of float, default ()
        For every measure that calls a comment toxic when its signal passes a threshold (the
        escalation measures), also its value at each of these thresholds
        (:func:`dynamics.uncertainty.threshold_sensitivity`), with the share of comments each
        flags, shown beside its value in the report and ``results.json``. A Discussion only
        (not a SparkDataset).
    side_seeds : int, default 5
        Find the sides with this many seeds (``seed``, ``seed + 1``, ...) and give every
        side-based measure's value on each, beside its value and interval: the thread
        bootstrap holds the sides fixed, so its interval leaves out how much the side search
        moves the value (on r/CollegeRant the cross-side hostility went from 0.69 to 1.68
        over eight seeds). 0 or 1 finds them once.
    read_options : Mapping, optional
        How the input was read (format, reader options), recorded in ``results.json``.
    source : str or Path, optional
        The file the Discussion was read from, when it is not the one its ingest report
        names (a part saved with :meth:`Discussion.save`, a Parquet copy): ``results.json``
        then identifies this file under ``input`` and the original under
        ``input["original"]`` (name and SHA-256), with the part's ``selection``.
    overwrite : bool, default False
        Write into a folder that already holds a report (its ``tables/*.csv`` are replaced).
    progress : bool or None, default None
        Show a progress display on standard error (None: when it is a terminal).

    Returns
    -------
    Path
        The path of ``report.html``.

    Raises
    ------
    FileExistsError
        When ``out_dir`` already holds a report and ``overwrite`` is False.
    NotADirectoryError
        When ``out_dir`` is a file.
    EmptyInputError
        When the Discussion holds no comments (e.g. an empty time window).
    ValueError
        For a bad parameter.

    Examples
    --------
    >>> d = dyn.load("thread.txt", infer_replies="adjacent")          # doctest: +SKIP
    >>> dyn.report.analyze(d, "out", seed=0)                          # doctest: +SKIP
    PosixPath('out/report.html')
    """
    settings = Settings(
        seed=seed,
        n_null=n_null,
        n_boot=n_boot,
        null=null,
        annotate=annotate,
        sides_method=sides_method,
        n_sides=n_sides,
        n_jobs=n_jobs,
        signal_draws=signal_draws,
        signal_calibration=signal_calibration,
        thresholds=thresholds,
        side_seeds=side_seeds,
    )
    if signal_draws and not isinstance(discussion, Discussion):
        msg = (
            "analyze: signal_draws needs an in-memory Discussion; pull the part to study "
            "with to_discussion() (or run the Spark report without draws)"
        )
        raise ValueError(msg)
    if settings.thresholds and not isinstance(discussion, Discussion):
        msg = (
            "analyze: thresholds needs an in-memory Discussion; pull the part to study "
            "with to_discussion() (or run the Spark report without them)"
        )
        raise ValueError(msg)
    if isinstance(discussion, Discussion) and len(discussion) == 0:
        source, selection = discussion.report.path or "the input", discussion.report.selection
        what = f"the part of {source} selected by {selection}" if selection else source
        msg = f"analyze: {what} holds no comments; there is nothing to report"
        raise EmptyInputError(msg)
    out = check_out_dir(out_dir, overwrite=overwrite)
    with _progress(n_steps(settings) + 1, enabled=progress) as step:
        if isinstance(discussion, Discussion):
            collected = collect(discussion, settings, on_step=step)
        else:
            from dynamics.report import on_spark

            collected = on_spark.collect(discussion, settings, on_step=step)
        step("writing report")
        # only now touch the folder: a run that fails leaves an earlier report whole
        out.mkdir(parents=True, exist_ok=True)
        tables_dir = out / _TABLES
        if tables_dir.is_dir():
            for old in sorted(tables_dir.glob("*.csv")):
                old.unlink()
        tables_dir.mkdir(exist_ok=True)
        paths = write_tables(collected, out)
        results = results_dict(collected, paths, read_options=read_options, source=source)
        (out / "results.json").write_text(
            json.dumps(results, indent=2, allow_nan=False, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        from dynamics.report.html import render

        page = out / "report.html"
        page.write_text(render(collected, results, paths), encoding="utf-8")
    return page


# ---------------------------------------------------------------------- tables
def table_name(family: str, metric: str, table: str, n_tables: int) -> str:
    """File name of a detail table: ``<family>_<metric>[_<table>].csv``.

    >>> table_name("escalation", "episodes", "episodes", 1)
    'escalation_episodes.csv'
    >>> table_name("echo_chambers", "neighbour_leaning", "density", 2)
    'echo_chambers_neighbour_leaning_density.csv'
    """
    stem = f"{family}_{metric}" if n_tables == 1 else f"{family}_{metric}_{table}"
    return "".join(c if c.isalnum() or c in "_-." else "_" for c in stem) + ".csv"


def write_tables(collected: Collected, out: Path) -> dict[str, dict[str, str]]:
    """Write every CSV table; return ``{metric key: {table name: relative path}}``.

    The special keys ``"summary"``, ``"sides"`` and ``"ingest_report"`` hold the report's own
    tables.
    """
    paths: dict[str, dict[str, str]] = {}
    folder = out / _TABLES

    def write(frame: pl.DataFrame, name: str) -> str:
        _csv_ready(frame).write_csv(folder / name)
        return f"{_TABLES}/{name}"

    paths["summary"] = {"summary": write(summary_frame(collected), "summary.csv")}
    sides = collected.sides.labels
    if sides is not None:
        to_frame = getattr(sides, "to_frame", None)
        frame = (
            to_frame(backend="polars")
            if to_frame is not None
            else pl.DataFrame(
                {"author": [str(a) for a in sides], "side": [str(s) for s in sides.values()]}
            )
        )
        paths["sides"] = {"sides": write(frame, "sides.csv")}
    problems = collected.facts.report.to_frame(backend="polars")
    paths["ingest_report"] = {"ingest_report": write(problems, "ingest_report.csv")}
    for run in collected.runs:
        if run.result is None:
            continue
        tables = dict(run.result.tables)
        for name, frame in tables.items():
            file = table_name(run.spec.family, run.spec.name, name, len(tables))
            paths.setdefault(run.spec.key, {})[name] = write(frame, file)
    return paths


def summary_frame(collected: Collected) -> pl.DataFrame:
    """One row per metric: family, metric, status, value, ci_low, ci_high, z, p_value,
    p_direction, null, n_null, null_mean, excess, side_seeds_low, side_seeds_high, reason,
    warnings.

    ``p_direction`` says which tail the one-sided p-value counts (:attr:`MetricRun.p_direction`);
    ``null`` and ``n_null`` name the null model and its samples (the smallest p-value is
    1 / (n_null + 1)); ``side_seeds_low`` and ``side_seeds_high`` the range of a side-based
    measure over the side-search seeds (``Settings.side_seeds``); ``reason`` holds the result's notes and the report's on how the metric
    ran; ``warnings`` the result's warnings, joined by ``"; "``."""
    rows = []
    for run in collected.runs:
        r = run.result
        tested = has_p(r)
        rows.append(
            {
                "family": run.spec.family,
                "metric": run.spec.name,
                "status": run.status,
                "value": None if r is None else jsonable(r.value),
                "ci_low": None if r is None or r.ci is None else jsonable(r.ci[0]),
                "ci_high": None if r is None or r.ci is None else jsonable(r.ci[1]),
                "z": None if r is None else jsonable(r.z),
                "p_value": None if r is None else jsonable(r.p_value),
                "p_direction": run.p_direction if tested else None,
                "null": r.params.get("null") if tested else None,
                "n_null": r.params.get("n_null") if tested else None,
                "null_mean": None if r is None else jsonable(r.null_mean),
                "excess": None if r is None else jsonable(r.excess),
                "side_seeds_low": None if run.side_seeds is None else jsonable(run.side_seeds.low),
                "side_seeds_high": (
                    None if run.side_seeds is None else jsonable(run.side_seeds.high)
                ),
                "reason": "; ".join(run.notes) or None,
                "warnings": None if r is None else "; ".join(r.warnings),
            }
        )
    schema = {
        "family": pl.String,
        "metric": pl.String,
        "status": pl.String,
        "value": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "z": pl.Float64,
        "p_value": pl.Float64,
        "p_direction": pl.String,
        "null": pl.String,
        "n_null": pl.Int64,
        "null_mean": pl.Float64,
        "excess": pl.Float64,
        "side_seeds_low": pl.Float64,
        "side_seeds_high": pl.Float64,
        "reason": pl.String,
        "warnings": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested and object columns as text, durations as seconds, so ``write_csv`` takes it."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array):
            exprs.append(
                pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name)
                if dtype.inner is not None and not dtype.inner.is_nested()
                else pl.col(name).map_elements(str, return_dtype=pl.String).alias(name)
            )
        elif isinstance(dtype, pl.Struct):
            exprs.append(pl.col(name).struct.json_encode().alias(name))
        elif isinstance(dtype, pl.Duration):
            exprs.append(pl.col(name).dt.total_microseconds().truediv(1e6).alias(name))
        elif dtype == pl.Object:
            exprs.append(pl.col(name).map_elements(str, return_dtype=pl.String).alias(name))
    return frame.with_columns(exprs) if exprs else frame


# ---------------------------------------------------------------------- results.json
def _signal_entry(run: MetricRun) -> dict[str, Any] | None:
    """The measure over drawn label sets, for ``results.json`` (None when not drawn); its
    arguments are the metric's own, recorded beside it."""
    if run.signal is None:
        return None
    entry = run.signal.to_dict()
    kept = ("n_draws", "seed", "level", "calibration")
    entry["params"] = {k: entry["params"][k] for k in kept if k in entry["params"]}
    return entry


def _threshold_entry(run: MetricRun) -> dict[str, Any] | None:
    """The measure at each threshold, for ``results.json`` (None when not swept); its
    arguments are the metric's own, recorded beside it."""
    if run.thresholds is None:
        return None
    entry = run.thresholds.to_dict()
    entry["params"] = {"seed": entry["params"].get("seed")}
    return entry


def results_dict(
    collected: Collected,
    paths: Mapping[str, Mapping[str, str]],
    *,
    read_options: Mapping[str, Any] | None = None,
    source: str | Path | None = None,
) -> dict[str, Any]:
    """The content of ``results.json`` (plain Python, deterministic for a given seed)."""
    from dynamics._version import __version__

    report = collected.facts.report
    families: dict[str, Any] = {}
    for family in FAMILIES:
        runs = collected.by_family(family)
        statuses = [r.status for r in runs]
        families[family] = {
            "status": (
                "ok"
                if all(s == "ok" for s in statuses)
                else "skipped"
                if not any(s == "ok" for s in statuses)
                else "partial"
            ),
            "n_ok": statuses.count("ok"),
            "n_undefined": sum(1 for r in runs if r.undefined),
            "n_skipped": statuses.count("skipped"),
            "n_failed": statuses.count("failed"),
        }
    metrics = [
        {
            "family": run.spec.family,
            "metric": run.spec.name,
            "status": run.status,
            "reason": run.reason,
            "arguments": jsonable(dict(run.kwargs)),
            "result": None if run.result is None else run.result.to_dict(),
            "p_direction": run.p_direction if has_p(run.result) else None,
            "signal_uncertainty": _signal_entry(run),
            "threshold_sensitivity": _threshold_entry(run),
            "side_seeds": None if run.side_seeds is None else run.side_seeds.to_dict(),
            "tables": dict(paths.get(run.spec.key, {})),
        }
        for run in collected.runs
    ]
    # the Sides mapping itself is passed to the metrics; record its summary, not every user
    for m in metrics:
        if "sides" in m["arguments"]:
            m["arguments"]["sides"] = "the sides above (tables/sides.csv)"
    return {
        "dynamics_version": __version__,
        "environment": environment(),
        "input": _input_entry(report, source, read_options),
        # the file name only: an absolute path would publish the user's directories
        "ingest_report": {
            **report.to_dict(),
            "path": Path(report.path).name if report.path else None,
        },
        "parameters": collected.settings.to_dict(),
        "text_signals": collected.annotation,
        "sides": collected.sides.to_dict(),
        "families": families,
        "metrics": metrics,
        "tables": {
            k: dict(v) for k, v in paths.items() if k in ("summary", "sides", "ingest_report")
        },
    }


def environment() -> dict[str, str | None]:
    """Python and library versions, and ``dynamics_source``: a hash of this package's code.

    The version number stays the same between releases; the hash changes with any edit of
    the package's Python files (an unreleased checkout, a local change), so a
    ``results.json`` names the code that wrote it.
    """
    versions: dict[str, str | None] = {
        "python": platform.python_version(),
        "dynamics_source": source_hash(),
    }
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def source_hash(package: Path | None = None) -> str:
    """The first 16 hex digits of the SHA-256 of the package's Python files (their paths
    relative to the package and their bytes, in path order); ``package``: another package's
    folder (the dashboard's, say) instead of this one's.

    >>> len(source_hash()), source_hash() == source_hash()
    (16, True)
    """
    root = package or Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _input_entry(
    report: Any, source: str | Path | None, read_options: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``results.json``'s ``input``: the file read, and the original input when that file is
    a saved part or copy of it (with the part's selection)."""
    read = str(source) if source is not None else report.path
    out = input_identity(read, read_options)
    if report.path is not None and read is not None and Path(read) != Path(report.path):
        original = input_identity(report.path, None)
        out["original"] = {"name": original["name"], "sha256": original["sha256"]}
    if report.selection:
        out["selection"] = report.selection
    return out


def input_identity(path: str | None, read_options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Name and SHA-256 of the input (a folder hashes its files' relative paths and bytes)."""
    out: dict[str, Any] = {"name": None, "sha256": None}
    if path is not None:
        p = Path(path)
        out["name"] = p.name
        if p.is_file():
            out["sha256"] = _sha256([p], p.parent)
        elif p.is_dir():
            out["sha256"] = _sha256(sorted(f for f in p.rglob("*") if f.is_file()), p)
    out["read_options"] = jsonable(dict(read_options or {}))
    return out


def _sha256(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    many = len(files) != 1 or files[0].parent != root
    for f in files:
        if many:
            digest.update(f.relative_to(root).as_posix().encode() + b"\0")
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------- progress
@contextmanager
def _progress(total: int, *, enabled: bool | None) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on standard error; yields ``step(description)``."""
    show = enabled if enabled is not None else sys.stderr.isatty()
    if not show:
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]analyze[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        started = False

        def step(description: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=description)

        yield step
        bar.update(task, completed=total)
