"""Shared plumbing of the polarization measures: graph preparation, sides, null tests, bootstrap.

Every structural measure runs the same pipeline:

1. ``as_igraph`` turns the input into an igraph graph (a Discussion gives its user reply graph);
2. ``edges="agreement"`` keeps only the directed edges whose ``sign`` is >= 0 (annotated
   Discussions, or graphs with a ``sign`` edge attribute);
3. the graph is made simple and undirected (parallel and reciprocal edges merged, loops
   dropped; with ``weight`` the merged weights add up, otherwise every edge weighs 1);
4. the vertices whose side is one of the compared labels are kept (induced subgraph); the
   others (no side, or a side left out by ``pair``) are dropped and counted in
   ``params["n_dropped"]``. Measures defined for any number of groups compare every label;
   two-sided measures compare ``pair``, or the two labels when there are two, and raise
   :class:`~dynamics.errors.UndefinedMetricError` for more (:func:`choose_labels`).

Before step 4 the coverage of the sides is measured on the graph of step 3
(:func:`dynamics._sample_checks.coverage`); its warnings (small sides, low coverage, no
cross-side edge) and the thread bootstrap's (too few threads: no interval, the reason in
``params["ci_reason"]``) reach the result's ``warnings``.

Significance, bootstrap and the result are the kernel's (:func:`dynamics._kernel.run_sided`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._params import check_param
from dynamics._sample_checks import coverage
from dynamics._validation import (
    as_igraph,
    edge_ends,
    edge_list_array,
    float_values,
    label_codes,
    missing_label,
    side_labels,
    sorted_labels,
    too_many_sides,
)
from dynamics.model.graph import graph_from_ends

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "ARRAYS",
    "EDGE_MODES",
    "Prepared",
    "choose_labels",
    "edge_arrays",
    "keep_agreement",
    "prepare",
]

EDGE_MODES = ("all", "agreement")


@dataclass(frozen=True)
class Prepared:
    """A simple undirected graph on the compared sides, with integer side codes."""

    graph: ig.Graph  # vertex attr "name", edge attr "weight"
    codes: np.ndarray  # side code per vertex: index into ``labels``
    labels: tuple[Any, ...]  # the compared side labels
    n_dropped: int  # vertices left out (no side, or not a compared side)
    warnings: tuple[str, ...] = ()  # coverage warnings (dynamics._sample_checks)


def keep_agreement(g: ig.Graph, edges: str) -> ig.Graph | str:
    """``g`` itself (``edges="all"``) or its non-negative edges; a reason string if unsigned."""
    if edges == "all":
        return g
    if "sign" not in g.es.attributes():
        return (
            "edges='agreement' needs signed edges (an edge attribute 'sign'; annotate the "
            "Discussion with stance first)"
        )
    sign = np.array([0 if s is None else s for s in g.es["sign"]], dtype=float)
    return g.subgraph_edges(np.flatnonzero(sign >= 0).tolist(), delete_vertices=False)


def choose_labels(
    labels: np.ndarray, pair: tuple[Any, Any] | None, func: str, *, all_labels: bool = False
) -> tuple[Any, ...] | str:
    """The side labels to compare, or a reason string when fewer than two sides have nodes.

    ``pair`` picks two labels, in its order. Without it, ``all_labels`` measures (defined for
    any number of groups) take every label with nodes, and two-sided measures take the two
    labels when there are two, and raise :class:`~dynamics.errors.UndefinedMetricError` when
    there are more (:func:`~dynamics._validation.too_many_sides`): they never compare two of
    many groups silently. Labels come in natural order (by ``str`` when they do not compare),
    the order of :attr:`Sides.leaning <dynamics.polarization.Sides.leaning>` (first: -1).
    """
    counts = Counter(x for x in labels.tolist() if not missing_label(x))
    if pair is not None:
        ok = isinstance(pair, tuple | list) and len(pair) == 2 and pair[0] != pair[1]
        check_param(ok, "pair", func, "a tuple of two different side labels", pair)
        missing = [p for p in pair if counts.get(p, 0) == 0]
        if missing:
            return f"side {missing[0]!r} of pair has no nodes in the graph"
        return (pair[0], pair[1])
    if len(counts) < 2:
        return "fewer than two sides have nodes in the graph"
    if not all_labels and len(counts) > 2:
        raise too_many_sides(func, labels)
    return tuple(sorted_labels(counts))


def prepare(
    obj: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None,
    edges: str,
    pair: tuple[Any, Any] | None,
    func: str,
    all_labels: bool = False,
) -> Prepared | str:
    """Run the pipeline of the module docstring; a reason string when the measure is undefined."""
    g = as_igraph(obj, func=func, copy=False)  # only read below
    labels = side_labels(obj, g, sides, func=func)
    chosen = choose_labels(labels, pair, func, all_labels=all_labels)
    if isinstance(chosen, str):
        return chosen
    g2 = keep_agreement(g, edges)
    if isinstance(g2, str):
        return g2
    if weight is not None and weight not in g2.es.attributes() and g2.ecount() > 0:
        return f"the graph has no edge attribute {weight!r} (the 'weight' parameter)"
    src, dst, w = _simple_undirected(g2, weight, edge_ends(g2, obj if g2 is g else None))
    code_all = label_codes(labels, chosen)
    said = coverage(src, dst, code_all, chosen).warnings
    keep = np.flatnonzero(code_all >= 0)
    position = np.full(code_all.size, -1, dtype=np.int64)
    position[keep] = np.arange(keep.size)
    inside = (position[src] >= 0) & (position[dst] >= 0)
    s, t, w = position[src[inside]], position[dst[inside]], w[inside]
    order = np.lexsort((s, t))  # igraph's induced-subgraph order: by higher end, then lower
    s, t, w = s[order], t[order], w[order]
    sub = graph_from_ends(keep.size, s, t, directed=False)
    names = g.vs["name"]
    sub.vs["name"] = [names[i] for i in keep.tolist()]
    sub.es["weight"] = w.tolist()
    sub[ARRAYS] = (s, t, w)
    return Prepared(sub, code_all[keep], chosen, int(labels.size - keep.size), said)


def _simple_undirected(
    g: ig.Graph, weight: str | None, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of :func:`dynamics._validation.undirected` (``g``), as ``(src, dst, weight)`` arrays.

    One edge per connected pair, ``src < dst``, in (src, dst) order (igraph's order after
    ``to_undirected`` and ``simplify``), no self-loops; with ``weight`` the merged edges' values
    add up (a missing value counts 1), without it every edge weighs 1. ``ends``: the edges of
    ``g`` (:func:`dynamics._validation.edge_ends`).
    """
    m, n = g.ecount(), max(g.vcount(), 1)
    if weight is not None and m and weight in g.es.attributes():
        w = float_values(g.es[weight], missing=1.0)
    else:
        w = np.ones(m)
    lo, hi = np.minimum(ends[:, 0], ends[:, 1]), np.maximum(ends[:, 0], ends[:, 1])
    loop = lo == hi
    key, inverse = np.unique(lo[~loop] * n + hi[~loop], return_inverse=True)
    summed = np.bincount(inverse, weights=w[~loop], minlength=key.size)
    return key // n, key % n, summed if weight is not None else np.ones(key.size)


#: Graph attribute under which :func:`prepare` keeps the edge arrays of the graph it built, so
#: that the label-shuffle null, which reuses that graph for every sample, reads them once.
ARRAYS = "_edge_arrays"


def edge_arrays(g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, weight)`` of ``g`` as numpy arrays.

    A graph built by :func:`prepare` carries them (graph attribute :data:`ARRAYS`); any other
    graph is read here. Rewired copies of the degree-preserving null drop graph attributes
    (:func:`dynamics._significance.null_test`) and keep their edge attributes in position. A
    graph without a ``weight`` attribute weighs 1 per edge.
    """
    if ARRAYS in g.attributes():
        return g[ARRAYS]
    m = g.ecount()
    ends = edge_list_array(g)
    if "weight" in g.es.attributes() and m and g.es[0]["weight"] is not None:
        w = np.asarray(g.es["weight"], dtype=float)
    else:
        w = np.ones(m)
    return ends[:, 0], ends[:, 1], w
