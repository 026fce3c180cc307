"""Share of users whose neighbourhood is homogeneous (all, or most, partners on their side)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics._significance import check_significance
from dynamics.echo_chambers._common import Prepared, prepare, significance
from dynamics.echo_chambers.exposure import ExposureResult, _Exposure, _exposure, _users_table

__all__ = ["homogeneity"]

#: Tolerance when comparing a user's own-side share with ``threshold``.
_EPS = 1e-12


def homogeneity(
    discussion_or_graph: Any,
    *,
    sides: Any = None,
    leaning: Any = None,
    threshold: float = 1.0,
    weight: str | None = "count",
    null: str | None = None,
    n_null: int | None = None,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
    progress: bool | None = None,
) -> ExposureResult:
    r"""Share of users whose interactions stay on their own side.

    User i (with a side :math:`s_i`) is in a homogeneous neighbourhood when the share of
    their interactions (replies given plus received, weighted) with users of their own side
    reaches ``threshold``:

    .. math:: h = \frac{1}{|U|} \sum_{i \in U}
              \mathbf{1}\left[\frac{w(i \leftrightarrow s_i)}{w(i \leftrightarrow V)}
              \ge \theta\right],

    over the users U with a side and at least one partner with a side. With
    :math:`\theta = 1` (default) every partner must be on i's side.

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph (``u -> v``: u replied to v).
    sides : Mapping or str, optional
        Author -> side or community label, or a column name.
    leaning : Mapping or str, optional
        Instead of ``sides``: negative leaning is side -1, positive side +1, 0 no side.
    threshold : float, default 1.0
        Own-side share, in (0, 1], that makes a neighbourhood homogeneous.
    weight : str or None, default "count"
        Edge attribute counting replies; edges lacking it weigh 1. None: each directed edge
        counts once. With ``threshold=1`` weights do not matter.
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None.
        Null model for ``z`` and ``p_value`` (one-sided, greater).
        With ``n_null`` and no ``null`` (or ``"auto"``), the null is chosen by the sides:
        sides found in the graph (a :class:`~dynamics.polarization.Sides` from ``"leiden"``,
        ``"multilevel"``, ``"signed"`` or ``"propagation"``) get ``"rewire-refit"``, which
        rewires the graph keeping degrees and finds the sides again on every null graph
        (Garimella et al. 2018; Guimera et al. 2004); given sides or a leaning get
        ``"label-shuffle"``. See :mod:`dynamics._significance`.
    n_null : int or None, default None
        Null samples (200 when ``null`` is named without it; None with no ``null``: no test).
    n_boot : int, default 0
        Bootstrap samples over threads for ``ci`` (Discussion input only).
    ci : float, default 0.95
        Interval level.
    seed : int or None, default 0
        Seed of the null model and bootstrap.
    progress : bool or None
        Show progress of null model and bootstrap.

    Returns
    -------
    ExposureResult
        ``value`` in [0, 1]: 1 when every user lives in a one-sided neighbourhood, 0 when
        everyone hears the other side (at more than ``1 - threshold``). NaN (with ``reason``)
        with fewer than two sides or no labelled user with a labelled partner. Table
        ``users``: as in :func:`exposure_entropy`, plus ``homogeneous``.

    Raises
    ------
    ValueError
        Bad parameters; both or neither of ``sides`` and ``leaning``.
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    exposure_entropy : how mixed each user's partners are.

    Notes
    -----
    Users whose partners have no side are left out. Counts interactions whatever their tone.
    Complexity O(E log E).

    References
    ----------
    M. Cinelli et al., "The echo chamber effect on social media", PNAS 118 (9), e2023301118
    (2021), doi:10.1073/pnas.2023301118 (users whose neighbourhood shares their leaning).

    Examples
    --------
    x (L) talks with a (L) and b (R): x's own share is 1/2, a's 1 (homogeneous), b's 0;
    one user of three.

    >>> G = nx.Graph([("x", "a"), ("x", "b")])
    >>> r = dyn.echo_chambers.homogeneity(G, sides={"x": "L", "a": "L", "b": "R"})
    >>> round(r.value, 4), r.n_users
    (0.3333, 3)
    """
    func = "homogeneity"
    check_param(
        isinstance(threshold, float | int) and 0 < threshold <= 1,
        "threshold",
        func,
        "in (0, 1]",
        threshold,
    )
    check_significance(func, null, n_null, n_boot, ci, discussion_or_graph)
    prep = prepare(
        discussion_or_graph,
        leaning=leaning,
        sides=sides,
        weight=weight,
        directed=True,
        need="labels",
        func=func,
    )

    def flags(p: Prepared, ex: _Exposure, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.flatnonzero((codes >= 0) & (ex.total > 0))
        return rows, ex.own[rows] >= (threshold - _EPS) * ex.total[rows]

    def value_of(p: Prepared, ex: _Exposure, codes: np.ndarray) -> float:
        rows, homog = flags(p, ex, codes)
        return float(homog.mean()) if rows.size and ex.n_sides >= 2 else math.nan

    def stat_from(p: Prepared, src, dst, w, codes) -> float:
        return value_of(p, _exposure(p.n, codes, src, dst, w), codes)

    def recompute(d: Any, sides: Any = sides) -> float:
        p = prepare(
            d, leaning=leaning, sides=sides, weight=weight, directed=True, need="labels", func=func
        )
        return math.nan if p.reason else stat_from(p, p.src, p.dst, p.w, p.codes)

    ex = _exposure(prep.n, prep.codes, prep.src, prep.dst, prep.w)
    rows, homog = flags(prep, ex, prep.codes)
    reason = prep.reason
    value = math.nan
    if reason is None:
        value = value_of(prep, ex, prep.codes)  # reuses the exposure table above
        if math.isnan(value):
            reason = "no user with a side interacts with a user who has a side"
    params = {
        "input": prep.source,
        "threshold": threshold,
        "weight": weight,
        "null": null,
        "n_null": n_null,
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }
    test, interval = significance(
        discussion_or_graph,
        prep,
        value,
        statistic=stat_from,
        recompute=recompute,
        sides=sides,
        params=params,
        use_leaning=False,
        null=null,
        n_null=n_null,
        n_boot=n_boot,
        ci=ci,
        seed=seed,
        alternative="greater",
        progress=progress,
        func=func,
    )
    users = _users_table(prep, ex, rows, ex.entropy).with_columns(
        pl.Series("homogeneous", homog, dtype=pl.Boolean)
    )
    return ExposureResult(
        func,
        value,
        ci=interval,
        params=prep.noted(params),
        warnings=prep.notes(),
        **test,
        reason=reason,
        tables={"users": users},
        n_users=int(rows.size),
    )
