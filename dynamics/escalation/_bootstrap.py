"""The thread bootstrap of the escalation measures: parameter checks, warnings and intervals.

Threads are the independent units: a bootstrap sample draws threads with replacement, and a
measure on fewer threads than :data:`dynamics._sample_checks.MIN_BOOTSTRAP_THREADS` gives no
interval (the reason goes to ``params["ci_reason"]`` and to the warnings).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics._sample_checks import (
    MIN_BOOTSTRAP_THREADS,
    bootstrap_threads_warning,
    escalation_warnings,
)

__all__ = [
    "check_boot",
    "level_threads",
    "percentile_interval",
    "sample_warnings",
    "without_interval",
]


def check_boot(n_boot: Any, ci: Any, func: str) -> None:
    """Validate ``n_boot`` (0 or an integer >= 2) and ``ci`` (in (0, 1)) of ``func``."""
    check_param(
        isinstance(n_boot, int) and n_boot >= 0 and n_boot != 1,
        "n_boot",
        func,
        "0 or an integer >= 2",
        n_boot,
    )
    check_param(0 < ci < 1, "ci", func, "in (0, 1)", ci)


def sample_warnings(
    params: dict[str, Any],
    n_boot: int,
    boot_threads: int,
    *,
    n_threads: int,
    n_replies: int | None = None,
) -> tuple[list[str], bool]:
    """The sample-size warnings of a measure, and whether its bootstrap may run.

    ``n_threads`` and ``n_replies`` go to :func:`~dynamics._sample_checks.escalation_warnings`;
    with ``n_boot`` > 0 and ``boot_threads`` under the minimum, the reason is added to the
    warnings and set as ``params["ci_reason"]`` (``params`` is changed in place).
    """
    said = list(escalation_warnings(n_threads=n_threads, n_replies=n_replies))
    if not n_boot:
        return said, False
    no_interval = bootstrap_threads_warning(boot_threads)
    if no_interval is None:
        return said, True
    params["ci_reason"] = no_interval
    said.append(no_interval)
    return said, False


def percentile_interval(samples: np.ndarray, ci: float, n_threads: int) -> tuple[float, float]:
    """Percentile interval of the bootstrap ``samples`` (NaN ones left out) at level ``ci``."""
    samples = samples[~np.isnan(samples)]
    if samples.size == 0 or n_threads < 2:
        return math.nan, math.nan
    alpha = (1 - ci) / 2
    low, high = np.quantile(samples, [alpha, 1 - alpha])
    return float(low), float(high)


def level_threads(table: pl.DataFrame, n_threads: np.ndarray) -> pl.DataFrame:
    """``table`` (one row per level: a depth, a turn) with its ``n_threads`` column, each
    level's interval left out where its observations come from fewer than
    :data:`~dynamics._sample_checks.MIN_BOOTSTRAP_THREADS` threads.

    Resampling the threads of a level held by one thread gives that thread every time: an
    interval [x, x] that reads as certainty (r/CollegeRant's depth 26: 0.547 [0.547, 0.547]
    from 3 comments of one thread).

    >>> t = pl.DataFrame({"depth": [0, 1], "ci_low": [0.1, 0.5], "ci_high": [0.2, 0.5]})
    >>> level_threads(t, np.array([40, 1])).rows()
    [(0, 0.1, 0.2, 40), (1, None, None, 1)]
    """
    n = pl.Series("n_threads", np.asarray(n_threads, dtype=np.int64))
    return without_interval(table.with_columns(n), n < MIN_BOOTSTRAP_THREADS)


def without_interval(table: pl.DataFrame, where: pl.Expr | pl.Series) -> pl.DataFrame:
    """``table`` with ``ci_low`` and ``ci_high`` null on the rows ``where`` is true (the
    table as it is when it has no interval columns).

    >>> t = pl.DataFrame({"n": [20, 3], "ci_low": [0.1, 0.0], "ci_high": [0.2, 0.0]})
    >>> without_interval(t, pl.col("n") < 10).rows()
    [(20, 0.1, 0.2), (3, None, None)]
    """
    if "ci_low" not in table.columns:
        return table
    return table.with_columns(
        pl.when(where).then(None).otherwise(pl.col(c)).alias(c) for c in ("ci_low", "ci_high")
    )
