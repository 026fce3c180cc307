"""The report's measures on Spark, from distributed pieces (``analyze --engine spark --distributed``).

:func:`collect` gives the :class:`~dynamics.report.collect.Collected` that
:func:`dynamics.report.analyze` writes, without pulling the texts to the driver:

- the texts are scored on the executors (:meth:`~dynamics.spark.SparkDataset.annotate`);
- the user reply graph (with its scored edge attributes) comes to the driver, where the sides,
  reciprocity and every polarization and echo-chamber measure run unchanged, null models
  included (they rewire or relabel the graph);
- the per-thread structure measures and the escalation measures run as grouped maps over
  thread buckets (:mod:`dynamics.spark`) and come back as per-thread tables, episodes and
  per-author counts, with the in-memory thread bootstraps.

Driver memory then grows with the user graph and the number of threads, not with the
comments, except in the thread bootstraps (``n_boot`` > 0): of the graph measures (below),
reply heat and participation inequality (see :func:`dynamics.spark.reply_heat` and
:func:`dynamics.spark.participation_inequality`).
What is done differently is said in each run's note, and the results otherwise
equal the in-memory report's (tests compare them):

- the thread bootstrap of the graph measures rebuilds the user graph from the replies of
  resampled threads: with ``n_boot`` > 0 the comments come to the driver without their text
  (and without the columns the graph does not read), and the graph measures run on them as in
  memory; above :data:`GRAPH_BOOTSTRAP_COMMENTS` comments they do not, and carry no interval;
- the tables with a row per exchange (``dyadic_exchanges``) or per reply
  (``response_times``) stay on Spark; their values and other tables are computed.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._kernel import Measure, measures
from dynamics._validation import as_igraph
from dynamics.report.collect import (
    Collected,
    InputFacts,
    MetricRun,
    Settings,
    SidesRun,
    _find_sides,
    _skip_reason,
    arguments,
    null_note,
    recorded,
    run_all,
    scored_annotation,
    with_side_seeds,
)

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion
    from dynamics.spark.dataset import SparkDataset

__all__ = ["LEFT_ON_SPARK", "collect"]

logger = logging.getLogger(__name__)

#: Measures whose big tables stay on Spark, with the note their run gives.
LEFT_ON_SPARK: dict[str, str] = {
    "structure.dyadic_exchanges": "the exchanges table (one row per exchange) is not brought "
    "to the driver",
    "structure.response_times": "the replies table (one row per timed reply) is not brought "
    "to the driver",
}
#: Above this many comments the graph measures' thread bootstrap is not run: it needs the
#: comments (without text) on the driver, and its sample graphs and what measures prepare on
#: them make the driver's peak that of the in-memory report (at 1M comments 3.7 GB against
#: 2.1 GB without it, README "At archive scale").
GRAPH_BOOTSTRAP_COMMENTS = 1_000_000
#: The columns beyond the contract that the user graph's edges aggregate.
_GRAPH_COLUMNS = ("toxicity", "stance", "p_agree", "p_disagree")
#: Measures on the user graph with a thread bootstrap (it rebuilds the graph per sample).
_GRAPH_BOOTSTRAP = frozenset(
    spec.key for spec in measures() if "discussion" not in spec.needs and "n_boot" in spec.takes
)
_NO_GRAPH_INTERVAL = (
    f"no interval: the dataset holds more than {GRAPH_BOOTSTRAP_COMMENTS:,} comments, so the "
    "thread bootstrap of graph measures (it rebuilds the user graph from the replies of "
    "resampled threads, brought to the driver) did not run; pull a subset with "
    "to_discussion() for intervals"
)


def collect(
    ds: SparkDataset,
    settings: Settings | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> Collected:
    """Score the texts, find the sides and run every registered measure, on Spark.

    Parameters
    ----------
    ds : SparkDataset
        The dataset (:func:`dynamics.spark.open`).
    settings : Settings, optional
        Report-wide settings (default ``Settings()``).
    on_step : callable, optional
        Called with a short description before each step (for a progress display).

    Returns
    -------
    Collected
        With ``discussion`` None; each run as :func:`dynamics.report.collect.collect` gives
        it, except the measures and parts listed in the module docstring.

    Examples
    --------
    >>> from dynamics import spark as dsp                                # doctest: +SKIP
    >>> c = collect(dsp.open("askreddit_ds"), Settings(n_null=50))       # doctest: +SKIP
    >>> dyn.report.analyze(dsp.open("askreddit_ds"), "report")          # doctest: +SKIP
    """
    settings = settings or Settings()
    step = on_step or (lambda _: None)
    annotation: dict[str, Any] = {"scorers": [], "status": "off"}
    if settings.annotate:
        step("scoring texts on the executors")
        annotation = scored_annotation(ds.comments.columns)
        ds = ds.annotate(annotation["scorers"])
    replies = None
    if settings.n_boot and ds.report.n_comments <= GRAPH_BOOTSTRAP_COMMENTS:
        step("bringing the replies (without text) to the driver for the graph bootstrap")
        extra = [c for c in _GRAPH_COLUMNS if c in ds.comments.columns]
        replies = ds.to_discussion(text=False, columns=extra, max_comments=GRAPH_BOOTSTRAP_COMMENTS)
    step("finding sides")
    if replies is None:
        graph = ds.user_graph("igraph")
    else:  # the same graph (tested), built once for the sides and every graph measure
        graph = as_igraph(replies, func="report", copy=False)
    sides = _find_sides(graph, settings)
    runs = run_all(settings, step, lambda spec: _run(spec, ds, graph, settings, sides, replies))
    if settings.side_seeds >= 2 and sides.labels is not None:
        step("finding the sides with other seeds")
        runs = with_side_seeds(runs, graph, settings, sides)
    facts = InputFacts(ds.report, graph.ecount(), _activity(ds), lambda ids: _texts(ds, ids))
    return Collected(None, settings, annotation, sides, runs, facts)


def _run(
    spec: Measure,
    ds: SparkDataset,
    graph: Any,
    settings: Settings,
    sides: SidesRun,
    replies: Discussion | None,
) -> MetricRun:
    """One measure on Spark (or on the collected graph), recorded as the in-memory report
    records it; a note says what part of the in-memory run is not distributed.

    ``replies`` (the comments without their text, or None above
    :data:`GRAPH_BOOTSTRAP_COMMENTS`) is what the graph measures with a thread bootstrap run
    on, as in memory."""
    skip = _skip_reason(spec, ds, sides)  # reads only ``comments.columns``
    if skip is not None:
        return MetricRun(spec, "skipped", reason=skip)
    kwargs = arguments(spec, settings, sides)
    kwargs.pop("progress", None)
    note = LEFT_ON_SPARK.get(spec.key) or null_note(spec, settings)
    if kwargs.get("n_boot") and spec.key in _GRAPH_BOOTSTRAP and replies is None:
        kwargs["n_boot"] = 0
        note = _NO_GRAPH_INTERVAL
    from dynamics import spark as dsp
    from dynamics.spark.per_thread import THREAD_MEASURES

    func: Callable[..., Any] = spec.func
    target: Any = graph  # a graph measure: its nulls run on the graph
    if spec.key in _GRAPH_BOOTSTRAP and replies is not None:
        target = replies  # its graph is `graph`; its threads are the bootstrap's units
    extra: dict[str, Any] = {}
    if spec.name in THREAD_MEASURES:
        func, target = partial(dsp.thread_stat, name=spec.name), ds
    elif spec.name in dsp.__all__:
        func, target = getattr(dsp, spec.name), ds
        takes = inspect.signature(func).parameters
        kwargs = {k: v for k, v in kwargs.items() if k in takes}
        extra = {"graph": graph} if "graph" in takes else {}
    return recorded(spec, lambda: func(target, **kwargs, **extra), kwargs, note, log=logger)


def _activity(ds: SparkDataset) -> tuple[str, pl.DataFrame] | None:
    """:func:`dynamics.report.figures.activity_counts`, counted on Spark."""
    from pyspark.sql import functions as F

    from dynamics.report.figures import activity_unit

    timed = ds.comments.filter(F.col("created_at").isNotNull())
    row = timed.agg(F.min("created_at").alias("a"), F.max("created_at").alias("b")).first()
    if row is None or row["a"] is None:
        return None
    _, unit = activity_unit(row["a"], row["b"])
    counts = (
        timed.groupBy(F.date_trunc(unit, "created_at").alias("t"))
        .agg(F.count(F.lit(1)).cast("long").alias("n"))
        .orderBy("t")
    )
    return unit, pl.from_arrow(counts.toArrow())


def _texts(ds: SparkDataset, ids: Sequence[str]) -> dict[str, str]:
    """The texts of the comments ``ids`` (the few the page shows), looked up on Spark."""
    from pyspark.sql import functions as F

    if not ids:
        return {}
    rows = ds.comments.filter(F.col("comment_id").isin(list(ids))).select(
        "comment_id", F.coalesce(F.col("text"), F.lit("")).alias("text")
    )
    return dict(pl.from_arrow(rows.toArrow()).iter_rows())
