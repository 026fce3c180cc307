"""Shared input handling for the escalation metrics: the hostility signal and the threshold.

Every escalation function reads one numeric per-comment column as its hostility signal
(``signal="toxicity"`` by default, written by :meth:`Discussion.annotate`; any numeric column
works) and calls a comment *toxic* when that signal is at least ``threshold`` — the same rule as
the ``hostile`` count of the user graph (:data:`dynamics.model.graph.HOSTILE_TOXICITY`).
Comments without a score (null or NaN: deleted texts, unscored rows) are *unscored*: their
signal is null and so is their toxic flag, and each metric says how it treats them.

API
---
``check_signal_params(signal, threshold, func)``
    Validate the two parameters (sklearn-style ``ValueError``/``TypeError``).
``comments_of(obj, func)``
    The comments table of a Discussion (or a polars DataFrame passed through).
``signal_values(discussion, signal, func)``
    The signal as a ``Float64`` series aligned with the comments table (NaN -> null).
``is_toxic(discussion, signal, threshold, func)``
    ``signal >= threshold`` as a ``Boolean`` series, null where unscored.
``unscored(comments, y, signal)``
    Why nothing can be measured: no comment, or no comment scored (None otherwise).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import polars as pl

from dynamics.errors import GraphKindError

__all__ = ["check_signal_params", "comments_of", "is_toxic", "signal_values", "unscored"]


def comments_of(obj: Any, func: str) -> pl.DataFrame:
    """The comments table of ``obj`` (a Discussion, or a polars DataFrame used as is).

    >>> comments_of(pl.DataFrame({"toxicity": [0.1]}), "demo").columns
    ['toxicity']
    """
    from dynamics.model.discussion import Discussion

    if isinstance(obj, Discussion):
        return obj.comments
    if isinstance(obj, pl.DataFrame):
        return obj
    msg = (
        f"{func} takes a Discussion (or its comments table as a polars DataFrame); "
        f"got {type(obj).__name__}"
    )
    raise GraphKindError(msg)


def check_signal_params(signal: Any, threshold: Any, func: str) -> None:
    """Raise the sklearn-style error for a bad ``signal`` name or ``threshold``.

    >>> check_signal_params("toxicity", float("nan"), "contagion")
    Traceback (most recent call last):
    ...
    ValueError: The 'threshold' parameter of contagion must be a finite real number. Got nan instead.
    """
    if not isinstance(signal, str):
        msg = (
            f"The 'signal' parameter of {func} must be a str (a numeric column of the comments "
            f"table). Got {signal!r} instead."
        )
        raise TypeError(msg)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, Real)
        or not math.isfinite(float(threshold))
    ):
        msg = (
            f"The 'threshold' parameter of {func} must be a finite real number. "
            f"Got {threshold!r} instead."
        )
        raise ValueError(msg)


def signal_values(discussion: Any, signal: str, func: str) -> pl.Series:
    """The hostility signal of every comment as ``Float64`` (NaN becomes null).

    Parameters
    ----------
    discussion : Discussion or polars.DataFrame
        The scored discussion (or its comments table).
    signal : str
        A numeric (or boolean) column of the comments table.
    func : str
        The calling metric, for error messages.

    Raises
    ------
    ValueError
        When the column is missing; the message names it and suggests ``d.annotate()``.
    TypeError
        When the column is not numeric.

    Examples
    --------
    >>> c = pl.DataFrame({"toxicity": [0.2, None, float("nan")]})
    >>> signal_values(c, "toxicity", "demo").to_list()
    [0.2, None, None]
    >>> signal_values(c, "anger", "demo")
    Traceback (most recent call last):
    ...
    ValueError: demo needs a numeric hostility column 'anger' in the comments table, ...
    """
    if not isinstance(signal, str):
        check_signal_params(signal, 0.5, func)
    comments = comments_of(discussion, func)
    if signal not in comments.columns:
        numeric = [n for n, t in comments.schema.items() if t.is_numeric() and n != "depth"]
        hint = (
            "score the texts first with d = d.annotate() (adds 'toxicity', 'sentiment', ...)"
            if signal == "toxicity"
            else f"score the texts with d.annotate() or add a numeric column {signal!r}"
        )
        msg = (
            f"{func} needs a numeric hostility column {signal!r} in the comments table, "
            f"and there is none: {hint}, or pass signal= one of the numeric columns "
            f"{numeric}."
        )
        raise ValueError(msg)
    col = comments.get_column(signal)
    if not (col.dtype.is_numeric() or col.dtype in (pl.Boolean, pl.Null)):
        msg = (
            f"The 'signal' parameter of {func} must name a numeric column. Got {signal!r} "
            f"instead, whose type is {col.dtype}."
        )
        raise TypeError(msg)
    values = col.cast(pl.Float64)
    return values.fill_nan(None).alias(signal)


def is_toxic(discussion: Any, signal: str, threshold: float, func: str) -> pl.Series:
    """``signal >= threshold`` per comment (``Boolean``), null where the comment is unscored.

    Examples
    --------
    >>> c = pl.DataFrame({"toxicity": [0.2, 0.5, None]})
    >>> is_toxic(c, "toxicity", 0.5, "demo").to_list()
    [False, True, None]
    """
    check_signal_params(signal, threshold, func)
    return (signal_values(discussion, signal, func) >= float(threshold)).alias("toxic")


def unscored(comments: pl.DataFrame, y: pl.Series, signal: str) -> str | None:
    """Why no comment can count: the table is empty, or ``y`` (the signal) is null everywhere.

    Examples
    --------
    >>> c = pl.DataFrame({"toxicity": [None, None]}, schema={"toxicity": pl.Float64})
    >>> unscored(c, c.get_column("toxicity"), "toxicity")
    "no comment has a 'toxicity' score"
    """
    if comments.height == 0:
        return "no comments"
    if y.null_count() == comments.height:
        return f"no comment has a {signal!r} score"
    return None
