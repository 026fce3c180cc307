"""The ``Discussion``: a validated, columnar comments table and what derives from it."""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from dynamics._words import counted
from dynamics.errors import DataQualityWarning
from dynamics.model.checks import IngestReport
from dynamics.model.forest import (
    ReplyForest,
    depths,
    parent_index,
    subtree_sizes,
    with_parent_fields,
)
from dynamics.model.graph import (
    AnonymousPolicy,
    coded_reply_aggregates,
    name_rows,
    node_labels,
    reply_rows_query,
    reply_target,
    to_igraph,
    to_networkx,
    with_end_names,
)

if TYPE_CHECKING:
    import igraph as ig
    import networkx as nx
    import pandas as pd

__all__ = ["PARQUET_KEY", "Discussion", "register_method"]

#: Key of the Parquet file metadata that marks a file written by :meth:`Discussion.save`.
PARQUET_KEY = b"dynamics"
_DERIVED = ("parent_author", "parent_deleted")

#: Methods that layers above the model lend to :class:`Discussion` (name -> function), so the
#: model never imports them: :mod:`dynamics.text` registers ``annotate`` when it is imported
#: (``import dynamics`` does that), as pandas registers accessors such as ``.plot``.
_LENT: dict[str, Callable[..., Any]] = {}


def register_method(name: str, func: Callable[..., Any]) -> None:
    """Make ``func(discussion, *args, **kwargs)`` reachable as ``Discussion.<name>``.

    Only names that :class:`Discussion` declares as lent (``annotate``) can be registered;
    registering again replaces the function.
    """
    if name not in {"annotate"}:
        msg = f"The 'name' parameter of register_method must be 'annotate'. Got {name!r} instead."
        raise ValueError(msg)
    _LENT[name] = func


def _lent(name: str) -> Callable[..., Any]:
    try:
        return _LENT[name]
    except KeyError:
        msg = (
            f"Discussion.{name} is provided by dynamics.text, which is not imported: "
            "'import dynamics' (or 'import dynamics.text') first"
        )
        raise RuntimeError(msg) from None


