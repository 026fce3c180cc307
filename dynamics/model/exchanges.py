"""Dyadic exchanges: maximal back-and-forth runs between two users along a reply chain.

A *reply link* is a comment together with the comment it replies to, in the same thread, when
both have a known (non-null) author and the two authors differ. Two consecutive links along a
chain (``c`` replies to ``p``, ``p`` replies to ``g``) *continue* each other when they join the
same two authors, i.e. ``author(c) == author(g)``; a run of continuing links is a chain of
comments whose authors alternate ``u, v, u, v, ...``. Self-replies, comments without an author
(deleted or anonymous) and a third author all break a run.

Branching rule
--------------
Continuing links form a forest (a link continues at most one link, its parent's, but can be
continued by several replies to the same comment). It is split into chains so that **every
reply link belongs to exactly one exchange**:

- at a comment with several continuing replies, the exchange goes on along the reply whose own
  continuation is longest (most further turns); ties go to the earliest reply (``created_at``,
  missing times last, then table order);
- every other continuing reply opens a new exchange that starts at the branch comment (the one
  replied to), so the new exchange has that comment as its first turn.

So the shared prefix of two branches is counted once, a comment belongs to several exchanges
only as the first turn of the later ones (a branch point, or the boundary where a third author
takes over: ``A, B, C`` gives the exchanges ``A, B`` and ``B, C``), and the turns of all
exchanges add up to ``replies + exchanges`` (each exchange has ``turns - 1`` reply links).

The split is vectorised (numpy pointer doubling and level-by-level scatter over the parent
array, polars group-bys): O(n log depth) for n comments, no Python loop per comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics.model.forest import parent_index

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["EXCHANGE_SCHEMA", "dyadic_exchanges", "link_heights", "link_heirs", "pointer_roots"]

#: Columns of the exchanges table.
EXCHANGE_SCHEMA: dict[str, pl.DataType] = {
    "exchange_id": pl.String(),
    "thread_id": pl.String(),
    "user_a": pl.String(),
    "user_b": pl.String(),
    "comment_ids": pl.List(pl.String()),
    "turns": pl.Int64(),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
}


def dyadic_exchanges(comments: pl.DataFrame | Discussion, *, min_turns: int = 2) -> pl.DataFrame:
    """Maximal back-and-forth runs between two users along one reply chain.

    A dyadic exchange is a chain of comments ``c_1, ..., c_k`` in one thread where each
    ``c_{i+1}`` replies to ``c_i`` and the authors alternate between exactly two distinct,
    known authors ``u, v, u, v, ...``; it is maximal (no comment before or after fits). Where
    the chain branches, the exchange follows the reply with the longest continuation and every
    other branch opens its own exchange from the branch comment (module docstring), so each
    reply belongs to exactly one exchange.

    Parameters
    ----------
    comments : polars.DataFrame or Discussion
        The comments table (columns ``comment_id``, ``parent_id``, ``thread_id``, ``author``
        and optionally ``created_at``), or a Discussion.
    min_turns : int, default 2
        Keep exchanges with at least this many comments (2 = one reply between two users).

    Returns
    -------
    polars.DataFrame
        One row per exchange, in order of first appearance of its opening reply:
        ``exchange_id`` (id of the exchange's first *reply*, i.e. its second comment: unique,
        while the first comment can open several exchanges), ``thread_id``, ``user_a`` (author
        of the first comment), ``user_b``, ``comment_ids`` (chain order), ``turns`` (number of
        comments), ``start`` and ``end`` (``created_at`` of the first and last comment, null
        when missing).

    Raises
    ------
    ValueError
        If ``min_turns`` is not an integer >= 2, or a needed column is missing.

    Notes
    -----
    Complexity O(n log depth) time and O(n) memory for n comments; 1M comments take about a
    second.

    Examples
    --------
    ``ann`` and ``bob`` go back and forth three times, then ``cat`` answers ``bob``:

    >>> c = pl.DataFrame({
    ...     "comment_id": ["1", "2", "3", "4"], "parent_id": [None, "1", "2", "3"],
    ...     "thread_id": ["t"] * 4, "author": ["ann", "bob", "ann", "cat"]})
    >>> x = dyadic_exchanges(c)
    >>> x.select("user_a", "user_b", "comment_ids", "turns").rows()
    [('ann', 'bob', ['1', '2', '3'], 3), ('ann', 'cat', ['3', '4'], 2)]
    """
    from dynamics.model.discussion import Discussion

    if isinstance(comments, Discussion):
        comments = comments.comments
    check_param(
        isinstance(min_turns, int | np.integer)
        and not isinstance(min_turns, bool)
        and min_turns >= 2,
        "min_turns",
        "dyadic_exchanges",
        "an integer >= 2",
        min_turns,
    )
    missing = [
        c for c in ("comment_id", "parent_id", "thread_id", "author") if c not in comments.columns
    ]
    if missing:
        msg = f"dyadic_exchanges needs the columns {missing} in the comments table"
        raise ValueError(msg)
    n = comments.height
    if n == 0:
        return pl.DataFrame(schema=EXCHANGE_SCHEMA)

    ids = comments.get_column("comment_id").cast(pl.String)
    par = parent_index(ids, comments.get_column("parent_id").cast(pl.String))
    author = comments.get_column("author").cast(pl.String)
    # integer author codes; -1 = unknown author
    code = author.cast(pl.Categorical).to_physical().fill_null(-1).to_numpy().astype(np.int64)
    thread = comments.get_column("thread_id").cast(pl.String)
    tcode = thread.cast(pl.Categorical).to_physical().fill_null(-1).to_numpy().astype(np.int64)
    if "created_at" in comments.columns:
        created = comments.get_column("created_at")
        t = created.to_physical().fill_null(np.iinfo(np.int64).max).to_numpy().astype(np.int64)
    else:
        created = pl.Series("created_at", [None] * n, dtype=pl.Datetime("us", "UTC"))
        t = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)

    has_par = par >= 0
    p = np.where(has_par, par, 0)
    # a reply link: parent in the same thread, both authors known and different
    valid = has_par & (tcode == tcode[p]) & (code >= 0) & (code[p] >= 0) & (code != code[p])
    gp = np.where(valid, par[p], -1)
    g = np.where(gp >= 0, gp, 0)
    cont = valid & valid[p] & (gp >= 0) & (code == code[g])
    up = np.where(cont, par, -1)  # link forest: a link -> the link it continues

    height = link_heights(up)
    heir = link_heirs(up, height, t)
    # chain pointer: follow a link's continued link only when this link is its heir
    chain_up = np.where(cont & (heir[p] == np.arange(n)), par, -1)
    head, pos = pointer_roots(chain_up)

    links = np.flatnonzero(valid)
    heads = links[chain_up[links] < 0]
    # one row per turn: the chain's first comment (position 0), then its replies (1, 2, ...)
    turns = pl.concat(
        [
            pl.DataFrame(
                {"_head": heads, "_pos": np.zeros(heads.size, np.int64), "_row": par[heads]}
            ),
            pl.DataFrame({"_head": head[links], "_pos": pos[links] + 1, "_row": links}),
        ]
    ).sort("_head", "_pos")
    chains = (
        turns.with_columns(ids.gather(turns.get_column("_row")).alias("comment_ids"))
        .group_by("_head", maintain_order=True)
        .agg(
            pl.col("comment_ids"),
            pl.col("_row").first().alias("_first"),
            pl.col("_row").last().alias("_last"),
            pl.len().cast(pl.Int64).alias("turns"),
        )
        .filter(pl.col("turns") >= min_turns)
    )
    head_rows = chains.get_column("_head").to_numpy()
    first_rows = chains.get_column("_first").to_numpy()
    last_rows = chains.get_column("_last").to_numpy()
    out = pl.DataFrame(
        {
            "exchange_id": ids.gather(head_rows),
            "thread_id": thread.gather(head_rows),
            "user_a": author.gather(first_rows),
            "user_b": author.gather(head_rows),
            "comment_ids": chains.get_column("comment_ids"),
            "turns": chains.get_column("turns"),
            "start": created.gather(first_rows),
            "end": created.gather(last_rows),
        }
    )
    # order by the opening reply's position in the table
    out = out.with_columns(pl.Series("_o", head_rows)).sort("_o").drop("_o")
    return out.cast(EXCHANGE_SCHEMA)  # type: ignore[arg-type]


def pointer_roots(up: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pointer doubling on an acyclic pointer array: (root of each node, steps to it)."""
    n = up.shape[0]
    root = np.where(up >= 0, up, np.arange(n))
    dist = (up >= 0).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(max(n, 2)))) + 2):
        nxt = root[root]
        if (nxt == root).all():
            if (up[root] >= 0).any():  # stuck on a cycle, not at a root
                break
            return root, dist
        dist = dist + dist[root]  # a root's own distance is 0
        root = nxt
    msg = "the replies form a cycle; load the comments with dynamics.load, which breaks cycles"
    raise ValueError(msg)


