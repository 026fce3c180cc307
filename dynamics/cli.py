"""The ``dynamics`` command line: ``info``, ``convert`` and ``formats``.

Errors in the input are printed as one line on standard error and the command exits with
status 1 (2 for a bad command line), never with a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import re
import sys
import warnings
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dynamics._words import counted
from dynamics.errors import DataQualityWarning, DynamicsError

__all__ = ["app", "cli_syntax"]

app = typer.Typer(
    name="dynamics",
    help="Read online discussions into reply graphs and measure them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# soft_wrap: rich wraps at 80 columns when the output is not a terminal, which would cut a
# written path or a file name in an error message in two; the terminal wraps long lines itself
_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

T = TypeVar("T")


class Target(StrEnum):
    """Output formats of ``convert``."""

    parquet = "parquet"
    convokit = "convokit"


class Engine(StrEnum):
    """Where ``analyze`` reads and aggregates: in memory, or on Apache Spark."""

    memory = "memory"
    spark = "spark"


class Orphans(StrEnum):
    """Orphan policies."""

    attach = "attach"
    drop = "drop"
    keep = "keep"


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Input format, or 'auto'.")]
InferOpt = Annotated[
    str | None,
    typer.Option(help="Plain-text scrapes: reply inference, 'none' or 'adjacent'."),
]
StrictOpt = Annotated[bool, typer.Option(help="Fail on the first data problem.")]
OrphansOpt = Annotated[
    Orphans, typer.Option(help="What to do with replies whose parent is missing.")
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(help="Column mapping for tables, e.g. 'comment_id=id,author=user'."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        help="Text encoding of CSV / TSV / JSON tables and plain-text scrapes, e.g. 'cp1252' "
        "(default UTF-8); formats that are UTF-8 by their specification (Reddit dumps, API "
        "JSON, XML exports) refuse any other."
    ),
]
SeparatorOpt = Annotated[
    str | None,
    typer.Option(help="Field separator of a CSV / TSV table, e.g. ';' (default: by extension)."),
]
MasterOpt = Annotated[
    str | None,
    typer.Option(help="Spark master: local[*], spark://host:7077, yarn (default: spark-submit's)."),
]
ProgressOpt = Annotated[
    bool | None, typer.Option("--progress/--no-progress", help="Progress bars.")
]

#: Placeholder default of a command's ``read`` parameter (see :func:`_reads_input`).
_READ: Any = None


def _fail(message: str) -> NoReturn:
    _err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code=1)


def _guarded(fn: Callable[[], T]) -> T:
    """Run ``fn``, turning input errors into one line on stderr and exit status 1."""
    try:
        return fn()
    except (DynamicsError, OSError) as exc:
        _fail(_readable(exc))
    except ValueError as exc:  # parameter errors, sklearn-style messages
        _fail(_readable(exc))
    raise AssertionError  # pragma: no cover - _fail always raises


def cli_syntax(message: str) -> str:
    """Say the library's option hints in the command line's own syntax.

    Examples
    --------
    >>> cli_syntax("has no id column; pass columns={'comment_id': ...}")
    'has no id column; pass --columns comment_id=COL'
    >>> cli_syntax("format not recognised; pass format= one of reddit, tabular")
    'format not recognised; pass --format one of reddit, tabular'
    >>> cli_syntax("The 'format' parameter of load must be one of ['auto', 'reddit']. Got 'x'")
    "--format must be one of ['auto', 'reddit']. Got 'x'"
    >>> cli_syntax("the reddit reader takes no option 'infer_replies'; its options are: none")
    'the reddit reader takes no option --infer-replies; its options are: none'
    """
    message = re.sub(
        r"The '(\w+)' parameter of load (must|needs)",
        lambda m: f"--{m[1].replace('_', '-')} {m[2]}",
        message,
    )
    message = re.sub(
        r"takes no option '(\w+)'", lambda m: f"takes no option --{m[1].replace('_', '-')}", message
    )
    message = re.sub(r"columns=\{'(\w+)': \.\.\.\}", r"--columns \1=COL", message)
    message = re.sub(r"encoding='([^']+)'", r"--encoding \1", message)
    message = re.sub(r"(?<![-\w])(columns|format|encoding|separator)= ?", r"--\1 ", message)
    return message.replace("strict=True", "--strict")


def _readable(exc: BaseException) -> str:
    """The error's message in the CLI's syntax, safe from rich markup (``[deleted]``)."""
    return escape(cli_syntax(str(exc)))


@dataclasses.dataclass(frozen=True)
class ReadOptions:
    """How a command reads its input: the options ``info``, ``convert`` and ``analyze`` share."""

    fmt: str = "auto"
    infer_replies: str | None = None
    strict: bool = False
    orphans: Orphans = Orphans.attach
    columns: str | None = None
    encoding: str | None = None
    separator: str | None = None

    def column_option(self) -> dict[str, Any]:
        """``{"columns": mapping}`` from ``--columns a=b,c=d``, or ``{}``."""
        if not self.columns:
            return {}
        try:
            return {"columns": dict(pair.split("=", 1) for pair in self.columns.split(","))}
        except ValueError:
            _fail(f"--columns must look like 'comment_id=id,author=user'; got {self.columns!r}")

    def reader_options(self) -> dict[str, Any]:
        """The reader's options: ``columns``, ``encoding``, ``separator``, ``infer_replies``
        where given."""
        options = self.column_option()
        given = {
            "encoding": self.encoding,
            "separator": self.separator,
            "infer_replies": self.infer_replies,
        }
        return options | {k: v for k, v in given.items() if v is not None}

    def load(self, path: Path, progress: bool | None):  # -> Discussion
        """``dynamics.load(path, ...)`` with these options; input errors exit with one line."""
        import dynamics as dyn

        if path.is_dir() and (path / "ingest_report.json").is_file():
            _fail(
                f"{path} is a dataset written by `dynamics ingest`: analyze it with "
                "`dynamics analyze --engine spark`, or open it with dynamics.spark.open"
            )
        options = self.reader_options()
        with warnings.catch_warnings():
            # the command prints the report (info) or a note of its problems (the others)
            warnings.simplefilter("ignore", DataQualityWarning)
            return _guarded(
                lambda: dyn.load(
                    path,
                    self.fmt,
                    strict=self.strict,
                    orphans=self.orphans.value,
                    progress=progress if progress is not None else sys.stderr.isatty(),
                    **options,
                )
            )


def _note_problems(report: Any, file: Path, posts: Any = None) -> None:
    """Say on stderr what reading ``file`` changed or dropped, so that ``convert`` and
    ``analyze`` never pass over a data problem in silence (``info`` prints the full report).

    Only the problems that change or drop data are named; facts about the input such as
    inferred replies and comments without an author are left to ``dynamics info``.
    """
    from dynamics._problems import ProblemLog

    named = [
        f"{n:,} {kind} ({cli_syntax(report.policy(kind))})"
        for kind, n in report.counts.items()
        if n and kind not in ProblemLog.informational
    ]
    if not named:
        return
    doubt = report.format_doubt()
    n_posts = 0 if posts is None else posts.height
    read_as = f" ({counted(n_posts, 'post')} of the threads)" if n_posts else ""
    # a saved part: its input's counts are the whole input's, not losses of this file
    part = (
        f" (a part of it: {report.selection}; the problems are the whole input's)"
        if report.selection
        else ""
    )
    _err.print(
        escape(
            f"note: {file.name}: {report.n_records:,} records read{read_as}, "
            f"{counted(report.n_comments, 'comment')} kept{part}; "
            + "; ".join(named)
            + f". `dynamics info {file}` lists them with examples."
            + (f" {cli_syntax(doubt[0].upper() + doubt[1:])}." if doubt else "")
        ),
        soft_wrap=True,
    )


#: The command-line option of each field of :class:`ReadOptions`.
_READ_OPTIONS = {
    "fmt": FormatOpt,
    "infer_replies": InferOpt,
    "strict": StrictOpt,
    "orphans": OrphansOpt,
    "columns": ColumnsOpt,
    "encoding": EncodingOpt,
    "separator": SeparatorOpt,
}

#: The command-line form of :class:`ReadOptions`: its fields, in order, with their defaults.
_READ_PARAMETERS = [
    inspect.Parameter(
        f.name, inspect.Parameter.KEYWORD_ONLY, annotation=_READ_OPTIONS[f.name], default=f.default
    )
    for f in dataclasses.fields(ReadOptions)
]


def _reads_input(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the read options in place of its parameter ``read`` (a ReadOptions).

    Typer reads the wrapper's signature, in which ``read`` is replaced by the options of
    :class:`ReadOptions` (``--format``, ``--infer-replies``, ``--strict``, ``--orphans``,
    ``--columns``, ``--encoding``, ``--separator``); the wrapper gathers them into one
    ``ReadOptions``.
    """
    signature = inspect.signature(command, eval_str=True)
    params = list(signature.parameters.values())
    at = [p.name for p in params].index("read")
    params[at : at + 1] = _READ_PARAMETERS
    names = [p.name for p in _READ_PARAMETERS]

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        read = ReadOptions(**{name: kwargs.pop(name) for name in names})
        return command(read=read, **kwargs)

    keyword = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params]
    run.__signature__ = signature.replace(parameters=keyword)  # type: ignore[attr-defined]
    return run


