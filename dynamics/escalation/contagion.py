"""Toxicity contagion: are replies to toxic comments more often toxic than replies in general?"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import polars as pl

from dynamics._kernel import N_DEFINED, measure, take_null_count
from dynamics._params import check_param, is_int, rng
from dynamics._progress import progress_bar
from dynamics._results import MetricResult
from dynamics._sample_checks import (
    MIN_ESCALATION_EVENTS,
    bootstrap_threads_warning,
    escalation_warnings,
    event_warnings,
)
from dynamics._significance import DEFAULT_N_NULL
from dynamics.escalation._bootstrap import level_threads, without_interval
from dynamics.escalation._keyed_shuffle import GroupBlock
from dynamics.escalation._signal import check_signal_params, comments_of, signal_values
from dynamics.model.forest import depths, parent_index

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["ContagionResult", "contagion"]

_FUNC = "contagion"
_NULLS = ("within-thread",)
#: Slots per thread in the null's blocks: exact up to 16 comments, then steps of about 20 %.
_WIDTHS = np.unique(
    np.r_[np.arange(1, 17), np.ceil(16 * 1.2 ** np.arange(1, 160))].astype(np.int64)
)


@dataclass(frozen=True, repr=False)
class ContagionResult(MetricResult):
    """Outcome of :func:`contagion`.

    ``value`` is the contagion ratio R; the extra fields give its two parts and the counts
    behind them (all over the *eligible replies*: scored comments whose parent is scored).

    Attributes
    ----------
    p_toxic_after_toxic : float
        P(toxic reply | toxic parent) = ``n_toxic_after_toxic / n_toxic_parents``.
    p_toxic_after_calm : float
        P(toxic reply | non-toxic parent).
    p_toxic_reply : float
        P(toxic reply) = ``n_toxic_replies / n_replies``.
    n_replies, n_toxic_parents, n_toxic_replies, n_toxic_after_toxic : int
        Eligible replies; those whose parent is toxic; those that are toxic; those that are
        toxic and whose parent is toxic.
    null_mean, null_sd, excess : float or None
        Mean and sd of the ratio under the within-thread permutation null (what thread-level
        clustering of toxicity alone gives), and ``value - null_mean``, when the null was run.
    """

    p_toxic_after_toxic: float = math.nan
    p_toxic_after_calm: float = math.nan
    p_toxic_reply: float = math.nan
    n_replies: int = 0
    n_toxic_parents: int = 0
    n_toxic_replies: int = 0
    n_toxic_after_toxic: int = 0


@measure(
    "escalation",
    needs={"discussion", "signal"},
    nulls=("auto", "within-thread"),
    alternative="greater",
    result=ContagionResult,
    tables=("threads", "depths"),
)
def contagion(
    discussion: Discussion,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    null: bool | Literal["auto", "within-thread"] | None = None,
    n_null: int | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
    progress: bool | None = None,
) -> ContagionResult:
    r"""Toxicity contagion ratio: how much a toxic parent raises the chance of a toxic reply.

    A comment is *toxic* when its hostility signal is at least ``threshold``. An *eligible
    reply* is a comment with a score whose parent comment is in the same thread and has a
    score too (top-level comments answer the post, which carries no score, so they are never
    replies here). Over the eligible replies,

    .. math::

        R = \frac{P(\text{toxic reply} \mid \text{toxic parent})}{P(\text{toxic reply})}
          = \frac{b / a}{t / n} = \frac{b\,n}{a\,t}

    where ``n`` counts eligible replies, ``a`` those whose parent is toxic, ``t`` those that
    are toxic and ``b`` those that are toxic with a toxic parent. The same ratio is reported
    per thread and per reply depth (tables ``"threads"`` and ``"depths"``).

    Parameters
    ----------
    discussion : Discussion
        A scored discussion (:meth:`Discussion.annotate`), or its comments table.
    signal : str, default "toxicity"
        The numeric per-comment hostility column.
    threshold : float, default 0.5
        A comment is toxic when ``signal >= threshold``.
    null : {None, "auto", "within-thread"}, True or False, default None
        The permutation null (``"auto"`` and True mean ``"within-thread"``, its only null): the
        toxic flags of the scored comments are shuffled *within each thread*, which keeps
        every thread's number of toxic comments and its reply tree and breaks only the link
        between a comment and its parent. None runs it only when ``n_null`` is given; False
        never (``z``, ``p_value`` stay None).
    n_null : int or None, default None
        Permutation samples (200 when the null runs without it).
    n_boot : int, default 0
        Bootstrap samples over threads for ``ci`` (0: no interval).
    ci : float, default 0.95
        Level of the percentile bootstrap interval, in (0, 1).
    seed : int or None, default 0
        Seed of the permutations and of the bootstrap. None draws a fresh seed, recorded in
        ``params["seed"]``.
    progress : bool or None
        Show a progress bar for the null (None: only on large inputs and a terminal).

    Returns
    -------
    ContagionResult
        ``value`` = R in ``[0, min(n / a, n / t)]``: 1 means a toxic parent does not change
        the chance of a toxic reply, above 1 toxicity follows toxicity (contagion), below 1
        toxic comments draw calmer replies than average. ``ci`` is the thread bootstrap
        interval (NaN when fewer than two threads have eligible replies); ``z`` and
        ``p_value`` compare R with the within-thread null (one-sided, greater:
        ``p = (1 + #{null >= R}) / (1 + n_null)``); ``null_mean`` is the null's mean ratio. Tables: ``"threads"`` (one row per thread with eligible replies) and
        ``"depths"`` (one row per reply depth, 1 = reply to a top-level comment, with a
        bootstrap interval of each depth's ratio, none where ``n_threads``, the threads
        with replies at that depth, is under ``MIN_BOOTSTRAP_THREADS`` = 10, as resampling
        one thread gives [x, x], or where ``n_toxic_parents`` is under
        ``MIN_ESCALATION_EVENTS`` = 10), both with the counts ``n_replies``,
        ``n_toxic_parents``, ``n_toxic_replies``, ``n_toxic_after_toxic``, the two
        probabilities and ``ratio``. NaN with a ``reason`` when no reply is eligible, no
        eligible reply has a toxic parent, or none is toxic.

    Raises
    ------
    ValueError
        If the signal column is missing (the message suggests ``d.annotate()``) or a
        parameter is out of range.
    TypeError
        If the signal column is not numeric.

    See Also
    --------
    toxicity_by_depth : mean toxicity along reply chains.
    dynamics.text.annotate : adds the ``toxicity`` column.

    Notes
    -----
    Toxicity clusters by thread (heated topics have both toxic parents and toxic replies), so
    R > 1 even without any reply-to-reply influence. The within-thread null holds that
    clustering fixed; its mean (``null_mean``) is the ratio clustering alone produces, and
    ``p_value`` asks whether R exceeds it. A reply and its parent are often by the same two
    people, so R measures association along reply links, not a causal effect (Kim et al.
    2021 show the causal effect experimentally). Comments without a score (null or NaN
    signal) are left out as replies and as parents, and keep their place under the null.
    The bootstrap resamples whole threads with replacement, the independent units, using
    per-thread counts, so it costs O(threads) per sample. The null draws one permutation of
    the scored comments of each thread with both toxic and non-toxic comments. A thread's
    permutation in sample ``i`` is a function of a key drawn from ``seed`` (after the
    bootstrap), the thread's place (its rank by first comment) and ``i`` alone (a
    counter-based hash, :mod:`dynamics.escalation._keyed_shuffle`), not of the other
    threads, so the Spark path (:func:`dynamics.spark.contagion`), which holds the threads
    bucket by bucket, draws the same null and gives the same z and p-value. Threads of similar
    size are shuffled together as the rows of one matrix, so a sample costs a few vectorised
    sorts; on 1M comments the null with ``n_null=200`` takes about 2.5 s on two cores
    (``benchmarks/bench_metrics.py``).

    References
    ----------
    .. [1] Cheng, J., Bernstein, M., Danescu-Niculescu-Mizil, C., and Leskovec, J. (2017).
       Anyone can become a troll: causes of trolling behavior in online discussions.
       Proceedings of CSCW 2017, 1217-1230. https://doi.org/10.1145/2998181.2998213
       (earlier troll posts in a discussion raise the chance that the next post is one).
    .. [2] Kim, J. W., Guess, A., Nyhan, B., and Reifler, J. (2021). The distorting prism
       of social media: how self-selection and exposure to incivility fuel online comment
       toxicity. Journal of Communication 71(6), 922-946.
       https://doi.org/10.1093/joc/jqab034 (exposure to toxic comments makes the comments
       written after them more toxic).

    Examples
    --------
    Two threads. In ``t1`` a toxic comment gets two toxic replies and a calm comment one calm
    reply; in ``t2`` a calm comment gets a toxic and a calm reply. Eligible replies n = 5,
    toxic parents a = 2, toxic replies t = 3, toxic after toxic b = 2, so
    R = (2/2) / (3/5) = 5/3:

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "a1", "a2", "c", "c1", "x", "x1", "x2"],
    ...     "parent": [None, "a", "a", None, "c", None, "x", "x"],
    ...     "thread": ["t1"] * 5 + ["t2"] * 3,
    ...     "user": ["u", "v", "w", "u", "v", "u", "v", "w"],
    ...     "body": ["..."] * 8,
    ...     "toxicity": [0.9, 0.8, 0.7, 0.1, 0.2, 0.1, 0.6, 0.0]}))
    >>> r = dyn.escalation.contagion(d, null=False, n_boot=0)
    >>> round(r.value, 4), r.p_toxic_after_toxic, r.p_toxic_reply
    (1.6667, 1.0, 0.6)
    >>> r.table("threads", backend="polars").select("thread_id", "ratio").rows()
    [('t1', 1.5), ('t2', None)]
    """
    comments = comments_of(discussion, _FUNC)
    params = checked_params(signal, threshold, null, n_null, n_boot, ci, seed)
    null_model, n_null = params["null"], params["n_null"]
    values = signal_values(comments, signal, _FUNC).to_numpy(allow_copy=True).astype(float)
    data = _prepare(comments, values, float(threshold))

    def null_model_of(value: float, gen: np.random.Generator) -> NullFields:
        counts = null_counts(data, null_key(gen), n_null, progress=progress)
        return null_test(counts, data.child.size, value)

    return from_counts(
        ContagionCounts.of(data),
        params,
        n_boot,
        ci,
        seed,
        null_model_of if null_model is not None else None,
    )


def from_counts(
    counts: ContagionCounts,
    params: dict[str, Any],
    n_boot: int,
    ci: float,
    seed: Any,
    null_model: Callable[[float, np.random.Generator], NullFields] | None,
) -> ContagionResult:
    """The :class:`ContagionResult` from the per-thread and per-(thread, depth) counts.

    ``null_model(R, gen)`` gives the :class:`NullFields` (its permutations keyed from a
    generator of its own, seeded by ``seed``, so asking for a bootstrap does not change the
    test), or is None when no null runs. The Spark path calls this on counts built on its
    executors.
    """
    totals = counts.per_thread.sum(0)
    threads = _table(counts.thread_ids, counts.per_thread)
    threads = threads.rename({"group": "thread_id"}).filter(pl.col("n_replies") > 0)
    n_depths = int(counts.cell_depth.max()) + 1 if counts.cell_depth.size else 1
    depth_counts = np.stack(
        [np.bincount(counts.cell_depth, counts.cell_counts[:, k], n_depths) for k in range(4)],
        1,
    ).astype(np.int64)
    depth_table = _table(pl.Series(np.arange(n_depths)), depth_counts).rename({"group": "depth"})
    # the threads with replies at each depth
    depth_threads = np.bincount(counts.cell_depth, counts.cell_counts[:, 0] > 0, n_depths)

    value, reason = _ratio(totals)
    extra = _extras(totals)
    if reason is not None:
        return ContagionResult(
            _FUNC,
            math.nan,
            params=params,
            reason=reason,
            tables={"threads": threads, "depths": depth_table.filter(pl.col("n_replies") > 0)},
            **extra,
        )

    gen = rng(seed)
    # the null's own generator: a fresh one from an int seed (the stream of the null before
    # bootstraps existed), a child of a given Generator, spawned before the bootstrap draws
    null_gen = gen.spawn(1)[0] if isinstance(seed, np.random.Generator) else rng(seed)
    interval: tuple[float, float] | None = None
    said = [
        *escalation_warnings(n_threads=threads.height, n_replies=extra["n_replies"]),
        *event_warnings(
            {
                ("reply to a toxic comment", "replies to a toxic comment"): extra[
                    "n_toxic_parents"
                ],
                ("toxic reply", "toxic replies"): extra["n_toxic_replies"],
            }
        ),
    ]
    no_interval = bootstrap_threads_warning(threads.height) if n_boot > 0 else None
    if no_interval is not None:
        params["ci_reason"] = no_interval
        said.append(no_interval)
    elif n_boot > 0:
        interval, depth_ci = _bootstrap(counts, n_depths, n_boot, ci, gen)
        depth_table = depth_table.with_columns(
            pl.Series("ci_low", depth_ci[0]).fill_nan(None),
            pl.Series("ci_high", depth_ci[1]).fill_nan(None),
        )
    depth_table = level_threads(depth_table, depth_threads)
    # a depth's ratio resting on a few toxic parents moves with each one: no interval
    depth_table = without_interval(depth_table, pl.col("n_toxic_parents") < MIN_ESCALATION_EVENTS)
    test: dict[str, float] = {}
    if null_model is not None:
        fields = null_model(value, null_gen)
        test = {
            "z": fields.z,
            "p_value": fields.p_value,
            "null_mean": fields.null_mean,
            "null_sd": fields.null_sd,
            "excess": value - fields.null_mean,
            # a shuffle that leaves no toxic parent or no toxic reply leaves R undefined
            N_DEFINED: fields.n_defined,
        }
        said.extend(take_null_count(test, params))
    return ContagionResult(
        _FUNC,
        value,
        ci=interval,
        params=params,
        tables={"threads": threads, "depths": depth_table.filter(pl.col("n_replies") > 0)},
        warnings=tuple(said),
        **test,
        **extra,
    )


# --------------------------------------------------------------------------- helpers


def checked_params(
    signal: str, threshold: Any, null: Any, n_null: Any, n_boot: Any, ci: Any, seed: Any
) -> dict[str, Any]:
    """The checked ``params`` of :func:`contagion` (``null``: the null that runs, or None)."""
    check_signal_params(signal, threshold, _FUNC)
    null_model, n_null = _check_params(null, n_null, n_boot, ci, seed)
    return {
        "signal": signal,
        "threshold": float(threshold),
        "null": null_model,
        "n_null": n_null,
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }


def _check_params(
    null: Any, n_null: Any, n_boot: Any, ci: Any, seed: Any
) -> tuple[str | None, int | None]:
    """The null model that runs (None: none) and its number of samples."""
    if null is True or null == "auto":
        null_model: str | None = "within-thread"
    elif null is None:  # n_null alone asks for the null, as in every family
        null_model = None if n_null is None else "within-thread"
    elif null is False:
        null_model = None
    else:
        allowed = f"None, True, False, 'auto' or one of {_NULLS}"
        check_param(null in _NULLS, "null", _FUNC, allowed, null)
        null_model = str(null)
    if null_model is not None and n_null is None:
        n_null = DEFAULT_N_NULL
    ok = n_null is None or (is_int(n_null) and n_null >= 1)
    check_param(ok, "n_null", _FUNC, "None or an integer >= 1", n_null)
    check_param(
        is_int(n_boot) and (n_boot == 0 or n_boot >= 2),
        "n_boot",
        _FUNC,
        "0 or an integer >= 2",
        n_boot,
    )
    check_param(
        isinstance(ci, float | int) and not isinstance(ci, bool) and 0 < ci < 1,
        "ci",
        _FUNC,
        "in (0, 1)",
        ci,
    )
    check_param(
        seed is None or is_int(seed) or isinstance(seed, np.random.Generator),
        "seed",
        _FUNC,
        "an int, a numpy Generator or None",
        seed,
    )
    return null_model, n_null


@dataclass(frozen=True)
class _Data:
    """Integer arrays of the eligible reply pairs, built once."""

    thread_ids: pl.Series  # thread id per thread code
    n_threads: int
    thread: np.ndarray  # thread code per comment
    scored: np.ndarray  # bool per comment
    toxic: np.ndarray  # bool per comment (False where unscored)
    child: np.ndarray  # row of each eligible reply
    parent: np.ndarray  # row of its parent
    pair_thread: np.ndarray
    pair_depth: np.ndarray


def _prepare(comments: pl.DataFrame, values: np.ndarray, threshold: float) -> _Data:
    thread = comments.get_column("thread_id").cast(pl.String).fill_null("")
    thread_ids = thread.unique(maintain_order=True)
    code = (
        thread.to_frame("t")
        .join(
            thread_ids.to_frame("t").with_row_index("code"),
            on="t",
            how="left",
            maintain_order="left",
        )
        .get_column("code")
        .to_numpy()
        .astype(np.int64)
    )
    par = parent_index(
        comments.get_column("comment_id").cast(pl.String),
        comments.get_column("parent_id").cast(pl.String),
    )
    scored = ~np.isnan(values)
    toxic = scored & (np.nan_to_num(values, nan=-np.inf) >= threshold)
    has = par >= 0
    p = np.where(has, par, 0)
    eligible = has & scored & scored[p] & (code == code[p])
    child = np.flatnonzero(eligible)
    parent = par[child]
    depth = depths(par)
    return _Data(
        thread_ids=thread_ids,
        n_threads=thread_ids.len(),
        thread=code,
        scored=scored,
        toxic=toxic,
        child=child,
        parent=parent,
        pair_thread=code[child],
        pair_depth=depth[child],
    )


@dataclass(frozen=True)
class ContagionCounts:
    """The counts ``[n, a, t, b]`` of eligible replies that R, its tables and its thread
    bootstrap need: per thread (every thread, in order of first appearance: the bootstrap
    draws over all of them) and per (thread, depth) cell. O(threads + cells), not O(n).

    Attributes
    ----------
    thread_ids : polars.Series
        Thread of each row of ``per_thread``.
    per_thread : numpy.ndarray
        ``(threads, 4)`` int64 counts.
    cell_thread, cell_depth : numpy.ndarray
        Row in ``per_thread`` and depth (of the reply) of each cell.
    cell_counts : numpy.ndarray
        ``(cells, 4)`` int64 counts.
    """

    thread_ids: pl.Series
    per_thread: np.ndarray
    cell_thread: np.ndarray
    cell_depth: np.ndarray
    cell_counts: np.ndarray

    @classmethod
    def of(cls, data: _Data) -> ContagionCounts:
        """The counts of prepared comments."""
        per_thread = _group_counts(data, data.pair_thread, data.n_threads)
        n_depths = int(data.pair_depth.max()) + 1 if data.pair_depth.size else 1
        cells, index = np.unique(data.pair_thread * n_depths + data.pair_depth, return_inverse=True)
        return cls(
            data.thread_ids,
            per_thread,
            (cells // n_depths).astype(np.int64),
            (cells % n_depths).astype(np.int64),
            _group_counts(data, index, cells.size),
        )

    def to_table(self) -> pl.DataFrame:
        """One row per thread: ``thread_id``, ``counts`` (n, a, t, b), and the cells as the
        lists ``depths`` and ``cells`` (four counts each), the form the Spark buckets return."""
        cells = (
            pl.DataFrame(
                {
                    "_row": self.cell_thread,
                    "depths": self.cell_depth,
                    "cells": pl.Series(self.cell_counts.tolist(), dtype=pl.List(pl.Int64)),
                }
            )
            .group_by("_row", maintain_order=True)
            .agg("depths", "cells")
        )
        counts = pl.Series("counts", self.per_thread.tolist(), dtype=pl.List(pl.Int64))
        return (
            pl.DataFrame({"thread_id": self.thread_ids.cast(pl.String), "counts": counts})
            .with_row_index("_row")
            .join(cells, on="_row", how="left", maintain_order="left")
            .drop("_row")
            .with_columns(
                pl.col("depths").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
                pl.col("cells").fill_null(pl.lit([], dtype=pl.List(pl.List(pl.Int64)))),
            )
        )

    @classmethod
    def from_table(cls, table: pl.DataFrame) -> ContagionCounts:
        """The counts of a :meth:`to_table` table, its rows in the order wanted."""
        cells = table.select("depths", "cells").with_row_index("_row").explode("depths", "cells")
        cells = cells.drop_nulls("depths")
        return cls(
            table.get_column("thread_id"),
            np.array(table.get_column("counts").to_list(), dtype=np.int64).reshape(-1, 4),
            cells.get_column("_row").to_numpy().astype(np.int64),
            cells.get_column("depths").to_numpy().astype(np.int64),
            np.array(cells.get_column("cells").to_list(), dtype=np.int64).reshape(-1, 4),
        )


def _group_counts(data: _Data, group: np.ndarray, n_groups: int) -> np.ndarray:
    """``(n_groups, 4)`` counts ``[n, a, t, b]`` per group of eligible replies."""
    tc = data.toxic[data.child]
    tp = data.toxic[data.parent]
    cols = [
        np.bincount(group, minlength=n_groups),
        np.bincount(group, weights=tp, minlength=n_groups),
        np.bincount(group, weights=tc, minlength=n_groups),
        np.bincount(group, weights=tc & tp, minlength=n_groups),
    ]
    return np.stack(cols, axis=1).astype(np.int64)


def _ratio(c: np.ndarray) -> tuple[float, str | None]:
    n, a, t, b = (int(x) for x in c)
    if n == 0:
        return math.nan, "no eligible reply (a scored comment whose parent is scored)"
    if a == 0:
        return math.nan, "no eligible reply has a toxic parent"
    if t == 0:
        return math.nan, "no eligible reply is toxic"
    return (b * n) / (a * t), None


def _ratios(c: np.ndarray) -> np.ndarray:
    """Vectorised ``b n / (a t)`` over rows of ``[n, a, t, b]`` (NaN where undefined)."""
    c = np.asarray(c, dtype=float)
    den = c[..., 1] * c[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, c[..., 3] * c[..., 0] / np.where(den > 0, den, 1), np.nan)


def _extras(c: np.ndarray) -> dict[str, Any]:
    n, a, t, b = (int(x) for x in c)
    return {
        "p_toxic_after_toxic": b / a if a else math.nan,
        "p_toxic_after_calm": (t - b) / (n - a) if n - a else math.nan,
        "p_toxic_reply": t / n if n else math.nan,
        "n_replies": n,
        "n_toxic_parents": a,
        "n_toxic_replies": t,
        "n_toxic_after_toxic": b,
    }


def _table(groups: pl.Series, c: np.ndarray) -> pl.DataFrame:
    n, a, t, b = (c[:, i] for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_after = np.where(a > 0, b / np.where(a > 0, a, 1), np.nan)
        p_reply = np.where(n > 0, t / np.where(n > 0, n, 1), np.nan)
    return pl.DataFrame(
        {
            "group": groups,
            "n_replies": n,
            "n_toxic_parents": a,
            "n_toxic_replies": t,
            "n_toxic_after_toxic": b,
            "p_toxic_after_toxic": p_after,
            "p_toxic_reply": p_reply,
            "ratio": _ratios(c),
        }
    ).with_columns(pl.col("p_toxic_after_toxic", "p_toxic_reply", "ratio").fill_nan(None))


def _bootstrap(
    counts: ContagionCounts, n_depths: int, n_boot: int, ci: float, gen: np.random.Generator
) -> tuple[tuple[float, float], tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals of R overall and per depth, resampling threads."""
    per_thread = counts.per_thread.astype(float)
    cell_counts = counts.cell_counts.astype(float)
    overall = np.empty(n_boot)
    by_depth = np.empty((n_boot, n_depths))
    t = per_thread.shape[0]
    for i in range(n_boot):  # one vectorised resample of all threads per sample
        w = np.bincount(gen.integers(0, t, t), minlength=t).astype(float)
        overall[i] = _ratios(w @ per_thread)
        wc = w[counts.cell_thread]
        sums = np.stack(
            [np.bincount(counts.cell_depth, wc * cell_counts[:, k], n_depths) for k in range(4)],
            1,
        )
        by_depth[i] = _ratios(sums)
    alpha = (1 - ci) / 2
    low = np.full(n_depths, np.nan)
    high = np.full(n_depths, np.nan)
    if np.count_nonzero(per_thread[:, 0]) < 2:  # one thread: resampling cannot vary anything
        return (math.nan, math.nan), (low, high)
    interval = _quantiles(overall, alpha)
    for k in range(n_depths):
        low[k], high[k] = _quantiles(by_depth[:, k], alpha)
    return interval, (low, high)


