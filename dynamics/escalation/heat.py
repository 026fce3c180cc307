"""Reply heat: do replies come faster inside escalation episodes than elsewhere?

The *latency* of a reply is ``created_at(reply) - created_at(parent)``. A reply is *inside* an
episode when it and its parent are consecutive turns of one episode
(:func:`~dynamics.escalation.episodes`); every other reply with both times known is *outside*.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Settings
from dynamics._params import rng
from dynamics._progress import progress_bar
from dynamics._results import MetricResult
from dynamics._sample_checks import event_warnings
from dynamics.escalation._bootstrap import check_boot, percentile_interval, sample_warnings
from dynamics.escalation._detection import check_params, detect, episode_params
from dynamics.escalation._family import BOOTSTRAP, escalation_measure
from dynamics.escalation._signal import comments_of, signal_values

__all__ = ["ReplyHeatResult", "reply_heat"]


@dataclass(frozen=True, repr=False)
class ReplyHeatResult(MetricResult):
    """Result of :func:`reply_heat`: ``value`` = median latency inside / outside episodes.

    Extra fields (seconds): ``median_inside``, ``median_outside``, ``mean_inside``,
    ``mean_outside``, ``mean_ratio`` (inside / outside), and the counts ``n_inside``,
    ``n_outside`` of replies with a latency.
    """

    median_inside: float = math.nan
    median_outside: float = math.nan
    mean_inside: float = math.nan
    mean_outside: float = math.nan
    mean_ratio: float = math.nan
    n_inside: int = 0
    n_outside: int = 0


@escalation_measure(
    needs={"discussion", "signal"},
    result=ReplyHeatResult,
    settings=(*BOOTSTRAP, "progress"),
)
def reply_heat(
    discussion: Any,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: Literal["both", "chains", "exchanges"] = "both",
    rule: Literal["slope", "steps"] = "slope",
    **settings: Unpack[Settings],
) -> ReplyHeatResult:
    """Median reply latency inside escalation episodes over the median outside them.

    With :math:`L_r = t_r - t_{\\text{parent}(r)}` the latency of reply :math:`r`,

    .. math:: H = \\frac{\\operatorname{median}\\{L_r : r \\text{ inside an episode}\\}}
                        {\\operatorname{median}\\{L_r : r \\text{ outside}\\}}

    (the same ratio of means is ``mean_ratio``). The CI is a percentile bootstrap over threads.

    Parameters
    ----------
    discussion : Discussion or polars.DataFrame
        A scored discussion (with ``created_at``) or its comments table.
    {detection_params}
    n_boot : int, default 0
        Bootstrap samples over threads (0 = no CI).
    ci : float, default 0.95
        Interval level.
    seed : int or None, default 0
        Seed of the bootstrap: the same thread draws as
        ``dynamics._significance.bootstrap_threads``, so the interval equals recomputing the
        statistic on each resampled Discussion (episodes lie within threads). None draws a
        fresh seed, recorded in ``params["seed"]``.
    progress : bool or None
        Show a progress bar for the bootstrap.

    Returns
    -------
    ReplyHeatResult
        ``value`` > 0: below 1 replies speed up inside flame wars, above 1 they slow down; NaN
        with a reason when times are missing, there is no episode, or a side has no latency.
        Table ``"latency"``: one row per side (inside, outside) with n, median, mean, q25, q75
        in seconds.

    {signal_errors}

    See Also
    --------
    episodes

    Notes
    -----
    Replies whose parent is in another thread or unknown, or whose latency is negative (clock
    errors), are left out. The bootstrap reuses one sort: each sample reweights the replies by
    how often their thread was drawn and takes weighted medians, O(n) per sample.

    References
    ----------
    {kumar2018}

    Examples
    --------
    A rising exchange whose replies come after 1 and 3 minutes; outside, replies take 10 and
    20 minutes: the medians are 2 and 15 minutes, so H = 2 / 15.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": list("abcdef"), "parent": [None, "a", "b", None, "d", "d"],
    ...     "user": list("xyxzwv"), "body": list("abcdef"),
    ...     "created_utc": [0, 60, 240, 0, 600, 1200],
    ...     "toxicity": [0.2, 0.6, 0.9, 0.1, 0.1, 0.1]}))
    >>> r = dyn.escalation.reply_heat(d, n_boot=0)
    >>> round(r.value, 4), r.median_inside, r.median_outside
    (0.1333, 120.0, 900.0)
    """
    n_boot, ci, seed, progress = (settings[k] for k in (*BOOTSTRAP, "progress"))
    func = "reply_heat"
    params = checked_params(signal, threshold, min_turns, kind, rule, n_boot, ci, seed)
    comments = comments_of(discussion, func)
    y = signal_values(comments, signal, func)
    if comments.height == 0:
        return ReplyHeatResult(func, math.nan, params=params, reason="no comments")
    lat = _latencies(comments)
    if lat.height == 0:
        return ReplyHeatResult(func, math.nan, params=params, reason=_why_no_latency(comments))
    if y.null_count() == comments.height:
        why = f"no comment has a {signal!r} score"
        return ReplyHeatResult(func, math.nan, params=params, reason=why)
    lat, n_episodes = mark_inside(comments, y, lat, params)
    inside = lat.get_column("inside").to_numpy()
    secs = lat.get_column("latency").to_numpy()
    summary = pl.DataFrame(
        {
            "side": ["inside", "outside"],
            "n": [int(inside.sum()), int((~inside).sum())],
            "median": [_stat(np.median, secs[inside]), _stat(np.median, secs[~inside])],
            "mean": [_stat(np.mean, secs[inside]), _stat(np.mean, secs[~inside])],
            "q25": [_q(secs[inside], 0.25), _q(secs[~inside], 0.25)],
            "q75": [_q(secs[inside], 0.75), _q(secs[~inside], 0.75)],
        }
    )
    threads = comments.get_column("thread_id").cast(pl.String).unique(maintain_order=True)

    def bootstrap() -> tuple[float, float]:
        index = pl.DataFrame({"_thread": threads, "_t": np.arange(threads.len())})
        tix = lat.join(index, on="_thread", how="left").get_column("_t").to_numpy()
        return thread_bootstrap(tix, secs, inside, threads.len(), params, progress)

    return from_summary(summary, n_episodes, threads.len(), params, bootstrap)


def checked_params(
    signal: str,
    threshold: Any,
    min_turns: Any,
    kind: Any,
    rule: Any,
    n_boot: Any,
    ci: Any,
    seed: Any,
) -> dict[str, Any]:
    """The checked ``params`` of :func:`reply_heat`."""
    func = "reply_heat"
    check_params(signal, threshold, min_turns, kind, rule, func)
    check_boot(n_boot, ci, func)
    params = episode_params(signal, threshold, min_turns, kind, rule)
    return params | {"n_boot": n_boot, "ci": ci, "seed": seed}


def mark_inside(
    comments: pl.DataFrame, y: pl.Series, lat: pl.DataFrame, params: dict[str, Any]
) -> tuple[pl.DataFrame, int]:
    """``lat`` (:func:`_latencies`) with ``inside``: the reply and its parent are consecutive
    turns of an episode detected with ``params``; and the number of episodes."""
    table, members = detect(
        comments,
        y,
        float(params["threshold"]),
        int(params["min_turns"]),
        params["kind"],
        params["rule"],
    )
    links = (
        members.filter(pl.col("turn") > 0)
        .select(pl.col("comment_id").alias("_cid"), pl.lit(value=True).alias("inside"))
        .unique("_cid")
    )
    lat = lat.join(links, on="_cid", how="left").with_columns(pl.col("inside").fill_null(False))
    return lat, table.height


def from_summary(
    summary: pl.DataFrame,
    n_episodes: int,
    n_threads: int,
    params: dict[str, Any],
    bootstrap: Callable[[], tuple[float, float]],
) -> ReplyHeatResult:
    """The result from the per-side latency table (side, n, median, mean, q25, q75), the
    number of episodes and of threads; ``bootstrap()`` gives the interval when one is due."""
    func = "reply_heat"
    n_in, n_out = summary.get_column("n").to_list()
    med_in, med_out = summary.get_column("median").to_list()
    mean_in, mean_out = summary.get_column("mean").to_list()
    extra = {
        "median_inside": med_in,
        "median_outside": med_out,
        "mean_inside": mean_in,
        "mean_outside": mean_out,
        "mean_ratio": mean_in / mean_out if mean_out > 0 else math.nan,
        "n_inside": n_in,
        "n_outside": n_out,
    }
    tables = {"latency": summary}

    def undefined(why: str) -> ReplyHeatResult:
        return ReplyHeatResult(func, math.nan, params=params, reason=why, tables=tables, **extra)

    if n_episodes == 0:
        return undefined("no escalation episodes")
    if n_in == 0 or n_out == 0:
        side = "inside" if n_in == 0 else "outside"
        return undefined(f"no reply {side} episodes has a time on both ends")
    if med_out <= 0:
        return undefined("the median latency outside episodes is 0")
    interval = None
    said, boot = sample_warnings(
        params, params["n_boot"], n_threads, n_threads=n_threads, n_replies=n_in + n_out
    )
    inside = ("reply inside an episode", "replies inside episodes")
    # the inside latencies come in runs of one episode each: few episodes, few independent runs
    said.extend(event_warnings({inside: n_in, ("episode", "episodes"): n_episodes}))
    if boot:
        interval = bootstrap()
    return ReplyHeatResult(
        func,
        med_in / med_out,
        ci=interval,
        params=params,
        tables=tables,
        warnings=tuple(said),
        **extra,
    )


def _stat(f: Any, x: np.ndarray) -> float:
    return float(f(x)) if x.size else math.nan


def _q(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q)) if x.size else math.nan


def _why_no_latency(comments: pl.DataFrame) -> str:
    """The real reason no reply latency could be measured, in the order a user would check."""
    ids = comments.get_column("comment_id").cast(pl.String)
    parents = comments.get_column("parent_id").cast(pl.String)
    has_time = "created_at" in comments.columns and bool(
        comments.get_column("created_at").is_not_null().any()
    )
    return why_no_latency(
        int(parents.is_not_null().sum()),
        bool(parents.is_in(ids.implode()).fill_null(value=False).any()),
        has_time,
    )


def why_no_latency(n_replies: int, has_parent: bool, has_time: bool) -> str:
    """Why no latency was measured, from the comments with a ``parent_id`` (``n_replies``),
    whether any parent is in the data and whether any comment has a time."""
    if n_replies == 0:
        return "no comment is a reply (parent_id is empty everywhere)"
    if not has_parent:
        return f"no reply has its parent in the data ({n_replies:,} replies, every parent missing)"
    if not has_time:
        return "created_at missing: no comment has a time"
    return (
        "no reply has a time on both ends at or after its parent's "
        "(created_at missing or replies timestamped before their parents)"
    )


def _latencies(comments: pl.DataFrame) -> pl.DataFrame:
    """Replies with both times known: ``_cid``, ``_thread`` and ``latency`` in seconds."""
    if "created_at" not in comments.columns:
        return pl.DataFrame(schema={"_cid": pl.String, "_thread": pl.String, "latency": pl.Float64})
    c = comments.select(
        pl.col("comment_id").cast(pl.String).alias("_cid"),
        pl.col("parent_id").cast(pl.String).alias("_pid"),
        pl.col("thread_id").cast(pl.String).alias("_thread"),
        "created_at",
    )
    parents = c.select(pl.col("_cid").alias("_pid"), "_thread", pl.col("created_at").alias("_pt"))
    return (
        c.join(parents, on=["_pid", "_thread"], how="inner")
        .with_columns(
            ((pl.col("created_at") - pl.col("_pt")).dt.total_microseconds() / 1e6).alias("latency")
        )
        .filter(pl.col("latency") >= 0)
        .select("_cid", "_thread", "latency")
    )


def thread_bootstrap(
    tix: np.ndarray,
    secs: np.ndarray,
    inside: np.ndarray,
    t: int,
    params: dict[str, Any],
    progress: bool | None,
) -> tuple[float, float]:
    """Percentile interval of the median ratio over thread resamples (weighted medians).

    ``tix`` is each latency's thread code among the ``t`` threads (in order of first
    appearance, the order the threads are drawn in).
    """
    order = np.argsort(secs, kind="stable")
    tix, secs, inside = tix[order], secs[order], inside[order]
    groups = [(tix[inside], secs[inside]), (tix[~inside], secs[~inside])]
    n_boot = params["n_boot"]
    gen = rng(params["seed"])
    values = np.full(n_boot, np.nan)
    with progress_bar(
        "reply_heat: bootstrap", n_boot, enabled=progress, size=secs.size * n_boot
    ) as bar:
        for i in range(n_boot):
            counts = np.bincount(gen.integers(0, t, t), minlength=t)
            med = [_weighted_median(x, counts[g]) for g, x in groups]
            if med[1] > 0:
                values[i] = med[0] / med[1]
            bar.advance()
    return percentile_interval(values, params["ci"], t)


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """``np.median`` of ``x`` (sorted) with each value repeated ``w`` times."""
    cum = np.cumsum(w)
    total = int(cum[-1]) if cum.size else 0
    if total == 0:
        return math.nan
    lo = x[np.searchsorted(cum, (total - 1) // 2, side="right")]
    hi = x[np.searchsorted(cum, total // 2, side="right")]
    return float(lo + hi) / 2