@app.command()
@_reads_input
def info(
    file: Annotated[Path, typer.Argument(help="File or ConvoKit directory to read.")],
    read: ReadOptions = _READ,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    progress: ProgressOpt = None,
) -> None:
    """Print what was read: format, comments, threads, authors, time span, data problems."""
    d = read.load(file, progress)
    report = d.report
    graph = d.user_edges()
    if as_json:
        sizes = {"user_graph": {"edges": graph.height, "replies": int(graph["count"].sum())}}
        _out.print_json(json.dumps(report.to_dict() | sizes))
        return
    start, end = report.start, report.end
    span = (
        f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC" if start and end else "no timestamps"
    )
    graph_size = (
        f"{graph.height:,} directed edges (u replied to v), {int(graph['count'].sum()):,} replies"
    )
    summary = Table(show_header=False, box=None, pad_edge=False)
    for label, value in [
        ("file", str(file)),
        ("format", report.format),
        ("records read", f"{report.n_records:,}"),
        *([("posts", f"{d.posts.height:,}")] if d.posts is not None else []),
        ("comments", f"{report.n_comments:,}"),
        ("threads", f"{report.n_threads:,}"),
        ("authors", f"{report.n_authors:,}"),
        ("time span", span),
        *([("part of the input", escape(report.selection))] if report.selection else []),
        ("user graph", graph_size),
    ]:
        summary.add_row(f"[bold]{label}[/]", value)
    _out.print(summary)
    problems = report.to_frame()
    if problems.empty:
        _out.print("no data problems found")
        return
    table = Table(title="data problems (IngestReport)", title_justify="left")
    for col in ("problem", "count", "policy", "samples"):
        table.add_column(col, overflow="fold")
    for row in problems.itertuples(index=False):
        table.add_row(
            row.problem,
            f"{row.count:,}",
            escape(cli_syntax(row.policy)),
            escape(", ".join(row.samples.split(", ")[:3])),
        )
    _out.print(table)
    doubt = report.format_doubt()
    if doubt:
        _out.print(f"[bold]note:[/] {escape(cli_syntax(doubt))}", soft_wrap=True)


