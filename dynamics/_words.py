"""Numbers in sentences: "1 thread", "2 threads" (the ground floor, like ``errors``)."""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun, singular for exactly one, thousands separated.

    >>> counted(1, "thread"), counted(2_480, "thread"), counted(1, "reply", "replies")
    ('1 thread', '2,480 threads', '1 reply')
    """
    return f"{n:,} {one if n == 1 else many or one + 's'}"
