"""The user reply graph: u -> v when u replied to v (DESIGN section 6).

The edge table is built with one polars group-by over the comments; networkx and igraph
objects are made from it. Node ids are author names (never igraph indices).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from collections.abc import Callable

    import igraph as ig
    import networkx as nx

__all__ = [
    "HOSTILE_TOXICITY",
    "SIGN_MARGIN",
    "AnonymousPolicy",
    "attribute_values",
    "code_reply_rows",
    "coded_reply_aggregates",
    "coded_reply_edges",
    "first_last_objects",
    "graph_from_ends",
    "name_rows",
    "node_labels",
    "python_values",
    "reply_edges",
    "reply_rows",
    "reply_rows_query",
    "reply_target",
    "to_igraph",
    "to_networkx",
    "with_end_names",
]

AnonymousPolicy = Literal["exclude", "separate", "pool"]
_ANON_POLICIES = ("exclude", "separate", "pool")

#: Replies with at least this toxicity count as hostile (negative) when edges are signed.
HOSTILE_TOXICITY = 0.5

#: With stance probabilities, an edge whose ``sign_weight`` lies within this margin of 0 is
#: neutral (``sign`` 0): about what a reply the stance model finds neutral gives.
SIGN_MARGIN = 0.1

#: Node names used for comments without an author under ``anonymous="pool"``/``"separate"``.
ANONYMOUS = "[anonymous]"
DELETED = "[deleted]"


def node_labels(comments: pl.DataFrame, anonymous: AnonymousPolicy) -> pl.Expr:
    """Expression giving the user-graph node of each comment's author under ``anonymous``."""
    if anonymous not in _ANON_POLICIES:
        msg = (
            f"The 'anonymous' parameter of user_graph must be one of {list(_ANON_POLICIES)}. "
            f"Got {anonymous!r} instead."
        )
        raise ValueError(msg)
    return _labels(anonymous, "author", "deleted", "comment_id")


def _labels(anonymous: AnonymousPolicy, author: str, deleted: str, comment_id: str) -> pl.Expr:
    """:func:`node_labels` read from the columns named ``author``, ``deleted``, ``comment_id``."""
    if anonymous == "exclude":
        return pl.col(author)
    marker = pl.when(pl.col(deleted)).then(pl.lit(DELETED)).otherwise(pl.lit(ANONYMOUS))
    if anonymous == "pool":
        return pl.coalesce(pl.col(author), marker)
    return pl.coalesce(pl.col(author), pl.format("{}:{}", marker, pl.col(comment_id)))