def _quantiles(samples: np.ndarray, alpha: float) -> tuple[float, float]:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return math.nan, math.nan
    low, high = np.quantile(samples, [alpha, 1 - alpha])
    return float(low), float(high)


def null_key(gen: np.random.Generator) -> int:
    """The key of the within-thread null's permutations: the first draw of a generator seeded
    by the measure's ``seed`` (not the bootstrap's), so the null depends on ``seed`` alone."""
    return int(gen.integers(0, 2**63))


def null_counts(
    data: _Data,
    key: int,
    n_null: int,
    places: np.ndarray | None = None,
    progress: bool | None = False,
) -> np.ndarray:
    """``(n_null, 3)`` counts ``[a, t, b]`` of the eligible replies in each null sample.

    Sample ``i`` permutes the flags of each thread's scored comments (in input order) by the
    keyed hash of :mod:`dynamics.escalation._keyed_shuffle` with the thread's place
    (``places[code]``, default its code: its rank by first comment), so a bucket of whole
    threads given their places in the whole input draws the same permutations, and the
    counts of buckets add up to the counts of the whole. ``n`` does not change under the null.
    """
    places = np.arange(data.n_threads) if places is None else np.asarray(places)
    scored_rows = np.flatnonzero(data.scored)
    th = data.thread[scored_rows]
    m = np.bincount(th, minlength=data.n_threads)  # scored comments per thread
    k = np.bincount(th, weights=data.toxic[scored_rows], minlength=data.n_threads)
    # only threads with both toxic and calm comments and an eligible reply change
    moving = (k > 0) & (k < m) & (np.bincount(data.pair_thread, minlength=m.size) > 0)
    rows = scored_rows[moving[th]]  # in input order
    codes = np.flatnonzero(moving)
    # threads of similar size share a block of `width` slots per thread (a few blocks, not one
    # per size); a thread's comments take its first slots, in input order
    width = _WIDTHS[np.searchsorted(_WIDTHS, m[codes])]
    codes = codes[np.lexsort((codes, width))]
    width = _WIDTHS[np.searchsorted(_WIDTHS, m[codes])]
    start = np.zeros(data.n_threads, dtype=np.int64)
    start[codes] = np.r_[0, np.cumsum(width)[:-1]]
    rows = rows[np.argsort(data.thread[rows], kind="stable")]
    first = np.r_[0, np.flatnonzero(np.diff(data.thread[rows])) + 1]
    position = np.arange(rows.size) - np.repeat(first, np.diff(np.r_[first, rows.size]))
    slot = start[data.thread[rows]] + position
    n_slots = int(width.sum())
    # `work` holds the slots, then a constant False and a constant True; eligible-pair ends
    # index into it (a comment that does not move points at the constant of its flag)
    flags = np.zeros(n_slots, dtype=bool)
    flags[slot] = data.toxic[rows]
    work = np.zeros(n_slots + 2, dtype=bool)
    work[-1] = True
    index = n_slots + data.toxic.astype(np.int64)
    index[rows] = slot
    cidx, pidx = index[data.child], index[data.parent]
    blocks = []
    bounds = np.flatnonzero(np.diff(width)) + 1
    for s, e in zip(np.r_[0, bounds], np.r_[bounds, width.size], strict=True):
        if e > s:  # threads s..e-1 (in `codes`) have `w` slots each, from slot `lo`
            w, lo = int(width[s]), int(start[codes[s]])
            group = GroupBlock(key, places[codes[s:e]], m[codes[s:e]], w)
            part = slice(lo, lo + (e - s) * w)
            blocks.append((work[part], flags[part], group, (np.arange(e - s) * w)[:, None]))
    out = np.empty((n_null, 3), dtype=np.int64)
    with progress_bar(
        f"{_FUNC}: within-thread null",
        n_null,
        enabled=progress,
        size=n_null * data.child.size * 32,
    ) as bar:
        for i in range(n_null):
            for view, source, group, offsets in blocks:
                view[:] = source[(group.orders(i) + offsets).ravel()]
            tc, tp = work[cidx], work[pidx]
            out[i] = np.count_nonzero(tp), np.count_nonzero(tc), np.count_nonzero(tc & tp)
            bar.advance()
    return out


class NullFields(NamedTuple):
    """The within-thread null's z, one-sided p-value, mean and sd of R, and how many of its
    samples define R (a sample without a toxic parent or a toxic reply does not)."""

    z: float
    p_value: float
    null_mean: float
    null_sd: float
    n_defined: int


def null_test(counts: np.ndarray, n: int, observed: float) -> NullFields:
    """:class:`NullFields` from :func:`null_counts` (summed over every thread) and the number
    of eligible replies ``n``; samples that leave R undefined are left out."""
    a, t, b = (counts[:, j].astype(float) for j in range(3))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where((a > 0) & (t > 0), b * n / (a * t), np.nan)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return NullFields(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    z = (observed - mean) / sd if sd > 0 else math.nan
    p = (1 + int(np.count_nonzero(values >= observed))) / (1 + values.size)
    return NullFields(z, p, mean, sd, int(values.size))
