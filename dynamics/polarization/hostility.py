"""Cross-side hostility: are replies across the divide more toxic than replies within a side?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings, run_sided
from dynamics._results import MetricResult
from dynamics._sample_checks import coverage
from dynamics._validation import (
    as_igraph,
    edge_ends,
    edge_list_array,
    float_values,
    label_codes,
    side_labels,
)
from dynamics.model.graph import graph_from_ends
from dynamics.polarization._common import Prepared, choose_labels
from dynamics.polarization._family import polarization_measure

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["HostilityResult", "cross_side_hostility"]


@dataclass(frozen=True, repr=False)
class HostilityResult(MetricResult):
    """Result of :func:`cross_side_hostility`: mean toxicity of cross-side and within-side
    replies, and how many scored replies each mean is over."""

    cross_toxicity: float = math.nan
    within_toxicity: float = math.nan
    n_cross: int = 0
    n_within: int = 0


def _reply_graph(obj: Any, signal: str, func: str) -> ig.Graph | str:
    """Directed user graph whose edges carry ``tox_sum`` and ``tox_n`` (scored replies)."""

    from dynamics.model.discussion import Discussion

    if isinstance(obj, Discussion):
        try:  # users as integer codes; a bootstrap sample gives them without its comments
            c = obj.author_rows([signal])
        except pl.exceptions.ColumnNotFoundError:
            return f"no {signal!r} column: annotate the Discussion with a toxicity scorer first"
        names = obj.user_nodes().get_column("author")  # the graph's users, sorted
        n = names.len()
        edges = (
            c.filter(
                pl.col("_p").is_not_null()
                & pl.col("_a").is_not_null()
                & (pl.col("_a") != pl.col("_p"))
                & pl.col(signal).is_not_null()
            )
            .group_by((pl.col("_a") * n + pl.col("_p")).alias("_pair"))
            .agg(
                pl.col(signal).cast(pl.Float64).sum().alias("tox_sum"),
                pl.len().cast(pl.Float64).alias("tox_n"),
            )
            .sort("_pair")  # by replier, then replied-to: the names' order
        )
        pair = edges.get_column("_pair").to_numpy()
        src, dst = pair // max(n, 1), pair % max(n, 1)
        ts = edges.get_column("tox_sum").to_numpy()
        tn = edges.get_column("tox_n").to_numpy()
        g = graph_from_ends(n, src, dst, directed=True)
        g.vs["name"] = names.to_list()
        g.es["tox_sum"] = ts.tolist()
        g.es["tox_n"] = tn.tolist()
        g[_TOX_EDGES] = (src, dst, ts, tn)
        return g
    g = as_igraph(obj, func=func, copy=False)  # only read below
    if signal not in g.es.attributes():
        return (
            f"the graph has no edge attribute {signal!r} (the 'signal' parameter; user "
            "graphs of annotated Discussions have 'mean_toxicity')"
        )
    mean = float_values(g.es[signal], missing=np.nan)
    count = (
        float_values(g.es["count"], missing=1.0)
        if "count" in g.es.attributes()
        else np.ones(g.ecount())
    )
    ends = edge_ends(g, obj)
    keep = ~np.isnan(mean) & (ends[:, 0] != ends[:, 1])
    src, dst = ends[keep, 0], ends[keep, 1]
    ts, tn = mean[keep] * count[keep], count[keep]
    h = graph_from_ends(g.vcount(), src, dst, directed=True)
    h.vs["name"] = g.vs["name"]
    h.es["tox_sum"] = ts.tolist()
    h.es["tox_n"] = tn.tolist()
    h[_TOX_EDGES] = (src, dst, ts, tn)
    return h


#: Graph attribute under which :func:`_reply_graph` keeps the arrays of :func:`_edge_tox`.
_TOX_EDGES = "_tox_edges"


def _edge_tox(g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(src, dst, tox_sum, tox_n); rewired null graphs keep them (null_test restores them)."""
    if _TOX_EDGES in g.attributes():  # rewired copies drop graph attributes
        return g[_TOX_EDGES]
    m = g.ecount()
    ends = edge_list_array(g)
    ts = np.asarray(g.es["tox_sum"], dtype=float) if m else np.zeros(0)
    tn = np.asarray(g.es["tox_n"], dtype=float) if m else np.zeros(0)
    return ends[:, 0], ends[:, 1], ts, tn


def _parts(g: ig.Graph, codes: np.ndarray) -> tuple[float, float, float, float]:
    src, dst, ts, tn = _edge_tox(g)
    a, b = codes[src], codes[dst]
    labelled = (a >= 0) & (b >= 0)
    cross, within = labelled & (a != b), labelled & (a == b)
    return ts[cross].sum(), tn[cross].sum(), ts[within].sum(), tn[within].sum()


def _hostility_stat(g: ig.Graph, codes: np.ndarray) -> float:
    cs, cn, ws, wn = _parts(g, codes)
    if cn == 0 or wn == 0 or ws == 0:
        return math.nan
    return float((cs / cn) / (ws / wn))


