"""Escalation along chains: toxicity by reply depth and by turn of an exchange.

These functions (and :func:`~dynamics.escalation.toxicity_by_thread_size` in ``size.py``)
share one machinery: a per-comment value ``y`` (the hostility signal, or
the 0/1 toxic flag when ``threshold`` is given), a position ``x`` (depth, turn, or size bin),
a table of mean ``y`` per position and an OLS slope of ``y`` on ``x``, with percentile
bootstrap intervals that resample whole threads (the independent units) from per-thread
sufficient statistics, so a bootstrap sample costs O(threads + cells), not O(comments).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Settings
from dynamics._params import check_param, is_int, rng
from dynamics._results import MetricResult
from dynamics.escalation._bootstrap import level_threads, percentile_interval, sample_warnings
from dynamics.escalation._family import BOOTSTRAP, escalation_measure
from dynamics.escalation._signal import comments_of
from dynamics.escalation._trend import ThreadCells, _check, _codes, _params, _values
from dynamics.model.forest import depths, parent_index

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["TrendResult", "toxicity_by_depth", "toxicity_by_turn"]


@dataclass(frozen=True, repr=False)
class TrendResult(MetricResult):
    """Outcome of the escalation profiles: ``value`` is a slope, the table the profile.

    Attributes
    ----------
    intercept : float
        OLS intercept (NaN for the within slope, which has none).
    n_obs : int
        Observations in the regression (comments, exchange turns, or threads).
    n_threads : int
        Threads they come from (the bootstrap units).
    """

    intercept: float = math.nan
    n_obs: int = 0
    n_threads: int = 0


@escalation_measure(needs={"discussion", "signal"}, result=TrendResult, settings=BOOTSTRAP)
def toxicity_by_depth(
    discussion: Discussion,
    *,
    signal: str = "toxicity",
    threshold: float | None = None,
    within: bool = False,
    **settings: Unpack[Settings],
) -> TrendResult:
    r"""Mean toxicity per reply depth, and the OLS slope of toxicity on depth.

    Each scored comment ``i`` contributes ``y_i`` (its signal, or ``1[signal >= threshold]``
    with ``threshold``) at depth ``d_i`` (0 = top-level comment, 1 = reply to one, ...). The
    table gives ``mean(y | d)`` per depth and the slope is the pooled least-squares fit
    ``y_i = \alpha + \beta d_i + \varepsilon_i``:

    .. math:: \beta = \frac{\sum_i (d_i - \bar d)(y_i - \bar y)}{\sum_i (d_i - \bar d)^2}

    With ``within=True`` the means are taken per thread (thread fixed effects), so the slope
    compares comments of the same thread only.

    Parameters
    ----------
    {profile_data}
    signal : str, default "toxicity"
        The numeric hostility column.
    threshold : float or None, default None
        None averages the signal itself; a number averages the toxic flag
        ``signal >= threshold`` (the share of toxic comments).
    within : bool, default False
        Thread fixed-effects slope instead of the pooled one.
    n_boot : int, default 0
        Bootstrap samples over threads (0 skips the intervals).
    ci : float, default 0.95
        Interval level, in (0, 1).
    seed : int or None, default 0
        Seed of the bootstrap. None draws a fresh seed, recorded in ``params["seed"]``.

    Returns
    -------
    TrendResult
        ``value`` = slope (signal units per level of depth; positive: deeper replies are more
        toxic, 0: flat, negative: calmer), ``ci`` its percentile bootstrap interval over
        threads (NaN when fewer than two threads), table ``"depths"`` with ``depth``,
        ``n_comments``, ``mean``, ``ci_low``, ``ci_high`` and ``n_threads`` (the threads
        with comments at that depth; no interval where they are under
        ``MIN_BOOTSTRAP_THREADS`` = 10, as resampling one thread gives [x, x]). NaN with a
        ``reason`` when no comment is scored or all scored comments sit at one depth.

    {profile_errors}

    See Also
    --------
    toxicity_by_turn, toxicity_by_thread_size, contagion

    Notes
    -----
    Deep comments come from long back-and-forths, so the pooled slope mixes escalation inside
    chains with differences between threads; ``within=True`` removes the second. Unscored
    comments are left out (their depth still counts for their replies). O(n) plus
    O(threads + thread-depth cells) per bootstrap sample.

    References
    ----------
    .. [1] Avalle, M. et al. (2024). Persistent interaction patterns across social media
       platforms and over time. Nature 628, 582-589.
       https://doi.org/10.1038/s41586-024-07229-y (toxicity along the course of a thread).

    Examples
    --------
    Toxicity 0.1 at depth 0, 0.3 at depth 1, 0.5 at depth 2: the slope is 0.2 per level.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c"], "parent": [None, "a", "b"], "user": ["u", "v", "u"],
    ...     "body": ["..."] * 3, "toxicity": [0.1, 0.3, 0.5]}))
    >>> r = dyn.escalation.toxicity_by_depth(d, n_boot=0)
    >>> round(r.value, 6), r.table("depths", backend="polars")["mean"].round(6).to_list()
    (0.2, [0.1, 0.3, 0.5])
    """
    n_boot, ci, seed = (settings[k] for k in BOOTSTRAP)
    func = "toxicity_by_depth"
    comments = comments_of(discussion, func)
    y = _values(comments, signal, threshold, func)
    _check(n_boot, ci, seed, func)
    params = _params(signal, threshold, within, n_boot, ci, seed)
    cells, _ = depth_cells(comments, y, within)
    return profile(func, cells, within, params, n_boot, ci, seed)


@escalation_measure(needs={"discussion", "signal"}, result=TrendResult, settings=BOOTSTRAP)
def toxicity_by_turn(
    discussion: Discussion,
    *,
    signal: str = "toxicity",
    threshold: float | None = None,
    min_turns: int = 2,
    within: bool = False,
    **settings: Unpack[Settings],
) -> TrendResult:
    r"""Mean toxicity per turn of a dyadic exchange, and the slope of toxicity on turn.

    Exchanges are the maximal back-and-forth runs between two users along a reply chain
    (:func:`dynamics.model.exchanges.dyadic_exchanges`, at least ``min_turns`` comments).
    Turn ``k`` is the k-th comment of its exchange (1 = the comment that opened it). Each
    scored turn contributes ``y`` at ``x = k``; the table gives ``mean(y | k)`` and the slope
    is the pooled OLS fit of ``y`` on ``k`` (formula as in :func:`toxicity_by_depth`), or
    with ``within=True`` the exchange fixed-effects slope
    :math:`\sum_e \sum_k (k - \bar k_e)(y_{ek} - \bar y_e) / \sum_e \sum_k (k - \bar k_e)^2`,
    which asks whether an exchange heats up as it goes on.

    Parameters
    ----------
    {profile_data}
    signal, threshold : see :func:`toxicity_by_depth`.
    min_turns : int, default 2
        Shortest exchange kept.
    within : bool, default False
        Exchange fixed-effects slope instead of the pooled one.
    n_boot, ci, seed : see :func:`toxicity_by_depth` (bootstrap over threads).

    Returns
    -------
    TrendResult
        ``value`` = slope per turn (positive: exchanges heat up), ``ci``, table ``"turns"``
        with ``turn``, ``n_turns``, ``mean``, ``ci_low``, ``ci_high`` and ``n_threads`` (no
        interval for a turn from fewer than 10 threads, as for depths); NaN with a
        ``reason`` when there is no exchange with scored turns.

    {profile_errors}

    See Also
    --------
    toxicity_by_depth, dynamics.model.exchanges.dyadic_exchanges

    Notes
    -----
    The pooled slope mixes escalation with composition (long exchanges may be hotter from the
    start); ``within=True`` removes the latter. A comment that opens a branch belongs to two
    exchanges (as the last turn of one and the first of the other) and counts in both.
    Unscored turns are left out.

    References
    ----------
    .. [1] Avalle, M. et al. (2024). Persistent interaction patterns across social media
       platforms and over time. Nature 628, 582-589.
       https://doi.org/10.1038/s41586-024-07229-y

    Examples
    --------
    ``u`` and ``v`` exchange four turns with toxicity 0.1, 0.2, 0.4, 0.5: the slope over
    turns 1-4 is (sum of (k - 2.5)(y - 0.3)) / 5 = 0.7 / 5 = 0.14.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "e"], "parent": [None, "a", "b", "c"],
    ...     "user": ["u", "v", "u", "v"], "body": ["..."] * 4,
    ...     "toxicity": [0.1, 0.2, 0.4, 0.5]}))
    >>> round(dyn.escalation.toxicity_by_turn(d, n_boot=0).value, 6)
    0.14
    """
    n_boot, ci, seed = (settings[k] for k in BOOTSTRAP)
    func = "toxicity_by_turn"
    comments = comments_of(discussion, func)
    y = _values(comments, signal, threshold, func)
    _check(n_boot, ci, seed, func)
    check_min_turns(min_turns, func)
    params = _params(signal, threshold, within, n_boot, ci, seed) | {"min_turns": min_turns}
    cells, _ = turn_cells(comments, y, min_turns, within)
    return profile(func, cells, within, params, n_boot, ci, seed)


# --------------------------------------------------------------------------- helpers


def depth_cells(
    comments: pl.DataFrame, y: np.ndarray, within: bool
) -> tuple[ThreadCells, pl.Series]:
    """Cells of the depth profile: ``y`` at each scored comment's depth, and the row threads."""
    par = parent_index(
        comments.get_column("comment_id").cast(pl.String),
        comments.get_column("parent_id").cast(pl.String),
    )
    thread_ids, thread = _codes(comments.get_column("thread_id"))
    keep = ~np.isnan(y)
    x = depths(par)[keep].astype(float)
    cells, used = ThreadCells.of(x, y[keep], thread[keep], thread[keep] if within else None)
    return cells, thread_ids.gather(used)


