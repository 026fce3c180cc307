"""The thread bootstrap of the escalation measures: parameter checks, warnings and intervals.

Threads are the independent units: a bootstrap sample draws threads with replacement, and a
measure on fewer threads than :data:`dynamics._sample_checks.MIN_BOOTSTRAP_THREADS` gives no
interval (the reason goes to ``params["ci_reason"]`` and to the warnings).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dynamics._params import check_param
from dynamics._sample_checks import bootstrap_threads_warning, escalation_warnings

__all__ = ["check_boot", "percentile_interval", "sample_warnings"]


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
