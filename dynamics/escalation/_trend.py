"""Helpers shared by the escalation profiles (:mod:`.depth` and :mod:`.size`).

Per-comment values ``y`` (the signal or the 0/1 toxic flag), the checks and ``params`` of the
bootstrap parameters, thread codes, and the per-thread sufficient statistics of a profile
(:class:`ThreadCells`), which are all a profile, its slope and its thread bootstrap need: the
Spark path builds them per thread bucket and the driver runs the same profile on them (the
intervals are :mod:`._bootstrap`'s).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from dynamics._params import check_param, is_int
from dynamics.escalation._signal import check_signal_params, signal_values


def _check(n_boot: Any, ci: Any, seed: Any, func: str) -> None:
    check_param(
        is_int(n_boot) and (n_boot == 0 or n_boot >= 2),
        "n_boot",
        func,
        "0 or an integer >= 2",
        n_boot,
    )
    check_param(
        isinstance(ci, float | int) and not isinstance(ci, bool) and 0 < ci < 1,
        "ci",
        func,
        "in (0, 1)",
        ci,
    )
    check_param(
        seed is None or is_int(seed) or isinstance(seed, np.random.Generator),
        "seed",
        func,
        "an int, a numpy Generator or None",
        seed,
    )


def _values(comments: pl.DataFrame, signal: str, threshold: Any, func: str) -> np.ndarray:
    """Per-comment ``y``: the signal, or the 0/1 toxic flag; NaN where unscored."""
    if threshold is not None:
        check_signal_params(signal, threshold, func)
    else:
        check_signal_params(signal, 0.5, func)
    y = signal_values(comments, signal, func).to_numpy(allow_copy=True).astype(float)
    if threshold is None:
        return y
    return np.where(np.isnan(y), np.nan, (y >= float(threshold)).astype(float))


def _params(
    signal: str, threshold: Any, within: bool, n_boot: int, ci: float, seed: Any
) -> dict[str, Any]:
    return {
        "signal": signal,
        "threshold": None if threshold is None else float(threshold),
        "within": bool(within),
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }


def _codes(ids: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """Distinct ids in order of appearance and the code of each row."""
    ids = ids.cast(pl.String).fill_null("")
    uniq = ids.unique(maintain_order=True)
    code = (
        ids.to_frame("k")
        .join(uniq.to_frame("k").with_row_index("c"), on="k", how="left", maintain_order="left")
        .get_column("c")
        .to_numpy()
        .astype(np.int64)
    )
    return uniq, code


def thread_sums(
    x: np.ndarray, y: np.ndarray, thread: np.ndarray, group: np.ndarray | None, t: int
) -> np.ndarray:
    """Per-thread sufficient statistics of the slope of ``y`` on ``x``, shape ``(t, k)``.

    Pooled (``group`` None): ``(n, sum x, sum y, sum x^2, sum xy)``. Within groups (threads or
    exchanges, nested in threads): ``(sum (x - mean_g x)^2, sum (x - mean_g x)(y - mean_g y))``.
    """
    if group is None:
        cols = [np.ones_like(x), x, y, x * x, x * y]
        return np.stack([np.bincount(thread, weights=c, minlength=t) for c in cols], 1)
    _, g = np.unique(group, return_inverse=True)
    ng = np.bincount(g)
    mx = np.bincount(g, weights=x) / ng
    my = np.bincount(g, weights=y) / ng
    dx = x - mx[g]
    cols = [dx * dx, dx * (y - my[g])]
    return np.stack([np.bincount(thread, weights=c, minlength=t) for c in cols], 1)


@dataclass(frozen=True)
class ThreadCells:
    """What a profile needs of its observations, per thread: O(threads + cells), not O(n).

    Rows are the threads with at least one observation, in order of first appearance (the
    order the thread bootstrap draws them in).

    Attributes
    ----------
    sums : numpy.ndarray
        Per-thread sufficient statistics of the slope (:func:`thread_sums`), shape (rows, k).
    thread : numpy.ndarray
        Row of each (thread, level) cell.
    level : numpy.ndarray
        Level of each cell (int64: depth, turn).
    n : numpy.ndarray
        Observations in each cell.
    y : numpy.ndarray
        Sum of ``y`` over each cell.
    """

    sums: np.ndarray
    thread: np.ndarray
    level: np.ndarray
    n: np.ndarray
    y: np.ndarray

    @classmethod
    def of(
        cls, x: np.ndarray, y: np.ndarray, thread: np.ndarray, group: np.ndarray | None
    ) -> tuple[ThreadCells, np.ndarray]:
        """The cells of observations ``(x, y)`` in threads coded ``thread`` (codes in order of
        first appearance), and the codes of the rows' threads."""
        used, row = np.unique(thread, return_inverse=True)
        sums = thread_sums(x, y, row, group, used.size)
        levels, level = np.unique(x.astype(np.int64), return_inverse=True)
        cells, inv = np.unique(row * levels.size + level, return_inverse=True)
        cells = cells.astype(np.int64)
        return cls(
            sums,
            cells // max(levels.size, 1),
            levels[cells % max(levels.size, 1)],
            np.bincount(inv, minlength=cells.size).astype(np.int64),
            np.bincount(inv, weights=y, minlength=cells.size).astype(float),  # float if empty
        ), used

    def to_table(self, thread_ids: pl.Series) -> pl.DataFrame:
        """One row per thread (``thread_ids``, one per row): ``sums``, ``levels``, ``n`` and
        ``sum_y`` as lists, the form the Spark buckets return."""
        lists = (
            pl.DataFrame({"_row": self.thread, "levels": self.level, "n": self.n, "sum_y": self.y})
            .group_by("_row", maintain_order=True)
            .agg("levels", "n", "sum_y")
        )
        sums = pl.Series("sums", self.sums.tolist(), dtype=pl.List(pl.Float64))
        return (
            pl.DataFrame({"thread_id": thread_ids.cast(pl.String), "sums": sums})
            .with_row_index("_row")
            .join(lists, on="_row", how="left", maintain_order="left")
            .drop("_row")
        )

    @classmethod
    def from_table(cls, table: pl.DataFrame, k: int) -> ThreadCells:
        """The cells of a :meth:`to_table` table (its rows in the order wanted); ``k`` is the
        number of sums per thread (for an empty table)."""
        cells = (
            table.select("levels", "n", "sum_y")
            .with_row_index("_row")
            .explode("levels", "n", "sum_y")
        )
        sums = np.array(table.get_column("sums").to_list(), dtype=float).reshape(-1, k)
        return cls(
            sums,
            cells.get_column("_row").to_numpy().astype(np.int64),
            cells.get_column("levels").to_numpy().astype(np.int64),
            cells.get_column("n").to_numpy().astype(np.int64),
            cells.get_column("sum_y").to_numpy().astype(float),
        )