def link_heights(up: np.ndarray) -> np.ndarray:
    """Links below each link along its longest continuation (0 for a link nobody continues)."""
    _, level = pointer_roots(up)
    height = np.zeros(up.shape[0], dtype=np.int64)
    has = up >= 0
    if not has.any():
        return height
    rows = np.flatnonzero(has)
    order = rows[np.argsort(-level[rows], kind="stable")]
    bounds = np.flatnonzero(np.diff(level[order])) + 1
    for chunk in np.split(order, bounds):  # deepest level first: one scatter per level
        np.maximum.at(height, up[chunk], height[chunk] + 1)
    return height


def link_heirs(up: np.ndarray, height: np.ndarray, t: np.ndarray) -> np.ndarray:
    """For each link, the continuing reply the exchange goes on with (-1 if none).

    Longest continuation first, then earliest ``created_at`` (``t``), then table order.
    """
    n = up.shape[0]
    heir = np.full(n, -1, dtype=np.int64)
    kids = np.flatnonzero(up >= 0)
    if kids.size == 0:
        return heir
    order = np.lexsort((kids, t[kids], -height[kids], up[kids]))
    kids = kids[order]
    parents = up[kids]
    first = np.ones(kids.size, dtype=bool)
    first[1:] = parents[1:] != parents[:-1]
    heir[parents[first]] = kids[first]
    return heir