@app.command()
@_reads_input
def convert(
    file: Annotated[Path, typer.Argument(help="File or ConvoKit directory to read.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write.")],
    to: Annotated[Target, typer.Option("--to", help="Output format.")] = Target.parquet,
    read: ReadOptions = _READ,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output.")] = False,
    progress: ProgressOpt = None,
) -> None:
    """Convert a discussion to Parquet (reopens instantly) or to a ConvoKit corpus directory."""
    if output.exists() and not overwrite:
        _fail(f"{output} exists; pass --overwrite to replace it")
    d = read.load(file, progress)
    _note_problems(d.report, file, d.posts)
    if to is Target.parquet:
        written = _guarded(lambda: d.save(output))
    else:
        from dynamics.io.convokit import write_corpus

        written = _guarded(lambda: write_corpus(d, output, overwrite=overwrite))
    _out.print(f"wrote {counted(len(d), 'comment')} to {written} ({to.value})")


@app.command()
@_reads_input
def analyze(
    file: Annotated[Path, typer.Argument(help="File or ConvoKit directory to read.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for report.html, results.json, tables/.")
    ],
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of the sides, null models, bootstraps.")
    ] = 0,
    read: ReadOptions = _READ,
    annotate: Annotated[
        bool, typer.Option(help="Score toxicity, sentiment, stance (needed for escalation).")
    ] = True,
    n_null: Annotated[
        int, typer.Option(min=0, help="Null-model samples per metric (0: no null model).")
    ] = 200,
    n_boot: Annotated[int, typer.Option(help="Bootstrap samples per metric (0: no CIs).")] = 200,
    n_jobs: Annotated[
        int | None,
        typer.Option(
            help="Worker processes drawing the null samples (-1: all cores). Default: 1 below "
            "5,000 comments, else the cores available, at most 4. Same results for any value.",
            show_default=False,
        ),
    ] = None,
    signal_draws: Annotated[
        int,
        typer.Option(
            help="Also compute every measure that reads the text signals on this many label "
            "sets drawn from the scores (how far the value moves when stance and toxicity are "
            "uncertain; 0: none). Not with --distributed: the draws need the comments "
            "in memory."
        ),
    ] = 0,
    signal_calibration: Annotated[
        str | None,
        typer.Option(
            help="With --signal-draws: calibrate the scores before drawing. 'toxichat' (the "
            "shipped calibration, ToxiChat's definitions) or a CSV of your labelled comments "
            "of FILE (comment_id, toxic and/or stance; a random sample), Platt-scaled.",
            show_default=False,
        ),
    ] = None,
    thresholds: Annotated[
        str | None,
        typer.Option(
            help="Also compute every escalation measure at these toxicity thresholds, "
            "comma-separated (e.g. 0.3,0.4,0.5,0.6,0.7), with the share of comments each "
            "flags: does a finding rest on where the line is drawn? Not with --distributed.",
            show_default=False,
        ),
    ] = None,
    side_seeds: Annotated[
        int,
        typer.Option(
            help="Find the sides with this many seeds (--seed, --seed + 1, ...) and give every "
            "side-based measure's value on each beside its interval, which holds the sides "
            "fixed. 0 or 1: once."
        ),
    ] = 5,
    overwrite: Annotated[bool, typer.Option(help="Replace a report in the folder.")] = False,
    progress: ProgressOpt = None,
    engine: Annotated[
        Engine, typer.Option(help="'spark': FILE is a dataset from `dynamics ingest` (or input).")
    ] = Engine.memory,
    master: MasterOpt = None,
    distributed: Annotated[
        bool,
        typer.Option(
            help="With --engine spark: compute the metrics on Spark from distributed pieces "
            "instead of pulling the dataset to the driver (the graph measures' bootstrap "
            "brings the comments without text, up to 1M; the report says what stays on Spark)."
        ),
    ] = False,
) -> None:
    """Run every metric and write report.html, results.json and CSV tables to a folder."""
    from dynamics.report import Settings, check_out_dir
    from dynamics.report import analyze as write_report

    if distributed and engine is not Engine.spark:
        _fail("--distributed needs --engine spark")
    if distributed and signal_draws:
        _fail("--signal-draws needs the comments in memory: drop --distributed (or the draws)")
    if signal_calibration is not None and not signal_draws:
        _fail("--signal-calibration calibrates the label draws: give --signal-draws N too")
    if signal_calibration not in (None, "toxichat") and not Path(signal_calibration).is_file():
        _fail(f"--signal-calibration: no file {signal_calibration} (or give 'toxichat')")
    swept = _thresholds(thresholds)
    if distributed and swept:
        _fail("--thresholds needs the comments in memory: drop --distributed (or the thresholds)")
    # the parameters and the output folder, checked before a read that may take minutes
    _guarded(
        lambda: Settings(
            seed=seed,
            n_null=n_null,
            n_boot=n_boot,
            n_jobs=1 if n_jobs is None else n_jobs,
            signal_draws=signal_draws,
            thresholds=swept,
            side_seeds=side_seeds,
        )
    )
    _guarded(lambda: check_out_dir(output, overwrite=overwrite))
    if engine is Engine.spark:
        d = _spark_input(file, output, read, master=master, overwrite=overwrite)
        _note_problems(d.report, file)
        n_comments = d.report.n_comments
        if not distributed:
            d = _guarded(d.to_discussion)
    else:
        d = read.load(file, progress)
        _note_problems(d.report, file, d.posts)
        n_comments = len(d)
    if n_jobs is None:
        from dynamics.report.collect import default_jobs

        n_jobs = default_jobs(n_comments)
    read_options = {
        "format": read.fmt,
        "infer_replies": read.infer_replies,
        "orphans": read.orphans.value,
    }
    if engine is Engine.spark:
        read_options["engine"] = "spark"
        if distributed:
            read_options["distributed"] = True
    read_options |= {
        "strict": read.strict,
        "columns": read.columns,
        "encoding": read.encoding,
        "separator": read.separator,
    }
    page = _guarded(
        lambda: write_report(
            d,
            output,
            seed=seed,
            n_null=n_null,
            n_boot=n_boot,
            n_jobs=n_jobs,
            annotate=annotate,
            signal_draws=signal_draws,
            signal_calibration=signal_calibration,
            thresholds=swept,
            side_seeds=side_seeds,
            read_options=read_options,
            # a saved part or copy read in memory; a Spark input is named by its report
            source=None if engine is Engine.spark else file,
            overwrite=overwrite,
            progress=progress if progress is not None else sys.stderr.isatty(),
        )
    )
    _out.print(f"wrote {page}, {page.parent / 'results.json'} and {page.parent / 'tables'}/")


