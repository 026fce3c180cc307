"""Numbers in sentences and on pages: "1 thread", "2 threads", "3,860" (the ground floor,
like ``errors``)."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["counted", "fmt_number"]


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun, singular for exactly one, thousands separated.

    >>> counted(1, "thread"), counted(2_480, "thread"), counted(1, "reply", "replies")
    ('1 thread', '2,480 threads', '1 reply')
    """
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def fmt_number(value: Any) -> str:
    """A number for the page: 4 significant digits below 1,000, whole numbers with thousands
    separators from there (a median latency of 3,860.5 s reads 3,860, not 3860 or 3.86e+03).

    >>> fmt_number(0.123456), fmt_number(12345), fmt_number(float("nan")), fmt_number(None)
    ('0.1235', '12,345', 'NaN', '')
    >>> fmt_number(3860.5), fmt_number(79712.25), fmt_number(2.5e17), fmt_number(-0.0)
    ('3,860', '79,712', '2.5e+17', '0')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        value += 0.0  # -0.0 (a leaning rounded to zero from below) reads 0
        if abs(value) < 1e15 and (value.is_integer() or abs(value) >= 1000):
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)