def reply_edges(
    comments: pl.DataFrame,
    *,
    anonymous: AnonymousPolicy = "exclude",
    self_loops: bool = False,
) -> pl.DataFrame:
    r"""Aggregate replies into the weighted user edge table.

    Parameters
    ----------
    comments : polars.DataFrame
        A comments table with ``parent_author`` (and ``parent_deleted``) columns, as kept by
        :class:`~dynamics.Discussion`.
    anonymous : {"exclude", "separate", "pool"}, default "exclude"
        Comments without an author: leave them out, make each its own node, or pool them
        into one node (``"[anonymous]"``, or ``"[deleted]"`` for deleted authors).
    self_loops : bool, default False
        Keep replies to one's own comments as self-loops.

    Returns
    -------
    polars.DataFrame
        ``source``, ``target``, ``count``, ``first``, ``last`` (and ``mean_toxicity``,
        ``max_toxicity`` when a ``toxicity`` column exists; ``agree``, ``disagree``, ``sign``,
        plus ``hostile`` with toxicity, when a ``stance`` column exists; ``sign_weight``
        when ``p_agree`` and ``p_disagree`` exist), one row per (source, target).

    Notes
    -----
    **Edge sign from stance probabilities** (the signed user graph, DESIGN section 6; used
    whenever the comments have ``p_agree`` and ``p_disagree``, as the default
    :class:`~dynamics.text.StanceScorer` gives). Each reply u -> v contributes
    :math:`P(\text{agree}) - P(\text{disagree})`, or -1 when it is hostile (``toxicity >=``
    :data:`HOSTILE_TOXICITY`), so "I agree, you idiot" is negative. The edge's **sign
    weight** is the mean contribution over u's replies to v, in [-1, 1]:

    .. math:: w_{uv} = \frac{1}{n_{uv}} \sum_{r: u \to v}
              \begin{cases} -1 & r \text{ hostile} \\
              P_r(\text{agree}) - P_r(\text{disagree}) & \text{otherwise} \end{cases}

    and ``sign`` is +1 when :math:`w_{uv} > ` :data:`SIGN_MARGIN`, -1 when
    :math:`w_{uv} < -`:data:`SIGN_MARGIN`, else 0. Using the probabilities rather than the
    labels keeps the model's uncertainty: many weakly disagreeing replies add up, one
    uncertain label does not flip an edge. Null probabilities (deleted texts) are left out
    of the mean; an edge with none has weight 0. ``agree`` and ``disagree`` still count
    replies by their argmax label.

    **Edge sign from labels only** (a ``stance`` column without probabilities, e.g. from the
    marker rule or the user's own labels). Each reply u -> v counts as
    *negative* when its ``stance`` is ``"disagree"`` or it is hostile (``toxicity >=``
    :data:`HOSTILE_TOXICITY`), and as *positive* when its stance is ``"agree"`` and it is not
    hostile; other replies are neutral. ``agree`` and ``disagree`` count replies by stance,
    ``hostile`` counts hostile replies, and ``sign`` is +1 when u's positive replies to v
    outnumber the negative ones, -1 when the negative ones outnumber the positive ones, and
    0 otherwise (ties, or only neutral replies). Every reply counts once, so a hostile
    disagreement is one negative reply, and "I agree, you idiot" is negative. Without a
    ``toxicity`` column the sign compares agreeing and disagreeing replies only. Null
    scores (deleted texts) count as neutral and not hostile.

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["1", "2", "3", "4"], "parent": [None, "1", "2", "1"],
    ...     "user": ["ann", "bob", "ann", "cy"], "body": ["x", "y", "z", "w"],
    ...     "stance": [None, "disagree", "agree", "agree"],
    ...     "toxicity": [0.1, 0.2, 0.9, 0.0]}))
    >>> reply_edges(d.comments).select("source", "target", "agree", "disagree", "hostile",
    ...                                "sign").rows()
    [('ann', 'bob', 1, 0, 1, -1), ('bob', 'ann', 0, 1, 0, -1), ('cy', 'ann', 1, 0, 0, 1)]
    """
    rows, aggs = reply_rows(comments, anonymous=anonymous, self_loops=self_loops)
    return rows.group_by("source", "target").agg(aggs).sort("source", "target")


def coded_reply_edges(
    comments: pl.DataFrame,
    names: pl.Series,
    *,
    anonymous: AnonymousPolicy = "exclude",
    self_loops: bool = False,
) -> tuple[pl.DataFrame, np.ndarray]:
    """:func:`reply_edges`, and each edge's source and target as rows of ``names``.

    ``names`` are the graph's node names, sorted and distinct (the ``author`` column of
    :meth:`Discussion.user_nodes <dynamics.Discussion.user_nodes>`). The replies are
    aggregated by the rows of their ends in ``names`` rather than by the names themselves:
    sorting the edges by integer ranks instead of strings gives the same order about three
    times faster at 1M comments, and the ranks are the vertex ids of :func:`to_igraph`.

    Returns
    -------
    (polars.DataFrame, numpy.ndarray)
        The edge table of :func:`reply_edges`, equal to it, and an (n_edges, 2) int64 array
        of (source, target) rows of ``names``.
    """
    rows, aggs = reply_rows(comments, anonymous=anonymous, self_loops=self_loops)
    return code_reply_rows(rows, aggs, names)


