"""Insularity (share of a side's replies that stay inside) and conductance of each side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings
from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics.echo_chambers._common import Prepared, label_series
from dynamics.echo_chambers._run import Statistic, echo_measure, run_echo

__all__ = ["InsularityResult", "conductance", "insularity"]

_AVERAGES = ("sides", "replies")


@dataclass(frozen=True, repr=False)
class InsularityResult(MetricResult):
    """Result of :func:`insularity` and :func:`conductance`; ``n_sides`` sides with users."""

    n_sides: int = 0


def _per_side(codes: np.ndarray, k: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """internal, outgoing total, incoming total per side, over arcs between labelled users."""
    ok = (codes[src] >= 0) & (codes[dst] >= 0)
    cs, cd, ww = codes[src[ok]], codes[dst[ok]], w[ok]
    same = cs == cd
    internal = np.bincount(cs[same], weights=ww[same], minlength=k)
    out_total = np.bincount(cs, weights=ww, minlength=k)
    in_total = np.bincount(cd, weights=ww, minlength=k)
    return internal, out_total, in_total


def _insularity(internal: np.ndarray, out_total: np.ndarray, average: str) -> float:
    has = out_total > 0
    if has.sum() < 1:
        return math.nan
    if average == "replies":
        return float(internal.sum() / out_total.sum())
    return float(np.mean(internal[has] / out_total[has]))


def _conductance(internal, out_total, in_total) -> np.ndarray:
    volume = out_total + in_total
    cut = out_total + in_total - 2 * internal
    smaller = np.minimum(volume, volume.sum() - volume)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(smaller > 0, cut / np.where(smaller > 0, smaller, 1.0), np.nan)


def _mean_conductance(internal, out_total, in_total) -> float:
    phi = _conductance(internal, out_total, in_total)
    phi = phi[~np.isnan(phi)]
    return float(phi.mean()) if phi.size else math.nan


def _table(prep: Prepared) -> pl.DataFrame:
    k = len(prep.labels)
    internal, out_total, in_total = _per_side(prep.codes, k, prep.src, prep.dst, prep.w)
    half = 1.0 if prep.directed else 0.5  # undirected: each edge is two arcs
    with np.errstate(invalid="ignore", divide="ignore"):
        ins = np.where(out_total > 0, internal / np.where(out_total > 0, out_total, 1), np.nan)
    return pl.DataFrame(
        {
            "side": label_series("side", prep.labels, np.arange(k)),
            "n_users": np.bincount(prep.codes[prep.codes >= 0], minlength=k).astype(np.int64),
            "internal": internal,
            "external": out_total - internal,
            "insularity": ins,
            "cut": half * (out_total + in_total - 2 * internal),
            "volume": half * (out_total + in_total),
            "conductance": _conductance(internal, out_total, in_total),
        }
    ).with_columns(pl.col("insularity", "conductance").fill_nan(None))


def _insularity_stat(p: Prepared, src, dst, w, codes, *, average: str = "sides") -> float:
    internal, out_total, _ = _per_side(codes, len(p.labels), src, dst, w)
    return _insularity(internal, out_total, average)


def _conductance_stat(p: Prepared, src, dst, w, codes) -> float:
    return _mean_conductance(*_per_side(codes, len(p.labels), src, dst, w))


@echo_measure(alternative="greater", result=InsularityResult, tables=("sides",))
def insularity(
    discussion_or_graph: Any,
    *,
    sides: Any = None,
    leaning: Any = None,
    weight: str | None = None,
    average: Literal["sides", "replies"] = "sides",
    **settings: Unpack[Settings],
) -> InsularityResult:
    r"""Share of each side's (community's) replies that stay inside it.

    For a side S, insularity is the share of its members' replies that go to members of S:

    .. math:: I(S) = \frac{w(S \to S)}{w(S \to V)},

    with :math:`w(A \to B)` the edges (or, with ``weight="count"``, the replies) from users in
    A to users in B and V every user with a side. The value is the mean of :math:`I(S)` over
    the sides (``average="sides"``), or the share of all replies that stay inside their side
    (``average="replies"``, :math:`\sum_S w(S \to S) / \sum_S w(S \to V)`). The per-side
    table also gives the conductance of each side (see :func:`conductance`).

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph (``u -> v``: u replied to v). In an
        undirected graph each edge counts once from each end, so
        :math:`I(S) = 2 w_{in} / (2 w_{in} + \mathrm{cut})`.
    sides : Mapping or str, optional
        Author -> side or community label (any number of labels, e.g. Leiden communities),
        or a column name.
    leaning : Mapping or str, optional
        Instead of ``sides``: negative leaning is side -1, positive side +1, 0 no side.
    weight : str or None, default None
        None: every replying pair counts once (per direction). ``weight="count"`` weighs by
        replies (a Discussion's ``count`` edge attribute); edges lacking the attribute weigh 1.
    average : {"sides", "replies"}, default "sides"
        Mean over sides, or weighted by each side's replies.
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: do more replies stay inside the sides than by
        chance?
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

    Returns
    -------
    InsularityResult
        ``value`` in [0, 1]: 1 when no reply crosses sides (closed echo chambers), the side's
        share of reply targets under random mixing, 0 when every reply crosses. NaN (with
        ``reason``) with fewer than two sides or no edge between labelled users. Table
        ``sides``: ``side``, ``n_users``, ``internal`` and ``external`` (members' replies
        staying and leaving; in an undirected graph, edge ends), ``insularity``, ``cut``
        (edges, or replies in either direction, across the border), ``volume`` (total degree
        of the members) and ``conductance``.

    Raises
    ------
    ValueError
        ``average`` not "sides" or "replies", another bad parameter (sklearn wording), or
        both or neither of ``sides`` and ``leaning``.
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    conductance : the cut relative to the side's volume.
    homogeneity : the same question per user.

    Notes
    -----
    Users without a side, and replies to or from them, are left out. Insularity counts
    whom users reply to, not whether they agree: on disagreement-heavy reply graphs low
    insularity can mean cross-side fights. Complexity O(V + E).

    References
    ----------
    M. Cinelli et al., "The echo chamber effect on social media", PNAS 118 (9),
    e2023301118 (2021), doi:10.1073/pnas.2023301118 (echo chambers as groups whose
    interactions stay inside); M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E
    67, 026126 (2003), doi:10.1103/PhysRevE.67.026126 (the mixing matrix).

    Examples
    --------
    Path a - b - c - d with sides L, L, R, R: from L's members, a -> b, b -> a stay inside
    and b -> c leaves, so I(L) = 2/3, and I(R) = 2/3 likewise.

    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> r = dyn.echo_chambers.insularity(G, sides={"a": "L", "b": "L", "c": "R", "d": "R"})
    >>> round(r.value, 4)
    0.6667
    >>> r.table("sides", backend="polars")["conductance"].to_list()
    [0.3333333333333333, 0.3333333333333333]
    """
    check_param(average in _AVERAGES, "average", "insularity", f"one of {_AVERAGES}", average)
    statistic = partial(_insularity_stat, average=average)
    return run_echo(
        insularity,
        locals(),
        compute=partial(_computed, statistic=statistic),
        statistic=statistic,
    )


@echo_measure(alternative="less", result=InsularityResult, tables=("sides",))
def conductance(
    discussion_or_graph: Any,
    *,
    sides: Any = None,
    leaning: Any = None,
    weight: str | None = None,
    **settings: Unpack[Settings],
) -> InsularityResult:
    r"""Mean conductance of the sides (communities): how open each side is to the rest.

    The conductance of a side S is the weight of the edges crossing its border over the
    smaller of its volume and the rest's:

    .. math:: \phi(S) = \frac{\mathrm{cut}(S, \bar S)}
              {\min(\mathrm{vol}(S), \mathrm{vol}(\bar S))},

    on the undirected view of the graph (replies in both directions add up), with
    :math:`\mathrm{vol}(S)` the total (weighted) degree of S's members and :math:`\bar S` the
    other users with a side. The value is the mean of :math:`\phi(S)` over the sides (with
    two sides, both have the same conductance).

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph.
    sides : Mapping or str, optional
        Author -> side or community label (any number of labels), or a column name.
    leaning : Mapping or str, optional
        Instead of ``sides``: negative leaning is side -1, positive side +1, 0 no side.
    weight : str or None, default None
        None: each directed edge counts once in the cut and the volumes. ``weight="count"``
        weighs by replies (a Discussion's ``count`` edge attribute); edges lacking it weigh 1.
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: *less* open than chance (low conductance
        means closed sides).
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

    Returns
    -------
    InsularityResult
        ``value`` in [0, 1]: 0 when no edge crosses (fully separated sides), up to 1 when
        every edge of the smaller part crosses. With more than two sides each side is
        compared with all the others together. NaN (with ``reason``) with fewer
        than two sides or no edge between labelled users. Table ``sides`` as in
        :func:`insularity`.

    Raises
    ------
    ValueError
        A bad parameter (sklearn wording), or both or neither of ``sides`` and ``leaning``.
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    insularity : the share of a side's replies that stay inside.

    Notes
    -----
    Users without a side, and their edges, are left out. Complexity O(V + E).

    References
    ----------
    R. Kannan, S. Vempala, A. Vetta, "On clusterings: good, bad and spectral", Journal of the
    ACM 51 (3), 497-515 (2004). doi:10.1145/990308.990313

    Examples
    --------
    Path a - b - c - d with sides L, L, R, R: one edge crosses, vol(L) = 1 + 2 = 3 =
    vol(R), so the conductance is 1/3.

    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> r = dyn.echo_chambers.conductance(G, sides={"a": "L", "b": "L", "c": "R", "d": "R"})
    >>> round(r.value, 4)
    0.3333
    """
    return run_echo(
        conductance,
        locals(),
        compute=partial(_computed, statistic=_conductance_stat),
        statistic=_conductance_stat,
    )


def _computed(prep: Prepared, *, statistic: Statistic) -> Computed:
    """The value, the number of sides with users and the per-side table."""
    value = statistic(prep, prep.src, prep.dst, prep.w, prep.codes)
    reason = "no edge joins two users with a side" if math.isnan(value) else None
    n_sides = len(set(prep.codes[prep.codes >= 0].tolist()))
    return Computed(value, reason, {"n_sides": n_sides}, {"sides": _table(prep)})
