"""Which thread an orphan belongs to (a reply whose parent is not in the data).

Used by :func:`dynamics.model.checks.check_comments`; the rule applied is written into the
``orphan`` policy of the report.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog

__all__ = ["orphan_rule", "orphan_threads"]


def orphan_threads(
    df: pl.DataFrame, orphan_mask: np.ndarray, problems: ProblemLog, *, attached: bool
) -> pl.DataFrame:
    """Give orphans a thread, and say in the orphan policy which rule did.

    An orphan keeps the thread its source gave it (``link_id``, permalink, ``thread``, ...).
    One without a thread shares the thread of the other orphans of the same missing parent:
    a thread named after that parent's id, so the replies to one comment outside the data stay
    together (their replies follow them down the tree).

    Parameters
    ----------
    df : polars.DataFrame
        The comments table, with ``orphan_of`` when orphans were attached.
    orphan_mask : numpy.ndarray
        True for the orphans.
    problems : ProblemLog
        Its ``orphan`` policy is set to the rule applied (``"threads: ..."``).
    attached : bool
        True when orphans were attached to the root (the missing id is in ``orphan_of``),
        False when they keep their dangling ``parent_id``.

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> df = pl.DataFrame({"comment_id": ["a", "b"], "parent_id": ["x", "x"],
    ...                    "thread_id": pl.Series([None, None], dtype=pl.String)})
    >>> log = ProblemLog()
    >>> orphan_threads(df, np.array([True, True]), log, attached=False)["thread_id"].to_list()
    ['x', 'x']
    >>> log.policies["orphan"]
    'threads: 2 without one share a thread per missing parent (named after its id)'
    """
    mask = pl.Series(orphan_mask)
    missing = pl.col("orphan_of") if attached else pl.col("parent_id")
    threadless = mask & df.get_column("thread_id").is_null()
    n_given = int((mask & ~threadless).sum())
    n_grouped = int(threadless.sum())
    if n_grouped:
        df = df.with_columns(
            pl.when(threadless).then(missing).otherwise(pl.col("thread_id")).alias("thread_id")
        )
    problems.policies["orphan"] = orphan_rule(n_given, n_grouped)
    return df


def orphan_rule(n_given: int, n_grouped: int) -> str:
    """The words the report uses for the thread rule (shared with other check engines).

    Examples
    --------
    >>> orphan_rule(3, 0)
    'threads: 3 took the thread given by the source'
    """
    rules = []
    if n_given:
        rules.append(f"{n_given:,} took the thread given by the source")
    if n_grouped:
        rules.append(
            f"{n_grouped:,} without one share a thread per missing parent (named after its id)"
        )
    return f"threads: {'; '.join(rules)}"
