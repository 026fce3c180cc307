"""Escalation with thread size: thread toxicity against log-binned thread size (Avalle et al.)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Settings
from dynamics._params import check_param, is_int, rng
from dynamics.escalation._bootstrap import percentile_interval
from dynamics.escalation._family import BOOTSTRAP, escalation_measure
from dynamics.escalation._signal import comments_of
from dynamics.escalation._trend import _check, _codes, _params, _values
from dynamics.escalation.depth import TrendResult

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["toxicity_by_thread_size"]


@escalation_measure(needs={"discussion", "signal"}, settings=BOOTSTRAP)
def toxicity_by_thread_size(
    discussion: Discussion,
    *,
    signal: str = "toxicity",
    threshold: float | None = 0.5,
    n_bins: int = 21,
    min_threads: int = 50,
    **settings: Unpack[Settings],
) -> TrendResult:
    r"""Thread toxicity against thread size, log-binned as in Avalle et al. (2024).

    The binning follows the procedure of the paper's published analysis code (its
    ``log_bin`` and ``resize_last_bin`` steps, re-implemented here with numpy): each thread's size
    ``s`` is its number of comments and its toxicity is the share of its scored comments
    with ``signal >= threshold`` (the mean signal when ``threshold`` is None). Sizes are put
    in ``n_bins`` logarithmic bins with edges
    :math:`e_j = 10^{\log_{10} s_{min} + j (\log_{10} s_{max} - \log_{10} s_{min}) / n_{bins}}`,
    ``j = 0..n_bins``, right-closed (the lowest edge included); while the top bin holds fewer
    than ``min_threads`` threads, the largest size is lowered to the next largest one and the
    bins recomputed (so the longest threads share the top bin). Bin ``j`` sits at the
    normalised position ``j / (n_bins - 1)`` in [0, 1]. The table gives the mean thread
    toxicity per bin with a t-interval (the paper's ``t.test``), and the value is the OLS
    slope of those bin means on the bin positions.

    Parameters
    ----------
    {profile_data}
    signal : str, default "toxicity"
        The numeric hostility column.
    threshold : float or None, default 0.5
        Toxic when ``signal >= threshold`` (the paper uses a score above 0.6, and 0.5 in its
        robustness check); None uses the mean signal per thread.
    n_bins : int, default 21
        Number of logarithmic bins (the paper's 21).
    min_threads : int, default 50
        Threads the top bin must hold (the paper's 50).
    n_boot, ci, seed : see :func:`toxicity_by_depth` (bootstrap of the slope over threads,
        with the bins kept fixed).

    Returns
    -------
    TrendResult
        ``value`` = slope of mean toxicity per unit of normalised bin position (positive:
        longer threads are more toxic), ``ci`` its bootstrap interval, table ``"sizes"``
        with ``bin``, ``position``, ``size_low``, ``size_high``, ``n_threads``, ``mean``,
        ``ci_low``, ``ci_high`` (non-empty bins only; the top bin's ``size_high`` is the
        largest size it holds, since the sizes above the cap are binned with it). NaN with a ``reason`` when fewer than
        two bins are occupied (always with fewer than ``min_threads`` threads: the one bin
        then spans every size).

    {profile_errors}

    See Also
    --------
    toxicity_by_depth, toxicity_by_turn

    Notes
    -----
    Differences from the paper: unscored comments count in the size but not in the toxic
    share (the paper scores missing toxicity as 0), threads without a scored comment are
    left out, and the top-bin rule stops when all threads share one size. The paper found
    that long conversations are consistently more toxic on eight platforms.

    References
    ----------
    .. [1] Avalle, M. et al. (2024). Persistent interaction patterns across social media
       platforms and over time. Nature 628, 582-589.
       https://doi.org/10.1038/s41586-024-07229-y; code:
       https://github.com/cdcslab/persistent-interaction-patterns

    Examples
    --------
    Threads of 1 comment are calm and threads of 4 all toxic; with two bins the sizes 1 and
    4 fall in bins 0 and 1 (positions 0 and 1), so the slope is 1 - 0 = 1:

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": list("abcdefgh"), "parent": [None, None, None, None, None, "e", "f", "g"],
    ...     "thread": ["p", "q", "r", "s", "t", "t", "t", "t"], "user": list("uvuvuvuv"),
    ...     "body": ["..."] * 8, "toxicity": [0.1, 0.0, 0.2, 0.1, 0.9, 0.8, 0.7, 0.9]}))
    >>> r = dyn.escalation.toxicity_by_thread_size(d, n_bins=2, min_threads=1, n_boot=0)
    >>> r.value, r.table("sizes", backend="polars").select("bin", "n_threads", "mean").rows()
    (1.0, [(0, 4, 0.0), (1, 1, 1.0)])
    """
    n_boot, ci, seed = (settings[k] for k in BOOTSTRAP)
    func = "toxicity_by_thread_size"
    comments = comments_of(discussion, func)
    y = _values(comments, signal, threshold, func)
    params = size_params(signal, threshold, n_bins, min_threads, n_boot, ci, seed)
    return size_profile(size_threads(comments, y), params, n_boot, ci, seed)


# --------------------------------------------------------------------------- helpers


def size_params(
    signal: str, threshold: Any, n_bins: Any, min_threads: Any, n_boot: Any, ci: Any, seed: Any
) -> dict[str, Any]:
    """The checked ``params`` of :func:`toxicity_by_thread_size`."""
    func = "toxicity_by_thread_size"
    _check(n_boot, ci, seed, func)
    check_param(is_int(n_bins) and n_bins >= 2, "n_bins", func, "an integer >= 2", n_bins)
    check_param(
        is_int(min_threads) and min_threads >= 1,
        "min_threads",
        func,
        "an integer >= 1",
        min_threads,
    )
    params = _params(signal, threshold, False, n_boot, ci, seed)
    params.pop("within")
    return params | {"n_bins": n_bins, "min_threads": min_threads}


def size_threads(comments: pl.DataFrame, y: np.ndarray) -> pl.DataFrame:
    """Per thread, in order of first appearance: ``thread_id``, ``size`` (comments),
    ``n_scored`` and ``total`` (sum of ``y`` over the scored ones)."""
    thread_ids, thread = _codes(comments.get_column("thread_id"))
    t = len(thread_ids)
    scored = ~np.isnan(y)
    return pl.DataFrame(
        {
            "thread_id": thread_ids,
            "size": np.bincount(thread, minlength=t).astype(np.int64),
            "n_scored": np.bincount(thread[scored], minlength=t).astype(np.int64),
            # float even without a scored comment (numpy gives int64 then)
            "total": np.bincount(thread[scored], weights=y[scored], minlength=t).astype(float),
        }
    )


def size_profile(
    threads: pl.DataFrame, params: dict[str, Any], n_boot: int, ci: float, seed: Any
) -> TrendResult:
    """The size profile from :func:`size_threads`' table (its rows in the bootstrap's order)."""
    func = "toxicity_by_thread_size"
    n_bins, min_threads = params["n_bins"], params["min_threads"]
    scored = threads.filter(pl.col("n_scored") > 0)
    size = scored.get_column("size").to_numpy()
    frac = scored.get_column("total").to_numpy() / scored.get_column("n_scored").to_numpy()
    if size.size == 0:
        return TrendResult(func, math.nan, params=params, reason="no comment is scored")
    bins, edges = _log_bins(size, n_bins, min_threads)
    table = _bin_table(bins, frac, edges, n_bins, ci)
    occupied = table.get_column("bin").to_numpy()
    n_threads = int(size.size)
    if occupied.size < 2:
        why = "fewer than two size bins are occupied"
        if n_threads < min_threads and size.max() > size.min():
            why = (
                f"{n_threads} threads, under min_threads={min_threads}: the top bin must "
                "hold min_threads threads, so every thread shares one bin (lower min_threads "
                "to bin fewer threads)"
            )
        return TrendResult(
            func,
            math.nan,
            params=params,
            reason=why,
            tables={"sizes": table},
            n_obs=n_threads,
            n_threads=n_threads,
        )
    slope, intercept = _ols(occupied / (n_bins - 1), table.get_column("mean").to_numpy())
    interval = None
    if n_boot > 0:
        gen = rng(seed)
        samples = np.empty(n_boot)
        for i in range(n_boot):
            w = np.bincount(gen.integers(0, n_threads, n_threads), minlength=n_threads)
            wsum = np.bincount(bins, weights=w, minlength=n_bins)
            ysum = np.bincount(bins, weights=w * frac, minlength=n_bins)
            ok = wsum > 0
            samples[i] = (
                _ols(np.flatnonzero(ok) / (n_bins - 1), ysum[ok] / wsum[ok])[0]
                if ok.sum() > 1
                else np.nan
            )
        interval = percentile_interval(samples, ci, n_threads)
    return TrendResult(
        func,
        slope,
        ci=interval,
        params=params,
        tables={"sizes": table},
        intercept=intercept,
        n_obs=n_threads,
        n_threads=n_threads,
    )


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept (NaN when x has no spread)."""
    dx = x - x.mean()
    sxx = float(dx @ dx)
    if sxx <= 0:
        return math.nan, math.nan
    slope = float(dx @ (y - y.mean())) / sxx
    return slope, float(y.mean() - slope * x.mean())


