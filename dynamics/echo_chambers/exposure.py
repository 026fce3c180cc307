"""Per-user exposure to the sides: the entropy of the sides of each user's partners."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import Any, Unpack

import numpy as np
import polars as pl

from dynamics._kernel import Computed, Settings
from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics.echo_chambers._common import Prepared, distinct, label_series
from dynamics.echo_chambers._run import echo_measure, run_echo

__all__ = ["ExposureResult", "exposure_entropy"]


#: Above this many user x side cells, the per-user side mix is built sparsely (with a sort).
_DENSE_CELLS = 20_000_000


@dataclass(frozen=True, repr=False)
class ExposureResult(MetricResult):
    """Result of :func:`exposure_entropy` and :func:`~.homogeneity`; ``n_users`` counted."""

    n_users: int = 0


@dataclass
class _Exposure:
    total: np.ndarray  # interactions with labelled partners, per user
    own: np.ndarray  # of which with the user's own side (0 for users without a side)
    entropy: np.ndarray  # bits, NaN without labelled partners
    n_sides: int


def _exposure(n: int, codes: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """Per-user side mix over replies given and received (each arc counts for both ends)."""
    user = np.concatenate([src, dst])
    partner = np.concatenate([dst, src])
    ww = np.concatenate([w, w])
    ok = codes[partner] >= 0
    user, side, ww = user[ok], codes[partner[ok]], ww[ok]
    k = max(int(codes.max()) + 1, 1) if codes.size else 1
    if n * k <= _DENSE_CELLS:
        # few sides: one bincount over the user x side grid, no sort
        mass = np.bincount(user * k + side, weights=ww, minlength=n * k)
        keys = np.flatnonzero(mass > 0)
        mass = mass[keys]
    else:
        keys, inverse = np.unique(user * k + side, return_inverse=True)
        mass = np.bincount(inverse, weights=ww, minlength=keys.size)
    key_user, key_side = keys // k, keys % k
    total = np.bincount(key_user, weights=mass, minlength=n)
    p = mass / total[key_user]
    entropy = np.bincount(key_user, weights=-p * np.log2(p), minlength=n)
    entropy = np.where(total > 0, np.abs(entropy), np.nan)
    own_mask = key_side == codes[key_user]
    own = np.bincount(key_user[own_mask], weights=mass[own_mask], minlength=n)
    return _Exposure(total, own, entropy, len(set(codes[codes >= 0].tolist())))


def _n_partners(n: int, codes: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    user = np.concatenate([src, dst])
    partner = np.concatenate([dst, src])
    ok = codes[partner] >= 0
    pairs = distinct(user[ok] * max(n, 1) + partner[ok])
    return np.bincount(pairs // max(n, 1), minlength=n)


def _users_table(prep: Prepared, ex: _Exposure, rows: np.ndarray, entropy: np.ndarray):
    total = ex.total[rows]
    labelled = prep.codes[rows] >= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        own_share = np.where(labelled, ex.own[rows] / total, np.nan)
    return pl.DataFrame(
        {
            "author": [prep.names[i] for i in rows],
            "side": label_series("side", prep.labels, prep.codes[rows]),
            "n_partners": _n_partners(prep.n, prep.codes, prep.src, prep.dst)[rows],
            "interactions": total,
            "entropy": entropy[rows],
            "own_share": own_share,
        }
    ).with_columns(pl.col("own_share").fill_nan(None))


def _mean_entropy(ex: _Exposure, normalized: bool) -> float:
    h = ex.entropy[~np.isnan(ex.entropy)]
    if h.size == 0 or ex.n_sides < 2:
        return math.nan
    return float(h.mean() / (math.log2(ex.n_sides) if normalized else 1.0))


def _exposure_stat(p: Prepared, src, dst, w, codes, *, normalized: bool = False) -> float:
    return _mean_entropy(_exposure(p.n, codes, src, dst, w), normalized)


@echo_measure(alternative="less", result=ExposureResult, tables=("users",))
def exposure_entropy(
    discussion_or_graph: Any,
    *,
    sides: Any = None,
    leaning: Any = None,
    weight: str | None = None,
    normalized: bool = False,
    **settings: Unpack[Settings],
) -> ExposureResult:
    r"""Mean Shannon entropy of the sides each user interacts with.

    For user i, let :math:`p_{is}` be the share of i's interactions (the users i replied to
    plus those who replied to i; with ``weight="count"``, each reply) whose partner is on side
    s. The exposure entropy is

    .. math:: H_i = -\sum_s p_{is} \log_2 p_{is}

    in bits (divided by :math:`\log_2 K`, K the number of sides, when ``normalized``). The
    value is the mean of :math:`H_i` over the users with at least one partner who has a side
    (users without a side themselves included: they are exposed too).

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        A Discussion gives its user reply graph (``u -> v``: u replied to v). In an
        undirected graph each edge is one interaction for each end.
    sides : Mapping or str, optional
        Author -> side or community label (any number of labels), or a column name.
    leaning : Mapping or str, optional
        Instead of ``sides``: negative leaning is side -1, positive side +1, 0 no side.
    weight : str or None, default None
        None: each partner counts once per direction (replied to, replying).
        ``weight="count"`` weighs by replies (a Discussion's ``count`` edge attribute); edges
        lacking it weigh 1.
    normalized : bool, default False
        Divide by :math:`\log_2 K` so the value lies in [0, 1].
    null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
        One of those or ``"rewire-refit-weights"``, default None: the null model behind ``z``
        and ``p_value`` (the sides choose it when only ``n_null`` is given; see
        :mod:`dynamics.echo_chambers`), one-sided: *lower* entropy than chance (echo chambers
        lower it).
    n_null, n_boot, ci, seed, progress
        As for every echo-chamber measure (defaults None, 0, 0.95, 0 and None).

    Returns
    -------
    ExposureResult
        ``value`` in [0, log2 K] bits ([0, 1] normalised): 0 when every user hears one side
        only, log2 K when every user hears all sides equally. NaN (with ``reason``) with
        fewer than two sides or no interaction with a labelled user. Table ``users``:
        ``author``, ``side``, ``n_partners`` (distinct partners with a side),
        ``interactions``, ``entropy``, ``own_share`` (share with their own side).

    Raises
    ------
    ValueError
        ``normalized`` not a bool, another bad parameter (sklearn wording), or both or
        neither of ``sides`` and ``leaning``.
    GraphKindError
        When the first argument is not a Discussion or graph.

    See Also
    --------
    homogeneity : share of users who interact with their own side only.
    insularity : the same question per side.

    Notes
    -----
    Entropy ignores which side is one's own: a user hearing only the *other* side has entropy
    0 too (see ``own_share``). It counts interactions, not agreement, so it suits
    disagreement-heavy reply graphs as a measure of exposure. Complexity O(E log E).

    References
    ----------
    C. E. Shannon, "A mathematical theory of communication", Bell System Technical Journal 27,
    379-423 (1948), doi:10.1002/j.1538-7305.1948.tb01338.x; exposure to the sides as in
    M. Cinelli et al., "The echo chamber effect on social media", PNAS 118 (9), e2023301118
    (2021), doi:10.1073/pnas.2023301118.

    Examples
    --------
    x (L) talks with a (L) and b (R): x hears L and R half each, 1 bit; a and b hear only x
    (L), 0 bits. The mean is 1/3.

    >>> G = nx.Graph([("x", "a"), ("x", "b")])
    >>> r = dyn.echo_chambers.exposure_entropy(G, sides={"x": "L", "a": "L", "b": "R"})
    >>> round(r.value, 4), r.n_users
    (0.3333, 3)
    """
    check_param(
        isinstance(normalized, bool), "normalized", "exposure_entropy", "a bool", normalized
    )
    return run_echo(
        exposure_entropy,
        locals(),
        compute=partial(_computed, normalized=normalized),
        statistic=partial(_exposure_stat, normalized=normalized),
    )


def _per_user(
    prep: Prepared,
    ex: _Exposure,
    rows: np.ndarray,
    value: float,
    why: str,
    entropy: np.ndarray,
    *extra: pl.Series,
) -> Computed:
    """What a per-user measure computed: the value (``why`` when NaN), ``n_users``, ``users``.

    ``users`` has one row per user in ``rows`` (:func:`_users_table`), plus the ``extra``
    columns.
    """
    users = _users_table(prep, ex, rows, entropy).with_columns(*extra)
    reason = why if math.isnan(value) else None
    return Computed(value, reason, {"n_users": int(rows.size)}, {"users": users})


def _computed(prep: Prepared, *, normalized: bool) -> Computed:
    """The mean entropy and the ``users`` table, from one exposure table."""
    ex = _exposure(prep.n, prep.codes, prep.src, prep.dst, prep.w)
    scale = math.log2(ex.n_sides) if normalized and ex.n_sides >= 2 else 1.0
    why = "no user interacts with a user who has a side"
    rows = np.flatnonzero(ex.total > 0)
    return _per_user(prep, ex, rows, _mean_entropy(ex, normalized), why, ex.entropy / scale)
