"""The integrity checks of :func:`dynamics.model.checks.check_comments`, in Spark SQL.

Same kinds, counts, policies and order of checks as the in-memory path (tests compare both on
the same input); rows are ordered by their position in the input (``_file``, ``_row``), so
"first occurrence" and the sample ids mean what they mean in memory. Work is joins and
aggregations over the whole table; only the rows that never reach a thread root (cycle
members and what hangs below them, a handful in real data) are brought to the driver, where
:func:`dynamics.model.forest.find_cycles` finds the cycles exactly as in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog, file_sample
from dynamics.model.checks import _ORPHAN_POLICIES, OrphanPolicy, dropped_orphans_policy
from dynamics.model.forest import find_cycles
from dynamics.model.orphan_threads import orphan_rule
from dynamics.model.schema import DELETED_MARKERS

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

__all__ = ["check_comments"]

ORDER = ("_file", "_row")
#: Rows still without a root after pointer doubling are finished on the driver below this.
DRIVER_ROWS = 200_000
_MAX_ROUNDS = 64


def check_comments(
    df: DataFrame,
    problems: ProblemLog,
    *,
    orphans: OrphanPolicy = "attach",
    row_offsets: dict[int, int] | None = None,
    file_names: Mapping[int, str] | None = None,
) -> DataFrame:
    """Validate a staged comments table, apply the policies, and log every problem.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
        Staged rows of the comments contract with ``_file`` and ``_row`` (input position).
    problems : ProblemLog
        Receives counts and samples (raises on the first defect when ``problems.strict``).
    orphans : {"attach", "drop", "keep"}, default "attach"
        As in :func:`dynamics.load`.
    row_offsets : dict of int to int, optional
        Rows in the files before each file, to name rows without an id as ``row N``.
    file_names : mapping of int to str, optional
        Each file's name by its index (``_file``): of several files, an id an earlier file
        holds is counted as ``file_overlap``, its sample named by its file, as in memory.

    Returns
    -------
    pyspark.sql.DataFrame
        The checked table with ``orphan_of`` after the flags (cached).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if orphans not in _ORPHAN_POLICIES:
        msg = f"The 'orphans' parameter of ingest must be one of {sorted(_ORPHAN_POLICIES)}. Got {orphans!r} instead."
        raise ValueError(msg)
    order = [F.col(c) for c in ORDER]

    no_id = F.col("comment_id").isNull() | (F.col("comment_id") == "")
    n_no_id, rows = _count_and_sample(df, no_id, F.struct(*order))
    if n_no_id:
        offsets = row_offsets or {}
        problems.add_many(
            "missing_field",
            [f"row {offsets.get(r[0], 0) + r[1] + 1}" for r in rows],
            total=n_no_id,
        )
        problems.policies["missing_field"] = "skipped"
        df = df.filter(~no_id)

    # repeated ids: keep the first occurrence in input order. A repeat of an id an earlier
    # file holds is a file_overlap (the files overlap), any other a duplicate_id, as
    # dynamics.io._many counts them in memory
    first = Window.partitionBy("comment_id").orderBy(*order)
    df = (
        df.withColumn("_nth", F.row_number().over(first))
        .withColumn("_first_file", F.min("_file").over(Window.partitionBy("comment_id")))
        .cache()
    )
    dup = F.col("_nth") > 1
    overlap = dup & (F.col("_file") > F.col("_first_file"))
    if file_names and len(file_names) > 1:
        _count_repeats(df, overlap, "file_overlap", problems, file_names)
    _count_repeats(df, dup & ~overlap, "duplicate_id", problems)
    df = df.filter(~dup).drop("_nth", "_first_file")

    # orphans: parent_id given but not present
    present = df.select(F.col("comment_id").alias("_pid"), F.lit(True).alias("_has_parent"))
    df = df.join(present, df["parent_id"] == present["_pid"], "left").drop("_pid")
    is_orphan = F.col("parent_id").isNotNull() & F.col("_has_parent").isNull()
    df = df.withColumn("_orphan", is_orphan).drop("_has_parent").cache()
    n_orphan, ids = _count_and_sample(df, F.col("_orphan"), F.struct(*order), "comment_id")
    if n_orphan:
        problems.add_many("orphan", ids, total=n_orphan)
        problems.policies["orphan"] = _ORPHAN_POLICIES[orphans]
    link = F.when(F.col("_orphan"), F.lit(None)).otherwise(F.col("parent_id"))
    df = df.withColumn("_link", link)
    roots, breaks = _roots_and_cycles(df, problems)
    df = df.join(roots, "comment_id", "left")
    if n_orphan and orphans == "drop":
        orphan_ids = df.filter("_orphan").select(
            F.col("comment_id").alias("_root"), F.lit(1).alias("_gone")
        )
        df = df.join(orphan_ids, "_root", "left")
        n_below = df.filter(F.col("_gone").isNotNull()).count() - n_orphan
        problems.policies["orphan"] = dropped_orphans_policy(n_below)
        df = df.filter(F.col("_gone").isNull()).drop("_gone")
    if n_orphan and orphans == "attach":
        df = df.withColumn("orphan_of", F.when(F.col("_orphan"), F.col("parent_id")))
        df = df.withColumn("parent_id", link)
    else:
        df = df.withColumn("orphan_of", F.lit(None).cast("string"))
    if n_orphan and orphans != "drop":
        # the in-memory rule (dynamics.model.orphan_threads): the source's thread, else one
        # thread per missing parent, named after its id
        threadless = F.col("_orphan") & F.col("thread_id").isNull()
        n_grouped = df.filter(threadless).count()
        missing = F.col("orphan_of") if orphans == "attach" else F.col("parent_id")
        df = df.withColumn("thread_id", F.when(threadless, missing).otherwise(F.col("thread_id")))
        rule = orphan_rule(n_orphan - n_grouped, n_grouped)
        problems.policies["orphan"] = f"{_ORPHAN_POLICIES[orphans]}; {rule}"
    if breaks:
        cut = F.col("comment_id").isin(list(breaks))
        df = df.withColumn(
            "orphan_of", F.when(cut, F.col("parent_id")).otherwise(F.col("orphan_of"))
        )
        df = df.withColumn("parent_id", F.when(cut, F.lit(None)).otherwise(F.col("parent_id")))
    df = df.drop("_orphan", "_link").cache()

    # threads: fill missing thread ids from the root, then fix replies whose thread differs
    root_rows = df.select(
        F.col("comment_id").alias("_root"), F.col("thread_id").alias("_root_thread")
    )
    if df.filter(F.col("thread_id").isNull()).limit(1).count():
        df = (
            df.join(root_rows, "_root", "left")
            .withColumn(
                "thread_id",
                F.coalesce(F.col("thread_id"), F.col("_root_thread"), F.col("_root")),
            )
            .drop("_root_thread")
        )
    parents = df.select(
        F.col("comment_id").alias("_p_id"),
        F.col("thread_id").alias("_p_thread"),
        F.col("author").alias("_p_author"),
        F.col("created_at").alias("_p_time"),
    )
    df = df.join(parents, df["parent_id"] == parents["_p_id"], "left").cache()
    has_parent = F.col("_p_id").isNotNull()
    mismatch = has_parent & (F.col("thread_id") != F.col("_p_thread"))
    self_reply = has_parent & (F.col("author") == F.col("_p_author"))
    early = has_parent & (F.col("created_at") < F.col("_p_time"))
    author_null = F.col("author").isNull()
    removed = F.col("text").isin(list(DELETED_MARKERS))
    blank = F.col("text").rlike(r"(?U)^\s*$")
    kinds: dict[str, Column] = {
        "thread_mismatch": mismatch,
        "self_reply": self_reply,
        "reply_before_parent": early,
        "deleted_author": author_null & F.col("deleted"),
        "anonymous_author": author_null & ~F.col("deleted"),
        "removed_text": removed,
        "empty_text": blank & ~removed,
        "deleted_comment": F.col("deleted") & ~author_null & ~removed,
        "inferred_reply": F.col("inferred") & F.col("parent_id").isNotNull(),
    }
    found = _counts_and_samples(df, kinds, F.struct(*order))
    for kind in kinds:
        n, ids = found.get(kind, (0, []))
        if n:
            problems.add_many(kind, ids, total=n)
    if found.get("thread_mismatch", (0, []))[0]:
        # roots define threads: every row takes its root's thread
        df = (
            df.join(root_rows, "_root", "left")
            .withColumn("thread_id", F.coalesce(F.col("_root_thread"), F.col("_root")))
            .drop("_root_thread")
        )
    return df.drop("_p_id", "_p_thread", "_p_author", "_p_time", "_root")