@polarization_measure(
    needs={"sides", "signal"},
    alternative="greater",
    result=HostilityResult,
)
def cross_side_hostility(
    discussion_or_graph: Any,
    *,
    sides: Mapping[Any, Any] | str,
    signal: str | None = None,
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> HostilityResult:
    """Mean toxicity of cross-side replies over the mean toxicity of within-side replies.

    Over the scored replies of an annotated Discussion whose author and parent author both
    have a side (self-replies left out), with C the cross-side replies (different sides) and
    W the within-side ones,

    .. math:: H = \\frac{\\frac{1}{|C|}\\sum_{r \\in C} tox(r)}
                       {\\frac{1}{|W|}\\sum_{r \\in W} tox(r)}.

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        An annotated Discussion (comments column ``toxicity``), or a user graph whose edges
        carry a mean toxicity (``mean_toxicity`` in an annotated Discussion's user graph),
        weighted by the edge attribute ``count`` when present.
    {sides_entry}
    signal : str or None, default None
        The comments column (Discussion; default ``"toxicity"``) or edge attribute (graph;
        default ``"mean_toxicity"``) holding toxicity.
    pair : tuple of two labels, optional
        Compare only these two sides; without it every side label counts (a reply is
        cross-side when its two authors have different labels).
    {side_nulls_entry}
        Null model for ``z`` and ``p_value`` (one-sided: H higher than chance). Label shuffle
        moves the sides over users (unlabelled users included); degree-preserving rewires the
        directed user graph, keeping each edge's toxicity totals.
        {null_choice}
    {significance}

    Returns
    -------
    HostilityResult
        ``value`` >= 0: 1 when replies across are as toxic as replies within, above 1 when the
        divide is hostile. NaN with a ``reason`` without a toxicity column, or without scored
        cross-side or within-side replies, or when within-side replies have zero toxicity.

    Raises
    ------
    {raises}

    See Also
    --------
    frustration, ei_index

    Notes
    -----
    Made for **disagreement-heavy reply graphs**: it reads the tone of replies, not their
    existence, so it needs no endorsement edges. Replies with a null toxicity (deleted texts)
    are left out. On graph input the edge means are weighted by ``count``, which also counts
    unscored replies, so the value can differ slightly from the Discussion's. O(comments).

    References
    ----------
    .. [1] The ratio is this library's (DESIGN section 7), not a published index; it compares
       the tone of cross-cutting and homophilous interactions as studied in M. Cinelli,
       G. De Francisci Morales, A. Galeazzi, W. Quattrociocchi and M. Starnini, "The echo
       chamber effect on social media", PNAS 118(9), e2023301118, 2021.
       doi:10.1073/pnas.2023301118

    Examples
    --------
    ann (L) and bob (R) reply to each other with toxicity 0.8 and 0.6; cy (L) replies to ann
    with 0.1 and ann to cy with 0.3: cross mean 0.7, within mean 0.2, H = 3.5.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["1", "2", "3", "4", "5"], "parent": [None, "1", "2", "1", "4"],
    ...     "user": ["ann", "bob", "ann", "cy", "ann"], "body": ["a", "b", "c", "d", "e"],
    ...     "toxicity": [0.0, 0.8, 0.6, 0.1, 0.3]}))
    >>> sides = {"ann": "L", "cy": "L", "bob": "R"}
    >>> round(dyn.polarization.cross_side_hostility(d, sides=sides).value, 12)
    3.5
    """
    return run_sided(
        cross_side_hostility,
        locals(),
        resolved={"signal": _signal(discussion_or_graph, signal)},
        compute=_hostility,
        statistic=_hostility_stat,
        prepare=_prepare,
        all_labels=True,
    )


def _signal(obj: Any, signal: str | None) -> str:
    """The score read: ``signal``, or a Discussion's ``toxicity`` / a graph's ``mean_toxicity``."""
    from dynamics.model.discussion import Discussion

    return signal or ("toxicity" if isinstance(obj, Discussion) else "mean_toxicity")


def _prepare(
    obj: Any, *, sides: Any, func: str, signal: str | None, pair: tuple[Any, Any] | None
) -> Prepared | str:
    """The scored reply graph with every user's side code (-1: none); a reason string if not."""
    g = _reply_graph(obj, _signal(obj, signal), func)
    if isinstance(g, str):
        return g
    labels = side_labels(obj, g, sides, func=func)
    chosen = choose_labels(labels, pair, func, all_labels=True)
    if isinstance(chosen, str):
        return chosen
    codes = label_codes(labels, chosen)
    src, dst, _, _ = _edge_tox(g)
    said = coverage(src, dst, codes, chosen).warnings
    return Prepared(g, codes, chosen, int((codes < 0).sum()), said)


def _hostility(prep: Prepared) -> Computed:
    """The ratio of the cross-side and within-side mean toxicities, with both means."""
    cs, cn, ws, wn = _parts(prep.graph, prep.codes)
    fields = {
        "cross_toxicity": cs / cn if cn else math.nan,
        "within_toxicity": ws / wn if wn else math.nan,
        "n_cross": int(cn),
        "n_within": int(wn),
    }
    if cn == 0:
        return Computed(reason="no scored reply between users of different sides", fields=fields)
    if wn == 0:
        return Computed(reason="no scored reply between users of the same side", fields=fields)
    if ws == 0:
        return Computed(reason="within-side replies have zero mean toxicity", fields=fields)
    return Computed((cs / cn) / (ws / wn), None, fields)
