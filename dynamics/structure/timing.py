"""Timing: the distribution of reply delays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics.structure._common import _NAN, _discussion, _per_thread, _structure_measure

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = [
    "ResponseTimeResult",
    "response_times",
]

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class ResponseTimeResult(MetricResult):
    """Reply delays in seconds: ``value`` is the median; ``mean`` and counts beside it.

    Tables: ``quantiles``, ``per_thread`` and ``replies`` (one row per timed reply).
    """

    mean: float = _NAN
    n_replies: int = 0
    n_negative: int = 0


# --------------------------------------------------------------------------- response times

_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@_structure_measure(needs={"discussion", "timestamps"}, result=ResponseTimeResult)
def response_times(
    discussion: Discussion, *, quantiles: tuple[float, ...] = _QUANTILES
) -> ResponseTimeResult:
    """Distribution of reply delays: how long after its parent comment a reply came.

    For each reply ``c`` to a comment ``p`` of the table, ``delay(c) = created_at(c) -
    created_at(p)`` in seconds; the result is the median delay, with quantiles, the mean and
    a per-thread summary.

    Parameters
    ----------
    discussion : Discussion
    quantiles : tuple of float, default (0.1, 0.25, 0.5, 0.75, 0.9)
        Levels of the ``quantiles`` table, each in [0, 1].

    Returns
    -------
    ResponseTimeResult
        ``value`` >= 0: median delay in seconds; ``mean``, ``n_replies`` (replies with both
        times), ``n_negative`` (replies time-stamped before their parent, left out). Tables
        ``quantiles`` (``quantile``, ``seconds``), ``per_thread`` (``thread_id``,
        ``n_replies``, ``median``, ``mean``; NaN without timed replies) and ``replies``
        (``comment_id``, ``parent_id``, ``thread_id``, ``seconds``). NaN when no reply has a
        time on both ends.

    {discussion_errors}
    ValueError
        If a quantile is outside [0, 1].

    See Also
    --------
    dyadic_exchanges

    Notes
    -----
    Top-level comments are not replies to a comment and have no delay here. Replies
    time-stamped before their parent (clock skew, edited times; ``reply_before_parent`` in
    the IngestReport) are counted in ``n_negative`` and left out. Quantiles interpolate
    linearly. O(n) for n comments.

    References
    ----------
    Kaltenbrunner, A., Gómez, V. & López, V. (2007). Description and prediction of Slashdot
    activity. LA-WEB 2007, 57-66. https://doi.org/10.1109/LA-WEB.2007.21

    Examples
    --------
    Replies after 60 s and 180 s: median 120 s.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c"], "parent": [None, "a", "a"], "user": ["ann", "bob", "cy"],
    ...     "body": ["x"] * 3,
    ...     "time": ["2024-01-01T00:00:00", "2024-01-01T00:01:00", "2024-01-01T00:03:00"]}))
    >>> r = dyn.structure.response_times(d)
    >>> r.value, r.mean, r.n_replies
    (120.0, 120.0, 2)
    """
    func = "response_times"
    d = _discussion(discussion, func)
    qs = checked_quantiles(quantiles)
    c = d.comments
    parents = c.select(
        pl.col("comment_id").alias("parent_id"), pl.col("created_at").alias("_parent_time")
    )
    delays = (
        c.filter(pl.col("parent_id").is_not_null())
        .select("comment_id", "parent_id", "thread_id", "created_at")
        .join(parents, on="parent_id", how="inner", maintain_order="left")
        .select(
            "comment_id",
            "parent_id",
            "thread_id",
            ((pl.col("created_at") - pl.col("_parent_time")).dt.total_microseconds() / 1e6).alias(
                "seconds"
            ),
        )
        .drop_nulls("seconds")
    )
    n_negative = int((delays.get_column("seconds") < 0).sum())
    delays = delays.filter(pl.col("seconds") >= 0)
    seconds = delays.get_column("seconds")
    stats = delays.group_by("thread_id").agg(
        pl.len().cast(pl.Int64).alias("n_replies"),
        pl.col("seconds").median().alias("median"),
        pl.col("seconds").mean().alias("mean"),
    )
    per_thread = _per_thread(d, stats, {"n_replies": 0}).with_columns(
        pl.col("median", "mean").fill_null(_NAN)
    )
    arr = seconds.to_numpy()
    at = [float(np.quantile(arr, q)) if arr.size else _NAN for q in qs]
    empty = seconds.len() == 0
    return response_result(
        _NAN if empty else float(np.median(arr)),
        _NAN if empty else float(arr.mean()),
        int(seconds.len()),
        n_negative,
        {"quantiles": quantile_table(qs, at), "per_thread": per_thread, "replies": delays},
    )


def checked_quantiles(quantiles: Any) -> tuple[float, ...]:
    """The ``quantiles`` of :func:`response_times`, checked."""
    qs = tuple(quantiles)
    check_param(
        len(qs) > 0 and all(isinstance(q, int | float) and 0 <= q <= 1 for q in qs),
        "quantiles",
        "response_times",
        "a non-empty sequence of numbers in [0, 1]",
        quantiles,
    )
    return qs


def quantile_table(qs: tuple[float, ...], seconds: list[float]) -> pl.DataFrame:
    """The ``quantiles`` table: each level and its delay in seconds."""
    return pl.DataFrame({"quantile": [float(q) for q in qs], "seconds": seconds})


def response_result(
    median: float, mean: float, n_replies: int, n_negative: int, tables: dict[str, pl.DataFrame]
) -> ResponseTimeResult:
    """The result of :func:`response_times` from its parts (``tables`` holds ``quantiles``)."""
    qs = tables["quantiles"].get_column("quantile").to_list()
    return ResponseTimeResult(
        "response_times",
        median,
        params={"quantiles": qs},
        reason="no reply has a time on both ends" if n_replies == 0 else None,
        tables=tables,
        mean=mean,
        n_replies=n_replies,
        n_negative=n_negative,
    )
