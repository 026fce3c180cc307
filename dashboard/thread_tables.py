"""One thread's comments as the reply-tree figure draws them, cached per dataset.

Shared by the Thread page and the Overview (which shows the largest thread's tree when a
dataset has no timestamps); callback modules never import each other.
"""

from __future__ import annotations

import polars as pl

from dashboard import cache

__all__ = ["thread_table"]

_FIELDS = ("comment_id", "author", "deleted", "text", "toxicity", "created_at")


def thread_table(key: str, thread_id: str) -> pl.DataFrame:
    """One thread's comments in chronological order with parent rows and depth (cached).

    Columns: ``comment_id``, ``parent_row`` (row of the parent, -1 for top-level),
    ``depth``, ``author``, ``deleted``, ``text``, ``toxicity`` (null when unscored) and
    ``created_at`` when the dataset has it.

    Examples
    --------
    >>> import dynamics as dyn
    >>> d = dyn.load(pl.DataFrame({"id": ["1", "2", "3"], "parent": [None, "1", "2"],
    ...     "user": ["a", "b", "a"], "body": ["x", "y", "z"]}))
    >>> key = cache.put_discussion(d, persist=False)
    >>> thread_table(key, d.threads["thread_id"][0]).select("parent_row", "depth").rows()
    [(-1, 0), (0, 1), (1, 2)]
    """

    def compute() -> pl.DataFrame:
        disc = cache.get_discussion(key)
        forest = disc.forest(thread_id)
        cols = [c for c in _FIELDS if c in disc.comments.columns]
        order = pl.DataFrame(
            {"comment_id": forest.comment_ids, "parent_row": forest.parent, "depth": forest.depth}
        )
        rows = disc.comments.filter(pl.col("thread_id") == thread_id).select(cols)
        out = order.join(rows, on="comment_id", how="left", maintain_order="left")
        if "toxicity" not in out.columns:
            out = out.with_columns(pl.lit(None, pl.Float64).alias("toxicity"))
        return out

    return cache.memo(key, "thread_table", {"thread": thread_id}, compute)
