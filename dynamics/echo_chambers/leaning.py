"""Leaning of each user against the mean leaning of their neighbours (Cinelli et al. 2021)."""

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
from dynamics.echo_chambers._common import Prepared, _arcs, distinct
from dynamics.echo_chambers._run import echo_measure, run_echo

__all__ = ["NeighbourLeaningResult", "neighbour_leaning"]

Direction = Literal["out", "in", "all"]
_DIRECTIONS = ("out", "in", "all")


@dataclass(frozen=True, repr=False)
class NeighbourLeaningResult(MetricResult):
    """Result of :func:`neighbour_leaning`; ``n_users`` users enter the correlation."""

    n_users: int = 0


def _mean_leaning(
    n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, x: np.ndarray
) -> np.ndarray:
    """Weighted mean of ``x[dst]`` over each vertex's arcs (NaN neighbours skipped)."""
    known = ~np.isnan(x[dst])
    s, t, ww = src[known], dst[known], w[known]
    total = np.bincount(s, weights=ww, minlength=n)
    summed = np.bincount(s, weights=ww * x[t], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, summed / np.where(total > 0, total, 1.0), np.nan)


def _neighbour_arcs(
    prep: Prepared, src: np.ndarray, dst: np.ndarray, w: np.ndarray, direction: str, binary: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs from each user to the neighbours that ``direction`` names."""
    if direction == "out" or not prep.directed:
        return src, dst, w
    if direction == "in":
        return dst, src, w
    s, t, ww = _arcs(src, dst, w, directed=False, n=prep.n)
    return s, t, (np.ones_like(ww) if binary else ww)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    a, b = a - a.mean(), b - b.mean()
    return float(np.clip((a * b).sum() / math.sqrt((a * a).sum() * (b * b).sum()), -1.0, 1.0))


def _statistic(direction: str, binary: bool):
    def statistic(prep: Prepared, src, dst, w, x) -> float:
        s, t, ww = _neighbour_arcs(prep, src, dst, w, direction, binary)
        y = _mean_leaning(prep.n, s, t, ww, x)
        ok = ~np.isnan(x) & ~np.isnan(y)
        return _pearson(x[ok], y[ok])

    return statistic


def _degrees(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, ...]:
    out_deg = np.bincount(src, minlength=n)
    in_deg = np.bincount(dst, minlength=n)
    key = distinct(np.minimum(src, dst) * max(n, 1) + np.maximum(src, dst))
    deg = np.bincount(key // max(n, 1), minlength=n) + np.bincount(key % max(n, 1), minlength=n)
    return out_deg, in_deg, deg


@echo_measure(alternative="greater", result=NeighbourLeaningResult, tables=("users", "density"))
def neighbour_leaning(
    discussion_or_graph: Any,
    *,
    leaning: Any = None,
    sides: Any = None,
    pair: tuple[Any, Any] | None = None,
    direction: Direction = "out",
    weight: str | None = None,
    bins: int = 20,
    **settings: Unpack[Settings],
) -> NeighbourLeaningResult:
    r"""Correlation between each user's leaning and the mean leaning of their neighbours.

    Cinelli et al. (2021) detect echo chambers by plotting each user's leaning :math:`x_i`
    against the average leaning of the users they interact with,

    .. math:: x_i^{N} = \frac{\sum_j A_{ij} x_j}{\sum_j A_{ij}},

    where :math:`A_{ij} = 1` when there is a link from i to j. In our reply graph the link
    ``u -> v`` means *u replied to v*, as in the paper's comment networks (a link from the
    commenter to the author commented on), so the paper's :math:`x_i^N` is the mean leaning of
    the users i **replies to** (``direction="out"``, the default). ``direction="in"`` averages
    over the users who **reply to** i, and ``"all"`` over every user i interacts with in either
    direction (each neighbour once). The value is the Pearson correlation between
    :math:`x_i` and :math:`x_i^N` over the users who have a leaning and at least one neighbour
    (in that direction) with a leaning; neighbours without a leaning are left out of the mean.

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph (``u -> v``: u replied to v). For an
        undirected graph the three directions coincide.
    leaning : Mapping or str, optional
        Author -> leaning in [-1, 1] (e.g. ``Sides.leaning``: for two sides found in the
        graph the automatic null is then ``"rewire-refit"``, as with ``sides=``; a continuous
        leaning found in the graph, of ``"signed"`` or ``"propagation"``, gets no automatic
        null, see :attr:`Sides.leaning <dynamics.polarization.Sides.leaning>`), or a column
        of the comments table (each author's mean). Authors missing, None or NaN have no
        leaning.
    sides : Mapping or str, optional
        Instead of ``leaning``: author -> side label, or a column name. Two labels map to
        leaning -1 and +1 in natural order (``{"L", "R"}``: L = -1, R = +1; ``{-1, 1}`` and
        ``{0, 1}`` alike), as :attr:`Sides.leaning <dynamics.polarization.Sides.leaning>`
        does. More labels need ``pair``.
    pair : tuple of two labels, optional
        With ``sides``: the two sides compared, ``pair[0]`` at leaning -1 and ``pair[1]`` at
        +1; users of any other side have no leaning (they are left out, and out of their
        neighbours' means). Needed when the sides have more than two labels with users in the
        graph (e.g. Leiden with ``n_sides=None``): the leaning has two poles, and the measure
        never picks two sides silently. Must be None with ``leaning``.
    direction : {"out", "in", "all"}, default "out"
        Whose leaning is averaged: the users replied to (the paper's definition), the users
        replying, or both.
    weight : str, optional
        Edge attribute weighting the mean (``"count"``: each reply counts). Default None: each
        neighbour counts once, as the paper's binary :math:`A_{ij}`. Edges lacking the
        attribute weigh 1.
    bins : int, default 20
        Bins per axis of the ``density`` table over [-1, 1] x [-1, 1].
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: a higher correlation than chance (with
        ``"label-shuffle"``, leanings shuffled over the users).
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

    Returns
    -------
    NeighbourLeaningResult
        ``value`` in [-1, 1]: near 1, users interact with like-minded users (echo chambers);
        near 0, neighbours' leaning is unrelated to one's own; negative, users seek the other
        side. NaN (with ``reason``) with fewer than 3 users or no variance. Tables: ``users``
        (``author``, ``leaning``, ``out_mean``, ``in_mean``, ``neighbour_mean``,
        ``out_degree``, ``in_degree``, ``degree``; every user with a leaning) and ``density``
        (``x_bin``, ``y_bin`` bin centres, ``count``: the joint histogram of leaning and
        neighbour mean of the users in the value, for the density plot).

    Raises
    ------
    ValueError
        Bad parameters; both or neither of ``leaning`` and ``sides``; a leaning outside
        [-1, 1].
    UndefinedMetricError
        A ``ValueError``: ``sides`` with more than two labels with users in the graph and no
        ``pair`` (the message lists the groups and says how to choose two).
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    assortativity : the same tendency as one edge-level correlation.

    Notes
    -----
    Reply graphs are mostly disagreement, so a high value shows whom users *talk to*, not
    whom they endorse; the paper used interaction networks of the same kind (comments,
    replies, retweets). Complexity O(V + E). The bootstrap recomputes the graph from resampled
    threads, with the same leaning per author.

    References
    ----------
    M. Cinelli, G. De Francisci Morales, A. Galeazzi, W. Quattrociocchi, M. Starnini, "The
    echo chamber effect on social media", PNAS 118 (9), e2023301118 (2021).
    doi:10.1073/pnas.2023301118

    Examples
    --------
    a and b (leaning -1) reply to each other, c and d (+1) too, and b also replies to c. The
    out-neighbour means are a: -1, b: (-1 + 1) / 2 = 0, c: 1, d: 1; the correlation of
    (-1, -1, 1, 1) with (-1, 0, 1, 1) is 3 / sqrt(4 * 2.75) = 0.9045.

    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("c", "d"), ("d", "c"), ("b", "c")])
    >>> x = {"a": -1, "b": -1, "c": 1, "d": 1}
    >>> r = dyn.echo_chambers.neighbour_leaning(G, leaning=x)
    >>> round(r.value, 4), r.n_users
    (0.9045, 4)
    >>> r.table("users", backend="polars")["out_mean"].to_list()
    [-1.0, 0.0, 1.0, 1.0]
    """
    func = "neighbour_leaning"
    check_param(direction in _DIRECTIONS, "direction", func, f"one of {_DIRECTIONS}", direction)
    check_param(isinstance(bins, int) and bins >= 1, "bins", func, "a positive integer", bins)
    return run_echo(
        neighbour_leaning,
        locals(),
        compute=partial(_computed, direction=direction, bins=bins, binary=weight is None),
        statistic=_statistic(direction, weight is None),
        need="leaning",
    )


def _computed(prep: Prepared, *, direction: str, bins: int, binary: bool) -> Computed:
    """The correlation, the ``users`` table and the joint ``density`` of the users in it."""
    x = prep.leaning
    out_mean = _mean_leaning(prep.n, prep.src, prep.dst, prep.w, x)
    in_mean = _mean_leaning(prep.n, prep.dst, prep.src, prep.w, x)
    s, t, ww = _neighbour_arcs(prep, prep.src, prep.dst, prep.w, "all", binary)
    all_mean = _mean_leaning(prep.n, s, t, ww, x)
    y = {"out": out_mean, "in": in_mean, "all": all_mean}[direction]
    ok = ~np.isnan(x) & ~np.isnan(y)
    value = _pearson(x[ok], y[ok])
    reason = None
    if ok.sum() < 3:
        reason = "fewer than 3 users have a leaning and a neighbour with a leaning"
    elif math.isnan(value):
        reason = "the leanings (or the neighbour means) do not vary"
    out_deg, in_deg, deg = _degrees(prep.n, prep.src, prep.dst)
    has = ~np.isnan(x)
    users = pl.DataFrame(
        {
            "author": [prep.names[i] for i in np.flatnonzero(has)],
            "leaning": x[has],
            "out_mean": out_mean[has],
            "in_mean": in_mean[has],
            "neighbour_mean": all_mean[has],
            "out_degree": out_deg[has],
            "in_degree": in_deg[has],
            "degree": deg[has],
        }
    ).with_columns(pl.col("^.*_mean$").fill_nan(None))
    edges = np.linspace(-1.0, 1.0, bins + 1)
    counts, _, _ = np.histogram2d(x[ok], y[ok], bins=[edges, edges])
    centres = (edges[:-1] + edges[1:]) / 2
    density = pl.DataFrame(
        {
            "x_bin": np.repeat(centres, bins),
            "y_bin": np.tile(centres, bins),
            "count": counts.ravel().astype(np.int64),
        }
    )
    return Computed(value, reason, {"n_users": int(ok.sum())}, {"users": users, "density": density})
