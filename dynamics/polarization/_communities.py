"""Modularity communities as sides: Leiden / multilevel, and the ``others="merge"`` merge.

Used by :func:`~dynamics.polarization.sides` for ``method="leiden"`` and ``"multilevel"``; the
merge joins communities into ``n_sides`` groups by spectral bisection or greedy agglomeration,
refined by single moves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._params import igraph_seed, rng
from dynamics._validation import edge_list_array, undirected
from dynamics.model.graph import graph_from_ends
from dynamics.polarization._sides_type import _DENSE_MAX, _result

if TYPE_CHECKING:
    import igraph as ig
    import scipy.sparse as sp

    from dynamics.polarization._sides_type import Sides


def _communities(g: ig.Graph, params: dict[str, Any]) -> Sides:
    """``method="leiden" / "multilevel"``: modularity communities as sides."""
    method, n_sides = params["method"], params["n_sides"]
    h = undirected(g, weight=params["weight"])
    n = h.vcount()
    if h.ecount() == 0:
        return _result(g, method, [None] * n, params, reason="the graph has no edges")
    weights = h.es["weight"] if params["weight"] is not None else None
    with igraph_seed(params["seed"]):
        if method == "leiden":
            clustering = h.community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=params["resolution"],
                n_iterations=params["n_iterations"],
            )
        else:
            clustering = h.community_multilevel(weights=weights, resolution=params["resolution"])
    membership = np.asarray(clustering.membership, dtype=np.int64)
    active = np.asarray(h.degree()) > 0
    found = np.bincount(membership[active])
    details: dict[str, Any] = {
        "n_communities": int((found > 0).sum()),
        "community_sizes": sorted((int(x) for x in found[found > 0]), reverse=True),
        "modularity": float(h.modularity(membership.tolist(), weights=weights)),
    }
    if n_sides is not None and params["others"] == "merge":
        membership = _merge(h, membership, active, n_sides, params["seed"])
        joined = np.where(active, membership, membership.max() + 1)  # isolated: degree 0
        details["merged_modularity"] = float(h.modularity(joined.tolist(), weights=weights))
    order = _ranked(membership, active, h.vs["name"], n_sides)
    keep = len(order) if n_sides is None else min(n_sides, len(order))
    rank = np.full(membership.max() + 1, -1, dtype=np.int64)
    rank[order[:keep]] = np.arange(keep)
    side = np.full(n, -1, dtype=np.int64)
    side[active] = rank[membership[active]]
    labels = [None if s < 0 else int(s) for s in side.tolist()]
    details["coverage"] = float((side >= 0).sum() / n)
    reason = "only one community was found" if len(order) < 2 else None
    tie = _tie_at_cut(np.bincount(membership[active]), order, keep)
    return _result(
        g,
        method,
        labels,
        params,
        details=details,
        reason=reason,
        order=tuple(range(keep)),
        warnings=() if tie is None else (tie,),
    )


def _tie_at_cut(sizes: np.ndarray, order: np.ndarray, keep: int) -> str | None:
    """A warning when communities of one size straddle the cut at ``keep`` sides: which of
    them became a side was decided by their author names, not by the graph.

    >>> _tie_at_cut(np.array([3, 2, 2, 2]), np.array([0, 1, 2, 3]), 2)
    'the last side (2 users) was chosen among 3 communities of that size by the smallest author name: another seed or tie rule may choose another'
    >>> _tie_at_cut(np.array([3, 2, 1]), np.array([0, 1, 2]), 2) is None
    True
    """
    if keep == 0 or keep >= order.size or sizes[order[keep - 1]] != sizes[order[keep]]:
        return None
    size = int(sizes[order[keep - 1]])
    n_equal = int((sizes[order] == size).sum())
    return (
        f"the last side ({size:,} users) was chosen among {n_equal} communities of that size "
        "by the smallest author name: another seed or tie rule may choose another"
    )


def _ranked(
    membership: np.ndarray, active: np.ndarray, names: list[Any], n_sides: int | None
) -> np.ndarray:
    """Communities of interacting users, larger first, then by smallest author name (as a
    string); names are read only when equal sizes decide which communities are kept or in
    which order."""
    import polars as pl

    sizes = np.bincount(membership[active])
    ids = np.flatnonzero(sizes)
    order = ids[np.argsort(-sizes[ids], kind="stable")]
    keep = len(order) if n_sides is None else min(n_sides, len(order))
    decided = sizes[order[: keep + 1]]
    if np.all(decided[1:] < decided[:-1]):  # no tie among the kept and the next one
        return order
    ranked = (
        pl.DataFrame(
            {
                "c": membership[active],
                "name": [str(x) for x, a in zip(names, active, strict=True) if a],
            }
        )
        .group_by("c")
        .agg(pl.len().alias("size"), pl.col("name").min())
        .sort(["size", "name"], descending=[True, False])
    )
    return ranked.get_column("c").to_numpy()


def _merge(
    h: ig.Graph, membership: np.ndarray, active: np.ndarray, n_sides: int, seed: int | None
) -> np.ndarray:
    """Join the communities of interacting users into ``n_sides`` groups (see ``others``)."""
    import scipy.sparse as sp

    ids = np.unique(membership[active])
    k = ids.size
    if k <= n_sides:
        return membership
    local = np.full(membership.max() + 1, -1, dtype=np.int64)
    local[ids] = np.arange(k)
    ends = local[membership[edge_list_array(h)]]
    weight = np.asarray(h.es["weight"], dtype=float)
    if n_sides == 2:
        # community graph: W_cd = weight between c and d, W_cc = twice the weight inside c
        w = sp.coo_matrix((weight, (ends[:, 0], ends[:, 1])), shape=(k, k)).tocsr()
        top = _bisect((w + w.T).tocsr(), seed)
    else:
        cg = graph_from_ends(int(k), ends[:, 0], ends[:, 1], directed=False)
        cg.es["weight"] = weight.tolist()
        cg.simplify(multiple=True, loops=False, combine_edges="sum")
        target = max(n_sides, len(cg.connected_components()))
        dendrogram = cg.community_fastgreedy(weights="weight")
        top = np.asarray(dendrogram.as_clustering(n=target).membership)
    merged = np.full_like(membership, -1)
    merged[active] = top[local[membership[active]]]
    return merged


def _bisect(w: sp.csr_matrix, seed: int | None) -> np.ndarray:
    """Two-way split of a weighted graph maximising modularity (Newman 2006).

    Two starts, each refined by single moves (the one raising Q = s^T B s / 4m most first,
    until none raises it), the better kept: the signs of the leading eigenvector of the
    modularity matrix B = W - S S^T / 2m (S the strengths), and the greedy agglomeration of
    Clauset, Newman and Moore cut at two groups. Returns 0/1 per vertex.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    k = w.shape[0]
    strength = np.asarray(w.sum(axis=1)).ravel()
    two_m = strength.sum()

    def times(s: np.ndarray) -> np.ndarray:
        return w @ s - strength * (strength @ s) / two_m

    if k <= _DENSE_MAX:
        vec = np.linalg.eigh(w.toarray() - np.outer(strength, strength) / two_m)[1][:, -1]
    else:
        op = LinearOperator((k, k), matvec=times, dtype=np.float64)
        vec = eigsh(op, k=1, which="LA", v0=rng(seed).uniform(-1.0, 1.0, k))[1][:, 0]
    diag = w.diagonal() - strength**2 / two_m
    best, best_q = np.ones(k), -math.inf
    for start in (np.where(vec >= 0, 1.0, -1.0), _greedy_start(w)):
        s = start.copy()
        bs = times(s)
        for _ in range(100 * k):  # each move raises Q, so this ends; the cap is a safeguard
            gain = diag - s * bs  # change of s^T B s / 4 when s_i flips
            i = int(np.argmax(gain))
            if gain[i] <= 1e-12 * two_m:
                break
            column = w[:, [i]].toarray().ravel() - strength * strength[i] / two_m
            bs -= 2.0 * s[i] * column
            s[i] = -s[i]
        q = float(s @ bs)
        if q > best_q + 1e-12 * two_m:
            best, best_q = s, q
    s = best
    return (s > 0).astype(np.int64)


def _greedy_start(w: sp.csr_matrix) -> np.ndarray:
    """Clauset-Newman-Moore agglomeration of the weighted graph ``w`` cut at two groups."""
    import scipy.sparse as sp

    upper = sp.triu(w).tocoo()
    loop = upper.row == upper.col  # W_cc is twice the weight inside c; an igraph loop counts 2x
    g = graph_from_ends(w.shape[0], upper.row, upper.col, directed=False)
    g.es["weight"] = np.where(loop, upper.data / 2.0, upper.data).tolist()
    target = max(2, len(g.connected_components()))
    top = np.asarray(g.community_fastgreedy(weights="weight").as_clustering(n=target).membership)
    # more than two components: the largest group against everything else
    sizes = np.bincount(top, weights=np.asarray(w.sum(axis=1)).ravel())
    return np.where(top == int(np.argmax(sizes)), 1.0, -1.0)
