"""Shared plumbing of the structure measures: the Discussion check and per-thread tables."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics.errors import GraphKindError

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

_NAN = math.nan


# --------------------------------------------------------------------------- helpers


def _discussion(obj: Any, func: str) -> Discussion:
    from dynamics.model.discussion import Discussion

    if not isinstance(obj, Discussion):
        msg = f"{func} takes a Discussion (it needs the reply trees); got {type(obj).__name__}"
        raise GraphKindError(msg)
    return obj


def _all_threads(d: Discussion) -> pl.DataFrame:
    """Every thread id (posts without comments included), in order of first appearance."""
    return pl.DataFrame({"thread_id": d.thread_ids}, schema={"thread_id": pl.String})


def _per_thread(d: Discussion, stats: pl.DataFrame, fill: dict[str, Any]) -> pl.DataFrame:
    """Left-join per-thread stats onto every thread; threads without comments get ``fill``."""
    out = _all_threads(d).join(stats, on="thread_id", how="left", maintain_order="left")
    return out.with_columns(pl.col(k).fill_null(v) for k, v in fill.items())