def _counts_and_samples(
    df: DataFrame, kinds: dict[str, Column], order: Column
) -> dict[str, tuple[int, list[str]]]:
    """Per kind, the rows where its mask holds: count and first ten ids, in one Spark job."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    flags = F.array(*[F.when(F.coalesce(m, F.lit(False)), F.lit(k)) for k, m in kinds.items()])
    hits = df.select(
        order.alias("_at"), "comment_id", F.explode(F.array_compact(flags)).alias("_kind")
    )
    per_kind = Window.partitionBy("_kind")
    rows = (
        hits.withColumn("_n", F.row_number().over(per_kind.orderBy("_at")))
        .withColumn("_total", F.count(F.lit(1)).over(per_kind))
        .filter(F.col("_n") <= 10)
        .orderBy("_kind", "_n")
        .collect()
    )
    out: dict[str, tuple[int, list[str]]] = {}
    for row in rows:
        total, ids = out.get(row["_kind"], (int(row["_total"]), []))
        ids.append(row["comment_id"])
        out[row["_kind"]] = (total, ids)
    return out


def _count_repeats(
    df: DataFrame,
    repeat: Column,
    kind: str,
    problems: ProblemLog,
    file_names: Mapping[int, str] | None = None,
) -> None:
    """Count the rows ``repeat`` marks as ``kind``, with the first ten ids in input order as
    samples (each named by the file of its first repeat, given ``file_names``)."""
    from pyspark.sql import functions as F

    n = df.filter(repeat).count()
    if not n:
        return
    rows = (
        df.filter(repeat)
        .groupBy("comment_id")
        .agg(F.min(F.struct(*ORDER)).alias("_at"))
        .orderBy("_at")
        .limit(10)
        .collect()
    )
    # the ids as they are, for a strict error's file and field; then named by their file
    problems.add_many(kind, [r["comment_id"] for r in rows], total=n)
    if file_names is not None:
        shown = problems.samples[kind]
        named = [file_sample(file_names[r["_at"][0]], r["comment_id"]) for r in rows]
        problems.samples[kind] = shown[: len(shown) - len(named)] + named


def _count_and_sample(
    df: DataFrame, mask: Column, order: Column, column: str | None = None, total: int | None = None
) -> tuple[int, list]:
    """Count rows where ``mask`` holds and return the first ten (a column, or the order key)."""
    from pyspark.sql import functions as F

    hits = df.filter(mask)
    n = hits.count() if total is None else total
    if not n:
        return 0, []
    key = F.col(column) if column else order
    rows = hits.select(order.alias("_at"), key.alias("_v")).orderBy("_at").limit(10).collect()
    return n, [r["_v"] for r in rows]


def _roots_and_cycles(df: DataFrame, problems: ProblemLog) -> tuple[DataFrame, set[str]]:
    """Root of every row along ``_link`` (pointer doubling), and the cycle rows to cut.

    Returns a frame (``comment_id``, ``_root``) and the ids whose parent link is cut to break
    a cycle (each cycle at its earliest comment, as in memory).
    """
    from pyspark.sql import functions as F

    spark = df.sparkSession
    links = df.select("comment_id", "_link", "created_at", *ORDER)
    done = links.filter(F.col("_link").isNull()).select(
        "comment_id", F.col("comment_id").alias("_root")
    )
    active = links.filter(F.col("_link").isNotNull()).select(
        "comment_id", F.col("_link").alias("_anc")
    )
    finished = [done]
    history: list[int] = []
    for _ in range(_MAX_ROUNDS):
        active = active.localCheckpoint()
        history.append(active.count())
        # small enough for the driver, or only cycles (and rows below them) keep going round
        if history[-1] <= DRIVER_ROWS or history[-3:] == [history[-1]] * 3:
            break
        known = _all(finished).select(F.col("comment_id").alias("_anc"), F.col("_root").alias("_r"))
        step = active.join(known, "_anc", "left").localCheckpoint()
        finished.append(
            step.filter(F.col("_r").isNotNull()).select("comment_id", F.col("_r").alias("_root"))
        )
        rest = step.filter(F.col("_r").isNull()).select("comment_id", "_anc")
        hop = active.select(F.col("comment_id").alias("_anc"), F.col("_anc").alias("_next"))
        active = rest.join(hop, "_anc", "left").select(
            "comment_id", F.coalesce("_next", "_anc").alias("_anc")
        )
    # finish on the driver: the remaining rows with their original links, in input order
    lookup = _all(finished).select(F.col("comment_id").alias("_link"), F.col("_root").alias("_lr"))
    local = (
        links.join(active.select("comment_id"), "comment_id")
        .join(lookup, "_link", "left")
        .orderBy(*ORDER)
    )
    table = pl.from_arrow(local.select("comment_id", "_link", "_lr", "created_at").toArrow())
    roots_local, breaks = _finish_locally(table, problems)
    extra = spark.createDataFrame(roots_local, schema="comment_id string, _root string")
    return _all([*finished, extra]), breaks


def _all(frames: list[DataFrame]) -> DataFrame:
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def _finish_locally(
    table: pl.DataFrame, problems: ProblemLog
) -> tuple[list[tuple[str, str]], set[str]]:
    """Roots of the rows left by pointer doubling; cycles among them found and cut."""
    ids = table.get_column("comment_id").to_list()
    index = {c: i for i, c in enumerate(ids)}
    links = table.get_column("_link").to_list()
    known = table.get_column("_lr").to_list()
    parent = np.array([index.get(p, -1) if p is not None else -1 for p in links], dtype=np.int64)
    cycles = find_cycles(parent)
    breaks: set[str] = set()
    if cycles:
        members = [i for c in cycles for i in c]
        problems.add_many("cycle", [ids[i] for i in members[:10]], total=len(members))
        created = table.get_column("created_at").to_list()
        for cycle in cycles:
            timed = [i for i in cycle if created[i] is not None]
            cut = min(timed, key=lambda i: created[i]) if timed else min(cycle)
            parent[cut] = -1
            known[cut] = None
            breaks.add(ids[cut])
    root: list[str | None] = [None] * len(ids)

    def resolve(i: int) -> str:
        path = []
        while root[i] is None:
            if parent[i] < 0:
                root[i] = known[i] if links[i] is not None and ids[i] not in breaks else ids[i]
                break
            path.append(i)
            i = int(parent[i])
        for j in path:
            root[j] = root[i]
        return root[i]  # type: ignore[return-value]

    return [(ids[i], resolve(i)) for i in range(len(ids))], breaks
