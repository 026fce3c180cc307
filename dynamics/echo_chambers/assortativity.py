"""Leaning and side assortativity of the user graph (Newman 2003)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings
from dynamics._results import MetricResult
from dynamics.echo_chambers._common import Prepared, label_series
from dynamics.echo_chambers._run import echo_measure, run_echo

__all__ = ["AssortativityResult", "assortativity"]


@dataclass(frozen=True, repr=False)
class AssortativityResult(MetricResult):
    """Result of :func:`assortativity`: ``kind`` is "numeric" or "nominal"; ``n_edges`` used."""

    kind: str = "numeric"
    n_edges: int = 0


def _numeric(x: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> float:
    ok = ~np.isnan(x[src]) & ~np.isnan(x[dst])
    if not ok.any():
        return math.nan
    a, b, ww = x[src[ok]], x[dst[ok]], w[ok]
    total = ww.sum()
    da, db = a - (ww * a).sum() / total, b - (ww * b).sum() / total
    var_a, var_b = (ww * da * da).sum(), (ww * db * db).sum()
    if np.ptp(a) == 0 or np.ptp(b) == 0 or var_a <= 0 or var_b <= 0:
        return math.nan
    return float(np.clip((ww * da * db).sum() / math.sqrt(var_a * var_b), -1.0, 1.0))


def _mixing(codes: np.ndarray, k: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    ok = (codes[src] >= 0) & (codes[dst] >= 0)
    e = np.bincount(codes[src[ok]] * k + codes[dst[ok]], weights=w[ok], minlength=k * k)
    return e.reshape(k, k)


def _nominal(codes: np.ndarray, k: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> float:
    e = _mixing(codes, k, src, dst, w)
    total = e.sum()
    if total <= 0:
        return math.nan
    e = e / total
    ab = float((e.sum(axis=1) * e.sum(axis=0)).sum())
    if ab >= 1 - 1e-15:
        return math.nan
    return float((np.trace(e) - ab) / (1 - ab))


def _assortativity_stat(p: Prepared, src, dst, w, values, *, kind: str = "numeric") -> float:
    if kind == "numeric":
        return _numeric(values, src, dst, w)
    return _nominal(values, len(p.labels), src, dst, w)


@echo_measure(alternative="greater", result=AssortativityResult, tables=("mixing",))
def assortativity(
    discussion_or_graph: Any,
    *,
    leaning: Any = None,
    sides: Any = None,
    directed: bool = False,
    weight: str | None = None,
    **settings: Unpack[Settings],
) -> AssortativityResult:
    r"""Assortativity of the user graph by leaning (numeric) or by side (nominal).

    With ``leaning``, the Pearson correlation of the leanings at the two ends of the edges
    (Newman 2003, eq. 26):

    .. math:: r = \frac{\sum_{(u,v)} w_{uv} (x_u - \bar a)(x_v - \bar b)}
              {\sqrt{\sum w_{uv} (x_u - \bar a)^2 \sum w_{uv} (x_v - \bar b)^2}},

    with :math:`\bar a`, :math:`\bar b` the (weighted) means of the source and target
    leanings. With ``sides``, the nominal coefficient (Newman 2003, eq. 2)

    .. math:: r = \frac{\sum_s e_{ss} - \sum_s a_s b_s}{1 - \sum_s a_s b_s},

    where :math:`e_{st}` is the share of edges from side s to side t and :math:`a_s`,
    :math:`b_s` its row and column sums, over every side label (any number of sides: three
    communities give a 3 x 3 mixing matrix). An undirected edge counts once in each direction,
    which gives Newman's undirected coefficient. Only edges whose two ends have a leaning
    (side) count.

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph (``u -> v``: u replied to v).
    leaning : Mapping or str, optional
        Author -> leaning in [-1, 1], or a column name: numeric assortativity.
    sides : Mapping or str, optional
        Author -> side label, or a column name: nominal assortativity.
    directed : bool, default False
        Use edge direction (source = replier, target = replied-to). Default: the undirected
        simple graph (u and v linked if either replied to the other), as the polarization
        measures use.
    weight : str, optional
        Edge attribute weighting each edge (e.g. ``"count"``); reciprocal replies add up in
        the undirected graph. Default None: every edge weighs 1. Edges lacking the attribute
        weigh 1.
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: does like meet like more often than chance?
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

    Returns
    -------
    AssortativityResult
        ``value`` in [-1, 1]: 1 when every edge joins equal leanings (sides), 0 for random
        mixing, negative when edges join opposite sides more than chance. NaN (with
        ``reason``) without edges between users with a leaning, or without variation. Table
        ``mixing`` (nominal only): ``source_side``, ``target_side``, ``weight``, ``share``
        (:math:`e_{st}`).

    Raises
    ------
    ValueError
        Bad parameters; both or neither of ``leaning`` and ``sides``.
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    neighbour_leaning : the per-user version (Cinelli et al. 2021).
    insularity : share of each side's replies that stay inside.

    Notes
    -----
    Assortativity measures whom users interact with, whatever the tone; on disagreement-heavy
    reply graphs a low value can mean cross-side arguments rather than dialogue. It equals
    networkx's ``numeric_assortativity_coefficient`` / ``attribute_assortativity_coefficient``
    on the same (un)directed graph, and for two sides the nominal and the numeric (-1/+1)
    coefficient coincide on undirected graphs. Complexity O(V + E).

    References
    ----------
    M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003).
    doi:10.1103/PhysRevE.67.026126

    Examples
    --------
    Path a - b - c - d with sides L, L, R, R: of the 6 edge directions, 2 are L -> L, 2 are
    R -> R, 2 cross, so e_LL = e_RR = 1/3, a_L = b_L = 1/2 and
    r = (2/3 - 1/2) / (1 - 1/2) = 1/3.

    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> r = dyn.echo_chambers.assortativity(G, sides={"a": "L", "b": "L", "c": "R", "d": "R"})
    >>> round(r.value, 4), r.kind
    (0.3333, 'nominal')
    """
    kind = "numeric" if leaning is not None else "nominal"
    return run_echo(
        assortativity,
        locals(),
        compute=partial(_computed, kind=kind),
        statistic=partial(_assortativity_stat, kind=kind),
        need="leaning" if leaning is not None else "labels",
    )


def _computed(prep: Prepared, *, kind: str) -> Computed:
    """The coefficient, the edges it rests on and (nominal) the ``mixing`` table."""
    values = prep.leaning if kind == "numeric" else prep.codes
    known = ~np.isnan(values) if kind == "numeric" else values >= 0
    used = known[prep.src] & known[prep.dst]
    n_edges = int(used.sum()) if prep.directed else int(used.sum()) // 2
    value = _assortativity_stat(prep, prep.src, prep.dst, prep.w, values, kind=kind)
    reason = None
    if n_edges == 0:
        reason = "no edge joins two users with a leaning or side"
    elif math.isnan(value):
        reason = "the leanings (sides) at the edge ends do not vary"
    tables = {}
    k = len(prep.labels)
    if kind == "nominal" and k:
        e = _mixing(prep.codes, k, prep.src, prep.dst, prep.w)
        ids = np.arange(k)
        tables["mixing"] = pl.DataFrame(
            {
                "source_side": label_series("source_side", prep.labels, np.repeat(ids, k)),
                "target_side": label_series("target_side", prep.labels, np.tile(ids, k)),
                "weight": e.ravel(),
                "share": e.ravel() / e.sum() if e.sum() > 0 else np.full(k * k, np.nan),
            }
        )
    return Computed(value, reason, {"kind": kind, "n_edges": n_edges}, tables)