class Discussion:
    """Comments with their reply structure, ready for measurement.

    A ``Discussion`` is immutable: every method that changes something returns a new one.
    Build it with :func:`dynamics.load`, not directly.

    Parameters
    ----------
    comments : polars.DataFrame
        The checked comments table (DESIGN section 3).
    report : IngestReport
        What was read and the data problems met.
    threads : polars.DataFrame, optional
        One row per thread with the post's title, author and text, when the source has them.
    holds_parents : bool, optional
        Whether every reply's parent row is in ``comments`` (True for what
        :func:`dynamics.load` gives; False for a part, :meth:`filter`, whose replies may
        answer comments it does not hold). Left out, it is True when the parent fields are
        derived here from ``comments`` itself, and False otherwise; False only costs a
        search for the users replies answer outside the table (see :meth:`user_nodes`).

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["a", "b", "c"], "parent": [None, "a", "b"],
    ...     "user": ["ann", "bob", "ann"], "body": ["hi", "no", "yes"]}))
    >>> len(d), d.n_threads, sorted(d.authors)
    (3, 1, ['ann', 'bob'])
    >>> sorted(d.user_graph().edges(data="count"))
    [('ann', 'bob', 1), ('bob', 'ann', 1)]
    """

    def __init__(
        self,
        comments: pl.DataFrame,
        report: IngestReport,
        threads: pl.DataFrame | None = None,
        *,
        holds_parents: bool | None = None,
    ) -> None:
        # parent fields derived here come from this table's own rows: every reply's parent
        # is then among its comments. A table that brings them (a filter's) may answer
        # comments it does not hold.
        derive = "parent_author" not in comments.columns
        self._holds_parents = derive if holds_parents is None else bool(holds_parents)
        if derive:
            comments = with_parent_fields(comments)
        self._comments = comments
        self._report = report
        self._threads = threads
        # derived structures, computed once per (immutable) Discussion: see _derived()
        self._cache: dict[tuple[Any, ...], Any] = {}

    def _derived(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """``build()`` the first time ``key`` is asked for, the same object afterwards.

        A Discussion never changes, so its reply-tree table, user edge and node tables and its
        igraph graph are computed once and kept on the instance (a page or a report that asks
        for them again gets them for free). Concurrent first calls may both build; either
        result is the same.
        """
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = build()
            return value

    # ------------------------------------------------------------------ basics
    @property
    def holds_parents(self) -> bool:
        """Whether every reply's parent row is among the comments (see the class docstring)."""
        return self._holds_parents

    @property
    def report(self) -> IngestReport:
        """The :class:`IngestReport`: what was read, and every problem found."""
        return self._report

    @property
    def comments(self) -> pl.DataFrame:
        """The comments table (polars), including derived ``parent_author``/``parent_deleted``."""
        return self._comments

    def comment_rows(self, columns: Sequence[str]) -> pl.DataFrame:
        """The comments table's ``columns``, one row per comment.

        A thread bootstrap sample gives them without building its comments table (its
        original's rows, each as often as its thread was drawn): measures that aggregate a
        few columns over comments read them this way.

        Raises
        ------
        polars.exceptions.ColumnNotFoundError
            When a column is not in the comments table.
        """
        return self._comments.select(columns)

    def author_rows(self, columns: Sequence[str]) -> pl.DataFrame:
        """Each comment's author and parent's author as rows of :meth:`user_nodes` (``_a``,
        ``_p``: Int64, null without an author or a parent: a top-level comment, an orphan whose
        parent was never read), and ``columns``, in the order of :meth:`comment_rows`.

        Measures that aggregate replies by the pair of users read these integer codes instead
        of the names; a thread bootstrap sample gives them without building its comments
        table or joining names (its original's codes, renumbered to the sample's users).

        Examples
        --------
        >>> d = dyn.load(pl.DataFrame({"id": ["1", "2", "3"], "parent": [None, "1", "2"],
        ...                            "user": ["cy", "ann", "cy"], "body": ["x"] * 3}))
        >>> d.author_rows([]).rows()                        # user_nodes: ann, cy
        [(1, None), (0, 1), (1, 0)]
        """
        names = self.user_nodes().get_column("author")
        rows = self.comment_rows(["author", "parent_author", *columns])
        coded = name_rows(rows, names, {"author": "_a", "parent_author": "_p"})
        return coded.select("_a", "_p", *columns)

    def comments_per_author(self) -> np.ndarray:
        """Comments of each named author (comments without an author left out), in no set
        order; a thread bootstrap sample counts them from its original's per-thread counts.

        >>> d = dyn.load(pl.DataFrame({"id": ["1", "2", "3"], "parent": [None, "1", "2"],
        ...                            "user": ["ann", "bob", "ann"], "body": ["x"] * 3}))
        >>> sorted(d.comments_per_author().tolist())
        [1, 2]
        """
        counts = self._comments.get_column("author").drop_nulls().value_counts()
        return counts.get_column("count").to_numpy()

    def __len__(self) -> int:
        return self._comments.height

    def __repr__(self) -> str:
        return (
            f"<Discussion: {counted(len(self), 'comment')}, {counted(self.n_threads, 'thread')}, "
            f"{counted(len(self.authors), 'author')}, read as {self._report.format}>"
        )

    @property
    def n_threads(self) -> int:
        """Number of threads, posts without comments included."""
        return len(self.thread_ids)

    @property
    def thread_ids(self) -> list[str]:
        """Thread ids in order of first appearance; then posts that drew no comment."""
        ids = self._comments.get_column("thread_id")
        if self._threads is not None:
            ids = pl.concat([ids, self._threads.get_column("thread_id")])
        return ids.unique(maintain_order=True).to_list()

    @property
    def authors(self) -> list[str]:
        """Distinct non-null authors in order of first appearance."""
        return (
            self._comments.get_column("author").drop_nulls().unique(maintain_order=True).to_list()
        )

    @property
    def time_span(self) -> tuple[datetime | None, datetime | None]:
        """Earliest and latest comment time (UTC), or (None, None)."""
        t = self._comments.get_column("created_at")
        return t.min(), t.max()  # type: ignore[return-value]

    @property
    def threads(self) -> pl.DataFrame:
        """One row per thread: id, title, post author, comment and author counts, time span.

        Posts that drew no comment are included, with zero counts, after the others.
        """
        summary = self._comments.group_by("thread_id", maintain_order=True).agg(
            pl.len().alias("n_comments"),
            pl.col("author").drop_nulls().n_unique().alias("n_authors"),
            pl.col("parent_id").is_null().sum().alias("n_top_level"),
            pl.col("created_at").min().alias("first_comment"),
            pl.col("created_at").max().alias("last_comment"),
        )
        if self._threads is None:
            return summary
        info = self._threads.select(
            "thread_id",
            "title",
            pl.col("author").alias("post_author"),
            pl.col("created_at").alias("posted_at"),
            "url",
        )
        counts = ["n_comments", "n_authors", "n_top_level"]
        return summary.join(
            info, on="thread_id", how="full", coalesce=True, maintain_order="left_right"
        ).with_columns(pl.col(counts).fill_null(0))

    @property
    def posts(self) -> pl.DataFrame | None:
        """The threads' own posts (title, author, text, ...) when the source had them."""
        return self._threads

    def to_polars(self) -> pl.DataFrame:
        """The comments table as a polars DataFrame (contract columns first)."""
        return self._comments.drop(_DERIVED)

    def to_pandas(self) -> pd.DataFrame:
        """The comments table as a pandas DataFrame (contract columns first)."""
        return self.to_polars().to_pandas()

    # ------------------------------------------------------------------ trees
    def forest(self, thread_id: str) -> ReplyForest:
        """The reply forest of one thread, comments in chronological order."""
        rows = self._comments.filter(pl.col("thread_id") == thread_id)
        if rows.height == 0:
            msg = f"no thread {thread_id!r} in this discussion"
            raise KeyError(msg)
        return _forest(thread_id, rows)

    def forests(self) -> Iterator[ReplyForest]:
        """Every thread's reply forest, in order of first appearance."""
        for (thread_id,), rows in self._comments.group_by("thread_id", maintain_order=True):
            yield _forest(str(thread_id), rows)

    def tree_table(self) -> pl.DataFrame:
        """Per-comment structure for all threads at once (vectorised).

        Returns
        -------
        polars.DataFrame
            ``comment_id``, ``thread_id``, ``parent_id``, ``depth`` (0 = top-level),
            ``subtree_size`` (itself included), ``n_children`` and ``root_id`` (the top-level
            comment of its branch).
        """
        return self._derived(("tree_table",), self._tree_table)

    def _tree_table(self) -> pl.DataFrame:
        c = self._comments
        parent = parent_index(c.get_column("comment_id"), c.get_column("parent_id"))
        depth = depths(parent)
        size = subtree_sizes(parent, depth)
        n_children = np.bincount(parent[parent >= 0], minlength=parent.shape[0])
        root = np.where(parent >= 0, parent, np.arange(parent.shape[0]))
        while not (root[root] == root).all():
            root = root[root]
        ids = c.get_column("comment_id")
        return pl.DataFrame(
            {
                "comment_id": ids,
                "thread_id": c.get_column("thread_id"),
                "parent_id": c.get_column("parent_id"),
                "depth": depth,
                "subtree_size": size,
                "n_children": n_children,
                "root_id": ids.gather(root),
            }
        )

    # ------------------------------------------------------------------ graph
    def _check_times_for_window(self, others: pl.Expr) -> None:
        """A time window needs times: none is an error, some missing a warning (they drop).
        Only the comments the filter's other conditions (``others``) keep are counted."""
        counts = (
            self._comments.lazy()
            .filter(others)
            .select(pl.len(), pl.col("created_at").null_count())
            .collect()
        )
        n, missing = counts.row(0)
        if missing == 0:
            return
        where = self._report.path or "this Discussion"
        if missing == n:
            which = "no comment" if n == len(self._comments) else "none of the comments kept"
            msg = (
                f"filter: start/end select by comment time, but {which} of {where} has one "
                f"({missing:,} comments without created_at)"
            )
            raise ValueError(msg)
        msg = (
            f"{where}: {missing:,} of {n:,} comments have no time and are left out of every "
            "time window"
        )
        warnings.warn(msg, DataQualityWarning, stacklevel=3)

    def user_edges(
        self, *, anonymous: AnonymousPolicy = "exclude", self_loops: bool = False
    ) -> pl.DataFrame:
        """The weighted user reply edge table (``source`` replied to ``target``).

        See :func:`dynamics.model.graph.reply_edges` for the columns and parameters.
        """

        def named() -> pl.DataFrame:
            aggregates, ends = self._coded_edges(anonymous, self_loops)
            names = self.user_nodes(anonymous=anonymous).get_column("author")
            return with_end_names(aggregates, ends, names)

        return self._derived(("user_edges", anonymous, self_loops), named)

    def _coded_edges(
        self, anonymous: AnonymousPolicy, self_loops: bool
    ) -> tuple[pl.DataFrame, np.ndarray]:
        """The edge table's aggregates and its ends as rows of the node table (see
        coded_reply_aggregates); the igraph graph needs no names of the ends."""
        return self._derived(
            ("coded_edges", anonymous, self_loops),
            lambda: self._code_edges(anonymous, self_loops),
        )

    def _code_edges(
        self, anonymous: AnonymousPolicy, self_loops: bool
    ) -> tuple[pl.DataFrame, np.ndarray]:
        query, aggs = reply_rows_query(self._comments, anonymous=anonymous, self_loops=self_loops)
        if ("user_nodes", anonymous) in self._cache:
            nodes, replies = self._cache[("user_nodes", anonymous)], query.collect()
        else:
            # the node table and the replies side by side: polars runs the two queries at
            # once (about 40 % less time than one after the other at 1M comments)
            nodes, replies = pl.collect_all([self._user_nodes_query(anonymous), query])
            nodes = self._derived(("user_nodes", anonymous), lambda: nodes)
        return coded_reply_aggregates(replies, aggs, nodes.get_column("author"))

    def user_nodes(self, *, anonymous: AnonymousPolicy = "exclude") -> pl.DataFrame:
        """One row per user-graph node, sorted by name: ``author``, ``n_comments``, ``first``,
        ``last`` (the times of their first and last comment).

        The nodes are the comments' authors and the users their replies answer. In a
        filtered Discussion (:meth:`filter`) a reply may answer a comment outside the filter:
        its author is a node too, with ``n_comments`` 0 and null times.
        """
        return self._derived(
            ("user_nodes", anonymous), lambda: self._user_nodes_query(anonymous).collect()
        )

    def _user_nodes_query(self, anonymous: AnonymousPolicy) -> pl.LazyFrame:
        labels = node_labels(self._comments, anonymous)
        comments = self._comments.lazy()
        own = (
            comments.select(labels.alias("author"), "created_at")
            .drop_nulls("author")
            .group_by("author")
            .agg(
                pl.len().cast(pl.Int64).alias("n_comments"),
                pl.col("created_at").min().alias("first"),
                pl.col("created_at").max().alias("last"),
            )
        )
        if self._holds_parents:
            return own.sort("author")
        # the users that replies answer but who wrote nothing here (a parent outside a filter)
        answered = (
            comments.filter(pl.col("parent_id").is_not_null() & labels.is_not_null())
            .select(reply_target(anonymous).alias("author"))
            .join(own.select("author"), on="author", how="anti")  # nulls never match
            .drop_nulls("author")
            .unique()
        )
        times = self._comments.schema["created_at"]
        silent = answered.with_columns(
            pl.lit(0, dtype=pl.Int64).alias("n_comments"),
            pl.lit(None, dtype=times).alias("first"),
            pl.lit(None, dtype=times).alias("last"),
        )
        return pl.concat([own, silent]).sort("author")

    def user_graph(
        self,
        backend: Literal["networkx", "igraph"] = "networkx",
        *,
        anonymous: AnonymousPolicy = "exclude",
        self_loops: bool = False,
        copy: bool = True,
    ) -> nx.DiGraph | ig.Graph:
        """The directed, weighted user reply graph: u -> v when u replied to v.

        Parameters
        ----------
        backend : {"networkx", "igraph"}, default "networkx"
            ``networkx.DiGraph`` (the interchange object) or ``igraph.Graph`` (for heavy work;
            vertex attribute ``name`` holds the author).
        anonymous : {"exclude", "separate", "pool"}, default "exclude"
            Comments without an author: leave out, one node per comment, or one pooled node.
        self_loops : bool, default False
            Keep replies to one's own comments as self-loops.
        copy : bool, default True
            igraph only: False returns the Discussion's own graph instead of a copy (faster
            for code that only reads it; never change it).

        Returns
        -------
        networkx.DiGraph or igraph.Graph
            Nodes are authors (attributes ``n_comments``, ``first``, ``last``); edges carry
            ``count`` (replies u -> v), ``first`` and ``last`` reply time, and toxicity
            aggregates once text signals exist. Each call returns a new graph object (the
            edge and node tables behind it are computed once), so changing it is safe.
        """
        if backend == "networkx":
            edges = self.user_edges(anonymous=anonymous, self_loops=self_loops)
            return to_networkx(edges, self.user_nodes(anonymous=anonymous))
        if backend == "igraph":
            key = ("user_graph", "igraph", anonymous, self_loops)
            graph = self._derived(key, lambda: self._build_igraph(anonymous, self_loops))
            return graph.copy() if copy else graph
        msg = f"The 'backend' parameter of user_graph must be 'networkx' or 'igraph'. Got {backend!r} instead."
        raise ValueError(msg)

    def _build_igraph(self, anonymous: AnonymousPolicy, self_loops: bool) -> ig.Graph:
        """The igraph user graph, built once per Discussion (a subclass may build it faster)."""
        edges, ends = self._coded_edges(anonymous, self_loops)
        return to_igraph(edges, self.user_nodes(anonymous=anonymous), ends=ends)

    # ------------------------------------------------------------------ text signals
    def annotate(
        self,
        scorers: Any = ("toxicity", "sentiment", "stance"),
        **kwargs: Any,
    ) -> Discussion:
        """A new Discussion with text-signal columns (toxicity, sentiment, stance, ...).

        Shorthand for :func:`dynamics.text.annotate` (see there for ``scorers``, ``cache``,
        ``cache_dir``, ``batch_size`` and ``progress``); scores are cached, so a second call
        scores nothing. The text layer lends this method to the model when it is imported
        (:func:`register_method`), so the data model does not depend on the text layer.
        """
        return _lent("annotate")(self, scorers, **kwargs)

    # ------------------------------------------------------------------ filters
    def filter(
        self,
        *,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
        threads: Iterable[str] | str | None = None,
        authors: Iterable[str] | str | None = None,
    ) -> Discussion:
        """A new Discussion with the comments that match every given condition.

        Parameters
        ----------
        start, end : datetime or ISO string, optional
            Keep comments with ``start <= created_at < end`` (naive times are UTC).
        threads : str or iterable of str, optional
            Keep these threads.
        authors : str or iterable of str, optional
            Keep comments by these authors.

        Notes
        -----
        Replies keep who they replied to even when the parent falls outside the filter, so the
        user graph of a time window holds every reply made in that window. A post (see
        :attr:`posts`) stays when its thread keeps a comment, or when it drew no comment here
        and matches the conditions itself, so a thread without comments survives
        ``filter(threads=[...])``, and a chain of filters keeps what one filter with all the
        conditions keeps. The part's :attr:`report` gives its sizes and says which part it is
        (``report.selection``); the data problems it lists are the whole input's. Comments
        without a time are in no time window: ``start``/``end`` warn
        (``DataQualityWarning``) when some have none.

        Raises
        ------
        ValueError
            ``start`` or ``end`` given when no comment has a time (a plain-text scrape), one
            that is not a time, or ``end`` not after ``start``.
        """
        if threads is not None and not isinstance(threads, str):
            threads = list(threads)
        if authors is not None and not isinstance(authors, str):
            authors = list(authors)
        expr = pl.lit(value=True)
        if threads is not None:
            expr &= pl.col("thread_id").is_in([threads] if isinstance(threads, str) else threads)
        if authors is not None:
            expr &= pl.col("author").is_in([authors] if isinstance(authors, str) else authors)
        if start is not None or end is not None:
            self._check_times_for_window(expr)
        lo = None if start is None else _utc(start)
        hi = None if end is None else _utc(end, "end")
        if lo is not None and hi is not None and lo >= hi:
            msg = (
                f"The 'end' parameter of filter must be later than 'start'. Got start={start!r}, "
                f"end={end!r}: that window holds no time."
            )
            raise ValueError(msg)
        if lo is not None:
            expr &= pl.col("created_at") >= lo
        if hi is not None:
            expr &= pl.col("created_at") < hi
        kept = self._comments.filter(expr)
        posts = None
        if self._threads is not None:
            # a post stays when a kept comment is in its thread, or when it matches the
            # conditions itself (a post without comments, posted in the window / by the author)
            # (only a post that drew no comment here is kept by the conditions alone, so a
            # chain of filters keeps the posts one filter with all the conditions keeps)
            commented = self._derived(
                ("commented_threads",),
                lambda: self._comments.get_column("thread_id").unique().implode(),
            )
            posts = self._threads.filter(
                pl.col("thread_id").is_in(kept.get_column("thread_id").unique().implode())
                | (~pl.col("thread_id").is_in(commented) & expr)
            )
        # whole threads keep every parent; a time or author condition may drop some
        whole = start is None and end is None and authors is None
        part = Discussion(kept, self._report, posts, holds_parents=whole and self._holds_parents)
        said = conditions_text(start=start, end=end, threads=threads, authors=authors)
        if said:
            part._report = self._part_report(
                part, f"{said} ({len(part):,} of {len(self):,} comments)"
            )
        return part

    def _part_report(self, part: Discussion, selection: str) -> IngestReport:
        """This Discussion's report, describing ``part`` of it (see IngestReport.selection)."""
        times = part.comments.get_column("created_at")
        earlier = self._report.selection
        return dataclasses.replace(
            self._report,
            n_comments=len(part),
            n_threads=part.n_threads,
            n_authors=part.comments.get_column("author").drop_nulls().n_unique(),
            start=times.min(),
            end=times.max(),
            selection=f"{earlier}; then {selection}" if earlier else selection,
        )

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write to Parquet so that ``dynamics.load(path)`` reopens it instantly.

        The comments go to ``path``; the IngestReport and format travel in the file's metadata;
        the threads' posts, when present, go to ``<path stem>.threads.parquet`` beside it.
        """
        import pyarrow.parquet as pq

        path = Path(path)
        meta = {
            "version": 1,
            "report": self._report.to_dict(),
            "has_threads": self._threads is not None,
            "holds_parents": self._holds_parents,
        }
        table = self._comments.to_arrow()
        schema_meta = dict(table.schema.metadata or {})
        schema_meta[PARQUET_KEY] = json.dumps(meta).encode()
        pq.write_table(table.replace_schema_metadata(schema_meta), path, compression="zstd")
        if self._threads is not None:
            self._threads.write_parquet(_threads_path(path), compression="zstd")
        return path

    @classmethod
    def read_parquet(cls, path: str | Path) -> Discussion:
        """Open a file written by :meth:`save`.

        Raises
        ------
        InputFormatError
            When ``path`` is not such a file (not Parquet, or Parquet without the metadata
            :meth:`save` writes).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        from dynamics.errors import InputFormatError

        path = Path(path)
        try:
            meta = json.loads((pq.read_schema(path).metadata or {})[PARQUET_KEY])
        except (pa.ArrowException, KeyError, ValueError) as error:
            found = "a Parquet file without its metadata" if isinstance(error, KeyError) else error
            msg = (
                f"not a file written by Discussion.save / `dynamics convert --to parquet` "
                f"({found}); read it with format='auto' or the format it is"
            )
            raise InputFormatError(msg, path=path) from None
        comments = pl.read_parquet(path)
        threads = None
        if meta.get("has_threads"):
            beside = _threads_path(path)
            if not beside.is_file():
                msg = (
                    f"its posts were saved beside it in {beside.name}, which is missing; "
                    "copy that file with it"
                )
                raise InputFormatError(msg, path=path)
            threads = pl.read_parquet(beside)
        return cls(
            comments,
            IngestReport.from_dict(meta["report"]),
            threads,
            holds_parents=meta.get("holds_parents"),
        )


def _threads_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.threads.parquet")


def _utc(value: datetime | date | str, name: str = "start") -> datetime:
    """``value`` as an aware UTC datetime; a string that is not an ISO time is a ValueError
    naming the parameter ``name``."""
    from datetime import UTC

    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value)
        except ValueError as exc:
            msg = (
                f"The '{name}' parameter of filter must be a datetime, a date or an ISO time "
                f"such as '2021-03-01' or '2021-03-01T12:00'. Got {value!r} instead ({exc})."
            )
            raise ValueError(msg) from exc
    else:
        t = value
    if not isinstance(t, datetime):  # a date: its midnight
        t = datetime(t.year, t.month, t.day)
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _forest(thread_id: str, rows: pl.DataFrame) -> ReplyForest:
    order = rows.with_row_index("_src").sort(["created_at", "_src"], nulls_last=True)
    ids = order.get_column("comment_id")
    return ReplyForest(
        thread_id=thread_id,
        comment_ids=ids.to_list(),
        parent=parent_index(ids, order.get_column("parent_id")),
        created_at=order.get_column("created_at"),
    )


def _metadata(path: Path) -> dict[str, Any] | None:
    """Our metadata in a Parquet file, or None when the file is not one of ours."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # noqa: BLE001 - any unreadable file is simply not ours
        return None
    raw = meta.get(PARQUET_KEY)
    return json.loads(raw) if raw else None


def conditions_text(**given: Any) -> str:
    """The conditions of a selection (:meth:`Discussion.filter`, a Spark dataset's
    ``to_discussion``) that were given, in words (for :attr:`IngestReport.selection`).

    >>> conditions_text(start="2021-01-01", end=None, threads=["a", "b"], authors="ann")
    'start 2021-01-01, threads: 2 given, authors: ann'
    """
    out = []
    for name, value in given.items():
        if value is None:
            continue
        if name in ("start", "end"):
            out.append(f"{name} {value}")
        elif isinstance(value, str):
            out.append(f"{name}: {value}")
        else:
            out.append(f"{name}: {len(value)} given")
    return ", ".join(out)
