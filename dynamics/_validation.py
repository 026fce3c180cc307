"""Graph input of the metrics: a Discussion or a graph as one igraph form, and side labels.

Every metric takes a :class:`~dynamics.Discussion` or a graph as its first argument; they all
go through :func:`as_igraph`, so a metric is written once against ``igraph.Graph`` with vertex
attribute ``name`` (author names, or the node ids of a networkx graph).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dynamics._memo import EDGE_ENDS, reuse
from dynamics.errors import GraphKindError, UndefinedMetricError

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "VertexSides",
    "as_igraph",
    "edge_ends",
    "edge_list_array",
    "float_values",
    "label_codes",
    "missing_label",
    "per_author",
    "side_labels",
    "sorted_labels",
    "too_many_sides",
    "undirected",
]


def as_igraph(
    obj: Any,
    *,
    func: str,
    anonymous: str = "exclude",
    copy: bool = True,
) -> ig.Graph:
    """The user graph of ``obj`` as a directed or undirected ``igraph.Graph``.

    Parameters
    ----------
    obj : Discussion, networkx.Graph / DiGraph, or igraph.Graph
        A Discussion gives its user reply graph (``u -> v`` when u replied to v, edge attribute
        ``count`` and, once annotated, toxicity and sign attributes). A networkx graph keeps its
        node ids as ``name`` and every edge attribute. An igraph graph is copied; it gets
        ``name`` = vertex index when it has none.
    func : str
        The calling metric, for error messages.
    anonymous : str, default "exclude"
        Passed to :meth:`Discussion.user_graph` for comments without an author.
    copy : bool, default True
        False gives a Discussion's own cached graph, or an igraph graph passed in that has
        vertex names, itself (for callers that only read it; a null graph then keeps what
        measures prepared on it, see :func:`edge_ends`).

    Raises
    ------
    GraphKindError
        For anything else.

    Examples
    --------
    >>> g = as_igraph(nx.Graph([("a", "b")]), func="demo")
    >>> g.vs["name"], g.is_directed()
    (['a', 'b'], False)
    """
    import igraph as ig
    import networkx as nx

    from dynamics.model.discussion import Discussion

    if isinstance(obj, Discussion):
        return obj.user_graph(backend="igraph", anonymous=anonymous, copy=copy)
    if isinstance(obj, ig.Graph):
        if not copy and "name" in obj.vs.attributes():
            return obj
        g = obj.copy()
        if "name" not in g.vs.attributes():
            g.vs["name"] = list(range(g.vcount()))
        return g
    if isinstance(obj, nx.Graph):
        nodes = list(obj.nodes)
        index = {node: i for i, node in enumerate(nodes)}
        edges = list(obj.edges(data=True))
        g = ig.Graph(
            n=len(nodes),
            edges=[(index[u], index[v]) for u, v, _ in edges],
            directed=obj.is_directed(),
        )
        g.vs["name"] = nodes
        for key in dict.fromkeys(k for _, _, data in edges for k in data):  # first-seen order
            g.es[key] = [data.get(key) for _, _, data in edges]
        return g
    msg = (
        f"{func} takes a Discussion, a networkx graph or an igraph.Graph; got {type(obj).__name__}"
    )
    raise GraphKindError(msg)


def undirected(g: ig.Graph, *, weight: str | None = None) -> ig.Graph:
    """Simple undirected version of ``g``: one edge per connected pair, no self-loops.

    With ``weight``, the edge attribute ``weight`` of the result is the sum of that attribute
    over the merged edges (1 per edge when the attribute is missing); without, every edge
    weighs 1.

    >>> import igraph as ig
    >>> g = ig.Graph([(0, 1), (1, 0), (1, 1)], directed=True)
    >>> undirected(g).ecount()
    1
    """
    h = g.copy()
    if weight is not None:
        h.es["weight"] = (
            [1.0 if w is None else float(w) for w in h.es[weight]]
            if weight in h.es.attributes()
            else [1.0] * h.ecount()
        )
    keep = ["weight"] if weight is not None else []
    for attr in list(h.es.attributes()):
        if attr not in keep:
            del h.es[attr]
    if h.is_directed():
        h.to_undirected(mode="collapse", combine_edges="sum" if weight is not None else "first")
    h.simplify(multiple=True, loops=True, combine_edges="sum" if weight is not None else "first")
    if weight is None:
        h.es["weight"] = [1.0] * h.ecount()
    return h


class VertexSides(Mapping[Any, Any]):
    """``author -> side`` given as one label per vertex of a graph (None: no side).

    The sides found on a null graph come this way (:class:`dynamics._refit_null.NullSample`):
    :func:`side_labels` reads the labels directly when asked for the vertices they were given
    for, instead of looking every author up.

    >>> s = VertexSides(["a", "b", "c"], np.array(["L", None, "R"], dtype=object))
    >>> dict(s), len(s)
    ({'a': 'L', 'c': 'R'}, 2)
    """

    def __init__(self, names: list[Any], labels: np.ndarray) -> None:
        self.names = names
        self.labels = labels
        self._map: dict[Any, Any] | None = None

    def _mapping(self) -> dict[Any, Any]:
        if self._map is None:
            self._map = {
                n: lab
                for n, lab in zip(self.names, self.labels.tolist(), strict=True)
                if lab is not None
            }
        return self._map

    def __getitem__(self, author: Any) -> Any:
        return self._mapping()[author]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


def per_author(
    obj: Any, column: Any, *, param: str, func: str, how: str, expected: str
) -> Mapping[Any, Any]:
    """``author -> value`` from a measure's ``param``: a mapping, or a comments column's name.

    A mapping ``author -> value`` is returned as it is. A column: ``how="mode"``, the value an
    author's comments carry most often (ties: the smallest); ``how="mean"``, the mean of the
    values as floats. Nulls are left out. ``expected`` says what ``param`` must be (for the
    message).

    Raises
    ------
    ValueError
        For a column, unless ``obj`` is a Discussion whose comments table has it.
    TypeError
        When ``column`` is neither a str nor a mapping.
    """
    if not isinstance(column, str):
        if isinstance(column, Mapping):
            return column
        msg = (
            f"The '{param}' parameter of {func} must be {expected}. "
            f"Got {type(column).__name__} instead."
        )
        raise TypeError(msg)
    import polars as pl

    from dynamics.model.discussion import Discussion

    if not isinstance(obj, Discussion) or column not in obj.comments.columns:
        msg = (
            f"The '{param}' parameter of {func} names a column, {column!r}, which needs a "
            "Discussion whose comments table has it"
        )
        raise ValueError(msg)
    c = obj.comments
    if how == "mean":
        values = c.select("author", pl.col(column).cast(pl.Float64).alias("x")).drop_nulls()
        return dict(values.group_by("author").agg(pl.col("x").mean()).iter_rows())
    modes = (
        c.select("author", pl.col(column).alias("x"))
        .drop_nulls()
        .group_by("author", "x")
        .len()
        .sort(["author", "len", "x"], descending=[False, True, False])
        .unique("author", keep="first")
    )
    return dict(modes.select("author", "x").iter_rows())


def edge_list_array(graph: ig.Graph) -> np.ndarray:
    """The edges of ``graph`` as a new ``(m, 2)`` int64 array of (source, target) vertex ids.

    ``np.fromiter`` over the flattened ``get_edgelist()``: the same array as
    ``np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)`` in about 60 % of the
    time (numpy's conversion of a list of tuples inspects every tuple first), which counts
    where every null graph and bootstrap sample is read.

    >>> import igraph as ig
    >>> edge_list_array(ig.Graph([(0, 1), (2, 0)], directed=True)).tolist()
    [[0, 1], [2, 0]]
    """
    flat = itertools.chain.from_iterable(graph.get_edgelist())
    return np.fromiter(flat, dtype=np.int64, count=2 * graph.ecount()).reshape(-1, 2)


def edge_ends(graph: ig.Graph, sample: Any = None, *, built_from: Any = None) -> np.ndarray:
    """The edges of ``graph`` as a read-only ``(m, 2)`` int64 array (source, target).

    With ``sample`` (the bootstrap sample or null graph ``graph`` was read from, which carries
    a memo: :func:`dynamics._memo.reuse`), the array is kept for the next measure that reads
    the same graph. ``built_from``: the ``(m, 2)`` edge list ``graph`` was just built from, in
    its edge order, read instead of asking igraph (which keeps an undirected edge as
    (lower, higher)).

    >>> edge_ends(as_igraph(nx.Graph([("a", "b"), ("b", "c")]), func="demo")).tolist()
    [[0, 1], [1, 2]]
    """

    def read() -> np.ndarray:
        if built_from is None:
            ends = edge_list_array(graph)
        elif graph.is_directed():
            ends = np.array(built_from, dtype=np.int64).reshape(-1, 2)
        else:
            ends = np.sort(np.asarray(built_from, dtype=np.int64).reshape(-1, 2), axis=1)
        ends.setflags(write=False)
        return ends

    return reuse(sample, EDGE_ENDS, (graph,), read)


def float_values(values: Sequence[Any], missing: float) -> np.ndarray:
    """``np.array([missing if v is None else float(v) for v in values])``, about five times
    faster where no value is None or NaN (numpy converts the list in C).

    >>> float_values([2, 0.5, None], missing=1.0).tolist()
    [2.0, 0.5, 1.0]
    """
    out = np.array(values, dtype=float)  # None becomes NaN here
    if math.isnan(missing) or not np.isnan(out).any():
        return out
    return np.array([missing if v is None else float(v) for v in values], dtype=float)


def label_codes(values: Any, labels: Sequence[Any], dtype: Any = np.int64) -> np.ndarray:
    """The position of each of ``values`` in ``labels`` (-1 where it is not there).

    A few scalar labels are compared column-wise (``values == label`` on the whole array), which
    costs a fraction of a dictionary lookup per value; many labels, or labels that are not
    scalars, are looked up one value at a time.

    >>> label_codes(np.array(["R", None, "L", "x"], dtype=object), ("L", "R")).tolist()
    [1, -1, 0, -1]
    """
    if not isinstance(values, np.ndarray):  # fromiter keeps tuples as values, not rows
        values = np.fromiter(values, dtype=object, count=len(values))
    codes = np.full(values.size, -1, dtype=dtype)
    if len(labels) <= 8 and all(np.ndim(label) == 0 for label in labels):
        for i, label in enumerate(labels):
            codes[values == label] = i
        return codes
    index = {label: i for i, label in enumerate(labels)}.get
    return np.fromiter((index(x, -1) for x in values.tolist()), dtype, values.size)


def side_labels(obj: Any, graph: ig.Graph, sides: Any, *, func: str) -> np.ndarray:
    """Side label of every vertex of ``graph`` (None where the user has no side).

    Parameters
    ----------
    obj : Discussion or graph
        What the metric was given (needed when ``sides`` names a column).
    graph : igraph.Graph
        The graph built from ``obj`` by :func:`as_igraph` (vertex attribute ``name``).
    sides : Mapping or str
        A mapping ``author -> side label`` (e.g. the result of ``polarization.sides``), or the
        name of a column of the comments table: each author gets the label their comments carry
        most often (ties go to the smallest label).
    func : str
        The calling metric, for error messages.

    Returns
    -------
    numpy.ndarray
        Object array aligned with ``graph.vs``, read-only (on a bootstrap sample or null graph
        it is kept for the next measure with the same sides).

    Examples
    --------
    >>> g = as_igraph(nx.Graph([("a", "b"), ("b", "c")]), func="demo")
    >>> side_labels(None, g, {"a": "L", "c": "R"}, func="demo").tolist()
    ['L', None, 'R']
    """

    def read() -> np.ndarray:
        expected = "a mapping author -> side or a column name"
        given = per_author(obj, sides, param="sides", func=func, how="mode", expected=expected)
        names = graph.vs["name"]
        if isinstance(given, VertexSides) and given.names == names:
            labels = given.labels.copy()
        elif hasattr(given, "labels_of"):  # a Sides: one lookup per name, in C
            labels = given.labels_of(names)
        else:
            labels = np.fromiter(map(given.get, names), dtype=object, count=len(names))
        labels.setflags(write=False)
        return labels

    return reuse(obj, ("side_labels",), (graph, sides), read)


def missing_label(value: Any) -> bool:
    """True for a side label that means "no side": None or a float NaN (a pandas column of
    sides turned into a mapping holds NaN where a user has none).

    >>> missing_label(None), missing_label(float("nan")), missing_label(0), missing_label("L")
    (True, True, False, False)
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def sorted_labels(values: Any) -> list[Any]:
    """Side labels in natural order (by ``str`` when they do not compare): the order in which
    a measure of two sides maps them to -1 and +1, as :attr:`Sides.leaning
    <dynamics.polarization.Sides.leaning>` does.

    >>> sorted_labels({10, 2}), sorted_labels({"R", "L"}), sorted_labels({1, "a"})
    ([2, 10], ['L', 'R'], [1, 'a'])
    """
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def too_many_sides(
    func: str, labels: np.ndarray, *, alternatives: str = ""
) -> UndefinedMetricError:
    """The error of a measure defined for two sides given more (the caller counts them).

    ``labels`` are the side labels of the graph's vertices (None: no side). The message
    names the measure, the number of groups with users in the graph and their sizes
    (largest first), and how to choose two: ``pair`` (the two largest as the example), or
    merging the groups into two; ``alternatives`` adds a sentence.

    >>> err = too_many_sides("demo", np.array(["L", "R", "M", "L", None], dtype=object))
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    demo compares two sides (at most two labels without 'pair'), but the sides have 3 groups
    with users in the graph: 'L' (2 users), 'M' (1), 'R' (1). Pass pair=('L', 'M') to
    compare two of them (users of the other groups are left out), or merge the groups into
    two first (e.g. polarization.sides(..., n_sides=2, others='merge')).
    """
    counts: dict[Any, int] = {}
    for x in labels.tolist():
        if not missing_label(x):
            counts[x] = counts.get(x, 0) + 1
    ranked = sorted(counts, key=lambda x: (-counts[x], str(x)))
    sizes = [
        f"{x!r} ({counts[x]:,} users)" if i == 0 else f"{x!r} ({counts[x]:,})"
        for i, x in enumerate(ranked[:6])
    ]
    shown = ", ".join(sizes) + (f", ... ({len(ranked) - 6:,} more)" if len(ranked) > 6 else "")
    example = tuple(sorted_labels(ranked[:2]))
    msg = (
        f"{func} compares two sides (at most two labels without 'pair'), but the sides have "
        f"{len(counts)} groups with users in the graph: {shown}. Pass pair={example!r} to "
        "compare two of them (users of the other groups are left out), or merge the groups "
        "into two first (e.g. polarization.sides(..., n_sides=2, others='merge'))."
    )
    if alternatives:
        msg = f"{msg[:-1]}; {alternatives}."
    return UndefinedMetricError(msg)