def turn_cells(
    comments: pl.DataFrame, y_all: np.ndarray, min_turns: int, within: bool
) -> tuple[ThreadCells, pl.Series]:
    """Cells of the turn profile: ``y`` at each scored turn of the dyadic exchanges."""
    from dynamics.model.exchanges import dyadic_exchanges

    thread_ids, thread = _codes(comments.get_column("thread_id"))
    exchanges = dyadic_exchanges(comments, min_turns=min_turns)
    turns = (
        exchanges.select("comment_ids")
        .with_row_index("_exchange")
        .explode("comment_ids")
        .with_columns(pl.int_range(1, pl.len() + 1).over("_exchange").alias("_turn"))
        .join(
            comments.select(
                pl.col("comment_id").cast(pl.String).alias("comment_ids")
            ).with_row_index("_row"),
            on="comment_ids",
            how="left",
            maintain_order="left",
        )
    )
    row = turns.get_column("_row").to_numpy().astype(np.int64)
    y = y_all[row]
    keep = ~np.isnan(y)
    exchange = turns.get_column("_exchange").to_numpy().astype(np.int64)[keep]
    cells, used = ThreadCells.of(
        turns.get_column("_turn").to_numpy()[keep].astype(float),
        y[keep],
        thread[row][keep],
        exchange if within else None,
    )
    return cells, thread_ids.gather(used)