def _log_bins(size: np.ndarray, n_bins: int, min_threads: int) -> tuple[np.ndarray, np.ndarray]:
    """Avalle et al.'s log bins with the top-bin resizing; returns (bin per thread, edges)."""
    lo_size = float(size.min())
    caps = np.unique(size)[::-1].astype(float)  # the paper lowers the largest size step by step
    caps = caps[caps > lo_size]
    cap = lo_size
    if caps.size:
        log_lo = math.log10(lo_size)
        low_edge = 10 ** (log_lo + (n_bins - 1) * (np.log10(caps) - log_lo) / n_bins)
        in_top = size.size - np.searchsorted(np.sort(size), low_edge, side="right")
        enough = np.flatnonzero(in_top >= min_threads)
        cap = float(caps[enough[0]]) if enough.size else lo_size
    capped = np.minimum(size, cap).astype(float)
    if cap <= lo_size:  # one bin: it spans every size
        return np.zeros(size.size, dtype=np.int64), np.array([lo_size, float(size.max())])
    edges = 10 ** np.linspace(math.log10(lo_size), math.log10(cap), n_bins + 1)
    edges[0], edges[-1] = lo_size, cap
    bins = np.clip(np.searchsorted(edges, capped, side="left") - 1, 0, n_bins - 1)
    # the top bin holds the threads above the cap too: its upper edge is the largest size
    edges[-1] = float(size.max())
    return bins.astype(np.int64), edges


