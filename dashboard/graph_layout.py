"""Node positions for the user graph: a seeded igraph layout, computed once per dataset.

Positions are computed on the whole (or, beyond ``max_nodes`` users, the most active part of
the) user graph, so filters only hide nodes and the picture does not jump. A few users
picked out of a large graph (one thread, say) would sit crowded inside its layout; the
Graph page lays them out on their own with :func:`layout_users`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from dynamics._params import igraph_seed

if TYPE_CHECKING:
    from collections.abc import Collection

    import igraph as ig

    from dynamics import Discussion

__all__ = ["MAX_NODES", "layout_graph", "layout_nodes", "layout_users"]

#: Above this many users only the most active are laid out and drawn (the page says so).
MAX_NODES = 50_000
#: Connected components up to this size are laid out by Kamada-Kawai.
SMALL = 100


def layout_nodes(
    discussion: Discussion, *, seed: int = 0, max_nodes: int = MAX_NODES
) -> pl.DataFrame:
    """``author``, ``x``, ``y``, ``degree`` for the users of the reply graph.

    Fruchterman-Reingold on the undirected simple graph, started from positions drawn with
    ``seed`` (so the same seed gives the same picture), with fewer iterations and igraph's
    grid approximation for large graphs, or Kamada-Kawai from a circle for components of
    up to :data:`SMALL` users, on the largest connected component; users of the
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
    return layout_graph(g, seed=seed)


def layout_users(
    discussion: Discussion, authors: Collection[str], *, seed: int = 0
) -> pl.DataFrame:
    """The layout of :func:`layout_graph` on the reply graph among ``authors`` only.

    Examples
    --------
    >>> import dynamics as dyn, polars as pl
    >>> d = dyn.load(pl.DataFrame({"id": ["1", "2", "3"], "parent": [None, "1", "2"],
    ...     "user": ["a", "b", "c"], "body": ["x", "y", "z"]}))
    >>> layout_users(d, {"a", "b"}).select("author", "degree").rows()
    [('a', 1), ('b', 1)]
    """
    g = discussion.user_graph("igraph")
    wanted = set(authors)
    return layout_graph(g.induced_subgraph(g.vs.select(name_in=wanted)), seed=seed)


def layout_graph(g: ig.Graph, *, seed: int = 0) -> pl.DataFrame:
    """``author``, ``x``, ``y``, ``degree`` for the named vertices of ``g``.

    The layout of :func:`layout_nodes` on a graph already built: the giant component by
    seeded Fruchterman-Reingold, the other components on a ring around it.

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph(edges=[(0, 1), (1, 2)], directed=True)
    >>> g.vs["name"] = ["a", "b", "c"]
    >>> layout_graph(g, seed=0)["author"].to_list()
    ['a', 'b', 'c']
    """
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
    """Seeded force-directed positions, centred on the origin.

    Kamada-Kawai up to :data:`SMALL` users: its even edge lengths leave room for name
    labels (on r/CollegeRant's largest threads, 45-48 users, Fruchterman-Reingold left up
    to 3 labels overlapping, Kamada-Kawai none); Fruchterman-Reingold above.
    """
    n = u.vcount()
    start = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)) * np.sqrt(n)
    with igraph_seed(seed):  # igraph's layout draws random numbers too
        if n <= SMALL:
            coords = u.layout_kamada_kawai()  # from a circle: no seed needed
        elif n <= 2_000:
            coords = u.layout_fruchterman_reingold(seed=start.tolist(), niter=500, grid="nogrid")
        else:
            niter = int(min(200, max(20, 2_000_000 / max(u.ecount(), 1))))
            coords = u.layout_fruchterman_reingold(seed=start.tolist(), niter=niter, grid="grid")
    xy = np.asarray(coords.coords, dtype=float)
    return xy - xy.mean(axis=0)
