"""Shared input handling of the echo-chamber measures: graph, leaning and sides.

Every measure works on the same internal form (:class:`Prepared`): the user graph reduced to
one weighted *arc* per ordered pair of distinct users (an undirected graph gives two arcs per
edge, one each way), as numpy arrays ``src``, ``dst``, ``w`` indexed like the graph's vertices,
plus a float leaning per vertex (NaN: unknown) and an integer side code per vertex (-1: no side).
All measures are then a few ``numpy.bincount`` calls over the arcs (O(V + E)).

:func:`prepare` also measures how much of the graph the sides cover
(:func:`dynamics._sample_checks.coverage`) and :func:`dynamics.echo_chambers._run.run_echo`
whether there are enough threads for a bootstrap interval; :meth:`Prepared.notes` and
:meth:`Prepared.noted` hand those warnings and the reason for a missing interval to the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics._sample_checks import coverage
from dynamics._validation import (
    as_igraph,
    edge_ends,
    edge_list_array,
    float_values,
    label_codes,
    missing_label,
    per_author,
    side_labels,
    sorted_labels,
    too_many_sides,
)
from dynamics.model.graph import graph_from_ends

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["Need", "Prepared", "distinct", "label_series", "prepare"]

Need = Literal["leaning", "labels"]


@dataclass
class Prepared:
    """A graph in arc form with the leaning and side code of every vertex."""

    names: list[Any]
    src: np.ndarray
    dst: np.ndarray
    w: np.ndarray
    directed: bool
    leaning: np.ndarray
    codes: np.ndarray
    labels: list[Any]
    source: str
    reason: str | None = None
    _graph: ig.Graph | None = field(default=None, repr=False)
    warnings: list[str] = field(default_factory=list)
    ci_reason: str | None = None

    def notes(self) -> tuple[str, ...]:
        """Warnings for the result (none when the measure is undefined on this input)."""
        return () if self.reason else tuple(self.warnings)

    def noted(self, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` plus ``ci_reason`` when the bootstrap gave no interval."""
        return params if self.ci_reason is None else {**params, "ci_reason": self.ci_reason}

    @property
    def n(self) -> int:
        return len(self.names)

    def graph(self) -> ig.Graph:
        """The simple graph behind the arcs (weight attribute ``weight``), for null models."""
        if self._graph is None:
            keep = (self.src < self.dst) if not self.directed else slice(None)
            g = graph_from_ends(self.n, self.src[keep], self.dst[keep], directed=self.directed)
            g.es["weight"] = self.w[keep].tolist()
            self._graph = g
        return self._graph

    def with_graph(self, g: ig.Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Arcs of ``g`` (the prepared graph, or a rewired copy of it)."""
        if g is self._graph:
            return self.src, self.dst, self.w
        # rewired null graphs keep their weights (null_test restores the edge attributes)
        edges = edge_list_array(g)
        w = np.asarray(g.es["weight"] if g.ecount() else [], dtype=float)
        return _arcs(edges[:, 0], edges[:, 1], w, directed=g.is_directed(), n=g.vcount())


def _arcs(
    s: np.ndarray, t: np.ndarray, w: np.ndarray, *, directed: bool, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One arc per ordered pair (weights summed, no self-loops); undirected: both ways."""
    keep = s != t
    s, t, w = s[keep], t[keep], w[keep]
    if not directed:
        s, t = np.minimum(s, t), np.maximum(s, t)
    key = s * max(n, 1) + t
    uniq, inverse = np.unique(key, return_inverse=True)
    w = np.bincount(inverse, weights=w, minlength=uniq.size)
    s, t = uniq // max(n, 1), uniq % max(n, 1)
    if not directed:
        s, t, w = np.concatenate([s, t]), np.concatenate([t, s]), np.concatenate([w, w])
    return s, t, w


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: faster than hashing in ``np.unique``)."""
    ordered = np.sort(values)
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _leaning_array(obj: Any, names: list[Any], leaning: Any, func: str) -> np.ndarray:
    expected = "a mapping author -> float in [-1, 1] or a column name"
    leaning = per_author(obj, leaning, param="leaning", func=func, how="mean", expected=expected)
    values = [leaning.get(name) for name in names]
    try:
        x = float_values(values, missing=math.nan)
    except (TypeError, ValueError):
        msg = (
            f"The 'leaning' parameter of {func} must map authors to numbers in [-1, 1]. "
            "Got a non-numeric value instead."
        )
        raise TypeError(msg) from None
    bad = ~np.isnan(x) & ((x < -1) | (x > 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"The 'leaning' parameter of {func} must map authors to numbers in [-1, 1]. "
            f"Got {float(x[i])!r} for {names[i]!r} instead."
        )
        raise ValueError(msg)
    return x


def prepare(
    obj: Any,
    *,
    leaning: Any,
    sides: Any,
    weight: str | None,
    directed: bool,
    need: Need,
    func: str,
    pair: tuple[Any, Any] | None = None,
) -> Prepared:
    """Arcs, leaning and side codes of ``obj`` for measure ``func``.

    ``need="leaning"``: the measure uses a number per user; ``sides`` with two labels map to -1
    and +1 in natural label order, or ``pair[0]`` and ``pair[1]`` do (users of other sides get
    no leaning; a label of ``pair`` without users makes ``reason``); more than two labels
    without ``pair`` raise :class:`~dynamics.errors.UndefinedMetricError`
    (:func:`~dynamics._validation.too_many_sides`). ``need="labels"``: the measure uses a side
    per user, every label a side (any number of them); ``leaning`` maps to side -1 (negative)
    or +1 (positive), and a leaning of exactly 0 to no side.
    """
    if (leaning is None) == (sides is None):
        got = "both" if leaning is not None else "neither"
        msg = f"{func} needs exactly one of 'leaning' and 'sides'. Got {got} instead."
        raise ValueError(msg)
    check_param(weight is None or isinstance(weight, str), "weight", func, "None or a str", weight)
    check_param(isinstance(directed, bool), "directed", func, "a bool", directed)
    if pair is not None:
        ok = sides is not None and isinstance(pair, tuple | list) and len(pair) == 2
        ok = ok and pair[0] != pair[1]
        check_param(ok, "pair", func, "None, or two different side labels with 'sides'", pair)
    g = as_igraph(obj, func=func, copy=False)  # only read below
    names = list(g.vs["name"])
    n = g.vcount()
    edges = edge_ends(g, obj)
    if weight is not None and weight in g.es.attributes():
        w = float_values(g.es[weight], missing=1.0)
    else:
        w = np.ones(len(edges))
    is_directed = g.is_directed() and directed
    src, dst, w = _arcs(edges[:, 0], edges[:, 1], w, directed=is_directed, n=n)
    if weight is None:
        w = np.ones_like(w)
    reason = None
    if sides is not None:
        values = side_labels(obj, g, sides, func=func)
        present = {v for v in values.tolist() if not missing_label(v)}
        labels = sorted_labels(present)
        if need == "leaning" and pair is not None:
            labels = [pair[0], pair[1]]
            missing = [p for p in pair if p not in present]
            if missing:
                reason = f"side {missing[0]!r} of pair has no users in the graph"
        elif need == "leaning" and len(present) > 2:
            raise too_many_sides(func, values, alternatives="or pass 'leaning' instead")
        codes = label_codes(values, labels, dtype=int)  # no side (None, NaN): -1
        if need == "leaning":
            x = np.where(codes < 0, np.nan, 2.0 * codes - 1.0)
        else:
            x = np.full(n, np.nan)
        source = "sides"
    else:
        x = _leaning_array(obj, names, leaning, func)
        codes = np.where(np.isnan(x) | (x == 0), -1, (x > 0).astype(int))
        present_codes = sorted(set(codes[codes >= 0].tolist()))
        labels = [-1, 1]
        if present_codes == [1]:
            codes = np.where(codes == 1, 0, -1)
            labels = [1]
        elif present_codes == [0]:
            labels = [-1]
        source = "leaning"
    n_sides = len(set(codes[codes >= 0].tolist()))
    undefined = (  # the first that holds is the reason (after a label of pair without users)
        (src.size == 0, "the graph has no edges between distinct users"),
        (need == "labels" and n_sides == 0, "no user has a side"),
        (need == "labels" and n_sides == 1, "only one side has users"),
        (
            need == "leaning" and int((~np.isnan(x)).sum()) < 2,
            "fewer than two users have a leaning",
        ),
    )
    reason = reason or next((why for holds, why in undefined if holds), None)
    prep = Prepared(names, src, dst, w, is_directed, x, codes, labels, source, reason)
    prep.warnings.extend(coverage(src, dst, codes, labels).warnings)
    return prep


def label_series(name: str, labels: list[Any], codes: np.ndarray) -> pl.Series:
    """Side labels as a polars column (strings when the labels mix types; null: no side)."""
    values = [labels[c] if c >= 0 else None for c in codes.tolist()]
    try:
        return pl.Series(name, values)
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        return pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String)
