"""Boundary polarization (Guerra et al. 2013): do boundary nodes lean inward or across?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings, run_sided
from dynamics._results import MetricResult
from dynamics.polarization._common import Prepared, edge_arrays
from dynamics.polarization._family import polarization_measure

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["BoundaryResult", "boundary_polarization"]


@dataclass(frozen=True, repr=False)
class BoundaryResult(MetricResult):
    """Result of :func:`boundary_polarization`.

    ``n_boundary`` and ``n_internal`` count boundary and internal nodes of both sides;
    ``tables["boundary"]`` has one row per boundary node: ``author``, ``side``, ``d_internal``,
    ``d_boundary`` and ``score`` = d_i / (d_i + d_b) - 1/2.
    """

    n_boundary: int = 0
    n_internal: int = 0


def _parts(g: ig.Graph, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boundary mask, internal mask, d_i and d_b per vertex."""
    src, dst, w = edge_arrays(g)
    n = codes.size
    s = np.concatenate([src, dst])
    t = np.concatenate([dst, src])
    ww = np.concatenate([w, w])
    cross = codes[s] != codes[t]
    has_cross = np.bincount(s[cross], minlength=n) > 0
    internal = ~has_cross
    to_own_internal = ~cross & internal[t]
    d_i = np.bincount(s[to_own_internal], weights=ww[to_own_internal], minlength=n)
    n_own_internal = np.bincount(s[to_own_internal], minlength=n)
    boundary = has_cross & (n_own_internal > 0)
    to_other_boundary = cross & boundary[t]
    d_b = np.bincount(s[to_other_boundary], weights=ww[to_other_boundary], minlength=n)
    return boundary, internal, d_i, d_b


def _boundary_stat(g: ig.Graph, codes: np.ndarray) -> float:
    boundary, _, d_i, d_b = _parts(g, codes)
    if not boundary.any():
        return math.nan
    di, db = d_i[boundary], d_b[boundary]
    return float(np.mean(di / (di + db) - 0.5))


@polarization_measure(
    alternative="greater",
    result=BoundaryResult,
    tables=("boundary",),
)
def boundary_polarization(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None = None,
    edges: str = "all",
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> BoundaryResult:
    """Guerra et al.'s boundary polarization P of a two-sided split.

    A node of side i is **internal** when it has no edge to the other side. The boundary B_i
    holds the nodes of side i with at least one edge to the other side *and* at least one edge
    to an internal node of their own side; B = B_1 + B_2 (their union). For v in B, d_i(v) counts v's edges
    to internal nodes of its own side and d_b(v) its edges to the other side's boundary:

    .. math:: P = \\frac{1}{|B|} \\sum_{v \\in B}
              \\left[ \\frac{d_i(v)}{d_i(v) + d_b(v)} - \\frac{1}{2} \\right].

    Boundary nodes with d_b = 0 (their cross edges all reach non-boundary nodes) count, with
    score 1/2. Edges to nodes of the other side that are not in its boundary are ignored.

    Parameters
    ----------
    {graph_input}
    {sides_entry}
    weight : str or None, default None
        Edge attribute: d_i and d_b become sums of weights. None counts edges (the paper).
    {agreement_entry}
    {two_sides_entry}
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: P higher than chance).
        {null_choice}
    {significance}

    Returns
    -------
    BoundaryResult
        ``value`` in [-1/2, 1/2): positive when boundary nodes link more to their own side's
        interior than across (polarized), negative when they link more across; NaN with a
        ``reason`` when the split has no boundary node (or fewer than two sides).

    Raises
    ------
    {raises}
    UndefinedMetricError
        A ``ValueError``: the sides have more than two labels with users in the graph and no
        ``pair`` says which two to compare (the message lists the groups).

    See Also
    --------
    ei_index, random_walk_controversy

    Notes
    -----
    Assumes **endorsement** edges: Guerra et al. read a lack of cross links at the boundary as
    antagonism. On disagreement-heavy reply graphs use ``edges="agreement"``. Nodes without a
    side (or on a side left out by ``pair``) are dropped with their edges. The measure is
    defined for two sides: with more groups, choose two with ``pair`` or merge them into two;
    it never picks two silently. This follows the paper's definition,
    not the authors' script. O(V + E).

    References
    ----------
    .. [1] P. H. C. Guerra, W. Meira Jr., C. Cardie and R. Kleinberg, "A measure of polarization
       on social media networks based on community boundaries", ICWSM 2013.
       doi:10.1609/icwsm.v7i1.14421

    Examples
    --------
    Two triangles joined by the edge c-d: a, b, e, f are internal; c and d are boundary, each
    with d_i = 2 and d_b = 1, so P = 2/3 - 1/2 = 1/6.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"),
    ...               ("d", "f"), ("c", "d")])
    >>> sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    >>> round(dyn.polarization.boundary_polarization(G, sides=sides).value, 12)
    0.166666666667
    """
    return run_sided(boundary_polarization, locals(), compute=_boundary, statistic=_boundary_stat)


def _boundary(prep: Prepared) -> Computed:
    """The mean boundary score, the node counts and the per-boundary-node table."""
    boundary, internal, d_i, d_b = _parts(prep.graph, prep.codes)
    fields = {"n_boundary": int(boundary.sum()), "n_internal": int(internal.sum())}
    idx = np.flatnonzero(boundary)
    score = d_i[idx] / (d_i[idx] + d_b[idx]) - 0.5 if idx.size else np.array([])
    names = prep.graph.vs["name"]
    table = pl.DataFrame(
        {
            "author": [str(names[i]) for i in idx.tolist()],
            "side": [str(prep.labels[c]) for c in prep.codes[idx].tolist()],
            "d_internal": d_i[idx],
            "d_boundary": d_b[idx],
            "score": score,
        },
        schema={
            "author": pl.String,
            "side": pl.String,
            "d_internal": pl.Float64,
            "d_boundary": pl.Float64,
            "score": pl.Float64,
        },
    )
    if idx.size == 0:
        reason = "no boundary node: no node has both a cross-side edge and an internal one"
        return Computed(math.nan, reason, fields, {"boundary": table})
    return Computed(float(score.mean()), None, fields, {"boundary": table})
