"""Share of users whose neighbourhood is homogeneous (all, or most, partners on their side)."""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings
from dynamics._params import check_param
from dynamics.echo_chambers._common import Prepared
from dynamics.echo_chambers._run import echo_measure, run_echo
from dynamics.echo_chambers.exposure import ExposureResult, _Exposure, _exposure, _per_user

__all__ = ["homogeneity"]

#: Tolerance when comparing a user's own-side share with ``threshold``.
_EPS = 1e-12


def _flags(ex: _Exposure, codes: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The users counted (a side, a partner with a side) and whether each is homogeneous."""
    rows = np.flatnonzero((codes >= 0) & (ex.total > 0))
    return rows, ex.own[rows] >= (threshold - _EPS) * ex.total[rows]


def _share(ex: _Exposure, rows: np.ndarray, homog: np.ndarray) -> float:
    return float(homog.mean()) if rows.size and ex.n_sides >= 2 else math.nan


def _homogeneity_stat(p: Prepared, src, dst, w, codes, *, threshold: float = 1.0) -> float:
    ex = _exposure(p.n, codes, src, dst, w)
    return _share(ex, *_flags(ex, codes, threshold))


@echo_measure(alternative="greater", result=ExposureResult, tables=("users",))
def homogeneity(
    discussion_or_graph: Any,
    *,
    sides: Any = None,
    leaning: Any = None,
    threshold: float = 1.0,
    weight: str | None = None,
    **settings: Unpack[Settings],
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
        Author -> side or community label (any number of labels), or a column name.
    leaning : Mapping or str, optional
        Instead of ``sides``: negative leaning is side -1, positive side +1, 0 no side.
    threshold : float, default 1.0
        Own-side share, in (0, 1], that makes a neighbourhood homogeneous.
    weight : str or None, default None
        None: each directed edge counts once. ``weight="count"`` weighs by replies (a
        Discussion's ``count`` edge attribute); edges lacking the attribute weigh 1. With
        ``threshold=1`` weights do not matter.
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: more homogeneous neighbourhoods than
        chance.
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

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
        ``threshold`` outside (0, 1], another bad parameter (sklearn wording), or both or
        neither of ``sides`` and ``leaning``.
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
    check_param(
        isinstance(threshold, float | int) and 0 < threshold <= 1,
        "threshold",
        "homogeneity",
        "in (0, 1]",
        threshold,
    )
    return run_echo(
        homogeneity,
        locals(),
        compute=partial(_computed, threshold=threshold),
        statistic=partial(_homogeneity_stat, threshold=threshold),
    )


def _computed(prep: Prepared, *, threshold: float) -> Computed:
    """The share of homogeneous users, and the ``users`` table with ``homogeneous``."""
    ex = _exposure(prep.n, prep.codes, prep.src, prep.dst, prep.w)
    rows, homog = _flags(ex, prep.codes, threshold)
    why = "no user with a side interacts with a user who has a side"
    flag = pl.Series("homogeneous", homog, dtype=pl.Boolean)
    return _per_user(prep, ex, rows, _share(ex, rows, homog), why, ex.entropy, flag)
