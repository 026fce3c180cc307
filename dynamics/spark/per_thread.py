"""Per-thread measures as grouped maps over thread buckets, aggregated exactly on Spark.

Threads are the independent units, and ingest puts each thread, whole, in one
``thread_bucket``. Each bucket (its comments co-grouped with its posts) becomes an in-memory
:class:`~dynamics.Discussion` on an executor, where the in-memory measure of
:mod:`dynamics.structure` runs unchanged and returns its ``per_thread`` table. The summary is
then computed on Spark from the per-thread values themselves (mean = sum / count, exact median,
maximum), never as an average of per-bucket averages, so it equals the in-memory result.
A bucket must fit in an executor's memory (ingest's ``buckets`` sets their size: one per
million comments by default).
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._kernel import guard_settings
from dynamics.model.checks import IngestReport
from dynamics.structure.trees import SUMMARISED

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

    from dynamics.spark.dataset import SparkDataset

__all__ = [
    "THREAD_MEASURES",
    "contagion",
    "derailment",
    "dyadic_exchanges",
    "episodes",
    "instigators",
    "participation_inequality",
    "reciprocity",
    "reply_heat",
    "response_times",
    "thread_measure",
    "thread_stat",
    "toxicity_by_depth",
    "toxicity_by_thread_size",
    "toxicity_by_turn",
]

#: Per-thread measures of :mod:`dynamics.structure` that run as grouped maps, with the
#: ``per_thread`` column their summary is taken over.
THREAD_MEASURES: dict[str, str] = {name: column for name, (column, _) in SUMMARISED.items()}
_BOOKKEEPING = ("_file", "_row", "thread_bucket")
#: Escalation profiles whose buckets return per-thread sufficient statistics.
_PROFILES = ("toxicity_by_depth", "toxicity_by_turn", "toxicity_by_thread_size")


def _bucket_discussion(comments: pl.DataFrame, posts: pl.DataFrame | None) -> Any:
    from dynamics.model.discussion import Discussion

    comments = comments.sort("_file", "_row").drop(
        [c for c in _BOOKKEEPING if c in comments.columns]
    )
    if posts is not None:
        posts = posts.sort("_file", "_row").drop([c for c in _BOOKKEEPING if c in posts.columns])
    report = IngestReport(
        path=None,
        format="spark",
        n_records=comments.height,
        n_comments=comments.height,
        n_threads=0,
        n_authors=0,
    )
    return Discussion(comments, report, posts, holds_parents=True)  # whole threads


def run_measure(
    name: str,
    comments: pl.DataFrame,
    posts: pl.DataFrame | None,
    options: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """The per-thread table of measure ``name`` on one bucket (runs on an executor)."""
    d = _bucket_discussion(comments, posts)
    rows = _BUCKET_ROWS.get(name)
    if rows is not None:
        return rows(d, dict(options or {}))
    from dynamics import structure

    return getattr(structure, name)(d).table("per_thread", backend="polars")


# ------------------------------------------------------------------ what each bucket returns


def _contagion_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.escalation._signal import signal_values
    from dynamics.escalation.contagion import ContagionCounts, _prepare

    y = signal_values(d.comments, o["signal"], "contagion").to_numpy(allow_copy=True)
    return ContagionCounts.of(_prepare(d.comments, y.astype(float), o["threshold"])).to_table()


def _contagion_null_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    """One row: the bucket's null counts ``a``, ``t`` and ``b`` of every sample, its threads
    permuted at their places in the whole input (column ``_place``)."""
    from dynamics.escalation._signal import signal_values
    from dynamics.escalation.contagion import _prepare, null_counts

    y = signal_values(d.comments, o["signal"], "contagion").to_numpy(allow_copy=True)
    data = _prepare(d.comments, y.astype(float), o["threshold"])
    places = (  # in the order of data.thread_ids: first appearance
        d.comments.select(pl.col("thread_id").cast(pl.String).fill_null(""), "_place")
        .unique("thread_id", keep="first", maintain_order=True)
        .get_column("_place")
        .to_numpy()
    )
    counts = null_counts(data, o["key"], o["n_null"], places)
    return pl.DataFrame(
        {name: [counts[:, j].tolist()] for j, name in enumerate("atb")},
        schema={name: pl.List(pl.Int64) for name in "atb"},
    )


def _detected(d: Any, o: dict[str, Any], func: str) -> tuple[pl.Series, Any, Any]:
    """The signal and the episodes and (episode, comment) tables of one bucket."""
    from dynamics.escalation._detection import detect
    from dynamics.escalation._signal import signal_values

    y = signal_values(d.comments, o["signal"], func)
    table, members = detect(d.comments, y, o["threshold"], o["min_turns"], o["kind"], o["rule"])
    return y, table, members


def _instigator_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.escalation.instigators import _per_author

    y, table, members = _detected(d, o, "instigators")
    authors = _per_author(d.comments, y, table, members, o["threshold"], o["calm"])
    # one row without an author: the bucket's episodes whose first comment has none
    # (they count in the denominator, as in memory)
    unattributed = table.height - int(authors.get_column("started").sum())
    row = pl.DataFrame(
        {"author": [None], "started": [unattributed]}, schema_overrides={"author": pl.String}
    )
    return pl.concat([authors, row], how="diagonal").with_columns(
        pl.col("targeted", "deescalated", "participated").fill_null(0)
    )


def _profile_rows(name: str) -> Any:
    def rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
        from dynamics.escalation._trend import _values
        from dynamics.escalation.depth import depth_cells, turn_cells
        from dynamics.escalation.size import size_threads

        y = _values(d.comments, o["signal"], o["threshold"], name)
        if name == "toxicity_by_thread_size":
            return size_threads(d.comments, y)
        if name == "toxicity_by_depth":
            cells, ids = depth_cells(d.comments, y, o["within"])
        else:
            cells, ids = turn_cells(d.comments, y, o["min_turns"], o["within"])
        return cells.to_table(ids)

    return rows


def _reply_heat_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.escalation._signal import signal_values
    from dynamics.escalation.heat import _latencies, mark_inside

    c = d.comments
    y = signal_values(c, o["signal"], "reply_heat")
    lat, n_episodes = mark_inside(c, y, _latencies(c), o)
    # one row without a latency: the bucket's number of episodes
    count = pl.DataFrame({"n_episodes": [n_episodes]}, schema={"n_episodes": pl.Int64})
    rows = lat.select(pl.col("_thread").alias("thread_id"), "latency", "inside")
    return pl.concat([rows, count], how="diagonal").with_columns(pl.col("n_episodes").fill_null(0))


def _gini_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.structure.users import gini_per_thread

    return gini_per_thread(d)


def _reciprocity_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.structure.users import reciprocity_per_thread

    return reciprocity_per_thread(d, weighted=o["weight"] is not None)


def _exchange_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.structure import dyadic_exchanges

    r = dyadic_exchanges(d, min_turns=o["min_turns"])
    turns = (
        r.table("exchanges", backend="polars")
        .group_by("thread_id")
        .agg(pl.col("turns").sum().cast(pl.Int64).alias("_turns"))
    )
    per_thread = r.table("per_thread", backend="polars")
    return per_thread.join(turns, on="thread_id", how="left", maintain_order="left").with_columns(
        pl.col("_turns").fill_null(0)
    )


def _derailment_rows(d: Any, o: dict[str, Any]) -> pl.DataFrame:
    from dynamics.escalation import derailment

    return derailment(d, n_boot=0, **o).table("threads", backend="polars")


#: The bucket tables other than the structure measures' ``per_thread``: name -> function of
#: (bucket Discussion, options).
_BUCKET_ROWS: dict[str, Any] = {
    "contagion": _contagion_rows,
    "contagion_null": _contagion_null_rows,
    "episodes": lambda d, o: _detected(d, o, "episodes")[1],
    "episode_comments": lambda d, o: _detected(d, o, "episodes")[2],
    "instigators": _instigator_rows,
    **{name: _profile_rows(name) for name in _PROFILES},
    "reply_heat": _reply_heat_rows,
    "participation_inequality": _gini_rows,
    "reciprocity": _reciprocity_rows,
    "derailment": _derailment_rows,
    "dyadic_exchanges": _exchange_rows,
}


def thread_measure(ds: SparkDataset, name: str) -> tuple[DataFrame, dict[str, float | int]]:
    """Run per-thread measure ``name`` over every thread on Spark.

    Parameters
    ----------
    ds : SparkDataset
        The dataset (its ``comments`` carry ``thread_bucket``).
    name : str
        One of :data:`THREAD_MEASURES`.

    Returns
    -------
    (pyspark.sql.DataFrame, dict)
        The ``per_thread`` table of the in-memory measure for all threads, and the summary
        the in-memory :class:`~dynamics.structure.ThreadStatResult` gives: ``value`` (mean
        over threads where defined), ``median``, ``maximum``, ``n_threads``.
    """
    if name not in THREAD_MEASURES:
        msg = f"The 'name' parameter of thread_measure must be one of {sorted(THREAD_MEASURES)}. Got {name!r} instead."
        raise ValueError(msg)
    table = _per_bucket_table(ds, name)
    return table, _summary(table, name)


@partial(guard_settings, key="escalation.contagion")
def contagion(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    null: bool | str | None = None,
    n_null: int | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.contagion` over every thread: the same result, null included.

    Each bucket counts, with the in-memory code, the eligible replies ``n``, those with a
    toxic parent ``a``, the toxic ones ``t`` and the toxic ones with a toxic parent ``b``, per
    thread and per (thread, reply depth) cell
    (:class:`dynamics.escalation.contagion.ContagionCounts`); one row per thread comes to the
    driver, in the input's thread order, where ``R = b n / (a t)`` of the summed counts, the
    thread and depth tables and the thread bootstrap (same seed, same draws) are computed by
    the in-memory code. The within-thread permutation null (``null``, ``n_null`` as in
    memory) runs in the buckets too: a thread's permutations depend only on the key drawn from
    ``seed``, the thread's place in the input's thread order and the sample
    (:func:`dynamics.escalation.contagion.null_counts`), so each bucket returns its ``a``,
    ``t`` and ``b`` for every sample, one row per bucket, and their sums are the in-memory
    null's. ``ds`` must carry the signal (see :meth:`SparkDataset.annotate`).

    Returns
    -------
    ContagionResult
        As in memory: ``value``, intervals, tables ``"threads"`` and ``"depths"``, and
        ``z``, ``p_value`` and ``null_mean`` when the null runs.
    """
    from dynamics.escalation.contagion import (
        ContagionCounts,
        NullFields,
        checked_params,
        from_counts,
        null_key,
        null_test,
    )

    params = checked_params(signal, threshold, null, n_null, n_boot, ci, seed)
    _check_signal(ds, signal, None, "contagion")
    rows = _in_input_order(ds, _per_bucket_table(ds, "contagion", params))
    counts = ContagionCounts.from_table(rows)

    def null_model(value: float, gen: Any) -> NullFields:
        summed = _contagion_null(ds, {**params, "key": null_key(gen)})
        return null_test(summed, int(counts.per_thread[:, 0].sum()), value)

    on = params["null"] is not None
    return from_counts(counts, params, n_boot, ci, seed, null_model if on else None)


