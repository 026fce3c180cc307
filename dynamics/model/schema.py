"""The data contract: columns of the comments and threads tables, and deletion markers.

The ground floor of the data model (DESIGN section 3): readers build tables to this schema, the
checks and the Discussion rely on it, and the text layer knows which columns are the contract's.
This module imports nothing from the package.
"""

from __future__ import annotations

import polars as pl

__all__ = ["COMMENT_COLUMNS", "DELETED_MARKERS", "THREAD_COLUMNS"]

#: Columns of the comments table, in order, with their polars types (DESIGN section 3).
COMMENT_COLUMNS: dict[str, pl.DataType] = {
    "comment_id": pl.String(),
    "parent_id": pl.String(),
    "thread_id": pl.String(),
    "author": pl.String(),
    "text": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "source": pl.String(),
    # flags: how much rests on inference, and what the source had deleted
    "inferred": pl.Boolean(),
    "inference": pl.String(),
    "deleted": pl.Boolean(),
}

#: Columns of the threads table (one row per post / story / article / conversation root).
THREAD_COLUMNS: dict[str, pl.DataType] = {
    "thread_id": pl.String(),
    "title": pl.String(),
    "author": pl.String(),
    "text": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "url": pl.String(),
    "source": pl.String(),
}

#: Author or text values that mean "deleted by the platform or the user".
DELETED_MARKERS = frozenset({"[deleted]", "[removed]", "[deleted by user]", "[removed by reddit]"})


def constant_column(name: str, value: object, n: int, dtype: pl.DataType) -> pl.Series:
    """A column of ``n`` copies of ``value`` (None for a null column).

    Built by polars without a Python list of ``n`` items, which costs 0.03 s per column at
    1M rows.

    Examples
    --------
    >>> constant_column("source", "reddit", 3, pl.String).to_list()
    ['reddit', 'reddit', 'reddit']
    """
    return pl.repeat(value, n, dtype=dtype, eager=True).alias(name)