def _thresholds(text: str | None) -> tuple[float, ...]:
    """The numbers of ``--thresholds`` (comma-separated); a one-line error for anything else.

    >>> _thresholds("0.3, 0.5,0.7")
    (0.3, 0.5, 0.7)
    """
    if text is None:
        return ()
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values or not all(math.isfinite(v) for v in values):
        _fail(
            f"--thresholds: give comma-separated numbers such as 0.3,0.5,0.7, not {escape(repr(text))}"
        )
    outside = [v for v in values if not 0 <= v <= 1]
    if outside:  # the report's signal is the toxicity probability
        shown = ", ".join(f"{v:g}" for v in outside)
        _fail(f"--thresholds: toxicity lies in [0, 1], so {shown} flags every comment or none")
    return values


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Dumps (RC_*.zst, .gz, plain), tables, or folders of them.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Dataset folder to create.")],
    engine: Annotated[
        Engine, typer.Option(help="Only 'spark': `dynamics convert` is the in-memory path.")
    ] = Engine.spark,
    master: MasterOpt = None,
    fmt: FormatOpt = "auto",
    strict: StrictOpt = False,
    orphans: OrphansOpt = Orphans.attach,
    columns: ColumnsOpt = None,
    encoding: EncodingOpt = None,
    separator: SeparatorOpt = None,
    buckets: Annotated[
        int | None, typer.Option(help="Thread-hash partitions (default: one per 1M comments).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing dataset.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Read archive dumps with Apache Spark into a checked, partitioned Parquet dataset."""
    if engine is not Engine.spark:
        _fail("ingest runs on Spark (--engine spark); use `dynamics convert` in memory")
    from dynamics import spark as dsp

    options = ReadOptions(columns=columns, encoding=encoding, separator=separator).reader_options()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        report = _guarded(
            lambda: dsp.ingest(
                list(paths),
                output,
                spark=dsp.get_session(master),
                format=fmt,
                strict=strict,
                orphans=orphans.value,
                buckets=buckets,
                overwrite=overwrite,
                **options,
            )
        )
    _out.print(json.dumps(report.to_dict(), indent=2) if as_json else report.summary())
    _out.print(f"wrote {output}/ (open it with dynamics.spark.open)")


def _spark_input(
    file: Path, output: Path, read: ReadOptions, *, master: str | None, overwrite: bool
):  # -> SparkDataset
    """The dataset at FILE, ingested first (into OUTPUT/dataset) when FILE is an input."""
    from dynamics import spark as dsp

    spark = _guarded(lambda: dsp.get_session(master))
    dataset = file
    if not (file / "ingest_report.json").is_file():
        dataset = output / "dataset"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            _guarded(
                lambda: dsp.ingest(
                    file,
                    dataset,
                    spark=spark,
                    format=read.fmt,
                    strict=read.strict,
                    orphans=read.orphans.value,
                    overwrite=overwrite,
                    **read.reader_options(),
                )
            )
    return _guarded(lambda: dsp.open(dataset, spark=spark))


@app.command()
def formats() -> None:
    """List the input formats, in the order auto-detection tries them."""
    import importlib

    from dynamics.io import READERS

    table = Table("format", "reads", box=None, header_style="bold")
    table.add_row("parquet_cache", "files written by `convert --to parquet` / Discussion.save")
    for name in READERS[1:]:
        doc = importlib.import_module(f"dynamics.io.{name}").__doc__ or ""
        table.add_row(name, doc.strip().splitlines()[0].replace("``", "`"))
    from dynamics.io._table_layouts import TABLE_LAYOUTS

    for layout, reads in TABLE_LAYOUTS:
        table.add_row(layout, reads)
    _out.print(table)


@app.command()
def dashboard(
    file: Annotated[
        Path | None,
        typer.Argument(help="File or ConvoKit directory (default: the bundled thread)."),
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    host: Annotated[
        str, typer.Option(help="Address to bind; the default serves this machine only.")
    ] = "127.0.0.1",
    data_dir: Annotated[
        list[Path] | None,
        typer.Option("--data-dir", help="Directory whose files the app may load by path (repeat)."),
    ] = None,
    infer_replies: Annotated[
        str, typer.Option(help="Plain-text scrapes: reply inference, 'adjacent' or 'none'.")
    ] = "adjacent",
    max_upload_mb: Annotated[float, typer.Option(help="Upload size limit in MB.")] = 50,
) -> None:
    """Open the Dash app on FILE and print its address."""
    serve = _app_entry_point("dashboard")
    _guarded(
        lambda: serve(
            file,
            host=host,
            port=port,
            data_dirs=data_dir or [],
            infer_replies=infer_replies,
            max_upload_mb=max_upload_mb,
        )
    )


def _app_entry_point(name: str) -> Callable[..., None]:
    """The app registered as ``name`` in the ``dynamics.apps`` entry-point group.

    The Dash app sits above the library; the CLI reaches it through the entry point that
    ``pyproject.toml`` declares (``dashboard = "dashboard.server:serve"``), never by importing
    it, so the library's layers only point down.
    """
    from importlib.metadata import entry_points

    found = entry_points(group="dynamics.apps", name=name)
    if not found:
        _fail(f"the {name} app is not installed: pip install -e . from the dynamics repository")
    try:
        return next(iter(found)).load()
    except ImportError as error:
        _fail(f"the {name} app could not be imported ({error}): pip install -e . installs Dash")


def main() -> None:  # pragma: no cover - console entry point
    app()
