"""How separated a split of the graph is: Krackhardt's E/I index and the modularity of the split."""

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

__all__ = ["EIResult", "ei_index", "modularity"]


@dataclass(frozen=True, repr=False)
class EIResult(MetricResult):
    """Result of :func:`ei_index`: adds the external and internal edge totals.

    ``tables["sides"]``: one row per side with ``side``, ``n_nodes``, ``internal`` (edges with
    both ends on the side), ``external`` (edges with one end on it) and the side's own E/I.
    """

    external: float = math.nan
    internal: float = math.nan


def _ei_stat(g: ig.Graph, codes: np.ndarray) -> float:
    src, dst, w = edge_arrays(g)
    cross = codes[src] != codes[dst]
    ext, inn = float(w[cross].sum()), float(w[~cross].sum())
    return (ext - inn) / (ext + inn) if ext + inn > 0 else math.nan


@polarization_measure(
    alternative="less",
    result=EIResult,
    tables=("sides",),
)
def ei_index(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None = None,
    edges: str = "all",
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> EIResult:
    """Krackhardt and Stern's E/I index of a split: external minus internal ties, normalised.

    With EL the number (or total weight) of edges between different sides and IL the number of
    edges inside a side,

    .. math:: E/I = \\frac{EL - IL}{EL + IL}.

    Parameters
    ----------
    {graph_input}
    sides : Mapping or str
        Author -> side label (e.g. from ``polarization.sides``), or a comments column name.
    weight : str or None, default None
        Edge attribute to weigh edges by (merged edges add up); None counts edges.
    edges : {"all", "agreement"}, default "all"
        ``"agreement"`` keeps only the directed edges with ``sign >= 0`` before anything else
        (needs signed edges, i.e. an annotated Discussion).
    pair : tuple of two labels, optional
        Compare only these two sides. Without it every side label present is used (the index is
        defined for any partition).
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: E/I lower than chance).
        {null_choice}
    {significance}

    Returns
    -------
    EIResult
        ``value`` in [-1, 1]: -1 when every edge stays inside a side (complete separation, the
        most polarized), +1 when every edge crosses; NaN with a ``reason`` when fewer than two
        sides have nodes or the kept graph has no edge.

    Raises
    ------
    {raises}

    See Also
    --------
    modularity, boundary_polarization, random_walk_controversy

    Notes
    -----
    The index reads a graph of **endorsement** edges (retweets, agreeing replies): few edges
    across means separated sides. Reply graphs are mostly disagreement, where many cross-side
    edges mean conflict rather than mixing; on them use ``edges="agreement"`` (agreement
    subgraph of an annotated Discussion). Vertices without a side (or on a side not compared)
    are dropped with their edges; ``params["n_dropped"]`` counts them. O(V + E).

    References
    ----------
    .. [1] D. Krackhardt and R. N. Stern, "Informal networks and organizational crises: an
       experimental simulation", Social Psychology Quarterly 51(2), 123-140, 1988.
       doi:10.2307/2786835

    Examples
    --------
    Two triangles joined by one edge: 1 edge across, 6 inside, (1 - 6) / (1 + 6) = -5/7.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"),
    ...               ("d", "f"), ("c", "d")])
    >>> sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    >>> dyn.polarization.ei_index(G, sides=sides).value
    -0.7142857142857143
    """
    return run_sided(ei_index, locals(), compute=_ei, statistic=_ei_stat, all_labels=True)


def _ei(prep: Prepared) -> Computed:
    """E/I of the prepared graph, its edge totals and the per-side table."""
    src, dst, w = edge_arrays(prep.graph)
    a, b = prep.codes[src], prep.codes[dst]
    cross = a != b
    ext, inn = float(w[cross].sum()), float(w[~cross].sum())
    value, reason = math.nan, None
    if ext + inn == 0:
        reason = "no edges between the compared sides' nodes"
    else:
        value = (ext - inn) / (ext + inn)
    k = len(prep.labels)
    side_int = np.bincount(a[~cross], weights=w[~cross], minlength=k)
    side_ext = np.bincount(a[cross], weights=w[cross], minlength=k) + np.bincount(
        b[cross], weights=w[cross], minlength=k
    )
    tot = side_int + side_ext
    with np.errstate(invalid="ignore", divide="ignore"):
        side_ei = np.where(tot > 0, (side_ext - side_int) / np.where(tot > 0, tot, 1), np.nan)
    table = pl.DataFrame(
        {
            "side": [str(x) for x in prep.labels],
            "n_nodes": np.bincount(prep.codes, minlength=k).astype(np.int64),
            "internal": side_int,
            "external": side_ext,
            "ei": side_ei,
        }
    )
    return Computed(value, reason, {"external": ext, "internal": inn}, {"sides": table})


def _modularity_stat(g: ig.Graph, codes: np.ndarray) -> float:
    src, dst, w = edge_arrays(g)
    total = w.sum()
    if total == 0:
        return math.nan
    k = int(codes.max()) + 1
    a, b = codes[src], codes[dst]
    inside = np.bincount(a[a == b], weights=w[a == b], minlength=k)
    strength = np.bincount(a, weights=w, minlength=k) + np.bincount(b, weights=w, minlength=k)
    return float((inside / total - (strength / (2 * total)) ** 2).sum())


@polarization_measure(alternative="greater")
def modularity(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None = None,
    edges: str = "all",
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> MetricResult:
    """Newman's modularity of the split into sides.

    The share of edges inside sides minus its expectation when edges are placed at random
    keeping degrees. With m edges (or total weight), l_s the edges inside side s and d_s the sum
    of degrees of its nodes,

    .. math:: Q = \\sum_s \\left[ \\frac{l_s}{m} - \\left(\\frac{d_s}{2m}\\right)^2 \\right].

    Parameters
    ----------
    {graph_input}
    {sides_entry}
    weight : str or None, default None
        Edge attribute for weighted modularity; None counts edges.
    {agreement_entry}
    pair : tuple of two labels, optional
        Compare only these two sides; without it every side label present is a community.
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: Q higher than chance).
        {null_choice}
    {significance}

    Returns
    -------
    MetricResult
        ``value`` in [-1/2, 1): 0 when the sides hold no more internal edges than random
        placement would give, near 1 for many equal sides with no edge across (at most 1/2 for
        two sides); NaN with a ``reason`` when fewer than two sides have nodes or there is no
        edge.

    Raises
    ------
    {raises}

    See Also
    --------
    ei_index, random_walk_controversy

    Notes
    -----
    Assumes **endorsement** edges (an edge means affinity); on disagreement-heavy reply graphs
    use ``edges="agreement"``. Nodes without a side, or on a side not compared, are **excluded**
    with their edges (the modularity is that of the induced subgraph on the compared sides);
    ``params["n_dropped"]`` counts them. Equals igraph's ``Graph.modularity`` and networkx's
    ``community.modularity`` with resolution 1. O(V + E).

    References
    ----------
    .. [1] M. E. J. Newman, "Modularity and community structure in networks", PNAS 103(23),
       8577-8582, 2006. doi:10.1073/pnas.0601602103

    Examples
    --------
    Two triangles joined by one edge: m = 7, each side has 3 internal edges and degree sum 7,
    Q = 2 (3/7 - (7/14)^2) = 5/14.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"),
    ...               ("d", "f"), ("c", "d")])
    >>> sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    >>> round(dyn.polarization.modularity(G, sides=sides).value, 12)
    0.357142857143
    """
    return run_sided(
        modularity, locals(), compute=_modularity, statistic=_modularity_stat, all_labels=True
    )


def _modularity(prep: Prepared) -> Computed:
    value = _modularity_stat(prep.graph, prep.codes)
    return Computed(
        value, "no edges between the compared sides' nodes" if math.isnan(value) else None
    )