def _contagion_null(ds: SparkDataset, options: dict[str, Any]) -> Any:
    """``(n_null, 3)`` null counts ``[a, t, b]`` summed over the buckets."""
    import numpy as np

    order = _all_threads(ds).with_row_index("_place").with_columns(pl.col("_place").cast(pl.Int64))
    places = ds.spark.createDataFrame(order.to_arrow())
    comments = ds.comments.join(places, "thread_id", "left")
    table = _per_bucket_table(ds, "contagion_null", options, comments=comments)
    rows = pl.from_arrow(table.toArrow())
    summed = np.zeros((options["n_null"], 3), dtype=np.int64)
    for j, name in enumerate("atb"):
        for values in rows.get_column(name).to_list():
            summed[:, j] += np.asarray(values, dtype=np.int64)
    return summed


@partial(guard_settings, key="escalation.derailment")
def derailment(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    recovery: int = 3,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.derailment` over every thread: the same result object.

    Each bucket builds the per-thread table of the in-memory measure (first toxic comment,
    turn, depth, time, recovery); the rows come to the driver (one per thread, in order of the
    thread's first comment in the input, as in memory), where the share of derailed threads,
    the recovered share and the thread bootstrap are computed by the in-memory code
    (:func:`dynamics.escalation.derailment.from_threads`): the value, the counts and the
    interval (same seed, same draws) equal the in-memory ones. ``ds`` must carry the signal
    (see :meth:`SparkDataset.annotate`).

    Returns
    -------
    DerailmentResult
        As in memory (table ``"threads"`` included).
    """
    from dynamics.escalation.derailment import checked_params, from_threads

    options = checked_params(signal, threshold, recovery, n_boot, ci)
    rows = _in_input_order(ds, _per_bucket_table(ds, "derailment", options))
    return from_threads(rows, options, n_boot=n_boot, ci=ci, seed=seed)


@partial(guard_settings, key="escalation.toxicity_by_depth")
def toxicity_by_depth(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float | None = None,
    within: bool = False,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.toxicity_by_depth` over every thread: the same result object.

    Each bucket reduces its scored comments to per-thread sufficient statistics with the
    in-memory code (:class:`dynamics.escalation._trend.ThreadCells`: the slope's sums, and the
    count and sum of the signal per (thread, depth) cell); the driver receives one row per
    thread, in the input's thread order, and runs the in-memory profile on them, so the
    slope, the table and the thread bootstrap (same seed, same draws) equal the in-memory
    ones to float tolerance. Driver memory is O(threads + cells), not O(comments). ``ds``
    must carry the signal (see :meth:`SparkDataset.annotate`).

    Returns
    -------
    TrendResult
        As in memory (table ``"depths"``).
    """
    return _profile_on_spark(ds, "toxicity_by_depth", signal, threshold, within, n_boot, ci, seed)


@partial(guard_settings, key="escalation.toxicity_by_turn")
def toxicity_by_turn(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float | None = None,
    min_turns: int = 2,
    within: bool = False,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.toxicity_by_turn` over every thread: the same result object.

    A dyadic exchange lies inside one thread, so each bucket finds its exchanges and reduces
    their scored turns to per-thread cells (as :func:`toxicity_by_depth`, with the exchange
    fixed-effects sums when ``within``); the driver runs the in-memory profile on them.

    Returns
    -------
    TrendResult
        As in memory (table ``"turns"``).
    """
    from dynamics.escalation.depth import check_min_turns

    check_min_turns(min_turns, "toxicity_by_turn")
    return _profile_on_spark(
        ds, "toxicity_by_turn", signal, threshold, within, n_boot, ci, seed, min_turns=min_turns
    )


@partial(guard_settings, key="escalation.toxicity_by_thread_size")
def toxicity_by_thread_size(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float | None = 0.5,
    n_bins: int = 21,
    min_threads: int = 50,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.toxicity_by_thread_size` over every thread: the same result.

    Each bucket counts, per thread, its comments, its scored comments and the sum of their
    signal (or toxic flags); the driver receives one row per thread, in the input's thread
    order, and bins and fits them with the in-memory code (bins, t-intervals and the thread
    bootstrap as in memory).

    Returns
    -------
    TrendResult
        As in memory (table ``"sizes"``).
    """
    from dynamics.escalation.size import size_params, size_profile

    func = "toxicity_by_thread_size"
    _check_signal(ds, signal, threshold, func)
    params = size_params(signal, threshold, n_bins, min_threads, n_boot, ci, seed)
    options = {"signal": signal, "threshold": threshold}
    rows = _in_input_order(ds, _per_bucket_table(ds, func, options))
    return size_profile(rows, params, n_boot, ci, seed)


def _profile_on_spark(
    ds: SparkDataset,
    func: str,
    signal: str,
    threshold: Any,
    within: bool,
    n_boot: int,
    ci: float,
    seed: Any,
    **extra: Any,
) -> Any:
    """The depth or turn profile from per-thread cells built on the executors."""
    from dynamics.escalation._trend import ThreadCells, _check, _params
    from dynamics.escalation.depth import profile

    _check_signal(ds, signal, threshold, func)
    _check(n_boot, ci, seed, func)
    params = _params(signal, threshold, within, n_boot, ci, seed) | extra
    options = {"signal": signal, "threshold": threshold, "within": bool(within)} | extra
    rows = _in_input_order(ds, _per_bucket_table(ds, func, options))
    cells = ThreadCells.from_table(rows, 2 if within else 5)
    return profile(func, cells, bool(within), params, n_boot, ci, seed)


def _check_signal(ds: SparkDataset, signal: str, threshold: Any, func: str) -> None:
    """The in-memory checks of ``signal`` and ``threshold``, on the dataset's schema."""
    from dynamics.escalation._trend import _values

    _values(pl.from_arrow(ds.comments.limit(0).toArrow()), signal, threshold, func)


def thread_stat(ds: SparkDataset, name: str) -> Any:
    """Per-thread measure ``name`` over every thread: the in-memory result object.

    As :func:`thread_measure`, but the per-thread table comes to the driver (one row per
    thread, in the in-memory order: threads by their first comment in the input, then posts
    that drew no comment) and is summarised by the in-memory code, so the
    :class:`~dynamics.structure.ThreadStatResult` and its ``per_thread`` table equal the
    in-memory ones.

    Parameters
    ----------
    ds : SparkDataset
        The dataset.
    name : str
        One of :data:`THREAD_MEASURES`.

    Returns
    -------
    ThreadStatResult
    """
    from dynamics.structure.trees import summarise

    if name not in THREAD_MEASURES:
        msg = f"The 'name' parameter of thread_stat must be one of {sorted(THREAD_MEASURES)}. Got {name!r} instead."
        raise ValueError(msg)
    return summarise(name, _in_input_order(ds, _per_bucket_table(ds, name)))


@partial(guard_settings, key="structure.participation_inequality")
def participation_inequality(
    ds: SparkDataset, *, n_boot: int = 0, ci: float = 0.95, seed: int | None = 0
) -> Any:
    """:func:`dynamics.structure.participation_inequality` over every thread: the same result
    object, thread-bootstrap interval included.

    The Gini is taken over the comment counts of the authors, counted on Spark (one number
    per author comes to the driver); the ``per_thread`` table is built per bucket with the
    in-memory code and comes back in the in-memory thread order. With ``n_boot`` > 0 the
    comments per (thread, author) are counted on Spark and come to the driver, where
    :func:`dynamics.structure.users.gini_interval` (the in-memory bootstrap) weighs each
    thread's counts by the times it was drawn: the same draws, the same interval. That table
    has one row per (thread, author) pair, so with ``n_boot`` the driver's memory grows with
    the data (about 40 bytes per pair).

    Returns
    -------
    MetricResult
        As in memory.
    """
    from pyspark.sql import functions as F

    from dynamics.structure.users import (
        check_inequality_params,
        gini,
        gini_interval,
        inequality_result,
    )

    func = "participation_inequality"
    check_inequality_params(n_boot, ci)
    authored = ds.comments.filter(F.col("author").isNotNull())
    pairs = None
    if n_boot:
        # the bootstrap needs the counts per (thread, author): the authors' totals are their
        # sums, so Spark aggregates once
        pairs = pl.from_arrow(authored.groupBy("thread_id", "author").count().toArrow())
        totals = pairs.group_by("author").agg(pl.col("count").sum()).get_column("count")
    else:
        totals = pl.from_arrow(authored.groupBy("author").count().select("count").toArrow())
        totals = totals.get_column("count")
    value = gini(totals.to_numpy())
    per_thread = _in_input_order(ds, _per_bucket_table(ds, func))
    params: dict[str, Any] = {"n_boot": n_boot, "ci": ci, "seed": seed}
    interval = None
    if pairs is not None and not math.isnan(value):
        interval = gini_interval(*_author_counts(ds, pairs), params)
    return inequality_result(value, per_thread, params, interval)


def _author_counts(ds: SparkDataset, pairs: pl.DataFrame) -> tuple[tuple[Any, Any, Any], int]:
    """The in-memory ``author_counts`` arrays (thread code, author code, count) of a
    (thread_id, author, count) table from Spark, and the number of threads with comments;
    thread codes follow the in-memory thread order (:func:`_all_threads`), whose threads with
    comments come first."""
    from dynamics.model.resample import author_count_arrays

    n_threads = _threads_with_comments(ds)
    order = _all_threads(ds).head(n_threads).with_row_index("_thr")
    rows = pairs.with_columns(pl.col("thread_id").cast(pl.String))
    return author_count_arrays(rows.join(order, on="thread_id", how="left")), n_threads


@partial(guard_settings, key="structure.reciprocity")
def reciprocity(ds: SparkDataset, *, weight: str | None = None, graph: Any = None) -> Any:
    """:func:`dynamics.structure.reciprocity` of the dataset: the same result object.

    The overall value is the in-memory measure on the user reply graph collected to the
    driver (``graph``, when it is at hand already: ``ds.user_graph("igraph")``); the
    ``per_thread`` table (each thread's own user graph) is built per bucket with the
    in-memory code and comes back in the in-memory thread order.

    Returns
    -------
    MetricResult
        As in memory on a Discussion (table ``"per_thread"``).
    """
    import dataclasses

    from dynamics.structure import reciprocity as in_memory

    result = in_memory(ds.user_graph("igraph") if graph is None else graph, weight=weight)
    per_thread = _in_input_order(ds, _per_bucket_table(ds, "reciprocity", {"weight": weight}))
    return dataclasses.replace(result, tables={"per_thread": per_thread})


@partial(guard_settings, key="structure.dyadic_exchanges")
def dyadic_exchanges(ds: SparkDataset, *, min_turns: int = 2) -> Any:
    """:func:`dynamics.structure.dyadic_exchanges` over every thread, without the
    ``exchanges`` table.

    An exchange lies inside one thread: each bucket finds its exchanges with the in-memory
    code and returns the in-memory ``per_thread`` table with each thread's total turns; the
    driver sums them (the number of exchanges, their mean and longest length are those of
    memory). The ``exchanges`` table (one row per exchange, with its comment ids) stays on the
    executors: ``ds`` can give it for a subset through :meth:`SparkDataset.to_discussion`.

    Returns
    -------
    ExchangeResult
        As in memory, with table ``"per_thread"`` only.
    """
    from dynamics.structure.exchanges import exchange_result

    rows = _in_input_order(ds, _per_bucket_table(ds, "dyadic_exchanges", {"min_turns": min_turns}))
    n = int(rows.get_column("n_exchanges").sum())
    longest = rows.get_column("max_turns").max()
    return exchange_result(
        n,
        int(rows.get_column("_turns").sum()),
        math.nan if longest is None else float(longest),  # type: ignore[arg-type]
        min_turns,
        {"per_thread": rows.drop("_turns")},
    )


@partial(guard_settings, key="structure.response_times")
def response_times(
    ds: SparkDataset, *, quantiles: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
) -> Any:
    """:func:`dynamics.structure.response_times` on Spark, without the ``replies`` table.

    The delays (a reply's time minus its parent's, parents looked up by id over the whole
    dataset, as in memory) are computed and summarised on Spark: the exact median and
    quantiles (numpy's linear interpolation), the mean, the counts, and per thread the
    number, exact median and mean, which come to the driver one row per thread with replies
    and are laid on every thread in the in-memory order. The ``replies`` table (one row per
    timed reply) stays on Spark.

    Returns
    -------
    ResponseTimeResult
        As in memory, with tables ``"quantiles"`` and ``"per_thread"``.
    """
    from pyspark.sql import functions as F

    from dynamics.structure.timing import checked_quantiles, quantile_table, response_result

    qs = checked_quantiles(quantiles)
    c = ds.comments
    parents = c.select(F.col("comment_id").alias("parent_id"), F.col("created_at").alias("_pt"))
    micros = F.unix_micros("created_at") - F.unix_micros("_pt")
    delays = (
        c.filter(F.col("parent_id").isNotNull())
        .join(parents, "parent_id")
        .select("thread_id", (micros / 1e6).alias("seconds"))
        .filter(F.col("seconds").isNotNull())
    )
    levels = F.array(*[F.lit(float(q)) for q in (*qs, 0.5)])
    row = delays.agg(
        F.count(F.when(F.col("seconds") < 0, 1)).alias("negative"),
        F.count(F.when(F.col("seconds") >= 0, 1)).alias("n"),
        F.avg(F.when(F.col("seconds") >= 0, F.col("seconds"))).alias("mean"),
        F.percentile(F.when(F.col("seconds") >= 0, F.col("seconds")), levels).alias("q"),
    ).first()
    timed = delays.filter(F.col("seconds") >= 0)
    stats = timed.groupBy("thread_id").agg(
        F.count(F.lit(1)).cast("long").alias("n_replies"),
        F.percentile("seconds", F.lit(0.5)).alias("median"),
        F.avg("seconds").alias("mean"),
    )
    per_thread = (
        _all_threads(ds)
        .join(pl.from_arrow(stats.toArrow()), on="thread_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("n_replies").fill_null(0), pl.col("median", "mean").fill_null(math.nan)
        )
    )
    n = int(row["n"])
    at = list(row["q"]) if n else [math.nan] * (len(qs) + 1)
    tables = {
        "quantiles": quantile_table(qs, [float(v) for v in at[:-1]]),
        "per_thread": per_thread,
    }
    mean = float(row["mean"]) if n else math.nan
    return response_result(float(at[-1]), mean, n, int(row["negative"]), tables)


def _thread_order(ds: SparkDataset) -> DataFrame:
    """Every thread with its place in the in-memory order: ``_k`` 0 for threads with comments
    (by their first comment in the input, ``_at``), 1 for posts that drew no comment."""
    from pyspark.sql import functions as F

    at = F.min(F.struct("_file", "_row")).alias("_at")
    order = ds.comments.groupBy("thread_id").agg(at).withColumn("_k", F.lit(0))
    if ds.posts is not None:
        bare = ds.posts.groupBy("thread_id").agg(at).join(order, "thread_id", "left_anti")
        order = order.unionByName(bare.withColumn("_k", F.lit(1)))
    return order


def _all_threads(ds: SparkDataset) -> pl.DataFrame:
    """Every thread id, in the in-memory order (:func:`_thread_order`), on the driver.

    Computed once per dataset (one Spark aggregation) and kept on it: each per-thread measure
    puts its table in this order, about ten times in a distributed report.
    """
    cached = ds.memo.get("thread_order")
    if cached is None:
        ordered = pl.from_arrow(
            _thread_order(ds).orderBy("_k", "_at").select("thread_id", "_k").toArrow()
        )
        cached = ordered.select(pl.col("thread_id").cast(pl.String))
        ds.memo["thread_order"] = cached
        ds.memo["threads_with_comments"] = int((ordered.get_column("_k") == 0).sum())
    return cached


def _threads_with_comments(ds: SparkDataset) -> int:
    """How many threads have comments: the first ones of :func:`_all_threads`."""
    _all_threads(ds)
    return ds.memo["threads_with_comments"]


def _in_input_order(ds: SparkDataset, table: DataFrame) -> pl.DataFrame:
    """A per-thread ``table`` on the driver, its threads in the in-memory order (in which the
    thread bootstraps draw): by their first comment in the input, then the posts that drew no
    comment, in input order."""
    rows = pl.from_arrow(table.toArrow())
    order = _all_threads(ds).with_row_index("_place")
    placed = rows.join(order, on="thread_id", how="left", maintain_order="left")
    return placed.sort("_place", nulls_last=True, maintain_order=True).drop("_place")


@partial(guard_settings, key="escalation.episodes")
def episodes(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: str = "both",
    rule: str = "slope",
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.episodes` over every thread: the same result object.

    An episode lies inside one thread, so each bucket detects its episodes with the in-memory
    code; the episode and (episode, comment) tables come to the driver, where the episodes are
    ranked over the whole dataset by the in-memory rule (ties by the input position of the
    first comment, read from the dataset's file and row order) and the comments put in the
    in-memory order. ``ds`` must carry the signal (see :meth:`SparkDataset.annotate`).
    Detection runs twice per bucket (once per table).

    Returns
    -------
    EpisodesResult
        As in memory: ``value`` the number of episodes, tables ``"episodes"`` (ranked) and
        ``"comments"``, :attr:`~dynamics.escalation.EpisodesResult.episodes` records.
    """
    from pyspark.sql import functions as F

    from dynamics.escalation import EpisodesResult
    from dynamics.escalation._detection import check_params, episode_params, rank_episodes
    from dynamics.escalation.episodes import shared_comments, trend_counts

    func = "episodes"
    check_params(signal, threshold, min_turns, kind, rule, func)
    params = episode_params(signal, threshold, min_turns, kind, rule) | {"seed": seed}
    why, _ = _unscored(ds, signal, func)
    if why is not None:
        return EpisodesResult(func, math.nan, params=params, reason=why)
    options = {k: params[k] for k in ("signal", "threshold", "min_turns", "kind", "rule")}
    position = ds.comments.select(F.col("comment_id").alias("_id"), "_file", "_row")

    def at(table: DataFrame, key: Any) -> pl.DataFrame:
        """``table`` on the driver with the input position of comment ``key`` (_file, _row)."""
        joined = table.withColumn("_id", key).join(position, "_id", "left").drop("_id")
        return pl.from_arrow(joined.toArrow())

    ranked = at(_per_bucket_table(ds, "episodes", options), F.col("start_comment"))
    ranked = rank_episodes(
        ranked.sort("_file", "_row").with_row_index("_first").drop("rank", "_file", "_row")
    )
    members = at(
        _per_bucket_table(ds, "episode_comments", options),
        F.expr("substring(episode_id, instr(episode_id, ':') + 1)"),  # "<kind>:<comment id>"
    )
    members = members.sort("_file", "_row", "episode_id", "turn").drop("_file", "_row")
    tables = {"episodes": ranked, "comments": members}
    return EpisodesResult(
        func,
        float(ranked.height),
        params=params,
        tables=tables,
        warnings=shared_comments(members),
        **trend_counts(ranked),
    )


@partial(guard_settings, key="escalation.instigators")
def instigators(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: str = "both",
    rule: str = "slope",
    calm: float | None = None,
    top: float = 0.1,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.instigators` over every thread: the same result object.

    An episode, its target replies and the calm reply that ends it lie inside one thread, so
    each bucket counts, per author, the episodes started, the toxic replies received inside
    them, the episodes calmed and those taken part in (with the in-memory code), plus its
    episodes whose first comment has no author. Spark sums the counts per author (sufficient
    statistics: the sums are the in-memory counts); the driver ranks the authors and takes the
    top share as in memory, with the number of known authors counted on Spark. ``ds`` must
    carry the signal (see :meth:`SparkDataset.annotate`). Detection runs once per bucket.

    Returns
    -------
    InstigatorsResult
        As in memory: ``value``, ``n_episodes``, ``n_authors``, ``n_top`` and table
        ``"authors"``.
    """
    from pyspark.sql import functions as F

    from dynamics.escalation.instigators import InstigatorsResult, checked_params, from_authors

    func = "instigators"
    params = checked_params(signal, threshold, min_turns, kind, rule, calm, top, seed)
    why, row = _unscored(ds, signal, func, authors=F.countDistinct("author"))
    n_authors = int(row["authors"])
    if why is not None:
        return InstigatorsResult(func, math.nan, params=params, reason=why, n_authors=n_authors)
    options = {k: params[k] for k in ("signal", "threshold", "min_turns", "kind", "rule", "calm")}
    counts = ["started", "targeted", "deescalated", "participated"]
    summed = (
        _per_bucket_table(ds, "instigators", options)
        .groupBy("author")
        .agg(*[F.sum(c).cast("long").alias(c) for c in counts])
    )
    table = pl.from_arrow(summed.toArrow())
    n_episodes = int(table.get_column("started").sum())  # the author-less row included
    per_author = table.drop_nulls("author").with_columns(pl.col(counts).cast(pl.Int64))
    return from_authors(per_author, n_episodes, n_authors, params)


@partial(guard_settings, key="escalation.reply_heat")
def reply_heat(
    ds: SparkDataset,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: str = "both",
    rule: str = "slope",
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
) -> Any:
    """:func:`dynamics.escalation.reply_heat` over every thread: the same result object.

    A reply and its parent lie in one thread, and so does an episode: each bucket measures its
    replies' latencies and marks those inside an episode with the in-memory code. Spark then
    computes the table (per side: n, exact median, mean, q25, q75, with the linear
    interpolation numpy uses) in one aggregation, and the driver the ratio and its reasons with
    the in-memory code. With ``n_boot`` > 0 the thread bootstrap runs on the driver, on the
    replies' (thread, latency, inside) rows: 13 bytes per reply with a latency (about 1.3 GB
    per 100M replies), the one part of this function whose driver memory grows with the data;
    the threads are drawn in the input's order, so the interval equals the in-memory one.
    ``ds`` must carry the signal (see :meth:`SparkDataset.annotate`).

    Returns
    -------
    ReplyHeatResult
        As in memory (table ``"latency"``).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from dynamics.escalation.heat import (
        ReplyHeatResult,
        checked_params,
        from_summary,
        thread_bootstrap,
    )

    func = "reply_heat"
    params = checked_params(signal, threshold, min_turns, kind, rule, n_boot, ci, seed)
    why, row = _unscored(ds, signal, func, threads=F.countDistinct("thread_id"))
    if not row["n"]:
        return ReplyHeatResult(func, math.nan, params=params, reason="no comments")
    options = {k: params[k] for k in ("signal", "threshold", "min_turns", "kind", "rule")}
    rows = _per_bucket_table(ds, func, options)
    if n_boot:
        rows = rows.persist()
    try:
        latency = rows.filter(F.col("latency").isNotNull())
        quartiles = F.array(*[F.lit(q) for q in (0.25, 0.5, 0.75)])
        sides = (
            latency.groupBy("inside")
            .agg(
                F.count(F.lit(1)).alias("n"),
                F.avg("latency").alias("mean"),
                F.percentile("latency", quartiles).alias("q"),
            )
            .toArrow()
        )
        n_episodes = int(rows.agg(F.sum("n_episodes")).first()[0] or 0)
        if sides.num_rows == 0:
            return ReplyHeatResult(func, math.nan, params=params, reason=_why_no_latency(ds))
        if why is not None:
            return ReplyHeatResult(func, math.nan, params=params, reason=why)
        summary = _latency_table(sides)
        n_threads = int(row["threads"])

        def bootstrap() -> tuple[float, float]:
            first = ds.comments.groupBy("thread_id").agg(
                F.min(F.struct("_file", "_row")).alias("_at")
            )
            codes = first.select(
                "thread_id", (F.row_number().over(Window.orderBy("_at")) - 1).alias("_t")
            )
            on_driver = pl.from_arrow(
                latency.join(codes, "thread_id").select("_t", "latency", "inside").toArrow()
            )
            return thread_bootstrap(
                on_driver.get_column("_t").to_numpy(),
                on_driver.get_column("latency").to_numpy(),
                on_driver.get_column("inside").to_numpy(),
                n_threads,
                params,
                progress=False,
            )

        return from_summary(summary, n_episodes, n_threads, params, bootstrap)
    finally:
        if n_boot:
            rows.unpersist()


def _latency_table(sides: pa.Table) -> pl.DataFrame:
    """reply_heat's table (side, n, median, mean, q25, q75) from Spark's per-side aggregates
    (``inside``, ``n``, ``mean``, ``q``: the quartiles)."""
    by_side = {r["inside"]: r for r in pl.from_arrow(sides).iter_rows(named=True)}
    missing = {"n": 0, "mean": math.nan, "q": [math.nan] * 3}
    inside, outside = (by_side.get(side, missing) for side in (True, False))
    return pl.DataFrame(
        {
            "side": ["inside", "outside"],
            "n": [int(inside["n"]), int(outside["n"])],
            "median": [float(inside["q"][1]), float(outside["q"][1])],
            "mean": [float(inside["mean"]), float(outside["mean"])],
            "q25": [float(inside["q"][0]), float(outside["q"][0])],
            "q75": [float(inside["q"][2]), float(outside["q"][2])],
        }
    )


def _why_no_latency(ds: SparkDataset) -> str:
    """:func:`dynamics.escalation.heat.why_no_latency` from Spark counts."""
    from pyspark.sql import functions as F

    from dynamics.escalation.heat import why_no_latency

    c = ds.comments
    timed = "created_at" in c.columns
    row = c.agg(
        F.count("parent_id").alias("replies"),
        (F.count("created_at") if timed else F.lit(0)).alias("timed"),
    ).first()
    ids = c.select(F.col("comment_id").alias("parent_id"))
    has_parent = c.select("parent_id").join(ids, "parent_id", "left_semi").limit(1).count() > 0
    return why_no_latency(int(row["replies"]), has_parent, bool(row["timed"]))


def _unscored(ds: SparkDataset, signal: str, func: str, **extra: Any) -> tuple[str | None, Any]:
    """Why no comment of ``ds`` can count (no comments, or none has a ``signal`` score), or
    None; and the row of counts, with the ``extra`` aggregates computed in the same pass.

    Raises the in-memory measure's clear error when ``ds`` has no numeric ``signal`` column.
    """
    from pyspark.sql import functions as F

    from dynamics.escalation._signal import signal_values

    signal_values(pl.from_arrow(ds.comments.limit(0).toArrow()), signal, func)
    col = F.col(signal)
    row = ds.comments.agg(
        F.count(F.lit(1)).alias("n"),
        F.count(F.when(col.isNotNull() & ~F.isnan(col.cast("double")), 1)).alias("scored"),
        *[value.alias(name) for name, value in extra.items()],
    ).first()
    if row["scored"]:
        return None, row
    return ("no comments" if not row["n"] else f"no comment has a {signal!r} score"), row


def _per_bucket_table(
    ds: SparkDataset,
    name: str,
    options: dict[str, Any] | None = None,
    *,
    comments: DataFrame | None = None,
) -> DataFrame:
    """The per-thread table of ``name``, one grouped-map call per thread bucket (of
    ``comments``: default the dataset's, or those with extra columns a measure reads)."""
    import pyarrow as pa
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    comments = ds.comments if comments is None else comments
    opts = dict(options or {})
    probe = pl.from_arrow(comments.limit(1).toArrow())
    sample = run_measure(name, probe, None, opts).to_arrow()
    schema = pa.schema([_plain(f) for f in sample.schema])
    posts = ds.posts
    if posts is None:
        posts = comments.limit(0).select("thread_id", "_file", "_row")
    n_buckets = _n_buckets(ds)  # the ingest's bucket count: posts go where their thread is
    bucket = F.pmod(F.xxhash64("thread_id"), F.lit(n_buckets)).cast("int")
    posts = posts.withColumn("thread_bucket", bucket)

    def per_bucket(left: pa.Table, right: pa.Table) -> pa.Table:
        c = pl.from_arrow(left)
        p = pl.from_arrow(right) if right.num_rows else None
        if c.height == 0 and p is None:
            return schema.empty_table()
        return run_measure(name, c, p, opts).to_arrow().cast(schema)

    return (
        comments.groupBy("thread_bucket")
        .cogroup(posts.groupBy("thread_bucket"))
        .applyInArrow(per_bucket, from_arrow_schema(schema))
    )


def _summary(table: DataFrame, name: str) -> dict[str, float | int]:
    from pyspark.sql import functions as F

    column = THREAD_MEASURES[name]
    values = table.select(F.col(column).cast("double").alias("v")).filter(
        F.col("v").isNotNull() & ~F.isnan("v")
    )
    row = values.agg(
        F.avg("v").alias("value"),
        F.percentile("v", F.lit(0.5)).alias("median"),
        F.max("v").alias("maximum"),
        F.count(F.lit(1)).alias("n_threads"),
    ).first()
    return {
        "value": math.nan if row["value"] is None else float(row["value"]),
        "median": math.nan if row["median"] is None else float(row["median"]),
        "maximum": math.nan if row["maximum"] is None else float(row["maximum"]),
        "n_threads": int(row["n_threads"]),
    }


def _n_buckets(ds: SparkDataset) -> int:
    import json

    manifest = ds.path / "manifest.json"
    return int(json.loads(manifest.read_text())["buckets"])


def _plain(field: pa.Field) -> pa.Field:
    """``field`` with polars' large strings and lists as the plain ones Spark reads (a list's
    item named ``element``, as Spark names it)."""
    import pyarrow as pa

    def plain(kind: pa.DataType) -> pa.DataType:
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            return pa.string()
        if pa.types.is_large_list(kind) or pa.types.is_list(kind):
            return pa.list_(pa.field("element", plain(kind.value_type)))
        return kind

    return field.with_type(plain(field.type))
