"""Helpers shared by the escalation profiles (:mod:`.depth` and :mod:`.size`).

Per-comment values ``y`` (the signal or the 0/1 toxic flag), the checks and ``params`` of the
bootstrap parameters, and thread codes (the intervals are :mod:`._bootstrap`'s).
"""

from __future__ import annotations

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
