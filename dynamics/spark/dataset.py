"""``dynamics.spark.open``: a dataset written by :func:`dynamics.spark.ingest`, analysed on Spark.

:class:`SparkDataset` gives what a :class:`~dynamics.Discussion` gives, at archive scale: the
user reply edge table (aggregated on Spark, with the same columns and rules as
:func:`dynamics.model.graph.reply_edges`), the user graph collected to the driver, per-thread
and per-author tables, and :meth:`SparkDataset.to_discussion` to pull a subset into memory for
the dashboard and drill-down.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from dynamics.model.checks import IngestReport
from dynamics.model.graph import (
    ANONYMOUS,
    DELETED,
    HOSTILE_TOXICITY,
    SIGN_MARGIN,
    AnonymousPolicy,
    node_labels,
    to_igraph,
    to_networkx,
)
from dynamics.model.schema import COMMENT_COLUMNS
from dynamics.spark.session import get_session

if TYPE_CHECKING:
    import igraph as ig
    import networkx as nx
    from pyspark.sql import Column, DataFrame, SparkSession

    from dynamics.model.discussion import Discussion

__all__ = ["SparkDataset", "open"]

#: Columns the dataset adds to the comments contract: input position and partition.
BOOKKEEPING = ("_file", "_row", "thread_bucket")


def open(path: str | Path, *, spark: SparkSession | None = None) -> SparkDataset:
    """Open a dataset written by :func:`dynamics.spark.ingest`.

    Parameters
    ----------
    path : path
        The dataset directory (``comments/``, ``ingest_report.json``, optional ``threads/``).
    spark : SparkSession, optional
        Default: the active session, or ``local[*]``.

    Returns
    -------
    SparkDataset
    """
    return SparkDataset(path, spark=spark)


class SparkDataset:
    """A checked comments dataset on Spark (see :func:`open`).

    Attributes
    ----------
    path : Path
        The dataset directory.
    spark : SparkSession
        The session its tables live in.
    comments : pyspark.sql.DataFrame
        The comments table (contract columns, source extras, ``orphan_of``, and the
        bookkeeping columns ``_file``, ``_row``, ``thread_bucket``).
    posts : pyspark.sql.DataFrame or None
        The threads (posts) table when the input had submissions.
    report : IngestReport
        What ingest read and every problem it found.
    memo : dict
        Small driver-side results computed once per dataset (the thread order of the
        per-thread measures).
    """

    def __init__(self, path: str | Path, *, spark: SparkSession | None = None) -> None:
        self.path = Path(path)
        if not (self.path / "comments").is_dir():
            msg = f"{self.path} is not a dataset written by dynamics ingest (no comments/ folder)"
            raise FileNotFoundError(msg)
        self.spark = spark or get_session()
        self.comments: DataFrame = self.spark.read.parquet(str(self.path / "comments"))
        threads = self.path / "threads"
        self.posts: DataFrame | None = (
            self.spark.read.parquet(str(threads)) if threads.is_dir() else None
        )
        self.report = IngestReport.from_dict(
            json.loads((self.path / "ingest_report.json").read_text())
        )
        self.memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        r = self.report
        return (
            f"<SparkDataset {self.path}: {r.n_comments:,} comments, {r.n_threads:,} threads, "
            f"{r.n_authors:,} authors>"
        )

    # ------------------------------------------------------------------ edges and graph
    def with_parent_fields(self) -> DataFrame:
        """Comments with ``parent_author`` and ``parent_deleted`` (null when no parent row)."""
        from pyspark.sql import functions as F

        parents = self.comments.select(
            F.col("comment_id").alias("_pid"),
            F.col("author").alias("parent_author"),
            F.col("deleted").alias("parent_deleted"),
        )
        joined = self.comments.join(parents, self.comments["parent_id"] == parents["_pid"], "left")
        return joined.drop("_pid")

    def edge_table(
        self,
        *,
        anonymous: AnonymousPolicy = "exclude",
        self_loops: bool = False,
        comments: DataFrame | None = None,
    ) -> DataFrame:
        """The weighted user reply edge table as a Spark DataFrame (not collected).

        Same columns and rules as :func:`dynamics.model.graph.reply_edges`: ``source``,
        ``target``, ``count``, ``first``, ``last``; ``mean_toxicity`` and ``max_toxicity``
        with a ``toxicity`` column; ``agree``, ``disagree`` (``hostile``) and ``sign`` with a
        ``stance`` column. ``comments`` (default: the whole dataset, with parent fields) lets
        the caller pass an annotated or filtered table.
        """
        from pyspark.sql import functions as F

        node_labels(pl.DataFrame(), anonymous)  # validates the policy with the same message
        c = comments if comments is not None else self.with_parent_fields()
        src = _label(F.col("author"), F.col("deleted"), F.col("comment_id"), anonymous)
        tgt = F.when(F.col("parent_deleted").isNull(), F.lit(None)).otherwise(
            _label(F.col("parent_author"), F.col("parent_deleted"), F.col("parent_id"), anonymous)
        )
        replies = c.filter(F.col("parent_id").isNotNull()).select(
            "*", src.alias("_source"), tgt.alias("_target")
        )
        replies = replies.filter(F.col("_source").isNotNull() & F.col("_target").isNotNull())
        if not self_loops:
            replies = replies.filter(F.col("_source") != F.col("_target"))
        aggs = [
            F.count(F.lit(1)).cast("long").alias("count"),
            F.min("created_at").alias("first"),
            F.max("created_at").alias("last"),
        ]
        scored = "toxicity" in c.columns
        if scored:
            tox = F.col("toxicity").cast("double")
            aggs += [F.avg(tox).alias("mean_toxicity"), F.max(tox).alias("max_toxicity")]
        if "stance" in c.columns:
            probabilities = {"p_agree", "p_disagree"} <= set(c.columns)
            aggs += _sign_aggregations(hostile=scored, probabilities=probabilities)
        return replies.groupBy(
            F.col("_source").alias("source"), F.col("_target").alias("target")
        ).agg(*aggs)

    def user_edges(
        self, *, anonymous: AnonymousPolicy = "exclude", self_loops: bool = False
    ) -> pl.DataFrame:
        """The edge table collected to the driver (polars, sorted by source and target)."""
        edges = self.edge_table(anonymous=anonymous, self_loops=self_loops)
        return _collect(edges).sort("source", "target")

    def node_table(
        self, *, anonymous: AnonymousPolicy = "exclude", comments: DataFrame | None = None
    ) -> DataFrame:
        """One row per user-graph node: ``author``, ``n_comments``, ``first``, ``last``."""
        from pyspark.sql import functions as F

        node_labels(pl.DataFrame(), anonymous)
        c = comments if comments is not None else self.comments
        label = _label(F.col("author"), F.col("deleted"), F.col("comment_id"), anonymous)
        return (
            c.select(label.alias("author"), "created_at")
            .filter(F.col("author").isNotNull())
            .groupBy("author")
            .agg(
                F.count(F.lit(1)).cast("long").alias("n_comments"),
                F.min("created_at").alias("first"),
                F.max("created_at").alias("last"),
            )
        )

    def user_nodes(self, *, anonymous: AnonymousPolicy = "exclude") -> pl.DataFrame:
        """The node table collected to the driver (polars, sorted by author)."""
        return _collect(self.node_table(anonymous=anonymous)).sort("author")

    def user_graph(
        self,
        backend: Literal["networkx", "igraph"] = "networkx",
        *,
        anonymous: AnonymousPolicy = "exclude",
        self_loops: bool = False,
    ) -> nx.DiGraph | ig.Graph:
        """The user reply graph, aggregated on Spark and built on the driver.

        Same nodes, edges and attributes as :meth:`dynamics.Discussion.user_graph`.
        """
        edges = self.user_edges(anonymous=anonymous, self_loops=self_loops)
        nodes = self.user_nodes(anonymous=anonymous)
        if backend == "networkx":
            return to_networkx(edges, nodes)
        if backend == "igraph":
            return to_igraph(edges, nodes)
        msg = f"The 'backend' parameter of user_graph must be 'networkx' or 'igraph'. Got {backend!r} instead."
        raise ValueError(msg)

    # ------------------------------------------------------------------ text signals
    def annotate(
        self,
        scorers: str | Iterable[Any] = ("toxicity", "sentiment", "stance"),
        *,
        batch_size: int = 16_384,
    ) -> SparkDataset:
        """A view of the dataset whose comments carry text scores computed on the executors.

        The scorers of :func:`dynamics.text.annotate` (names or picklable Scorer objects) run
        over Arrow batches, each model loaded once per executor worker; the same null rules
        apply. The edge table then aggregates ``toxicity`` and ``stance`` as in memory. The
        scores are computed here and kept on the executors (a local checkpoint) for the
        session; ``.comments.write.parquet(...)`` saves them.
        """
        from dynamics.spark.annotate import annotate_frame

        names = [scorers] if isinstance(scorers, str) else list(scorers)
        view = copy.copy(self)  # shares memo: scores leave the threads and their order as they are
        # checkpointed on the executors: scored once, and a plain relation for the self-joins
        view.comments = annotate_frame(
            self.comments, names, batch_size=batch_size
        ).localCheckpoint()
        return view

    # ------------------------------------------------------------------ tables
    def thread_table(self) -> DataFrame:
        """Per thread: ``n_comments``, ``n_authors``, ``n_replies``, ``first``, ``last``.

        ``n_authors`` counts distinct non-null authors; ``n_replies`` counts comments with a
        parent. Extra source columns ``subreddit`` (first value) are kept when present.
        """
        from pyspark.sql import functions as F

        aggs = [
            F.count(F.lit(1)).cast("long").alias("n_comments"),
            F.countDistinct("author").cast("long").alias("n_authors"),
            F.count("parent_id").cast("long").alias("n_replies"),
            F.min("created_at").alias("first"),
            F.max("created_at").alias("last"),
        ]
        if "subreddit" in self.comments.columns:
            aggs.append(F.first("subreddit", ignorenulls=True).alias("subreddit"))
        return self.comments.groupBy("thread_id").agg(*aggs)

    def author_table(self) -> DataFrame:
        """Per author: ``n_comments``, ``n_threads``, ``n_replies_received``, ``first``, ``last``."""
        from pyspark.sql import functions as F

        c = self.with_parent_fields()
        received = (
            c.filter(F.col("parent_author").isNotNull())
            .groupBy(F.col("parent_author").alias("author"))
            .agg(F.count(F.lit(1)).cast("long").alias("n_replies_received"))
        )
        own = (
            self.comments.filter(F.col("author").isNotNull())
            .groupBy("author")
            .agg(
                F.count(F.lit(1)).cast("long").alias("n_comments"),
                F.countDistinct("thread_id").cast("long").alias("n_threads"),
                F.min("created_at").alias("first"),
                F.max("created_at").alias("last"),
            )
        )
        return own.join(received, "author", "left").fillna(0, subset=["n_replies_received"])

    # ------------------------------------------------------------------ subsets
    def select(
        self,
        *,
        threads: list[str] | None = None,
        subreddits: list[str] | None = None,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
    ) -> DataFrame:
        """Comments of whole threads chosen by id, subreddit and time (Spark DataFrame).

        ``start``/``end`` keep the threads whose first comment falls in ``[start, end)``, so
        threads are never cut in the middle (a reply's parent is always kept); they raise
        ``ValueError`` when no comment has a time.
        """
        from pyspark.sql import functions as F

        df = self.comments
        if threads is not None:
            df = df.filter(F.col("thread_id").isin(list(threads)))
        if subreddits is not None:
            if "subreddit" not in df.columns:
                msg = "the dataset has no subreddit column; select with threads= instead"
                raise ValueError(msg)
            df = df.filter(F.col("subreddit").isin(list(subreddits)))
        if (start is not None or end is not None) and self.report.start is None:
            msg = (
                f"select: start/end select threads by time, but no comment of "
                f"{self.report.path or 'this dataset'} has one"
            )
            raise ValueError(msg)
        if start is not None or end is not None:
            first = df.groupBy("thread_id").agg(F.min("created_at").alias("_t0"))
            if start is not None:
                first = first.filter(F.col("_t0") >= _timestamp(start))
            if end is not None:
                first = first.filter(F.col("_t0") < _timestamp(end, "end"))
            df = df.join(first.select("thread_id"), "thread_id", "left_semi")
        return df

    def to_discussion(
        self,
        *,
        threads: list[str] | None = None,
        subreddits: list[str] | None = None,
        start: datetime | str | None = None,
        end: datetime | str | None = None,
        max_comments: int = 10_000_000,
        text: bool = True,
        columns: Sequence[str] | None = None,
    ) -> Discussion:
        """Pull whole threads into an in-memory :class:`~dynamics.Discussion`.

        Parameters are those of :meth:`select`; rows come in input order and with the
        columns :func:`dynamics.load` gives, so the whole dataset pulled back equals the
        in-memory load of the same input. ``max_comments`` guards the driver's memory.
        ``text=False`` leaves the ``text`` column null (it is not read), and ``columns``
        names the columns beyond the contract to keep (default all): a Discussion for the
        measures of the user graph (``columns=["toxicity", "stance", "p_agree",
        "p_disagree"]``, what its edges aggregate) takes a fraction of the memory.

        Raises
        ------
        ValueError
            When the selection holds more than ``max_comments`` comments.
        """
        from dynamics.model.discussion import Discussion, conditions_text

        df = self.select(threads=threads, subreddits=subreddits, start=start, end=end)
        if columns is not None:
            wanted = set(COMMENT_COLUMNS) | set(BOOKKEEPING) | set(columns) | {"orphan_of"}
            df = df.select([c for c in df.columns if c in wanted])
        if not text:
            df = df.drop("text")
        n = df.count()
        if n > max_comments:
            msg = (
                f"the selection holds {n:,} comments, over max_comments={max_comments:,}; narrow it"
            )
            raise ValueError(msg)
        table = _collect(df).sort("_file", "_row")
        if not text:
            table = table.with_columns(pl.lit(None, dtype=pl.String).alias("text"))
        extras = [c for c in table.columns if c not in COMMENT_COLUMNS and c not in BOOKKEEPING]
        extras = [c for c in extras if c != "orphan_of"] + ["orphan_of"]
        table = table.select([*COMMENT_COLUMNS, *extras])
        posts = None
        if self.posts is not None:
            chosen = self._chosen_posts(
                table.get_column("thread_id").unique().to_list(),
                threads=threads,
                subreddits=subreddits,
                start=start,
                end=end,
            )
            posts = _collect(chosen).sort("_file", "_row").drop("_file", "_row")
        times = table.get_column("created_at").drop_nulls()
        ids = table.get_column("thread_id")
        if posts is not None:
            ids = pl.concat([ids, posts.get_column("thread_id")])
        said = conditions_text(threads=threads, subreddits=subreddits, start=start, end=end)
        if said:
            total = self.report.n_comments
            said = f"{said} ({table.height:,} of {total:,} comments)"
        report = dataclasses.replace(
            self.report,
            selection=said or self.report.selection,
            n_comments=table.height,
            n_threads=ids.n_unique(),
            n_authors=table.get_column("author").drop_nulls().n_unique(),
            start=times.min() if times.len() else None,
            end=times.max() if times.len() else None,
        )
        # whole threads: a reply's parent is in its thread (an orphan's was never read)
        return Discussion(table, report, posts, holds_parents=True)

    def _chosen_posts(
        self,
        pulled: list[str],
        *,
        threads: list[str] | None,
        subreddits: list[str] | None,
        start: datetime | str | None,
        end: datetime | str | None,
    ) -> DataFrame:
        """The posts of the threads pulled, and the posts of threads without any comment
        that the selection names: all of them when nothing is selected, those of the
        ``threads`` given, of the ``subreddits``, posted in ``[start, end)`` (a thread with
        comments comes with them or not at all, so adjacent time windows never share one)."""
        from pyspark.sql import functions as F

        posts = self.posts
        matches = F.lit(True)
        if threads is not None:
            matches &= F.col("thread_id").isin(list(threads))
        if subreddits is not None:
            in_subreddit = (
                F.col("subreddit").isin(list(subreddits))
                if "subreddit" in posts.columns
                else F.lit(False)
            )
            matches &= in_subreddit
        if start is not None or end is not None:
            if "created_at" not in posts.columns:
                matches &= F.lit(False)
            else:
                if start is not None:
                    matches &= F.col("created_at") >= _timestamp(start)
                if end is not None:
                    matches &= F.col("created_at") < _timestamp(end, "end")
        commented = self.comments.select("thread_id").distinct()
        silent = posts.join(commented, "thread_id", "left_anti")
        chosen = silent.filter(F.coalesce(matches, F.lit(False)))
        return posts.filter(F.col("thread_id").isin(pulled)).unionByName(chosen)


def _label(author: Column, deleted: Column, comment_id: Column, anonymous: str) -> Column:
    """Spark form of :func:`dynamics.model.graph.node_labels`."""
    from pyspark.sql import functions as F

    if anonymous == "exclude":
        return author
    marker = F.when(deleted, F.lit(DELETED)).otherwise(F.lit(ANONYMOUS))
    if anonymous == "pool":
        return F.coalesce(author, marker)
    return F.coalesce(author, F.concat(marker, F.lit(":"), comment_id))


def _sign_aggregations(*, hostile: bool, probabilities: bool = False) -> list[Column]:
    """Spark form of the sign rule of :func:`dynamics.model.graph.reply_edges`."""
    from pyspark.sql import functions as F

    agree = F.col("stance") == "agree"
    disagree = F.col("stance") == "disagree"

    def total(mask: Column) -> Column:
        return F.coalesce(F.sum(mask.cast("long")), F.lit(0)).cast("long")

    aggs = [total(agree).alias("agree"), total(disagree).alias("disagree")]
    is_hostile = F.coalesce(F.col("toxicity") >= HOSTILE_TOXICITY, F.lit(False))
    if hostile:
        aggs.append(total(is_hostile).alias("hostile"))
    if probabilities:
        value = F.col("p_agree").cast("double") - F.col("p_disagree").cast("double")
        if hostile:
            value = F.when(is_hostile, F.lit(-1.0)).otherwise(value)
        weight = F.coalesce(F.avg(value), F.lit(0.0))
        sign = F.when(weight > SIGN_MARGIN, 1).when(weight < -SIGN_MARGIN, -1).otherwise(0)
        return [*aggs, weight.alias("sign_weight"), sign.cast("long").alias("sign")]
    if hostile:
        positive = total(F.coalesce(agree, F.lit(False)) & ~is_hostile)
        negative = total(F.coalesce(disagree, F.lit(False)) | is_hostile)
    else:
        positive, negative = total(agree), total(disagree)
    aggs.append(F.signum(positive - negative).cast("long").alias("sign"))
    return aggs


def _timestamp(value: datetime | str, name: str = "start") -> Column:
    from pyspark.sql import functions as F

    from dynamics.model.discussion import _utc

    micros = int(_utc(value, name).timestamp() * 1_000_000)
    return F.timestamp_micros(F.lit(micros))


def _collect(df: DataFrame) -> pl.DataFrame:
    """A (small) Spark DataFrame on the driver as polars, through Arrow."""
    out = pl.from_arrow(df.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out
