"""Polarization of the leaning distribution: Morales et al.'s index and the bimodality coefficient.

Both read one number per user, the **leaning** in [-1, 1] (from ``leaning=``, a mapping author
-> float or a numeric comments column averaged per author), or the side label mapped to -1 / +1
(from ``sides=``: two labels in natural order, as ``Sides.leaning`` maps them, or ``pair[0]``
and ``pair[1]``). A leaning has two poles, so sides with more than two labels need ``pair``
(users of the other sides are left out); without it the measures raise
:class:`~dynamics.errors.UndefinedMetricError`. They use no edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np

from dynamics._kernel import WITHOUT_NULL, Settings, arguments, bootstrap, check_common
from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics._sample_checks import side_warnings
from dynamics._validation import as_igraph, float_values, per_author, side_labels
from dynamics.polarization._common import choose_labels
from dynamics.polarization._family import polarization_measure
from dynamics.polarization._sides_type import Leaning

__all__ = ["BimodalityResult", "PolarizationIndexResult", "bimodality", "polarization_index"]


@dataclass(frozen=True, repr=False)
class PolarizationIndexResult(MetricResult):
    """Result of :func:`polarization_index`: ΔA, the two gravity centres, the pole distance d
    and the number of users with a leaning."""

    delta_a: float = math.nan
    gc_plus: float = math.nan
    gc_minus: float = math.nan
    distance: float = math.nan
    n_users: int = 0


@dataclass(frozen=True, repr=False)
class BimodalityResult(MetricResult):
    """Result of :func:`bimodality`: sample skewness G1, sample excess kurtosis G2, n."""

    skewness: float = math.nan
    kurtosis: float = math.nan
    n_users: int = 0


def _values(
    obj: Any,
    *,
    leaning: Mapping[Any, float] | str | None,
    sides: Mapping[Any, Any] | str | None,
    pair: tuple[Any, Any] | None,
    func: str,
) -> tuple[np.ndarray, tuple[Any, ...] | None, tuple[float, int] | None] | str:
    """The leaning of every user of ``obj`` that has one, the compared pair of sides, and the
    share and number of the graph's users with a reply edge that have a leaning (None
    without edges); or a reason string."""

    if (leaning is None) == (sides is None):
        msg = f"{func} needs exactly one of 'leaning' and 'sides'."
        raise ValueError(msg)
    g = as_igraph(obj, func=func, copy=False)  # only read below
    names = g.vs["name"]
    chosen = None
    if sides is not None:
        labels = side_labels(obj, g, sides, func=func)
        chosen = choose_labels(labels, pair, func)
        if isinstance(chosen, str):
            return chosen
        code = {chosen[0]: -1.0, chosen[1]: 1.0}
        vals = np.array([code.get(x, np.nan) for x in labels.tolist()], dtype=float)
    else:
        expected = "a mapping author -> float or a column name"
        leaning = per_author(
            obj, leaning, param="leaning", func=func, how="mean", expected=expected
        )
        vals = float_values([leaning.get(name) for name in names], missing=np.nan)
        known = vals[~np.isnan(vals)]
        bad = known[(known < -1) | (known > 1)]
        check_param(
            bad.size == 0, "leaning", func, "a mapping to numbers in [-1, 1]", bad[:3].tolist()
        )
    # the users the measure describes, among those who replied or were replied to
    active = np.asarray(g.degree(), dtype=np.int64) > 0
    described = int((active & ~np.isnan(vals)).sum())
    share = (described / int(active.sum()), described) if active.any() else None
    return vals[~np.isnan(vals)], chosen, share


def _halves(leaning: object) -> tuple[Any, Any]:
    """The names of a leaning's negative and positive halves in the warnings: the two sides
    a :attr:`Sides.leaning <dynamics.polarization.Sides.leaning>` came from (the first of
    their order maps to -1), as the measures given those sides name them; else "negative"
    and "positive".

    >>> s = dyn.polarization.sides(nx.Graph([("a", "b")]), method="labels",
    ...                            labels={"a": "L", "b": "R"})
    >>> _halves(s.leaning), _halves(dict(s.leaning))
    (('L', 'R'), ('negative', 'positive'))
    """
    if isinstance(leaning, Leaning) and len(leaning.sides.order) == 2:
        return leaning.sides.order[0], leaning.sides.order[1]
    return "negative", "positive"


#: Why the leaning distributions take no null model (their ``TypeError`` says it).
NO_NULL = (
    "Its value depends only on the leaning distribution, which label-shuffle and "
    "degree-preserving nulls leave unchanged; its uncertainty is the thread bootstrap (n_boot)."
)


def _morales(x: np.ndarray) -> tuple[float, dict[str, float], str | None]:
    n = x.size
    pos, neg = x[x > 0], x[x < 0]
    if pos.size == 0 or neg.size == 0:
        return math.nan, {}, "no user with a positive or no user with a negative leaning"
    delta_a = abs(pos.size - neg.size) / n
    gc_plus, gc_minus = float(pos.mean()), float(neg.mean())
    d = (gc_plus - gc_minus) / 2
    fields = {"delta_a": delta_a, "gc_plus": gc_plus, "gc_minus": gc_minus, "distance": d}
    return (1 - delta_a) * d, fields, None


@polarization_measure(
    needs={"leaning"},
    nulls=(),
    settings=WITHOUT_NULL,
    result=PolarizationIndexResult,
    instead=NO_NULL,
)
def polarization_index(
    discussion_or_graph: Any,
    *,
    leaning: Mapping[Any, float] | str | None = None,
    sides: Mapping[Any, Any] | str | None = None,
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> PolarizationIndexResult:
    """Morales et al.'s polarization index μ of the users' leaning distribution.

    With N users of leaning X_i in [-1, 1], A+ and A- the shares of users with X > 0 and
    X < 0, ΔA = |A+ - A-|, gc+ and gc- the mean leaning of the positive and of the negative
    users ("gravity centres") and d = |gc+ - gc-| / 2 the pole distance,

    .. math:: \\mu = (1 - \\Delta A)\\, d.

    Parameters
    ----------
    {leaning_entries}
    pair : tuple of two labels, optional
        With ``sides``: the labels mapped to -1 and +1, in this order; users of any other side
        have no leaning. Needed when the sides have more than two labels with users in the
        graph; with two labels they map in natural order.
    {significance}

    Returns
    -------
    PolarizationIndexResult
        ``value`` in [0, 1]: 1 when two equal halves sit at -1 and +1, 0 when everyone is on
        one side of 0 (or all at 0). NaN with a ``reason`` when one pole has no user.

    Raises
    ------
    ValueError, TypeError
        For invalid parameters, a leaning outside [-1, 1], or both / neither of ``leaning``
        and ``sides``.
    UndefinedMetricError
        A ``ValueError``: ``sides`` with more than two labels with users in the graph and no
        ``pair`` (the message lists the groups).
    GraphKindError
        When the first argument is not a Discussion or a graph.

    See Also
    --------
    bimodality

    Notes
    -----
    Uses no edges, so it suits any graph. Users with leaning exactly 0 count in N (they lower
    A+ and A-) but in neither pole, as in the paper's distribution-based definition. With
    ``sides`` alone the distribution has two point masses, so μ = 1 - ΔA. O(N).

    References
    ----------
    .. [1] A. J. Morales, J. Borondo, J. C. Losada and R. M. Benito, "Measuring political
       polarization: Twitter shows the two sides of Venezuela", Chaos 25, 033114, 2015.
       doi:10.1063/1.4913758

    Examples
    --------
    Leanings -1, -0.5, 0.5, 1, 1: ΔA = |3 - 2| / 5 = 0.2, gc- = -0.75, gc+ = 5/6,
    d = (5/6 + 0.75) / 2 = 19/24, μ = 0.8 * 19/24 = 19/30.

    >>> G = nx.path_graph(["a", "b", "c", "d", "e"])
    >>> lean = {"a": -1, "b": -0.5, "c": 0.5, "d": 1, "e": 1}
    >>> round(dyn.polarization.polarization_index(G, leaning=lean).value, 12)
    0.633333333333
    """

    def compute(x: np.ndarray) -> tuple[float, dict[str, Any], str | None]:
        if x.size == 0:
            return math.nan, {}, "no user has a leaning"
        value, fields, reason = _morales(x)
        return value, {**fields, "n_users": int(x.size)}, reason

    return _leaning_measure(polarization_index, locals(), compute)


def _bimodality(x: np.ndarray) -> tuple[float, float, float, str | None]:
    n = x.size
    if n < 4:
        return math.nan, math.nan, math.nan, f"fewer than 4 users with a leaning ({n})"
    dev = x - x.mean()
    m2 = float((dev**2).mean())
    if m2 == 0:
        return math.nan, math.nan, math.nan, "every user has the same leaning"
    g1 = float((dev**3).mean()) / m2**1.5
    g2 = float((dev**4).mean()) / m2**2 - 3
    skew = math.sqrt(n * (n - 1)) / (n - 2) * g1
    kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    bc = (skew**2 + 1) / (kurt + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    return bc, skew, kurt, None


@polarization_measure(
    needs={"leaning"},
    nulls=(),
    settings=WITHOUT_NULL,
    result=BimodalityResult,
    instead=NO_NULL,
)
def bimodality(
    discussion_or_graph: Any,
    *,
    leaning: Mapping[Any, float] | str | None = None,
    sides: Mapping[Any, Any] | str | None = None,
    pair: tuple[Any, Any] | None = None,
    **settings: Unpack[Settings],
) -> BimodalityResult:
    """Bimodality coefficient of the users' leaning distribution (SAS formula).

    With n users, G1 the sample skewness and G2 the sample excess kurtosis (both with the
    usual small-sample corrections, as SAS and Excel compute them),

    .. math:: BC = \\frac{G_1^2 + 1}{G_2 + \\frac{3 (n-1)^2}{(n-2)(n-3)}}.

    Parameters
    ----------
    {leaning_entries}
    pair : tuple of two labels, optional
        With ``sides``: the labels mapped to -1 and +1, in this order; users of any other side
        have no leaning. Needed when the sides have more than two labels with users in the
        graph; with two labels they map in natural order.
    {significance}

    Returns
    -------
    BimodalityResult
        ``value`` in (0, 1] for large n: above 5/9 (the value of a uniform distribution)
        suggests a bimodal distribution, 1 for two equal point masses; NaN with a ``reason``
        for fewer than 4 users or no spread.

    Raises
    ------
    {raises}
    UndefinedMetricError
        A ``ValueError``: ``sides`` with more than two labels with users in the graph and no
        ``pair`` (the message lists the groups).

    See Also
    --------
    polarization_index

    Notes
    -----
    Uses no edges. G1 = sqrt(n(n-1)) / (n-2) * m3 / m2^1.5 and
    G2 = (n-1) / ((n-2)(n-3)) * ((n+1)(m4 / m2^2 - 3) + 6), m_r the central moments. The
    small-sample correction lowers BC for small n: ten users split 5 / 5 at -1 and +1 give
    0.566, not 1. O(N).

    References
    ----------
    .. [1] R. Pfister, K. A. Schwarz, M. Janczyk, R. Dale and J. B. Freeman, "Good things peak
       in pairs: a note on the bimodality coefficient", Frontiers in Psychology 4, 700, 2013.
       doi:10.3389/fpsyg.2013.00700
    .. [2] SAS Institute, SAS/STAT User's Guide, PROC CLUSTER (bimodality coefficient).

    Examples
    --------
    Ten users, five at -1 and five at +1: m3 = 0 so G1 = 0; m4 / m2^2 - 3 = -2, so
    G2 = 9/56 * (11 * -2 + 6) = -18/7, and BC = 1 / (-18/7 + 243/56) = 56/99.

    >>> G = nx.empty_graph(10)
    >>> lean = {i: -1 if i < 5 else 1 for i in range(10)}
    >>> round(dyn.polarization.bimodality(G, leaning=lean).value, 12)
    0.565656565657
    """

    def compute(x: np.ndarray) -> tuple[float, dict[str, Any], str | None]:
        value, skew, kurt, reason = _bimodality(x)
        return value, {"skewness": skew, "kurtosis": kurt, "n_users": int(x.size)}, reason

    return _leaning_measure(bimodality, locals(), compute)


#: The warning of each measure when every leaning is -1 or +1 (sides, no graded leaning);
#: like every warning, without "; " (the separator of MetricResult.to_frame()).
_TWO_POINTS = {
    "polarization_index": (
        "every leaning is -1 or +1 (two sides, no graded leaning): the index is 1 - ΔA, how "
        "equal the two sides' sizes are, not how far apart opinions lie (a graded leaning "
        "measures that)"
    ),
    "bimodality": (
        "every leaning is -1 or +1 (two sides, no graded leaning): the coefficient depends "
        "only on the two sides' sizes and is bimodal by construction (a graded leaning "
        "measures a distribution)"
    ),
}


def _leaning_measure(
    measure: Callable[..., Any],
    args: Mapping[str, Any],
    compute: Callable[[np.ndarray], tuple[float, dict[str, Any], str | None]],
) -> Any:
    """Checks, leanings, ``compute(x)`` and the thread bootstrap shared by the two measures.

    ``args`` are the measure's arguments by name (``locals()`` in the measure).
    """
    func = measure.__name__
    args = arguments(args)
    discussion_or_graph, leaning, sides, pair = (
        args[k] for k in ("discussion_or_graph", "leaning", "sides", "pair")
    )
    n_boot, ci, seed, progress = (args[k] for k in ("n_boot", "ci", "seed", "progress"))
    check_common(func, discussion_or_graph, null=None, n_null=None, n_boot=n_boot, ci=ci, seed=seed)
    params: dict[str, Any] = {
        "leaning": leaning if isinstance(leaning, str) else None if leaning is None else "mapping",
        "sides": sides if isinstance(sides, str) else None if sides is None else "mapping",
        "pair": pair,
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }
    got = _values(discussion_or_graph, leaning=leaning, sides=sides, pair=pair, func=func)
    value, reason, fields, pair_used = math.nan, None, {}, None
    if isinstance(got, str):
        reason = got
    else:
        x, pair_used, user_share = got
        if pair_used is not None:
            params["compared"] = list(pair_used)
        value, fields, reason = compute(x)

    def again(d: Any) -> float:
        return measure(d, leaning=leaning, sides=sides, pair=pair or pair_used).value

    interval = why = None
    if reason is None:
        interval, why = bootstrap(
            again,
            discussion_or_graph,
            n_boot=n_boot,
            ci=ci,
            seed=seed,
            progress=progress,
            func=func,
        )
    said: list[str] = []
    if reason is None:  # the two halves of the leaning distribution, as sides
        # named by the compared sides' own labels when sides were given, as elsewhere
        low, high = pair_used if pair_used is not None else _halves(leaning)
        halves = {low: int((x < 0).sum()), high: int((x > 0).sum())}
        share, described = user_share if user_share is not None else (None, None)
        said.extend(side_warnings(halves, user_share=share, n_on_sides=described))
        if np.all(np.abs(x) == 1):
            said.append(_TWO_POINTS[func])
    if why is not None:
        params["ci_reason"] = why
        said.append(why)
    return measure.spec.result(
        func, value, ci=interval, params=params, reason=reason, warnings=tuple(said), **fields
    )
