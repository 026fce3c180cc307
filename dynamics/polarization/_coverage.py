"""Coverage facts of a side assignment: share of users and reply edges on a side, cross edges.

Kept apart from the ``Sides`` type so that the sides modules only call :func:`coverage_of`;
the facts and their thresholds live in :mod:`dynamics._sample_checks`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dynamics._sample_checks import Coverage, coverage
from dynamics._validation import as_igraph, edge_ends, label_codes

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["coverage_of", "side_coverage"]


def coverage_of(g: ig.Graph, labels: Sequence[Any], order: Sequence[Any]) -> Coverage:
    """Coverage of the sides ``order`` given a side label (or None) per vertex of ``g``."""
    codes = label_codes(labels, tuple(order))
    ends = edge_ends(g, g)  # kept on a null graph that carries a memo
    return coverage(ends[:, 0], ends[:, 1], codes, list(order))


def side_coverage(
    sides: Mapping[Hashable, Hashable], discussion_or_graph: Any, *, func: str = "side_coverage"
) -> Coverage:
    """Coverage facts of any ``author -> side`` mapping on the user graph of ``discussion_or_graph``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("c", "d"), ("d", "e")])
    >>> c = side_coverage({"a": "L", "b": "L", "c": "R", "d": "R"}, G)
    >>> c.user_share, c.edge_share, c.n_cross
    (0.8, 0.6666666666666666, 0)
    >>> c.warnings[-1]
    'the sides share no edge: no reply links users of different sides'
    """
    g = as_igraph(discussion_or_graph, func=func)
    labels = [sides.get(name) for name in g.vs["name"]]
    present = {v for v in labels if v is not None}
    try:
        order = sorted(present)
    except TypeError:
        order = sorted(present, key=repr)
    return coverage_of(g, labels, order)
