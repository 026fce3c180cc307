"""Random Walk Controversy (Garimella et al. 2018), with all walks advanced at once in numpy."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings, run_sided
from dynamics._params import check_param, check_seed, rng
from dynamics._results import MetricResult
from dynamics.polarization._common import Prepared, edge_arrays
from dynamics.polarization._family import polarization_measure

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["RandomWalkControversyResult", "random_walk_controversy"]


@dataclass(frozen=True, repr=False)
class RandomWalkControversyResult(MetricResult):
    """Result of :func:`random_walk_controversy`.

    ``p_xx``, ``p_xy``, ``p_yx``, ``p_yy``: P_AB = Pr[walk started in A | it ended in B], X and
    Y the compared sides in ``params["compared"]`` order; ``n_unfinished``: walks dropped because
    they could not reach a hub (start in a component without one) or ran past ``max_steps``.
    ``tables["walks"]``: counts per (start_side, end_side); ``tables["hubs"]``: the k hubs of
    each side (``author``, ``side``, ``degree``).
    """

    p_xx: float = math.nan
    p_xy: float = math.nan
    p_yx: float = math.nan
    p_yy: float = math.nan
    n_unfinished: int = 0


@dataclass(frozen=True)
class _Walks:
    counts: np.ndarray  # 2 x 2: [start side, end side]
    unfinished: int
    hubs: np.ndarray  # vertex indices of the hubs


def _csr(g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR of the undirected graph: (indptr, neighbour, cumulative weight within the array)."""
    src, dst, w = edge_arrays(g)
    n = g.vcount()
    heads = np.concatenate([src, dst])
    order = np.argsort(heads, kind="stable")
    nbr = np.concatenate([dst, src])[order]
    cum = np.cumsum(np.concatenate([w, w])[order])
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(heads, minlength=n), out=indptr[1:])
    return indptr, nbr, cum


def _walk(
    g: ig.Graph,
    codes: np.ndarray,
    *,
    k: int,
    n_walks: int,
    max_steps: int,
    weighted: bool,
    seed: int | np.random.Generator | None,
) -> _Walks:
    gen = rng(seed)
    n = codes.size
    indptr, nbr, cum = _csr(g)
    deg = np.diff(indptr)
    hubs = []
    for side in (0, 1):
        members = np.flatnonzero(codes == side)
        ranked = members[np.lexsort((members, -deg[members]))]  # degree desc, then node order
        hubs.append(ranked[:k])
    hub_idx = np.concatenate(hubs)
    is_hub = np.zeros(n, dtype=bool)
    is_hub[hub_idx] = True
    # walks from a component without hubs can never end: drop them up front
    comp = np.asarray(g.connected_components().membership, dtype=np.int64)
    comp_has_hub = np.zeros(comp.max() + 1 if n else 1, dtype=bool)
    comp_has_hub[comp[hub_idx]] = True
    start_side = np.repeat(np.array([0, 1]), n_walks)
    pos = np.concatenate(
        [gen.choice(np.flatnonzero(codes == side), size=n_walks) for side in (0, 1)]
    )
    alive = comp_has_hub[comp[pos]] & (deg[pos] > 0)
    unfinished = int((~alive).sum())
    side, pos = start_side[alive], pos[alive]  # the start side of each walk still going
    base = np.concatenate([[0.0], cum])
    ended: list[np.ndarray] = []  # 2 * start side + end side of the walks that reached a hub
    for _ in range(max_steps):
        if pos.size == 0:
            break
        u = gen.random(pos.size)
        lo = indptr[pos]
        if weighted:
            hi = indptr[pos + 1]
            target = base[lo] + u * (base[hi] - base[lo])
            j = np.searchsorted(cum, target, side="right")
            j = np.clip(j, lo, hi - 1)
        else:
            j = lo + (u * deg[pos]).astype(np.int64)
        pos = nbr[j]
        done = is_hub[pos]
        if done.any():
            ended.append(2 * side[done] + codes[pos[done]])
            going = ~done
            side, pos = side[going], pos[going]
    unfinished += int(pos.size)
    finished = np.concatenate(ended) if ended else np.zeros(0, dtype=np.int64)
    counts = np.bincount(finished, minlength=4).reshape(2, 2)
    return _Walks(counts, unfinished, hub_idx)


def _rwc(counts: np.ndarray) -> tuple[float, np.ndarray]:
    """RWC and the matrix P[a, b] = Pr[start a | end b] (NaN columns when nothing ended in b)."""
    ended = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = counts / np.where(ended > 0, ended, 1)
    p[:, ended == 0] = np.nan
    value = p[0, 0] * p[1, 1] - p[0, 1] * p[1, 0]
    return float(value), p


