"""Node positions for the user graph: a seeded igraph layout, computed once per dataset.

Positions are computed on the whole (or, beyond ``max_nodes`` users, the most active part of
the) user graph, so filters only hide nodes and the picture does not jump.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from dynamics._validation import igraph_seed

if TYPE_CHECKING:
    import igraph as ig

    from dynamics import Discussion

__all__ = ["MAX_NODES", "layout_nodes"]

#: Above this many users only the most active are laid out and drawn (the page says so).
MAX_NODES = 50_000


def layout_nodes(
    discussion: Discussion, *, seed: int = 0, max_nodes: int = MAX_NODES
) -> pl.DataFrame:
    """``author``, ``x``, ``y``, ``degree`` for the users of the reply graph.

    Fruchterman-Reingold on the undirected simple graph, started from positions drawn with
    ``seed`` (so the same seed gives the same picture); fewer iterations and igraph's grid
    approximation for large graphs, on the largest connected component; users of the
    other components (pairs, loners) are placed on a ring around it, component by component,
    so they neither crowd the picture nor squeeze the giant component. With more than
    ``max_nodes`` users, the ``max_nodes`` with the highest degree are kept.

    Examples
    --------
    >>> import dynamics as dyn, polars as pl
    >>> d = dyn.load(pl.DataFrame({"id": ["1", "2", "3"], "parent": [None, "1", "2"],
    ...     "user": ["a", "b", "a"], "body": ["x", "y", "z"]}))
    >>> layout_nodes(d, seed=0).equals(layout_nodes(d, seed=0))
    True
    """
    g = discussion.user_graph("igraph")
    degree = np.asarray(g.degree(), dtype=np.int64)
    if g.vcount() > max_nodes:
        keep = np.argsort(-degree, kind="stable")[:max_nodes]
        g = g.induced_subgraph(np.sort(keep).tolist())
        degree = np.asarray(g.degree(), dtype=np.int64)
    n = g.vcount()
    if n == 0:
        return pl.DataFrame(
            schema={"author": pl.String, "x": pl.Float64, "y": pl.Float64, "degree": pl.Int64}
        )
    u = g.as_undirected(mode="collapse")
    xy = np.zeros((n, 2))
    membership = np.asarray(u.connected_components().membership)
    sizes = np.bincount(membership)
    giant = np.flatnonzero((membership == sizes.argmax()) & (sizes[membership] > 1))
    if giant.size:
        xy[giant] = _force_layout(u.induced_subgraph(giant.tolist()), seed)
    rest = np.setdiff1d(np.arange(n), giant)
    if rest.size:  # small components and loners: a ring around the giant, component by component
        radius = 1.15 * max(float(np.abs(xy[giant]).max()) if giant.size else 1.0, 1.0)
        order = rest[np.lexsort((np.random.default_rng(seed).random(rest.size), membership[rest]))]
        angle = np.arange(order.size) * 2 * np.pi / order.size
        xy[order] = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    xy = xy.round(2)  # plenty for a picture, and a much smaller figure to send
    return pl.DataFrame({"author": g.vs["name"], "x": xy[:, 0], "y": xy[:, 1], "degree": degree})


def _force_layout(u: ig.Graph, seed: int) -> np.ndarray:
    """Seeded Fruchterman-Reingold positions, centred on the origin."""
    n = u.vcount()
    start = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)) * np.sqrt(n)
    with igraph_seed(seed):  # igraph's layout draws random numbers too
        if n <= 2_000:
            coords = u.layout_fruchterman_reingold(seed=start.tolist(), niter=500, grid="nogrid")
        else:
            niter = int(min(200, max(20, 2_000_000 / max(u.ecount(), 1))))
            coords = u.layout_fruchterman_reingold(seed=start.tolist(), niter=niter, grid="grid")
    xy = np.asarray(coords.coords, dtype=float)
    return xy - xy.mean(axis=0)
