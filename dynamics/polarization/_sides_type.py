"""The :class:`Sides` type: who is on which side, with how it was found (a leaf module).

:func:`~dynamics.polarization.sides` (in ``_sides.py``) dispatches to the method modules
(``_communities``, ``_signed_split``, ``_propagation``), which build their result with
:func:`_result` from here; this module imports none of them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._results import Backend, frame_as
from dynamics._validation import label_codes
from dynamics.polarization._coverage import coverage_of

if TYPE_CHECKING:
    import igraph as ig
    import pandas as pd

__all__ = ["METHODS", "ROUNDINGS", "Leaning", "Sides"]

#: The ways :func:`sides` can assign sides.
METHODS = ("labels", "leiden", "multilevel", "signed", "propagation")

#: Rounding rules of the signed spectral partition (Bonchi et al. 2019, Algorithms 1 and 2).
ROUNDINGS = ("eigensign", "random-eigensign")

#: Up to this many users the signed method uses a dense eigensolver (ARPACK needs k < n).
_DENSE_MAX = 500


@dataclass(frozen=True, eq=False, repr=False)
class Sides(Mapping[Hashable, Hashable]):
    """Who is on which side: a read-only mapping ``author -> side label``, with its provenance.

    Only authors with a side are keys; authors left without one (small communities, neutral
    users of the signed partition, users no seed reaches) are in :attr:`authors` and in
    :meth:`to_frame` with side ``None``. Like a dict, a ``Sides`` equals any mapping with the same
    items.

    Attributes
    ----------
    method : str
        How the sides were assigned (one of :data:`METHODS`).
    authors : tuple
        Every user of the graph, in graph order.
    labels : tuple
        Side label of each entry of ``authors`` (``None`` for no side).
    scores : tuple of float, or None
        Leaning of each entry of ``authors`` in [-1, 1] (NaN where unknown), or None when the
        method gives no continuous score and the split is not two-sided.
    params : dict
        The parameters the assignment depends on (seed included).
    details : dict
        What the method found: number of communities, modularity, eigenvalue, iterations, ...
        and ``"coverage"``: share of the users and of the reply edges on a side, cross-side
        edges and their warnings (:class:`dynamics._sample_checks.Coverage`).
    reason : str or None
        Why the result is empty or has fewer than two sides, e.g. ``"the graph has no edges"``.
        The ``params`` are everything :func:`~dynamics.polarization.sides` needs to find
        the sides again the same way on another graph (the re-inferring null does so).
    order : tuple
        The side labels, in the order of :attr:`sizes`.

    Examples
    --------
    >>> s = dyn.polarization.sides(nx.Graph([("a", "b"), ("b", "c")]), method="labels",
    ...                            labels={"a": "L", "c": "R"})
    >>> dict(s), s.sizes, s.leaning["b"]
    ({'a': 'L', 'c': 'R'}, {'L': 1, 'R': 1}, nan)
    """

    method: str
    authors: tuple[Hashable, ...]
    labels: tuple[Hashable | None, ...]
    scores: tuple[float, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None
    order: tuple[Hashable, ...] = ()
    _map: Mapping[Hashable, Hashable] = field(init=False, repr=False)
    _null_cache: dict[Any, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        mapping = {a: s for a, s in zip(self.authors, self.labels, strict=True) if s is not None}
        object.__setattr__(self, "_map", MappingProxyType(mapping))
        if not self.order:
            object.__setattr__(self, "order", tuple(_sorted_labels(set(mapping.values()))))

    def __getitem__(self, author: Hashable) -> Hashable:
        return self._map[author]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._map)

    def get(self, author: Hashable, default: Any = None) -> Any:
        """The side of ``author``, or ``default`` (the read-only dict's own lookup: fast)."""
        return self._map.get(author, default)

    def __len__(self) -> int:
        return len(self._map)

    def labels_of(self, names: Sequence[Hashable]) -> np.ndarray:
        """The side of each of ``names`` (None: no side), as an object array.

        >>> s = dyn.polarization.sides(nx.Graph([("a", "b")]), method="labels",
        ...                            labels={"a": "L"})
        >>> s.labels_of(["b", "a"]).tolist()
        [None, 'L']
        """
        return np.fromiter(map(self._map.get, names), dtype=object, count=len(names))

    @property
    def null_cache(self) -> dict[Any, Any]:
        """Null samples drawn for these sides (rewired graphs with the sides found again).

        Filled by the measures' ``"rewire-refit"`` null and reused by every later measure on
        the same graph with the same null settings (see :mod:`dynamics._refit_null`).
        """
        return self._null_cache

    @property
    def sizes(self) -> dict[Hashable, int]:
        """Number of authors on each side, in :attr:`order`."""
        counts = dict.fromkeys(self.order, 0)
        for label in self._map.values():
            counts[label] += 1
        return counts

    @property
    def unassigned(self) -> tuple[Hashable, ...]:
        """Authors of the graph without a side."""
        return tuple(a for a, s in zip(self.authors, self.labels, strict=True) if s is None)

    @property
    def leaning(self) -> Leaning | None:
        """``author -> leaning`` in [-1, 1] for every author (NaN where unknown), or None.

        Continuous for ``"signed"`` and ``"propagation"``; for any split into exactly two sides
        the first side of :attr:`order` maps to -1 and the second to +1. A read-only
        :class:`Leaning` mapping that remembers these sides, so an echo-chamber measure given
        the -1/+1 leaning of two sides found in the graph (Leiden, multilevel) runs the
        automatic null ``"rewire-refit"``, as with ``sides=s``. A continuous leaning
        (``"signed"``, ``"propagation"``) gets no automatic null, and a warning says why: the
        sides found again on a null graph have labels, not scores, and shuffling a leaning
        fitted to the graph over the users would be beaten by construction. Pass ``sides=s``
        for the re-inferring null on the two sides, or ``null="label-shuffle"`` by name.
        """
        if self.scores is None:
            return None
        return Leaning(dict(zip(self.authors, self.scores, strict=True)), self)

    def to_frame(self, *, backend: Backend = "pandas") -> pd.DataFrame | pl.DataFrame:
        """One row per author: ``author``, ``side`` (None for no side) and ``leaning`` if any
        (a pandas DataFrame, or polars with ``backend="polars"``)."""
        import pandas as pd

        data: dict[str, Any] = {
            "author": pd.Series(self.authors, dtype=object),
            "side": pd.Series(self.labels, dtype=object),
        }
        if self.scores is not None:
            data["leaning"] = np.asarray(self.scores, dtype=float)
        return frame_as(pd.DataFrame(data), backend)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by the constructor's fields (the read-only view is rebuilt), for worker pools."""
        fields = (self.method, self.authors, self.labels, self.scores)
        rest = (dict(self.params), dict(self.details), self.reason, self.order)
        return (Sides, fields + rest)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{label!r}: {n}" for label, n in self.sizes.items())
        text = f"<Sides {self.method}: {{{sizes}}}, {len(self.unassigned)} unassigned"
        if self.reason is not None:
            text += f" ({self.reason})"
        return text + ">"


class Leaning(Mapping[Hashable, float]):
    """``author -> leaning``: :attr:`Sides.leaning`, a read-only mapping that keeps its
    :class:`Sides` (``.sides``), so the null model of a measure given it can find the sides
    again on each null graph.

    >>> s = dyn.polarization.sides(nx.Graph([("a", "b")]), method="labels",
    ...                            labels={"a": "L", "b": "R"})
    >>> dict(s.leaning), s.leaning.sides is s
    ({'a': -1.0, 'b': 1.0}, True)
    """

    __slots__ = ("_map", "sides")

    def __init__(self, values: dict[Hashable, float], sides: Sides) -> None:
        self._map = values
        self.sides = sides

    def __getitem__(self, author: Hashable) -> float:
        return self._map[author]

    def get(self, author: Hashable, default: Any = None) -> Any:
        """The leaning of ``author``, or ``default``."""
        return self._map.get(author, default)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __repr__(self) -> str:
        return f"<Leaning of {self.sides.method} sides: {len(self._map)} authors>"


def _sorted_labels(values: Any) -> list[Any]:
    """Labels in natural order (by ``repr`` when they do not compare)."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def _result(
    g: ig.Graph,
    method: str,
    labels: list[Any] | np.ndarray,
    params: dict[str, Any],
    *,
    scores: np.ndarray | None = None,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
    order: tuple[Any, ...] = (),
    warnings: tuple[str, ...] = (),
) -> Sides:
    """Build :class:`Sides`; a two-sided split without scores gets -1/+1 leanings.
    ``warnings`` about how the sides were chosen join the coverage warnings."""
    authors = tuple(g.vs["name"])
    labels = tuple(labels)
    present = set(labels)
    present.discard(None)
    if not order:
        order = tuple(_sorted_labels(present))
    if scores is None and len(present) == 2:
        first = next(v for v in order if v in present)
        codes = label_codes(labels, (first, None))
        scores = np.where(codes == 0, -1.0, 1.0)
        scores[codes == 1] = math.nan
    if reason is None and len(present) < 2:
        reason = "no author has a side" if not present else "only one side was found"
    found = coverage_of(g, labels, tuple(v for v in order if v in present))
    said = (*found.warnings, *warnings)
    details = {**(details or {}), "coverage": {**found.to_dict(), "warnings": said}}
    return Sides(
        method=method,
        authors=authors,
        labels=labels,
        scores=None if scores is None else tuple(np.asarray(scores, dtype=float).tolist()),
        params=dict(params),
        details=dict(details or {}),
        reason=reason,
        order=tuple(v for v in order if v in present),
    )