@polarization_measure(
    alternative="greater",
    result=RandomWalkControversyResult,
    tables=("walks", "hubs"),
)
def random_walk_controversy(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    weight: str | None = None,
    edges: str = "all",
    pair: tuple[Any, Any] | None = None,
    k: int = 10,
    n_walks: int = 10_000,
    max_steps: int = 100_000,
    **settings: Unpack[Settings],
) -> RandomWalkControversyResult:
    """Random Walk Controversy: do random walks stay on the side they started from?

    Take the k highest-degree nodes of each side X and Y (the hubs, ties broken by node order).
    Start ``n_walks`` walks at nodes drawn uniformly from X and as many from Y; each walk takes
    at least one step and ends at the first hub (of either side) it reaches. With
    P_AB = Pr[the walk started in A | it ended in B], estimated from the walk counts,

    .. math:: RWC = P_{XX} P_{YY} - P_{XY} P_{YX}.

    The walks are drawn from ``seed`` over the graph's nodes in their order: the same seed on
    the same graph gives the same value, but the same graph with its nodes in another order
    (a GML file read by networkx and by igraph) draws other walks, and the values differ by
    the walks' sampling error (polblogs with its true sides: 0.513, and 0.504 with its nodes
    shuffled, with the default ``n_walks``).

    Parameters
    ----------
    {graph_input}
    {sides_entry}
    weight : str or None, default None
        Edge attribute: steps follow an edge with probability proportional to its weight. Hubs
        are always chosen by degree (number of neighbours). None: unweighted walks (the paper).
    {agreement_entry}
    pair : tuple of two labels, optional
        The sides X and Y; users of any other side are left out. Needed when the sides have
        more than two labels with users in the graph (e.g. Leiden with ``n_sides=None``);
        with two labels they are X and Y in natural order.
    k : int, default 10
        Hubs per side (a side with fewer nodes makes all of them hubs).
    n_walks : int, default 10000
        Walks started from each side.
    max_steps : int, default 100000
        Walks still running after this many steps are dropped (counted in ``n_unfinished``).
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: RWC higher than chance).
        {null_choice}
    {significance}

    Returns
    -------
    RandomWalkControversyResult
        ``value`` in [-1, 1]: near 1 when walks almost always end on their own side (sides
        separated), near 0 when the end side says nothing about the start side, negative when
        walks tend to cross. NaN with a ``reason`` for fewer than two sides, or when no walk
        ended on one of the sides.

    Raises
    ------
    {raises}
    UndefinedMetricError
        A ``ValueError``: the sides have more than two labels with users in the graph and no
        ``pair`` says which two to compare (the message lists the groups).

    See Also
    --------
    boundary_polarization, ei_index

    Notes
    -----
    Assumes **endorsement** edges (retweets in the paper): a walk following edges moves among
    users who agree. On disagreement-heavy reply graphs use ``edges="agreement"``. Nodes without
    a side (or on a side left out by ``pair``) are dropped with their edges. RWC is defined for
    two sides: with more groups, choose two with ``pair`` or merge the groups into two (e.g.
    ``sides(..., n_sides=2, others="merge")``); the measure never picks two silently. Walks that start in a connected
    component without any hub, or at an isolated node, cannot end and are dropped (counted in
    ``n_unfinished``), so the two sides may end with slightly different numbers of walks. This
    follows the paper (k = 10 in its experiments), not the authors' script. All walks advance
    together, one numpy step per round over the active walks (CSR neighbour arrays); time is
    O(E + total walk length).

    References
    ----------
    .. [1] K. Garimella, G. De Francisci Morales, A. Gionis and M. Mathioudakis, "Quantifying
       controversy on social media", ACM Transactions on Social Computing 1(1), 3, 2018.
       doi:10.1145/3140565

    Examples
    --------
    Two triangles joined by c-d; with k = 1 the hubs are c and d. A walk from a or b ends at c;
    one from c ends at c w.p. 2/3 and at d w.p. 1/3. So each side's walks end at home w.p. 8/9,
    P_XX = P_YY = 8/9, P_XY = P_YX = 1/9 and RWC = 64/81 - 1/81 = 7/9.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"),
    ...               ("d", "f"), ("c", "d")])
    >>> sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    >>> r = dyn.polarization.random_walk_controversy(G, sides=sides, k=1, seed=0)
    >>> round(r.value, 1)
    0.8
    """
    func = "random_walk_controversy"
    for name, val in (("k", k), ("n_walks", n_walks), ("max_steps", max_steps)):
        ok = isinstance(val, int | np.integer) and not isinstance(val, bool) and val >= 1
        check_param(ok, name, func, "a positive integer", val)
    weighted = weight is not None
    seed = settings["seed"]
    check_seed(seed, func)
    walk_seed = np.random.SeedSequence(seed).spawn(1)[0] if seed is not None else None

    def walk(g: ig.Graph, codes: np.ndarray) -> _Walks:
        return _walk(
            g,
            codes,
            k=k,
            n_walks=n_walks,
            max_steps=max_steps,
            weighted=weighted,
            seed=np.random.default_rng(walk_seed),
        )

    def statistic(g: ig.Graph, codes: np.ndarray) -> float:
        return _rwc(walk(g, codes).counts)[0]

    def compute(prep: Prepared) -> Computed:
        walks = walk(prep.graph, prep.codes)
        value, p = _rwc(walks.counts)
        fields = {
            "p_xx": p[0, 0],
            "p_xy": p[0, 1],
            "p_yx": p[1, 0],
            "p_yy": p[1, 1],
            "n_unfinished": walks.unfinished,
        }
        reason = None
        if math.isnan(value):
            reason = "no walk ended on one of the sides (no hub reachable)"
        lab = [str(x) for x in prep.labels]
        names = prep.graph.vs["name"]
        deg = np.asarray(prep.graph.degree(), dtype=np.int64)
        tables = {
            "walks": pl.DataFrame(
                {
                    "start_side": [lab[0], lab[0], lab[1], lab[1]],
                    "end_side": [lab[0], lab[1], lab[0], lab[1]],
                    "n": walks.counts.ravel(),
                }
            ),
            "hubs": pl.DataFrame(
                {
                    "author": [str(names[i]) for i in walks.hubs.tolist()],
                    "side": [lab[c] for c in prep.codes[walks.hubs].tolist()],
                    "degree": deg[walks.hubs],
                }
            ),
        }
        return Computed(value, reason, fields, tables)

    return run_sided(
        random_walk_controversy, locals(), compute=compute, statistic=statistic, seeded=True
    )
