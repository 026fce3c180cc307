"""Threads drawn with replacement: the Discussions of the thread bootstrap.

A bootstrap sample is a Discussion made of threads drawn with replacement from another one
(threads are the independent units of a discussion). Metrics computed on a sample mostly read
its user reply graph, which is a re-weighting of the original's: a thread drawn ``k`` times
contributes its replies ``k`` times, and the copies have the same authors. So
:class:`ThreadResampler` keeps the original's replies and comment authors once, with integer
codes for users and threads, and a :class:`ResampledDiscussion` aggregates the drawn threads'
rows into its user edge and node tables and its igraph graph without building a comments
table. The comments table (with ids suffixed ``"#b<k>"`` for the k-th copy of a thread) is
built only when something asks for it, so every metric sees the same Discussion as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._memo import EDGE_ENDS, Budget, Memo, graph_bytes, reuse
from dynamics.model.discussion import Discussion
from dynamics.model.graph import (
    AnonymousPolicy,
    first_last_objects,
    graph_from_ends,
    node_labels,
    reply_rows,
)

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["ResampledDiscussion", "ThreadResampler", "author_count_arrays", "resampler_of"]

#: Anonymous policies whose node names do not depend on comment ids (the fast path).
_BY_AUTHOR = ("exclude", "pool")

#: Sample graphs of seeded bootstraps are kept (for the next metric, which draws the same
#: samples) while their estimated size stays under this many bytes per original Discussion.
GRAPH_CACHE_BYTES = 256 * 2**20


class ThreadResampler:
    """Draws thread bootstrap samples of one Discussion and builds their user graphs fast.

    Parameters
    ----------
    discussion : Discussion
        The original; its threads (those with comments) are the resampled units, in order of
        first appearance.

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c", "d"], "parent": [None, "a", None, "c"],
    ...     "user": ["ann", "bob", "cy", "ann"], "thread": ["t1", "t1", "t2", "t2"],
    ...     "body": ["hi", "no", "so?", "yes"]}))
    >>> sample = ThreadResampler(d).discussion(np.array([0, 0]))  # thread t1 twice
    >>> sorted(sample.user_graph().edges(data="count"))
    [('bob', 'ann', 2)]
    >>> sorted(sample.comments.get_column("comment_id"))
    ['a#b0', 'a#b1', 'b#b0', 'b#b1']
    """

    def __init__(self, discussion: Discussion) -> None:
        self.parent = discussion
        self.thread_ids = discussion.comments.get_column("thread_id").unique(maintain_order=True)
        self._tables: dict[tuple[Any, ...], Any] = {}
        self._graphs: dict[tuple[Any, ...], ig.Graph] = {}
        self._graph_bytes = 0
        self._memos: dict[Any, Memo] = {}
        self._memo_budget = Budget()

    @property
    def n_threads(self) -> int:
        """Number of resampled threads (threads with at least one comment)."""
        return self.thread_ids.len()

    def draw(self, gen: np.random.Generator) -> np.ndarray:
        """Indices into :attr:`thread_ids` of ``n_threads`` threads drawn with replacement."""
        return gen.integers(0, self.n_threads, self.n_threads)

    def discussion(self, drawn: np.ndarray, key: Any = None) -> ResampledDiscussion:
        """The Discussion made of the threads ``drawn`` (indices into :attr:`thread_ids`).

        ``key`` names the draw (e.g. ``(seed, i)`` for the i-th sample of a seeded bootstrap):
        samples with the same key share their igraph user graph, so the metrics of one report,
        which draw the same samples, build each sample graph once.
        """
        return ResampledDiscussion(self, np.asarray(drawn, dtype=np.int64), key)

    def shared_graph(self, key: tuple[Any, ...] | None, build: Any) -> ig.Graph:
        """The graph kept under ``key``, or ``build()`` (kept while the cache has room)."""
        if key is None:
            return build()
        try:
            return self._graphs[key]
        except KeyError:
            pass
        g = build()
        size = graph_bytes(g)
        if self._graph_bytes + size <= GRAPH_CACHE_BYTES:
            self._graphs[key] = g
            self._graph_bytes += size
        return g

    def memo(self, key: Any) -> Memo:
        """The :class:`~dynamics._memo.Memo` of the samples drawn under ``key``."""
        try:
            return self._memos[key]
        except KeyError:
            memo = self._memos[key] = Memo(self._memo_budget)
            return memo

    # ------------------------------------------------------------------ original's tables
    def _table(self, key: tuple[Any, ...], build: Any) -> Any:
        try:
            return self._tables[key]
        except KeyError:
            value = self._tables[key] = build()
            return value

    def _thread_codes(self) -> pl.DataFrame:
        return pl.DataFrame(
            {"thread_id": self.thread_ids, "_thr": np.arange(self.n_threads, dtype=np.int64)}
        )

    def names(self, anonymous: AnonymousPolicy) -> pl.Series:
        """Node names of the original's user graph (sorted, as in ``user_nodes``)."""
        return self.parent.user_nodes(anonymous=anonymous).get_column("author")

    def _name_codes(self, anonymous: AnonymousPolicy, column: str, code: str) -> pl.DataFrame:
        names = self.names(anonymous)
        return pl.DataFrame({column: names, code: np.arange(names.len(), dtype=np.int64)})

    def node_rows(self, anonymous: AnonymousPolicy) -> pl.DataFrame:
        """One row per authored comment: user code ``_a``, ``created_at``, thread code ``_thr``."""

        def build() -> pl.DataFrame:
            c = self.parent.comments
            rows = c.select(
                node_labels(c, anonymous).alias("author"), "created_at", "thread_id"
            ).drop_nulls("author")
            return (
                rows.join(self._name_codes(anonymous, "author", "_a"), on="author")
                .join(self._thread_codes(), on="thread_id")
                .select("_a", "created_at", "_thr")
            )

        return self._table(("nodes", anonymous), build)

    def edge_rows(self, anonymous: AnonymousPolicy, self_loops: bool) -> tuple[pl.DataFrame, list]:
        """The original's replies with user codes ``_s``, ``_t`` and thread code ``_thr``."""

        def build() -> tuple[pl.DataFrame, list]:
            rows, aggs = reply_rows(
                self.parent.comments, anonymous=anonymous, self_loops=self_loops
            )
            coded = (
                rows.join(self._name_codes(anonymous, "source", "_s"), on="source")
                .join(self._name_codes(anonymous, "target", "_t"), on="target")
                .join(self._thread_codes(), on="thread_id")
                .drop("source", "target", "thread_id")
            )
            return coded, aggs

        return self._table(("edges", anonymous, self_loops), build)

    def silent_rows(self, anonymous: AnonymousPolicy) -> pl.DataFrame:
        """User codes ``_a`` answered in a thread ``_thr`` without a comment of theirs in it
        (a parent outside a filter): a sample that draws the thread has them as nodes even
        when it draws none of their comments. Empty for a Discussion that holds every parent
        (a reply's parent is in its own thread)."""

        def build() -> pl.DataFrame:
            rows, _ = self.edge_rows(anonymous, self_loops=False)
            answered = rows.select(pl.col("_t").alias("_a"), "_thr")
            if self.parent.holds_parents:
                return answered.clear()
            return answered.unique().join(self.node_rows(anonymous), on=["_a", "_thr"], how="anti")

        return self._table(("silent", anonymous), build)

    def comment_rows(self, columns: tuple[str, ...]) -> pl.DataFrame:
        """The original's comments (``columns``) with their thread code ``_thr``, in order."""

        def build() -> pl.DataFrame:
            return (
                self.parent.comments.select(*columns, pl.col("thread_id").alias("thread_id_"))
                .join(
                    self._thread_codes().rename({"thread_id": "thread_id_"}),
                    on="thread_id_",
                    maintain_order="left",
                )
                .drop("thread_id_")
            )

        return self._table(("comment_rows", columns), build)

    def author_rows(self, columns: tuple[str, ...]) -> pl.DataFrame:
        """The original's :meth:`Discussion.author_rows` (codes into :meth:`names`) with
        each comment's thread code ``_thr``, in order."""

        def build() -> pl.DataFrame:
            rows = self.parent.author_rows(columns)
            thr = self.comment_rows(("author",)).get_column("_thr")
            return rows.with_columns(thr)

        return self._table(("author_rows", columns), build)

    def author_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The original's comments per (thread, named author): thread codes, author codes
        (dense, arbitrary) and counts."""

        def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            counts = (
                self.parent.comments.select("thread_id", "author")
                .drop_nulls("author")
                .join(self._thread_codes(), on="thread_id")
                .group_by("_thr", "author")
                .agg(pl.len().alias("count"))
            )
            return author_count_arrays(counts)

        return self._table(("author_counts",), build)

    def times(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct ``created_at`` values: stored integers (sorted) and their datetimes."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            t = self.parent.comments.get_column("created_at").drop_nulls().unique().sort()
            objects = np.empty(t.len(), dtype=object)
            objects[:] = t.to_list()
            return t.to_physical().to_numpy(), objects

        return self._table(("times",), build)

    def datetimes(self, column: pl.Series) -> np.ndarray:
        """A temporal column of a sample as an object array of the Python datetimes ``to_list``
        gives (None where null)."""
        keys, objects = self.times()
        stored = column.to_physical()
        if not stored.null_count():  # every time known: no mask to apply
            return objects[np.searchsorted(keys, stored.to_numpy())]
        out = np.full(stored.len(), None, dtype=object)
        known = stored.is_not_null().to_numpy()
        if keys.size:
            out[known] = objects[np.searchsorted(keys, stored.drop_nulls().to_numpy())]
        return out

    def time_attributes(self, table: pl.DataFrame) -> dict[str, list[Any]]:
        """The temporal columns of a sample's node or edge table as lists of datetimes, by name.

        Where the table has ``first`` and ``last``, a ``last`` equal to its row's ``first`` (an
        edge of one reply, a user of one comment) is the same object and is not looked up
        again (:func:`dynamics.model.graph.first_last_objects`, as for the full graph).
        """
        temporal = [c for c in table.columns if table.schema[c].is_temporal()]
        out: dict[str, Any] = {}
        if {"first", "last"} <= set(temporal):
            pair = first_last_objects(
                table.get_column("first"), table.get_column("last"), self.datetimes
            )
            out["first"], out["last"] = pair  # type: ignore[misc]  # datetimes never gives None
        for c in temporal:
            if c not in out:
                out[c] = self.datetimes(table.get_column(c))
        return {c: values.tolist() for c, values in out.items()}


def resampler_of(discussion: Discussion) -> ThreadResampler:
    """The :class:`ThreadResampler` of ``discussion``, made once and kept on it."""
    return discussion._derived(("thread_resampler",), lambda: ThreadResampler(discussion))


def _repeat(rows: pl.DataFrame, weights: np.ndarray) -> pl.DataFrame:
    """``rows`` with each row repeated as often as its thread was drawn."""
    times = weights[rows.get_column("_thr").to_numpy()]
    return rows[np.repeat(np.arange(rows.height), times)]


class ResampledDiscussion(Discussion):
    """A thread bootstrap sample: threads drawn with replacement from another Discussion.

    Behaves as the Discussion of the drawn threads, the k-th copy of a thread with its comment,
    parent and thread ids suffixed ``"#b<k>"`` (copies stay separate threads; authors are
    unchanged). The user edge and node tables and the igraph user graph are aggregated from
    the original's coded rows (:class:`ThreadResampler`); the comments table is built on
    first use.
    """

    def __init__(self, resampler: ThreadResampler, drawn: np.ndarray, key: Any = None) -> None:
        self._resampler = resampler
        self._key = key
        self._drawn = drawn
        self._weights = np.bincount(drawn, minlength=resampler.n_threads)
        self._report = resampler.parent.report
        self._threads = None
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._built: pl.DataFrame | None = None
        # a copy of a thread holds the parents its original holds (see Discussion.__init__)
        self._holds_parents = resampler.parent.holds_parents

    @property
    def memo(self) -> Memo | None:
        """What measures prepared on this sample, for the next measure on a sample drawn under
        the same key (None without a key: the sample is not shared)."""
        return None if self._key is None else self._resampler.memo(self._key)

    @property
    def _comments(self) -> pl.DataFrame:  # type: ignore[override]
        if self._built is None:
            self._built = self._build_comments()
        return self._built

    def _build_comments(self) -> pl.DataFrame:
        r = self._resampler
        drawn = pl.DataFrame({"thread_id": r.thread_ids.gather(self._drawn)})
        drawn = drawn.with_columns(
            pl.int_range(pl.len()).over("thread_id").cast(pl.String).alias("_copy")
        )
        suffix = pl.lit("#b") + pl.col("_copy")
        sample = drawn.join(r.parent.comments, on="thread_id", how="inner").with_columns(
            pl.col("comment_id") + suffix,
            pl.col("parent_id") + suffix,
            pl.col("thread_id") + suffix,
        )
        # parent_author / parent_deleted stay valid: a copy's parent is in the same copy
        return sample.drop("_copy")

    def comment_rows(self, columns: Sequence[str]) -> pl.DataFrame:
        """As :meth:`Discussion.comment_rows`: the original's rows repeated as often as their
        thread was drawn (in the original's order), without building the comments table."""
        rows = self._resampler.comment_rows(tuple(columns))
        return _repeat(rows, self._weights).drop("_thr")

    def author_rows(self, columns: Sequence[str]) -> pl.DataFrame:
        """As :meth:`Discussion.author_rows`: the original's coded rows repeated as often as
        their thread was drawn, the codes renumbered to this sample's users (the users of the
        drawn threads, in the original's order of names)."""
        rows = _repeat(self._resampler.author_rows(tuple(columns)), self._weights)
        position = self._positions("exclude")[1]
        # a null code gathers a null; a user absent from the sample (-1) is null too
        renumber = pl.Series(position).scatter(np.flatnonzero(position < 0), None)
        return rows.select(
            renumber.gather(rows.get_column("_a")).alias("_a"),
            renumber.gather(rows.get_column("_p")).alias("_p"),
            *columns,
        )

    def comments_per_author(self) -> np.ndarray:
        """As :meth:`Discussion.comments_per_author`: each thread's counts times the number of
        times it was drawn, without building the comments table."""
        thr, author, n = self._resampler.author_counts()
        totals = np.bincount(author, weights=n * self._weights[thr])
        return totals[totals > 0].astype(np.int64)

    # ------------------------------------------------------------------ fast user graph
    def _node_table(self, anonymous: AnonymousPolicy) -> pl.DataFrame:
        """The sample's users by original code (``_a``) with their counts and times: built once
        per sample and, for a keyed sample, once per key (kept in the key's memo, so the next
        measure's sample of the same draw, e.g. cross-side hostility's coded rows after the
        graph measures, reads it)."""

        def shared() -> pl.DataFrame:
            return reuse(self, ("node_codes", anonymous), (), lambda: self._node_codes(anonymous))

        return self._derived(("node_codes", anonymous), shared)

    def _node_codes(self, anonymous: AnonymousPolicy) -> pl.DataFrame:
        rows = _repeat(self._resampler.node_rows(anonymous), self._weights)
        nodes = rows.group_by("_a").agg(
            pl.len().cast(pl.Int64).alias("n_comments"),
            pl.col("created_at").min().alias("first"),
            pl.col("created_at").max().alias("last"),
        )
        silent = self._resampler.silent_rows(anonymous)
        if silent.height:  # answered in a drawn thread, no comment in the sample: 0 comments
            drawn = self._weights[silent.get_column("_thr").to_numpy()] > 0
            codes = silent.filter(drawn).select("_a").unique()
            codes = codes.join(nodes.select("_a"), on="_a", how="anti")
            times = nodes.schema["first"]
            nodes = pl.concat(
                [
                    nodes,
                    codes.with_columns(
                        pl.lit(0, dtype=pl.Int64).alias("n_comments"),
                        pl.lit(None, dtype=times).alias("first"),
                        pl.lit(None, dtype=times).alias("last"),
                    ),
                ]
            )
        return nodes.sort("_a")

    def _edge_codes(self, anonymous: AnonymousPolicy, self_loops: bool) -> pl.DataFrame:
        rows, aggs = self._resampler.edge_rows(anonymous, self_loops)
        return _repeat(rows, self._weights).group_by("_s", "_t").agg(aggs).sort("_s", "_t")

    def user_edges(
        self, *, anonymous: AnonymousPolicy = "exclude", self_loops: bool = False
    ) -> pl.DataFrame:
        """As :meth:`Discussion.user_edges`, aggregated from the original's replies."""
        if anonymous not in _BY_AUTHOR:
            return super().user_edges(anonymous=anonymous, self_loops=self_loops)

        def build() -> pl.DataFrame:
            codes = self._derived(
                ("edge_codes", anonymous, self_loops),
                lambda: self._edge_codes(anonymous, self_loops),
            )
            names = self._resampler.names(anonymous)
            return codes.select(
                pl.Series("source", names.gather(codes.get_column("_s"))),
                pl.Series("target", names.gather(codes.get_column("_t"))),
                pl.exclude("_s", "_t"),
            )

        return self._derived(("user_edges", anonymous, self_loops), build)

    def user_nodes(self, *, anonymous: AnonymousPolicy = "exclude") -> pl.DataFrame:
        """As :meth:`Discussion.user_nodes`, aggregated from the original's comments."""
        if anonymous not in _BY_AUTHOR:
            return super().user_nodes(anonymous=anonymous)

        def build() -> pl.DataFrame:
            codes = self._node_table(anonymous)
            names = self._resampler.names(anonymous)
            return codes.select(
                pl.Series("author", names.gather(codes.get_column("_a"))), pl.exclude("_a")
            )

        return self._derived(("user_nodes", anonymous), build)

    def _build_igraph(self, anonymous: AnonymousPolicy, self_loops: bool) -> ig.Graph:
        """The igraph user graph from integer codes, shared by samples with the same key."""
        if anonymous not in _BY_AUTHOR:
            return super()._build_igraph(anonymous, self_loops)
        shared = None if self._key is None else (self._key, anonymous, self_loops)
        return self._resampler.shared_graph(shared, lambda: self._igraph(anonymous, self_loops))

    def _positions(self, anonymous: AnonymousPolicy) -> tuple[np.ndarray, np.ndarray]:
        """The original's user codes present in this sample (sorted), and each original code's
        row among them (-1: absent)."""
        nodes = self._node_table(anonymous)
        present = nodes.get_column("_a").to_numpy()
        position = np.full(self._resampler.names(anonymous).len(), -1, dtype=np.int64)
        position[present] = np.arange(present.size)
        return present, position

    def _igraph(self, anonymous: AnonymousPolicy, self_loops: bool) -> ig.Graph:
        nodes = self._node_table(anonymous)
        edges = self._derived(
            ("edge_codes", anonymous, self_loops),
            lambda: self._edge_codes(anonymous, self_loops),
        )
        present, position = self._positions(anonymous)
        ends = np.column_stack(
            [
                position[edges.get_column("_s").to_numpy()],
                position[edges.get_column("_t").to_numpy()],
            ]
        )
        g = graph_from_ends(present.size, ends[:, 0], ends[:, 1], directed=True)
        # the measures read the graph's edges as this array (edge_ends): keep it on the draw's
        # memo rather than reading it back from igraph
        ends.setflags(write=False)
        reuse(self, EDGE_ENDS, (g,), lambda: ends)
        g.vs["name"] = self._resampler.names(anonymous).gather(present).to_list()
        for seq, table, skip in ((g.vs, nodes, ("_a",)), (g.es, edges, ("_s", "_t"))):
            times = self._resampler.time_attributes(table)
            for col in table.columns:
                if col not in skip:
                    seq[col] = times[col] if col in times else table.get_column(col).to_list()
        return g


def author_count_arrays(counts: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Comments per (thread, author) as the arrays a thread bootstrap weighs.

    ``counts`` has one row per (thread, named author): the thread's code ``_thr`` (its place
    in the order the bootstrap draws threads), ``author`` and ``count``. Returns int64 thread
    codes, dense author codes (in the authors' sorted order) and counts, in the rows' order;
    the in-memory resampler and the Spark path (whose counts come from a Spark aggregation)
    both use it.

    Examples
    --------
    >>> rows = pl.DataFrame({"_thr": [0, 0, 1], "author": ["bo", "al", "bo"], "count": [2, 1, 5]})
    >>> [a.tolist() for a in author_count_arrays(rows)]
    [[0, 0, 1], [1, 0, 1], [2, 1, 5]]
    """
    return (
        counts.get_column("_thr").to_numpy().astype(np.int64),
        counts.get_column("author").rank("dense").to_numpy().astype(np.int64) - 1,
        counts.get_column("count").to_numpy().astype(np.int64),
    )
