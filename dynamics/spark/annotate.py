"""Text scores on the executors: the scorers of :mod:`dynamics.text`, over Arrow batches.

Each executor's Python worker resolves the scorers once (a trained model is loaded once per
worker and kept for every later batch and job, as Spark reuses its Python workers) and scores
the ``text`` column batch by batch through ``mapInArrow``; the rules of
:func:`dynamics.text.annotate` apply: deletion markers get null scores, and a scorer's
``reply_columns`` (``stance``) are null for top-level comments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics.model.schema import DELETED_MARKERS

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["annotate_frame", "score_batch"]

#: Column holding each comment's parent text while pair scorers (``needs_parent``) run.
PARENT_TEXT = "_parent_text"

#: Scorers resolved in this worker process, by the names (or objects) asked for.
_WORKER_SCORERS: dict[tuple[Any, ...], list[Any]] = {}


def _scorers(key: tuple[Any, ...]) -> list[Any]:
    if key not in _WORKER_SCORERS:
        from dynamics.text.annotate import _resolve

        _WORKER_SCORERS[key] = _resolve(list(key))
    return _WORKER_SCORERS[key]


def score_batch(batch: pl.DataFrame, scorers: list[Any]) -> pl.DataFrame:
    """``batch`` (``text``, ``parent_id``, ...) with the scorers' columns added.

    A scorer with ``needs_parent = True`` (the stance model) reads each comment's parent text
    from the ``parent_text`` column ("" where there is none, as in memory).

    Examples
    --------
    >>> from dynamics.text import get_scorer
    >>> frame = pl.DataFrame({"text": ["I agree.", "[removed]"], "parent_id": ["a", "a"]})
    >>> score_batch(frame, [get_scorer("stance")]).get_column("stance").to_list()
    ['agree', None]
    """
    from dynamics.text.base import check_output

    texts = batch.get_column("text").fill_null("")
    removed = texts.is_in(list(DELETED_MARKERS)).to_numpy()
    is_root = batch.get_column("parent_id").is_null().to_numpy()
    todo = texts.to_list()
    parents = (
        batch.get_column(PARENT_TEXT).fill_null("").to_list()
        if PARENT_TEXT in batch.columns
        else [""] * len(todo)
    )
    columns = []
    for scorer in scorers:
        if getattr(scorer, "needs_parent", False):
            out = check_output(scorer, scorer.score(todo, parents), len(todo))
        else:
            out = check_output(scorer, scorer.score(todo), len(todo))
        for col in scorer.columns:
            values = pl.Series(col, out[col])
            nulls = removed | is_root if col in getattr(scorer, "reply_columns", ()) else removed
            if nulls.any():
                values = pl.select(
                    pl.when(pl.Series(~nulls)).then(values).otherwise(None).alias(col)
                ).to_series()
            columns.append(values)
    return batch.with_columns(columns)


def annotate_frame(
    comments: DataFrame, scorers: Iterable[Any], *, batch_size: int = 16_384
) -> DataFrame:
    """Spark form of :func:`dynamics.text.annotate` over a comments DataFrame (lazy).

    Parameters
    ----------
    comments : pyspark.sql.DataFrame
        With ``text`` and ``parent_id``.
    scorers : iterable
        Registered scorer names or picklable :class:`~dynamics.text.Scorer` objects.
    batch_size : int, default 16384
        Rows per Arrow batch given to the scorers.

    Returns
    -------
    pyspark.sql.DataFrame
        ``comments`` with the score columns (replacing columns of the same name).
    """
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    key = tuple(scorers)
    resolved = _scorers(key)  # fails here, on the driver, for unknown names
    probe = score_batch(pl.DataFrame({"text": ["x"], "parent_id": ["p"]}), resolved)
    added = [c for c in probe.columns if c not in ("text", "parent_id")]
    base = comments.drop(*[c for c in added if c in comments.columns])
    names = base.columns
    if any(getattr(s, "needs_parent", False) for s in resolved):
        base = _with_parent_text(base)
    probe_schema = pa.schema(_arrow_fields(pa.schema([]), probe.select(added).to_arrow().schema))
    from pyspark.sql.types import StructField, StructType

    extra = [StructField(f.name, f.dataType, True) for f in from_arrow_schema(probe_schema).fields]
    kept = [f for f in base.schema.fields if f.name in names]
    schema = StructType([*kept, *extra])  # a new type: df.schema is shared

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        workers = _scorers(key)
        for batch in batches:
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            scored = score_batch(frame, workers).select([*names, *added])
            kept_schema = pa.schema([f for f in batch.schema if f.name in names])
            yield from (
                scored.to_arrow()
                .cast(pa.schema(_arrow_fields(kept_schema, probe_schema)))
                .to_batches()
            )

    base.sparkSession.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_size))
    return base.mapInArrow(run, schema)


def _arrow_fields(base: pa.Schema, added: pa.Schema) -> list[pa.Field]:
    """The batch's own fields, then the score fields with Spark's (not polars' large) strings."""
    import pyarrow as pa

    def plain(field: pa.Field) -> pa.Field:
        if pa.types.is_large_string(field.type):
            return field.with_type(pa.string())
        return field

    return [*base, *(plain(f) for f in added)]


def _with_parent_text(comments: DataFrame) -> DataFrame:
    """``comments`` with each comment's parent text (the in-memory rule: "" when none)."""
    from pyspark.sql import functions as F

    lookup = comments.select(
        F.col("comment_id").alias("_pid"), F.coalesce(F.col("text"), F.lit("")).alias(PARENT_TEXT)
    )
    joined = comments.join(lookup, comments["parent_id"] == lookup["_pid"], "left").drop("_pid")
    return joined.withColumn(PARENT_TEXT, F.coalesce(F.col(PARENT_TEXT), F.lit("")))