def code_reply_rows(
    rows: pl.DataFrame, aggs: list[pl.Expr], names: pl.Series
) -> tuple[pl.DataFrame, np.ndarray]:
    """:func:`coded_reply_edges` from the replies and aggregations of :func:`reply_rows`."""
    aggregates, ends = coded_reply_aggregates(rows, aggs, names)
    return with_end_names(aggregates, ends, names), ends


def coded_reply_aggregates(
    rows: pl.DataFrame, aggs: list[pl.Expr], names: pl.Series
) -> tuple[pl.DataFrame, np.ndarray]:
    """The edge table of :func:`code_reply_rows` without its ``source`` and ``target`` names
    (the aggregates only, in the same order), and the ends.

    An igraph graph names its vertices, not its edges' ends, so it is built from these; the
    names of the ends are gathered only for the edge table (:func:`with_end_names`).

    >>> rows = pl.DataFrame({"source": ["b", "a", "b"], "target": ["a", "b", "a"]})
    >>> table, ends = coded_reply_aggregates(rows, [pl.len().alias("count")], pl.Series(["a", "b"]))
    >>> table.get_column("count").to_list(), ends.tolist()
    ([1, 2], [[0, 1], [1, 0]])
    """
    rows = name_rows(rows, names, {"source": "_s", "target": "_t"})
    if rows.get_column("_s").has_nulls() or rows.get_column("_t").has_nulls():
        msg = "coded_reply_edges: an end of a reply is not among the node names given"
        raise ValueError(msg)
    # one integer key per (source, target) pair, in the same order, from which the ends are
    # read back: grouping and sorting on one column is about twice as fast as on two, and
    # grouping without the ends and names costs about 10 % less at 1M comments. (A lazy
    # query is faster still, but sums a group's values in another order: its means differ
    # from reply_edges' in the last digits.)
    n = names.len()
    coded = (
        rows.select(
            (pl.col("_s") * n + pl.col("_t")).alias("_key"),
            pl.exclude("source", "target", "thread_id", "_s", "_t"),
        )
        .group_by("_key")
        .agg(*aggs)
        .sort("_key")
    )
    key = coded.get_column("_key").to_numpy()
    ends = np.column_stack([key // n, key % n]) if n else np.empty((0, 2), dtype=np.int64)
    return coded.drop("_key"), ends


def with_end_names(aggregates: pl.DataFrame, ends: np.ndarray, names: pl.Series) -> pl.DataFrame:
    """The edge table: ``source`` and ``target`` (the ``names`` at the rows ``ends``) before
    the columns of ``aggregates`` (see :func:`coded_reply_aggregates`)."""
    return aggregates.select(
        names.gather(ends[:, 0]).alias("source"),
        names.gather(ends[:, 1]).alias("target"),
        pl.all(),
    )


def name_rows(frame: pl.DataFrame, names: pl.Series, codes: dict[str, str]) -> pl.DataFrame:
    """``frame`` with, for each ``column: code`` of ``codes``, a column ``code``: the row of
    the column's value in ``names`` (Int64, null when absent), in ``frame``'s order.

    >>> name_rows(pl.DataFrame({"a": ["y", "z", None]}), pl.Series(["x", "y"]), {"a": "_a"}
    ...           ).get_column("_a").to_list()
    [1, None, None]
    """
    lookup = pl.DataFrame({"name": names, "row": np.arange(names.len(), dtype=np.int64)})
    # the columns stacked into one, looked up in one join (one hash table of the names):
    # about 30 % faster than a join per column for the two ends of 490k replies
    stacked = pl.concat([frame.get_column(column).alias("name") for column in codes])
    rows = (
        stacked.to_frame()
        .join(lookup, on="name", how="left", maintain_order="left")
        .get_column("row")
    )
    n = frame.height
    return frame.with_columns(
        rows.slice(i * n, n).alias(code) for i, code in enumerate(codes.values())
    )


def reply_rows(
    comments: pl.DataFrame,
    *,
    anonymous: AnonymousPolicy = "exclude",
    self_loops: bool = False,
) -> tuple[pl.DataFrame, list[pl.Expr]]:
    """The replies behind :func:`reply_edges`, one row each, and the aggregations over them.

    ``rows`` has ``source``, ``target``, ``thread_id``, ``created_at`` and the signal columns
    the aggregations read; ``rows.group_by("source", "target").agg(aggs)`` is the edge table.
    Kept apart so that a thread bootstrap can aggregate the replies of resampled threads
    without rebuilding them (:mod:`dynamics.model.resample`).
    """
    query, aggs = reply_rows_query(comments, anonymous=anonymous, self_loops=self_loops)
    return query.collect(), aggs


def reply_rows_query(
    comments: pl.DataFrame,
    *,
    anonymous: AnonymousPolicy = "exclude",
    self_loops: bool = False,
) -> tuple[pl.LazyFrame, list[pl.Expr]]:
    """:func:`reply_rows` as a lazy query, to be collected alone or beside other queries."""
    src = node_labels(comments, anonymous).alias("source")
    cols = [src, pl.col("thread_id"), pl.col("created_at")]
    aggs = [
        pl.len().cast(pl.Int64).alias("count"),
        pl.col("created_at").min().alias("first"),
        pl.col("created_at").max().alias("last"),
    ]
    if "toxicity" in comments.columns:
        cols.append(pl.col("toxicity").cast(pl.Float64))
        aggs += [
            pl.col("toxicity").mean().alias("mean_toxicity"),
            pl.col("toxicity").max().alias("max_toxicity"),
        ]
    if "stance" in comments.columns:
        cols.append(pl.col("stance").cast(pl.String))
        probabilities = {"p_agree", "p_disagree"} <= set(comments.columns)
        if probabilities:
            cols += [pl.col("p_agree").cast(pl.Float64), pl.col("p_disagree").cast(pl.Float64)]
        aggs += _sign_aggregations(
            hostile="toxicity" in comments.columns, probabilities=probabilities
        )
    target = reply_target(anonymous)
    # one lazy query: polars fuses the filters and the columns (about 3x faster at 1M
    # comments than filtering and selecting step by step)
    keep = pl.col("source").is_not_null() & pl.col("target").is_not_null()
    if not self_loops:
        keep &= pl.col("source") != pl.col("target")
    replies = (
        comments.lazy()
        .filter(pl.col("parent_id").is_not_null())
        .select(*cols, target.alias("target"))
        .filter(keep)
    )
    return replies, aggs


def reply_target(anonymous: AnonymousPolicy) -> pl.Expr:
    """The user-graph node a reply answers (null for a top-level comment, and for an orphan
    whose parent row was never read), under ``anonymous``; from the comments' derived
    ``parent_author`` and ``parent_deleted`` columns, which a filtered Discussion keeps when
    the parent falls outside the filter."""
    # parent_deleted is null only when the parent row is absent (orphans kept dangling)
    return (
        pl.when(pl.col("parent_deleted").is_null())
        .then(None)
        .otherwise(_labels(anonymous, "parent_author", "parent_deleted", "parent_id"))
    )


def _sign_aggregations(*, hostile: bool, probabilities: bool = False) -> list[pl.Expr]:
    """Per-edge ``agree``, ``disagree`` (, ``hostile``) counts and ``sign`` (see reply_edges)."""
    agree = pl.col("stance") == "agree"
    disagree = pl.col("stance") == "disagree"
    aggs = [
        agree.sum().cast(pl.Int64).alias("agree"),
        disagree.sum().cast(pl.Int64).alias("disagree"),
    ]
    is_hostile = (pl.col("toxicity") >= HOSTILE_TOXICITY).fill_null(value=False)
    if hostile:
        aggs.append(is_hostile.sum().cast(pl.Int64).alias("hostile"))
    if probabilities:
        value = pl.col("p_agree") - pl.col("p_disagree")
        if hostile:
            value = pl.when(is_hostile).then(pl.lit(-1.0)).otherwise(value)
        weight = value.mean().fill_null(0.0)
        aggs.append(weight.alias("sign_weight"))
        sign = pl.when(weight > SIGN_MARGIN).then(1).when(weight < -SIGN_MARGIN).then(-1)
        aggs.append(sign.otherwise(0).cast(pl.Int64).alias("sign"))
        return aggs
    if hostile:
        positive = (agree.fill_null(value=False) & ~is_hostile).sum()
        negative = (disagree.fill_null(value=False) | is_hostile).sum()
    else:
        positive, negative = agree.sum(), disagree.sum()
    net = positive.cast(pl.Int64) - negative.cast(pl.Int64)
    aggs.append(net.sign().cast(pl.Int64).alias("sign"))
    return aggs


def to_networkx(edges: pl.DataFrame, nodes: pl.DataFrame) -> nx.DiGraph:
    """Build a ``networkx.DiGraph`` from an edge table and a node table (``author``, ...)."""
    import networkx as nx

    g = nx.DiGraph()
    attr_cols = [c for c in nodes.columns if c != "author"]
    node_values = attribute_values(nodes, ["author", *attr_cols]).values()
    g.add_nodes_from(
        (name, dict(zip(attr_cols, rest, strict=True)))
        for name, *rest in zip(*node_values, strict=True)
    )
    edge_cols = edges.columns[2:]
    edge_values = attribute_values(edges, edges.columns).values()
    g.add_edges_from(
        (u, v, dict(zip(edge_cols, rest, strict=True)))
        for u, v, *rest in zip(*edge_values, strict=True)
    )
    return g


def to_igraph(
    edges: pl.DataFrame, nodes: pl.DataFrame, *, ends: np.ndarray | None = None
) -> ig.Graph:
    """Build a directed ``igraph.Graph`` with vertex attribute ``name`` = author.

    ``ends``, when given, holds each edge's (source, target) rows of ``nodes`` (as
    :func:`coded_reply_edges` gives them), which spares looking the names up; ``edges`` may
    then be the aggregates alone (:func:`coded_reply_aggregates`). The columns of ``edges``
    other than ``source`` and ``target`` become edge attributes.
    """
    names = nodes.get_column("author")
    pairs = ends
    if pairs is None:
        found = name_rows(edges.select("source", "target"), names, {"source": "_s", "target": "_t"})
        pairs = np.column_stack(
            [found.get_column("_s").to_numpy(), found.get_column("_t").to_numpy()]
        )
    g = graph_from_ends(names.len(), pairs[:, 0], pairs[:, 1], directed=True)
    g.vs["name"] = names.to_list()
    for col, values in attribute_values(nodes, nodes.columns[1:]).items():
        g.vs[col] = values
    attributes = [c for c in edges.columns if c not in ("source", "target")]
    for col, values in attribute_values(edges, attributes).items():
        g.es[col] = values
    return g


def graph_from_ends(n: int, src: np.ndarray, dst: np.ndarray, *, directed: bool) -> ig.Graph:
    """An igraph graph on ``n`` vertices with edges ``src[i] -> dst[i]``, in that order.

    >>> graph_from_ends(3, np.array([0, 2]), np.array([1, 1]), directed=True).get_edgelist()
    [(0, 1), (2, 1)]
    """
    import igraph as ig

    src, dst = np.asarray(src).ravel(), np.asarray(dst).ravel()
    if src.shape != dst.shape:
        msg = f"graph_from_ends: {src.size} sources but {dst.size} targets"
        raise ValueError(msg)
    # igraph's wheels (limited C API) read an edge list one pair at a time. A lazy zip of
    # Python ints costs the least per pair: 2-2.5x faster than an (m, 2) numpy array, whose
    # rows and numpy scalars are made one by one, and than a list of pairs (388k edges:
    # 0.09-0.13 s against 0.19-0.28 s).
    return ig.Graph(n=n, edges=zip(src.tolist(), dst.tolist(), strict=True), directed=directed)


def python_values(values: pl.Series) -> list:
    """``values.to_list()``, about four times faster for UTC or naive datetimes.

    polars builds each time-zone-aware ``datetime`` through the zone's rules; for UTC (the
    ``created_at`` of the comments contract) and naive times the same objects come from
    adding each value's ``timedelta`` to the epoch, in numpy and C.

    Examples
    --------
    >>> from datetime import datetime
    >>> s = pl.Series([datetime(2024, 5, 1, 12, 30, 0, 7)]).dt.replace_time_zone("UTC")
    >>> python_values(s) == s.to_list()
    True
    """
    objects = _datetime_objects(values)
    return values.to_list() if objects is None else objects.tolist()


def attribute_values(table: pl.DataFrame, columns: list[str]) -> dict[str, list]:
    """:func:`python_values` of each of ``table``'s ``columns``, by name, in that order.

    Where ``first`` and ``last`` are both asked for, the ``last`` times equal to their row's
    ``first`` (an edge of one reply, a user of one comment: 87 % of the edges and 41 % of the
    users of the 1M-comment benchmark) are the same ``datetime`` objects, so only the others
    are made: the graph's time attributes cost about half.

    Examples
    --------
    >>> from datetime import datetime
    >>> t = pl.DataFrame({"first": [datetime(2024, 5, 1), datetime(2024, 5, 2)],
    ...                   "last": [datetime(2024, 5, 1), datetime(2024, 5, 3)]})
    >>> attribute_values(t, ["last", "first"]) == {c: t[c].to_list() for c in ["last", "first"]}
    True
    """
    pair = _time_pair(table, columns)
    return {c: pair[c] if c in pair else python_values(table.get_column(c)) for c in columns}


def _time_pair(table: pl.DataFrame, columns: list[str]) -> dict[str, list]:
    """``first`` and ``last`` as Python values, ``last`` reusing ``first``'s equal objects;
    empty when the columns are not both asked for or not both fast to convert."""
    if not {"first", "last"} <= set(columns):
        return {}
    first, last = table.get_column("first"), table.get_column("last")
    if last.dtype != first.dtype:
        return {}
    pair = first_last_objects(first, last, _datetime_objects)
    return {} if pair is None else {"first": pair[0].tolist(), "last": pair[1].tolist()}


def first_last_objects(
    first: pl.Series, last: pl.Series, convert: Callable[[pl.Series], np.ndarray | None]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Object arrays of ``first`` and ``last`` made by ``convert``, where each ``last`` equal to
    its row's ``first`` is the same object, so only the others are converted (an edge of one
    reply, a user of one comment: most rows). None where ``convert`` gives None.

    >>> from datetime import datetime
    >>> a = pl.Series([datetime(2024, 5, 1), datetime(2024, 5, 2)])
    >>> b = pl.Series([datetime(2024, 5, 1), datetime(2024, 5, 3)])
    >>> starts, ends = first_last_objects(a, b, lambda s: np.array(s.to_list(), dtype=object))
    >>> ends.tolist() == b.to_list(), ends[0] is starts[0]
    (True, True)
    """
    starts = convert(first)
    if starts is None:
        return None
    moved = np.flatnonzero(((first != last) | last.is_null()).fill_null(value=True).to_numpy())
    ends = starts.copy()
    if moved.size:
        others = convert(last.gather(moved))
        if others is None:
            return None
        ends[moved] = others
    return starts, ends


def _datetime_objects(values: pl.Series) -> np.ndarray | None:
    """An object array of ``values.to_list()``'s datetimes for UTC or naive datetimes without
    nulls (the epoch plus each value's ``timedelta``, in numpy and C), else None."""
    dtype = values.dtype
    if (
        not isinstance(dtype, pl.Datetime)
        or dtype.time_zone not in (None, "UTC")
        or dtype.time_unit == "ns"  # polars truncates to microseconds: keep its way
        or values.null_count()
    ):
        return None
    if values.len() == 0:
        return np.empty(0, dtype=object)
    epoch = values.slice(0, 1).to_list()[0]
    epoch = epoch.replace(year=1970, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    offsets = values.to_physical().to_numpy().astype(f"timedelta64[{dtype.time_unit}]")
    return epoch + offsets.astype(object)
