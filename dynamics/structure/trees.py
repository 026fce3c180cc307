"""Thread shape: size, depth, width, structural virality and h-index of each reply tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._results import MetricResult
from dynamics.structure._common import _NAN, _discussion, _per_thread, _structure_measure

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = [
    "ThreadStatResult",
    "depth",
    "h_index",
    "structural_virality",
    "thread_size",
    "width",
]

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class ThreadStatResult(MetricResult):
    """A per-thread measure summarised over threads.

    ``value`` is the mean over the threads where the measure is defined; ``median`` and
    ``maximum`` summarise the same values; ``n_threads`` counts them. The ``per_thread`` table
    has one row per thread.
    """

    median: float = _NAN
    maximum: float = _NAN
    n_threads: int = 0


# --------------------------------------------------------------------------- helpers


def _tree(d: Discussion) -> pl.DataFrame:
    """``tree_table()`` (computed once per Discussion) with ``level`` (1 = top-level)."""
    return d.tree_table().select("thread_id", (pl.col("depth") + 1).alias("level"), "subtree_size")


def _summary(
    name: str, d: Discussion, stats: pl.DataFrame, fill: dict[str, Any]
) -> ThreadStatResult:
    """Per-thread ``stats`` on every thread (:func:`_per_thread`), summarised (:func:`summarise`)."""
    return summarise(name, _per_thread(d, stats, fill))


#: The per-thread measures: the ``per_thread`` column each summarises, and the reason when no
#: thread has a value.
SUMMARISED: dict[str, tuple[str, str]] = {
    "thread_size": ("n_comments", "the discussion has no thread"),
    "depth": ("depth", "the discussion has no thread"),
    "width": ("width", "the discussion has no thread"),
    "structural_virality": ("structural_virality", "no thread has a comment"),
    "h_index": ("h_index", "the discussion has no thread"),
}


def summarise(name: str, table: pl.DataFrame) -> ThreadStatResult:
    """The result of per-thread measure ``name`` (a key of :data:`SUMMARISED`) from its
    ``per_thread`` table: mean, median and maximum over the threads where it is defined."""
    column, empty = SUMMARISED[name]
    values = table.get_column(column).cast(pl.Float64).fill_nan(None).drop_nulls()
    tables = {"per_thread": table}
    if values.len() == 0:
        return ThreadStatResult(name, _NAN, params={}, reason=empty, tables=tables)
    return ThreadStatResult(
        name,
        values.mean(),  # type: ignore[arg-type]
        params={},
        tables=tables,
        median=float(values.median()),  # type: ignore[arg-type]
        maximum=float(values.max()),  # type: ignore[arg-type]
        n_threads=values.len(),
    )


# --------------------------------------------------------------------------- thread shape


@_structure_measure(needs={"discussion"}, result=ThreadStatResult, tables=("per_thread",))
def thread_size(discussion: Discussion) -> ThreadStatResult:
    """Number of comments per thread.

    The size of a thread is the number of its comments, ``n_t = |comments in t|`` (the post
    itself is not counted); the result is the mean over threads, ``(1/T) sum_t n_t``.

    {thread_stat_params}
        ``value`` >= 0 (mean comments per thread), ``median``, ``maximum``; table
        ``per_thread``: ``thread_id``, ``n_comments``, ``n_authors`` (distinct known authors),
        ``n_top_level``. NaN when the discussion has no thread.

    {discussion_errors}

    See Also
    --------
    depth, width, structural_virality

    Notes
    -----
    Threads whose post is known but drew no comment count with size 0. O(n) for n comments.

    References
    ----------
    {gomez2008}

    Examples
    --------
    Two threads with 3 and 1 comments: mean 2.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "parent": [None, "a", "a", None],
    ...     "thread": ["t1", "t1", "t1", "t2"], "user": ["ann", "bob", "cy", "ann"],
    ...     "body": ["x"] * 4}))
    >>> r = dyn.structure.thread_size(d)
    >>> r.value, r.maximum
    (2.0, 3.0)
    """
    d = _discussion(discussion, "thread_size")
    stats = d.comments.group_by("thread_id").agg(
        pl.len().cast(pl.Int64).alias("n_comments"),
        pl.col("author").drop_nulls().n_unique().cast(pl.Int64).alias("n_authors"),
        pl.col("parent_id").is_null().sum().cast(pl.Int64).alias("n_top_level"),
    )
    fill = {"n_comments": 0, "n_authors": 0, "n_top_level": 0}
    return _summary("thread_size", d, stats, fill)


@_structure_measure(needs={"discussion"}, result=ThreadStatResult, tables=("per_thread",))
def depth(discussion: Discussion) -> ThreadStatResult:
    """Depth of each thread's reply tree: the longest chain of replies.

    The depth of a thread is ``max_c level(c)`` where a top-level comment has level 1 and a
    reply has its parent's level + 1 (the post is level 0); the result is the mean over threads.

    {thread_stat_params}
        ``value`` >= 0 (mean thread depth; 1 = nobody replied to a comment); table
        ``per_thread``: ``thread_id``, ``depth``, ``mean_level`` (mean comment level, NaN
        without comments). NaN when the discussion has no thread.

    {discussion_errors}

    See Also
    --------
    width, h_index, structural_virality

    Notes
    -----
    A thread without comments has depth 0. O(n log depth) for n comments.

    References
    ----------
    {goel2016}

    Examples
    --------
    A chain a <- b <- c (depth 3) and a lone comment (depth 1): mean 2.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "parent": [None, "a", "b", None],
    ...     "thread": ["t1", "t1", "t1", "t2"], "user": ["ann", "bob", "ann", "cy"],
    ...     "body": ["x"] * 4}))
    >>> dyn.structure.depth(d).value
    2.0
    """
    d = _discussion(discussion, "depth")
    stats = (
        _tree(d)
        .group_by("thread_id")
        .agg(
            pl.col("level").max().cast(pl.Int64).alias("depth"),
            pl.col("level").mean().alias("mean_level"),
        )
    )
    return _summary("depth", d, stats, {"depth": 0})


@_structure_measure(needs={"discussion"}, result=ThreadStatResult, tables=("per_thread",))
def width(discussion: Discussion) -> ThreadStatResult:
    """Width of each thread's reply tree: the most comments on one level.

    The width of a thread is ``max_l |{c : level(c) = l}|`` (level 1 = top-level comments);
    the result is the mean over threads.

    {thread_stat_params}
        ``value`` >= 0 (mean thread width); table ``per_thread``: ``thread_id``, ``width``,
        ``widest_level`` (the shallowest level of that width; null without comments). NaN
        when the discussion has no thread.

    {discussion_errors}

    See Also
    --------
    depth, h_index

    Notes
    -----
    A thread without comments has width 0. O(n) for n comments after the tree table.

    References
    ----------
    {kumar2010}

    Examples
    --------
    Three top-level comments, one of them answered: width 3 (level 1).

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "parent": [None, None, None, "a"],
    ...     "thread": ["t"] * 4, "user": ["ann", "bob", "cy", "bob"], "body": ["x"] * 4}))
    >>> r = dyn.structure.width(d)
    >>> r.value, r.table("per_thread", backend="polars")["widest_level"].to_list()
    (3.0, [1])
    """
    d = _discussion(discussion, "width")
    stats = (
        _tree(d)
        .group_by("thread_id", "level")
        .len()
        .sort(["thread_id", "len", "level"], descending=[False, True, False])
        .group_by("thread_id", maintain_order=True)
        .agg(
            pl.col("len").first().cast(pl.Int64).alias("width"),
            pl.col("level").first().cast(pl.Int64).alias("widest_level"),
        )
    )
    return _summary("width", d, stats, {"width": 0})


@_structure_measure(needs={"discussion"}, result=ThreadStatResult, tables=("per_thread",))
def structural_virality(discussion: Discussion) -> ThreadStatResult:
    """Structural virality: mean distance between all pairs of nodes of the reply tree.

    For a thread whose reply tree has ``n`` nodes (its comments plus the post as root),
    ``v = 1 / (n (n - 1)) * sum_{i != j} d_ij`` with ``d_ij`` the length of the path between
    nodes i and j (Goel et al. 2016). Computed through the Wiener index: removing the edge
    above comment ``c``, whose subtree has ``s_c`` nodes, separates ``s_c`` nodes from
    ``n - s_c``, so ``sum_{i<j} d_ij = sum_c s_c (n - s_c)`` and ``v = 2 sum_c s_c (n - s_c)
    / (n (n - 1))``. The result is the mean over threads with at least one comment.

    {thread_stat_params}
        ``value`` >= 1: 1 for threads of top-level comments only (a star), about ``n / 3``
        for one long chain; high values mean deep, branching, conversation-like trees, low
        values broadcast-like ones. Table ``per_thread``: ``thread_id``, ``n_nodes``,
        ``structural_virality`` (NaN for a thread without comments: one node has no pair).
        NaN when no thread has a comment.

    {discussion_errors}

    See Also
    --------
    depth, width

    Notes
    -----
    O(n log depth) for n comments (subtree sizes by pointer doubling, then one group-by).

    References
    ----------
    {goel2016}

    Examples
    --------
    Post <- a <- b (a chain of 3 nodes): distances 1, 1, 2, mean 4/3.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b"], "parent": [None, "a"], "user": ["ann", "bob"], "body": ["x"] * 2}))
    >>> dyn.structure.structural_virality(d).value
    1.3333333333333333
    """
    d = _discussion(discussion, "structural_virality")
    tree = _tree(d)
    stats = (
        tree.with_columns((pl.len().over("thread_id") + 1).cast(pl.Float64).alias("_n"))
        .group_by("thread_id")
        .agg(
            pl.col("_n").first().cast(pl.Int64).alias("n_nodes"),
            (
                2.0
                * (pl.col("subtree_size") * (pl.col("_n") - pl.col("subtree_size"))).sum()
                / (pl.col("_n").first() * (pl.col("_n").first() - 1))
            ).alias("structural_virality"),
        )
    )
    fill = {"n_nodes": 1, "structural_virality": _NAN}
    return _summary("structural_virality", d, stats, fill)


@_structure_measure(needs={"discussion"}, result=ThreadStatResult, tables=("per_thread",))
def h_index(discussion: Discussion) -> ThreadStatResult:
    """Reply-tree h-index of each thread (Gómez et al. 2008).

    The h-index of a thread is the largest nesting level ``h`` that holds at least ``h``
    comments, ``h = max {l >= 1 : N_l >= l}`` with ``N_l`` the number of comments at level
    ``l`` (level 1 = direct comments on the post), and 0 when there is none. It grows with
    both the depth and the width of the debate, the paper's measure of how much controversy
    a post provoked. The result is the mean over threads.

    {thread_stat_params}
        ``value`` >= 0 (mean h-index; 0 = no comments, 1 = no level below 1 with enough
        replies); table ``per_thread``: ``thread_id``, ``h_index``. NaN when the discussion
        has no thread.

    {discussion_errors}

    See Also
    --------
    depth, width

    Notes
    -----
    Levels need not hold fewer comments as they go deeper, so ``h`` is the deepest level that
    qualifies, not the first one that fails. O(n) after the tree table.

    References
    ----------
    {gomez2008}

    Examples
    --------
    Levels hold 2, 2 and 1 comments: level 2 has >= 2, level 3 has fewer than 3, so h = 2.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d", "e"], "parent": [None, None, "a", "a", "c"],
    ...     "thread": ["t"] * 5, "user": ["ann", "bob", "cy", "dan", "eve"],
    ...     "body": ["x"] * 5}))
    >>> dyn.structure.h_index(d).value
    2.0
    """
    d = _discussion(discussion, "h_index")
    stats = (
        _tree(d)
        .group_by("thread_id", "level")
        .len()
        .filter(pl.col("len") >= pl.col("level"))
        .group_by("thread_id")
        .agg(pl.col("level").max().cast(pl.Int64).alias("h_index"))
    )
    return _summary("h_index", d, stats, {"h_index": 0})
