"""Derailment: the first toxic comment of each thread, and whether the thread recovered.

Rules
-----
- **Order.** A thread's comments are taken in chronological order (``created_at``; missing
  times last, ties and missing times keep the table order); the *turn* of a comment is its
  1-based position in that order.
- **Derailment.** A thread derails at its first toxic comment (``signal >= threshold``).
  Threads without any scored comment are left out (``derailed`` is null).
- **Recovery.** A derailed thread *recovered* when at least ``recovery`` scored comments follow
  its first toxic comment and the last ``recovery`` scored comments of the thread are all below
  the threshold; with fewer than ``recovery`` scored comments after it, recovery is unknown
  (null).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Settings
from dynamics._params import check_param, rng
from dynamics._results import MetricResult
from dynamics.escalation._bootstrap import check_boot, percentile_interval, sample_warnings
from dynamics.escalation._family import BOOTSTRAP, escalation_measure
from dynamics.escalation._signal import check_signal_params, comments_of, signal_values
from dynamics.model.forest import depths, parent_index

__all__ = ["DerailmentResult", "checked_params", "derailment", "from_threads", "thread_table"]


@dataclass(frozen=True, repr=False)
class DerailmentResult(MetricResult):
    """Result of :func:`derailment`: ``value`` is the share of threads that derailed.

    Extra fields: ``n_threads`` (threads with a scored comment), ``n_derailed``, and
    ``recovered_share`` (share of derailed threads with known recovery that recovered).
    """

    n_threads: int = 0
    n_derailed: int = 0
    recovered_share: float = math.nan


@escalation_measure(needs={"discussion", "signal"}, result=DerailmentResult, settings=BOOTSTRAP)
def derailment(
    discussion: Any,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    recovery: int = 3,
    **settings: Unpack[Settings],
) -> DerailmentResult:
    """Per thread, the first comment over the threshold, when it came, and whether it recovered.

    A thread *derails* at its first toxic comment; the value is the share of threads that do,

    .. math:: D = \\frac{|\\{T : \\exists c \\in T,\\ y_c \\ge \\text{threshold}\\}|}{|\\{T\\}|}

    over threads with at least one scored comment. Turn, depth and time of the first toxic
    comment, and recovery (module docstring), are in the table.

    Parameters
    ----------
    discussion : Discussion or polars.DataFrame
        A scored discussion or its comments table.
    signal : str, default "toxicity"
        Numeric hostility column.
    threshold : float, default 0.5
        A comment is toxic when ``signal >= threshold``.
    recovery : int, default 3
        A derailed thread recovered when its last ``recovery`` scored comments (all after the
        first toxic one) are below the threshold.
    n_boot : int, default 0
        Bootstrap samples over threads for the CI (0 = no CI).
    ci : float, default 0.95
        Interval level.
    seed : int or None, default 0
        Seed of the bootstrap (the same draws as ``dynamics._significance.bootstrap_threads``).
        None draws a fresh seed, recorded in ``params["seed"]``.

    Returns
    -------
    DerailmentResult
        ``value`` in [0, 1] (0: no thread turns toxic; 1: every thread does; NaN with a reason
        when no comment is scored); table ``"threads"``: thread_id, n_comments, n_scored,
        n_toxic, derailed, first_toxic (comment id), turn (1-based chronological position),
        depth, time_to_derail (from the thread's first comment), first_signal, recovered.

    {signal_errors}

    See Also
    --------
    episodes, instigators

    Notes
    -----
    Unscored comments count as turns but are never toxic. ``time_to_derail`` is null when a
    time is missing. Vectorised polars group-bys: O(n log n) for n comments.

    References
    ----------
    Zhang, J. et al. (2018). Conversations gone awry: detecting early signs of conversational
    failure. ACL 2018. https://doi.org/10.18653/v1/P18-1125

    Examples
    --------
    Thread ``t`` turns toxic at its 2nd comment and ends with three calm ones; ``u`` stays calm:

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": list("abcdefg"), "parent": [None, "a", "b", "c", "d", None, "f"],
    ...     "link_id": ["t"] * 5 + ["u"] * 2, "user": list("xyxyxzw"),
    ...     "body": list("abcdefg"),
    ...     "toxicity": [0.1, 0.8, 0.2, 0.1, 0.0, 0.1, 0.2]}))
    >>> r = dyn.escalation.derailment(d, n_boot=0)
    >>> r.value, r.recovered_share
    (0.5, 1.0)
    >>> r.table("threads", backend="polars").select("first_toxic", "turn", "depth").row(0)
    ('b', 2, 1)
    """
    n_boot, ci, seed = (settings[k] for k in BOOTSTRAP)
    params = checked_params(signal, threshold, recovery, n_boot, ci)
    comments = comments_of(discussion, "derailment")
    y = signal_values(comments, signal, "derailment")
    table = thread_table(comments, y, float(threshold), recovery)
    return from_threads(table, params, n_boot=n_boot, ci=ci, seed=seed)


def checked_params(
    signal: str, threshold: float, recovery: int, n_boot: int, ci: float
) -> dict[str, Any]:
    """Check the parameters of :func:`derailment` (any engine); ``signal``, ``threshold`` and
    ``recovery`` as ``params`` hold them."""
    func = "derailment"
    check_signal_params(signal, threshold, func)
    check_param(
        isinstance(recovery, int) and not isinstance(recovery, bool) and recovery >= 1,
        "recovery",
        func,
        "an integer >= 1",
        recovery,
    )
    check_boot(n_boot, ci, func)
    return {"signal": signal, "threshold": float(threshold), "recovery": recovery}


def from_threads(
    table: pl.DataFrame, params: dict[str, Any], *, n_boot: int, ci: float, seed: int | None
) -> DerailmentResult:
    """The result of :func:`derailment` from its per-thread table (threads in order of first
    appearance), so that any engine that builds the table per thread gives the same result.

    ``params`` holds ``signal``, ``threshold`` and ``recovery``; the bootstrap draws threads
    from the table's rows.
    """
    func = "derailment"
    params = {**params, "n_boot": n_boot, "ci": ci, "seed": seed}
    scored = table.get_column("n_scored").to_numpy() > 0
    derailed = table.get_column("derailed").fill_null(value=False).to_numpy()
    n_threads, n_derailed = int(scored.sum()), int(derailed.sum())
    rec = table.get_column("recovered").drop_nulls()
    rec_share = float(rec.mean()) if rec.len() else math.nan  # type: ignore[arg-type]
    if not n_threads:  # no comment, or none scored
        why = "no comments" if table.height == 0 else f"no comment has a {params['signal']!r} score"
        return DerailmentResult(
            func, math.nan, params=params, reason=why, tables={"threads": table}
        )
    interval = None
    said, boot = sample_warnings(params, n_boot, scored.size, n_threads=n_threads)
    if boot:
        gen = rng(seed)
        t = scored.size
        samples = np.full(n_boot, np.nan)
        for i in range(n_boot):  # one vectorised draw of all threads per sample
            idx = gen.integers(0, t, t)
            den = scored[idx].sum()
            if den:
                samples[i] = derailed[idx].sum() / den
        interval = percentile_interval(samples, ci, t)
    return DerailmentResult(
        func,
        n_derailed / n_threads,
        ci=interval,
        params=params,
        tables={"threads": table},
        warnings=tuple(said),
        n_threads=n_threads,
        n_derailed=n_derailed,
        recovered_share=rec_share,
    )


def thread_table(
    comments: pl.DataFrame, y: pl.Series, threshold: float, recovery: int
) -> pl.DataFrame:
    """The per-thread table of :func:`derailment` (threads in order of first appearance)."""
    ids = comments.get_column("comment_id").cast(pl.String)
    par = parent_index(ids, comments.get_column("parent_id").cast(pl.String))
    n = comments.height
    created = (
        comments.get_column("created_at")
        if "created_at" in comments.columns
        else pl.Series([None] * n, dtype=pl.Datetime("us", "UTC"))
    )
    c = pl.DataFrame(
        {
            "thread_id": comments.get_column("thread_id").cast(pl.String),
            "comment_id": ids,
            "created_at": created,
            "depth": depths(par),
            "_s": y,
            "_row": np.arange(n),
        }
    ).with_columns((pl.col("_s") >= threshold).alias("_tox"))
    order = c.select("thread_id").unique(maintain_order=True)
    c = c.sort("created_at", "_row", nulls_last=True).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).over("thread_id").alias("_pos")
    )
    tox = pl.col("_tox").fill_null(value=False)
    first_pos = pl.col("_pos").filter(tox).first()
    out = c.group_by("thread_id").agg(
        pl.len().cast(pl.Int64).alias("n_comments"),
        pl.col("_s").is_not_null().sum().cast(pl.Int64).alias("n_scored"),
        tox.sum().cast(pl.Int64).alias("n_toxic"),
        pl.col("comment_id").filter(tox).first().alias("first_toxic"),
        (first_pos + 1).alias("turn"),
        pl.col("depth").filter(tox).first().alias("depth"),
        (pl.col("created_at").filter(tox).first() - pl.col("created_at").min()).alias(
            "time_to_derail"
        ),
        pl.col("_s").filter(tox).first().alias("first_signal"),
        (pl.col("_s").is_not_null() & (pl.col("_pos") > first_pos)).sum().alias("_after"),
        pl.col("_tox").drop_nulls().tail(recovery).not_().all().alias("_calm_end"),
    )
    derailed = pl.when(pl.col("n_scored") > 0).then(pl.col("n_toxic") > 0)
    recovered = pl.when(pl.col("n_toxic") > 0, pl.col("_after") >= recovery).then("_calm_end")
    return (
        order.join(out, on="thread_id", how="left", maintain_order="left")
        .with_columns(derailed.alias("derailed"), recovered.alias("recovered"))
        .select(
            "thread_id",
            "n_comments",
            "n_scored",
            "n_toxic",
            "derailed",
            "first_toxic",
            "turn",
            "depth",
            "time_to_derail",
            "first_signal",
            "recovered",
        )
    )