def check_min_turns(min_turns: Any, func: str) -> None:
    """``min_turns`` of the turn profile: an integer >= 2."""
    check_param(
        is_int(min_turns) and min_turns >= 2, "min_turns", func, "an integer >= 2", min_turns
    )


def _slope_from_sums(s: np.ndarray, within: bool) -> float:
    """Slope from summed sufficient statistics (see :func:`._trend.thread_sums`)."""
    if within:
        return float(s[1] / s[0]) if s[0] > 0 else math.nan
    n, sx, sy, sxx, sxy = s
    den = n * sxx - sx * sx
    return float((n * sxy - sx * sy) / den) if n > 0 and den > 1e-12 * max(n * sxx, 1) else math.nan


def profile(
    func: str,
    cells: ThreadCells,
    within: bool,
    params: dict[str, Any],
    n_boot: int,
    ci: float,
    seed: Any,
) -> TrendResult:
    """Mean of ``y`` per level with thread-bootstrap intervals, and the slope, from the cells.

    ``func`` is ``"toxicity_by_depth"`` or ``"toxicity_by_turn"``; each bootstrap sample
    reweights the threads (the rows of ``cells``, drawn in their order) and costs
    O(threads + cells).
    """
    table_name, level_name, count = _LEVELS[func]
    levels, level = np.unique(cells.level, return_inverse=True)
    n_threads = int(cells.sums.shape[0])
    n_obs = int(cells.n.sum())
    cnt = np.bincount(level, weights=cells.n, minlength=levels.size).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(level, weights=cells.y, minlength=levels.size) / cnt
    total = cells.sums.sum(0)
    slope = _slope_from_sums(total, within)
    intercept = math.nan
    if not within and not math.isnan(slope):
        n, sx, sy = total[:3]
        intercept = float(sy / n - slope * sx / n)
    low = np.full(levels.size, np.nan)
    high = np.full(levels.size, np.nan)
    interval = None
    # the replies among the observations: comments below the top level, turns after the first
    n_replies = int(cnt[levels > _FIRST_LEVEL[func]].sum())
    said, boot = sample_warnings(
        params, n_boot if n_obs > 0 else 0, n_threads, n_threads=n_threads, n_replies=n_replies
    )
    if boot:
        gen = rng(seed)
        slopes = np.empty(n_boot)
        means = np.empty((n_boot, levels.size))
        for i in range(n_boot):  # one vectorised resample of all threads per sample
            w = np.bincount(gen.integers(0, n_threads, n_threads), minlength=n_threads)
            slopes[i] = _slope_from_sums(w @ cells.sums, within)
            wc = w[cells.thread]
            with np.errstate(invalid="ignore", divide="ignore"):
                means[i] = np.bincount(level, wc * cells.y, levels.size) / np.bincount(
                    level, wc * cells.n, levels.size
                )
        interval = percentile_interval(slopes, ci, n_threads)
        for k in range(levels.size):
            low[k], high[k] = percentile_interval(means[:, k], ci, n_threads)
    table = pl.DataFrame(
        {level_name: levels, count: cnt, "mean": mean, "ci_low": low, "ci_high": high}
    ).with_columns(pl.col("mean", "ci_low", "ci_high").fill_nan(None))
    table = level_threads(table, np.bincount(level, weights=cells.n > 0, minlength=levels.size))
    reason = None
    if n_obs == 0:
        reason = "no scored comment" if level_name == "depth" else "no exchange with scores"
    elif math.isnan(slope):
        reason = f"all observations are at one {level_name} (no spread to fit a slope)"
    return TrendResult(
        func,
        slope,
        ci=None if reason else interval,
        params=params,
        reason=reason,
        warnings=() if reason else tuple(said),
        tables={table_name: table},
        intercept=intercept,
        n_obs=n_obs,
        n_threads=n_threads,
    )


#: The table, level column and count column of each profile.
_LEVELS = {
    "toxicity_by_depth": ("depths", "depth", "n_comments"),
    "toxicity_by_turn": ("turns", "turn", "n_turns"),
}
#: The level of each profile whose observations are not replies (top level, first turn).
_FIRST_LEVEL = {"toxicity_by_depth": 0, "toxicity_by_turn": 1}
