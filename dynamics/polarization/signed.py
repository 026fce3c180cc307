"""Structural balance of the signed user graph: frustration of a split, balanced triangles."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np

from dynamics._kernel import Computed, Settings, run_sided
from dynamics._results import MetricResult
from dynamics._sample_checks import coverage
from dynamics._validation import as_igraph, edge_ends, float_values, side_labels
from dynamics.model.graph import graph_from_ends
from dynamics.polarization._common import ARRAYS, Prepared, choose_labels, edge_arrays
from dynamics.polarization._family import polarization_measure

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["FrustrationResult", "frustration"]


@dataclass(frozen=True, repr=False)
class FrustrationResult(MetricResult):
    """Result of :func:`frustration`.

    ``frustrated`` and ``signed_edges``: total weight of frustrated and of all signed edges;
    ``balance``: 1 - 2 * value (Aref & Wilson's normalised index when the split is optimal);
    ``balanced_triangles``: share of triangles with a positive sign product (NaN without
    triangles); ``n_triangles``: triangles of the signed graph on the compared sides.
    """

    frustrated: float = math.nan
    signed_edges: float = math.nan
    balance: float = math.nan
    balanced_triangles: float = math.nan
    n_triangles: int = 0


def _signed_graph(
    obj: Any,
    *,
    sides: Mapping[Any, Any] | str,
    sign: str | None,
    weight: str | None,
    pair: tuple[Any, Any] | None,
    func: str,
) -> Prepared | str:
    """Simple undirected signed graph on the two sides: edge attrs ``weight`` and ``sign``."""
    g = as_igraph(obj, func=func, copy=False)  # only read below
    labels = side_labels(obj, g, sides, func=func)
    chosen = choose_labels(labels, pair, func)
    if isinstance(chosen, str):
        return chosen
    attrs = g.es.attributes()
    if sign is not None and sign not in attrs and g.ecount() > 0:
        return (
            f"the graph has no edge sign attribute {sign!r}: annotate the Discussion (stance), "
            "or pass sign=None to read every edge as positive (endorsement graphs)"
        )
    if weight is not None and weight not in attrs and g.ecount() > 0:
        return f"the graph has no edge attribute {weight!r} (the 'weight' parameter)"
    index = {lab: i for i, lab in enumerate(chosen)}
    code_all = np.array([index.get(x, -1) for x in labels.tolist()], dtype=np.int64)
    keep = np.flatnonzero(code_all >= 0)
    new_id = np.full(code_all.size, -1, dtype=np.int64)
    new_id[keep] = np.arange(keep.size)
    m = g.ecount()
    ends = edge_ends(g, obj)
    s_val = np.ones(m) if sign is None else float_values(g.es[sign], missing=0.0)
    w_val = np.ones(m) if weight is None else float_values(g.es[weight], missing=1.0)
    a, b = new_id[ends[:, 0]], new_id[ends[:, 1]]
    ok = (a >= 0) & (b >= 0) & (a != b)
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    key, inverse = np.unique(lo * keep.size + hi, return_inverse=True)
    # merged edge sign: sign of the summed signs of u->v and v->u; weight: summed weights
    s_sum = np.bincount(inverse, weights=s_val[ok], minlength=key.size)
    w_sum = np.bincount(inverse, weights=w_val[ok], minlength=key.size)
    signed = np.sign(s_sum) != 0
    key, s_sum, w_sum = key[signed], np.sign(s_sum[signed]), w_sum[signed]
    if weight is None:  # unweighted: each connected pair counts once
        w_sum = np.ones(key.size)
    h = graph_from_ends(keep.size, key // keep.size, key % keep.size, directed=False)
    h.vs["name"] = [g.vs[int(i)]["name"] for i in keep]
    h.es["weight"] = w_sum.tolist()
    h.es["sign"] = s_sum.tolist()
    h[ARRAYS] = edge_arrays(h)
    said = coverage(ends[:, 0], ends[:, 1], code_all, chosen).warnings
    return Prepared(h, code_all[keep], chosen, int(labels.size - keep.size), said)


def _signs(g: ig.Graph) -> np.ndarray:
    # rewired null graphs keep their edge attributes (null_test restores them)
    return np.asarray(g.es["sign"], dtype=float)


def _frustration_stat(g: ig.Graph, codes: np.ndarray) -> float:
    src, dst, w = edge_arrays(g)
    s = _signs(g)
    same = codes[src] == codes[dst]
    bad = (same & (s < 0)) | (~same & (s > 0))
    total = w.sum()
    return float(w[bad].sum() / total) if total > 0 else math.nan


def _triangles(g: ig.Graph) -> tuple[float, int]:
    """Share of balanced triangles (sign product > 0) and the number of triangles."""
    tri = np.asarray(g.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if tri.shape[0] == 0:
        return math.nan, 0
    src, dst, _ = edge_arrays(g)
    n = g.vcount()
    key = np.minimum(src, dst) * n + np.maximum(src, dst)
    order = np.argsort(key)
    s = _signs(g)[order]
    key = key[order]

    def sign_of(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return s[np.searchsorted(key, np.minimum(u, v) * n + np.maximum(u, v))]

    prod = sign_of(tri[:, 0], tri[:, 1]) * sign_of(tri[:, 1], tri[:, 2])
    prod *= sign_of(tri[:, 0], tri[:, 2])
    return float((prod > 0).mean()), int(tri.shape[0])


@polarization_measure(
    needs={"sides", "signed"},
    alternative="less",
    result=FrustrationResult,
)
def frustration(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    sign: str | None = "sign",
    weight: str | None = None,
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> FrustrationResult:
    """Frustration of a two-sided split of the signed graph, and the share of balanced triangles.

    A signed graph is balanced when its nodes split into two groups with every positive edge
    inside a group and every negative edge across. An edge **frustrates** a split when it is
    positive across the sides or negative inside one. The value is the share of frustrated
    edges (by weight with ``weight``) for the given split S:

    .. math:: f(S) = \\frac{|\\{(u, v): \\sigma_{uv} > 0, s_u \\ne s_v\\}| +
              |\\{(u, v): \\sigma_{uv} < 0, s_u = s_v\\}|}{|E_\\pm|}.

    The frustration index L (Aref & Wilson 2018) is the minimum of the number of frustrated
    edges over all splits; it is NP-hard to compute, so this function does **not** compute it:
    f(S) * |E±| is an upper bound on L, tight when S is an optimal split (e.g. a good signed
    partition found by ``polarization.sides``). The result also gives ``balance`` = 1 - 2 f(S)
    (equal to Aref & Wilson's normalised index 1 - 2L/m when S is optimal) and the triangle
    index: the share of triangles whose sign product is positive (Cartwright & Harary).

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        An annotated Discussion gives its signed user reply graph (edge attribute ``sign``).
    {sides_entry}
    sign : str or None, default "sign"
        Edge attribute holding the sign (> 0 positive, < 0 negative, 0 or None neutral). The
        two directions of a pair are merged by the sign of their sum; neutral pairs are left
        out. None reads every edge as positive (an unsigned endorsement graph, e.g. retweets:
        then the value is the share of edges across the sides).
    weight : str or None, default None
        Edge attribute weighing each edge's contribution (merged directions add up).
    {two_sides_entry}
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: frustration lower than chance).
        ``"degree-preserving"`` rewires edges and keeps the sign multiset (signs re-attached
        by edge position, since igraph's rewiring drops edge attributes).
        {null_choice}
    {significance}

    Returns
    -------
    FrustrationResult
        ``value`` in [0, 1]: 0 when the split is perfectly balanced (two camps, friendly inside,
        hostile across: the most polarized structure), 1 when every edge frustrates it. NaN
        with a ``reason`` when there is no sign attribute, no signed edge, or fewer than two
        sides.

    Raises
    ------
    {raises}
    UndefinedMetricError
        A ``ValueError``: the sides have more than two labels with users in the graph and no
        ``pair`` says which two to compare (the message lists the groups).

    See Also
    --------
    ei_index, cross_side_hostility

    Notes
    -----
    Suits **disagreement-heavy reply graphs**: negative edges are information here, not noise.
    Nodes without a side (or on a side left out by ``pair``) are dropped with their edges, and
    triangles are counted on the signed graph of the compared sides. Structural balance here
    is two-sided (Aref & Wilson's index): with more groups, choose two with ``pair`` or merge
    them into two (the signed method of ``polarization.sides`` gives two, -1 and 1); the
    measure never picks two silently. O(V + E) for the frustration, plus
    igraph's triangle listing (O(E^1.5) at worst).

    References
    ----------
    .. [1] S. Aref and M. C. Wilson, "Measuring partial balance in signed networks", Journal of
       Complex Networks 6(4), 566-595, 2018. doi:10.1093/comnet/cnx044
    .. [2] D. Cartwright and F. Harary, "Structural balance: a generalization of Heider's
       theory", Psychological Review 63(5), 277-293, 1956. doi:10.1037/h0046049

    Examples
    --------
    Triangle a-b (+), b-c (+), a-c (-) with a, b on side L and c on R: only b-c (positive
    across) frustrates the split, so f = 1/3; the triangle's sign product is negative, so no
    triangle is balanced.

    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", sign=1); G.add_edge("b", "c", sign=1); G.add_edge("a", "c", sign=-1)
    >>> r = dyn.polarization.frustration(G, sides={"a": "L", "b": "L", "c": "R"})
    >>> round(r.value, 12), r.balanced_triangles
    (0.333333333333, 0.0)
    """
    return run_sided(
        frustration,
        locals(),
        compute=_frustration,
        statistic=_frustration_stat,
        prepare=_signed_graph,
    )


def _frustration(prep: Prepared) -> Computed:
    """Frustration of the split, with the balance and triangle fields."""
    if prep.graph.ecount() == 0:
        return Computed(reason="no signed edge between the compared sides' nodes")
    value = _frustration_stat(prep.graph, prep.codes)
    _, _, w = edge_arrays(prep.graph)
    share, n_tri = _triangles(prep.graph)
    fields = {
        "frustrated": value * float(w.sum()),
        "signed_edges": float(w.sum()),
        "balance": 1 - 2 * value,
        "balanced_triangles": share,
        "n_triangles": n_tri,
    }
    return Computed(value, None, fields)