def _bin_table(
    bins: np.ndarray, frac: np.ndarray, edges: np.ndarray, n_bins: int, ci: float
) -> pl.DataFrame:
    from scipy import stats

    n = np.bincount(bins, minlength=n_bins)
    occupied = np.flatnonzero(n)
    s1 = np.bincount(bins, weights=frac, minlength=n_bins)
    s2 = np.bincount(bins, weights=frac * frac, minlength=n_bins)
    nn = n[occupied].astype(float)
    mean = s1[occupied] / nn
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum(s2[occupied] - nn * mean * mean, 0) / (nn - 1)
        half = stats.t.ppf(0.5 + ci / 2, np.maximum(nn - 1, 1)) * np.sqrt(var / nn)
    half = np.where(nn > 1, half, np.nan)
    single = edges.size == 2
    return pl.DataFrame(
        {
            "bin": occupied.astype(np.int64),
            "position": occupied / (n_bins - 1),
            "size_low": edges[0] if single else edges[occupied],
            "size_high": edges[-1] if single else edges[occupied + 1],
            "n_threads": n[occupied].astype(np.int64),
            "mean": mean,
            "ci_low": mean - half,
            "ci_high": mean + half,
        }
    ).with_columns(pl.col("ci_low", "ci_high").fill_nan(None))
