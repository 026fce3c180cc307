"""Threads stored as ordered lists of turns, with no parent ids (ToxiChat's ``reddit_thread``).

Some datasets keep each thread as one record whose list column holds the turns in order, each
turn an object with its text and labels and no id of its own or of its parent. ToxiChat
(Baheti et al. 2021, https://github.com/abaheti95/ToxiChat) is one: ``{"reddit_thread":
[{"turn_id": 1, "text": ...}, {"turn_id": 2, ...}], "final_dgpt_response": {...}}``, where
turn 1 is the post and each later turn replies to the one before.

``columns={"turns": "<list column>"}`` reads such a table: every turn becomes a comment whose
parent is the turn before it, flagged ``inferred`` with the rule ``"chain_order"`` in
``inference`` (the source gives the order, not the reply links). Ids are
``<thread>-<turn>``: the thread is the record's mapped ``thread_id`` column when it has one,
else its 1-based record number; the turn is the turn's ``turn_id`` (or ``id``) when present,
else its 1-based position. The turn objects' fields become columns (their ``text``,
``author``, ... are guessed as for any table); the record's other columns are kept as extras
when they hold one plain value per record, and left out when they are nested (ToxiChat's
``final_dgpt_response`` / ``final_gpt3_response`` are machine-generated replies, not people's
comments, and are never read as turns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog
from dynamics.errors import InputFormatError

__all__ = ["RULE", "read_turns"]

#: The ``inference`` value of replies inferred from turn order.
RULE = "chain_order"


def read_turns(
    df: pl.DataFrame,
    columns: dict[str, str] | None,
    problems: ProblemLog,
    *,
    path: Path | None = None,
) -> tuple[pl.DataFrame, dict[str, str] | None]:
    """Explode a list-of-turns column into one row per turn, each replying to the one before.

    Parameters
    ----------
    df : polars.DataFrame
        One row per thread.
    columns : dict or None
        The caller's mapping; its ``"turns"`` entry names the list column (nothing happens
        without one).
    problems : ProblemLog
        Receives the rule as the ``inferred_reply`` policy.
    path : Path, optional
        The file, for messages.

    Returns
    -------
    (polars.DataFrame, dict or None)
        One row per turn, with ``comment_id``, ``parent_id``, ``thread_id``, ``inferred`` and
        ``inference`` columns, and the mapping to use for the rest.

    Raises
    ------
    InputFormatError
        The named column is missing or does not hold lists of objects.

    Examples
    --------
    >>> df = pl.DataFrame({"turns": [[{"text": "post"}, {"text": "reply"}]]})
    >>> out, cols = read_turns(df, {"turns": "turns"}, ProblemLog())
    >>> out.select("comment_id", "parent_id", "inference").rows()
    [('1-1', None, None), ('1-2', '1-1', 'chain_order')]
    """
    if not columns or "turns" not in columns:
        return df, columns
    columns = dict(columns)
    source = columns.pop("turns")
    if source not in df.columns:
        shown = ", ".join(df.columns[:6]) + (", ..." if df.width > 6 else "")
        msg = f"is mapped to column {source!r}, which is not in the table; columns are {shown}"
        raise InputFormatError(msg, path=path, field="turns")
    dtype = df.schema[source]
    if not (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        msg = (
            f"is column {source!r}, which holds {dtype}, not lists of turn objects; "
            "columns={'turns': ...} names a column whose value is the list of a thread's turns"
        )
        raise InputFormatError(msg, path=path, record=1, field="turns")
    thread_src = columns.pop("thread_id", None)
    if thread_src is not None and thread_src not in df.columns:
        thread_src = None
    plain = [
        c for c in df.columns if c not in (source, thread_src) and not df.schema[c].is_nested()
    ]
    thread = (
        pl.col(thread_src).cast(pl.String)
        if thread_src is not None
        else pl.int_range(1, pl.len() + 1).cast(pl.String)
    )
    _count_missing_turns(df.get_column(source), problems, source)
    rows = (
        df.select(thread.alias("thread_id"), *plain, pl.col(source).alias("__turn"))
        .with_columns(pl.col("__turn").list.len().alias("__n"))
        .explode("__turn")
        .filter(pl.col("__turn").is_not_null())
    )
    fields = [f.name for f in dtype.inner.fields]  # type: ignore[union-attr]
    clash = [f for f in fields if f in rows.columns]
    rows = rows.with_columns(
        pl.col("__turn").struct.rename_fields([f"turn_{f}" if f in clash else f for f in fields])
    ).unnest("__turn")
    position = pl.int_range(1, pl.len() + 1).over("thread_id").cast(pl.String)
    key = next((f for f in ("turn_id", "id") if f in rows.columns), None)
    turn = pl.coalesce(pl.col(key).cast(pl.String), position) if key is not None else position
    rows = rows.with_columns((pl.col("thread_id") + "-" + turn).alias("comment_id"))
    previous = pl.col("comment_id").shift(1).over("thread_id")
    first = pl.int_range(0, pl.len()).over("thread_id") == 0
    rows = rows.with_columns(
        pl.when(first).then(None).otherwise(previous).alias("parent_id"),
        (~first).alias("inferred"),
        pl.when(first).then(None).otherwise(pl.lit(RULE)).alias("inference"),
    ).drop("__n")
    if key == "id":
        rows = rows.rename({"id": "turn_id"})
    problems.policies["inferred_reply"] = (
        f"flagged `inferred`: each turn of {source!r} read as a reply to the turn before it "
        f"(rule {RULE!r})"
    )
    for target in ("comment_id", "parent_id", "thread_id"):
        columns[target] = target
    return rows, columns


def _count_missing_turns(turns: pl.Series, problems: ProblemLog, source: str) -> None:
    """Count the threads whose list of turns is null or empty (skipped: no comment comes of
    them) as ``missing_field``, and the null turns inside a list as ``malformed_record``, so
    that no thread vanishes uncounted.

    >>> log = ProblemLog()
    >>> _count_missing_turns(pl.Series([[{"t": "a"}], [], None, [{"t": "b"}, None]]), log, "turns")
    >>> log.counts, log.samples["missing_field"]
    ({'missing_field': 2, 'malformed_record': 1}, ['record 2', 'record 3'])
    """
    empty = (turns.is_null() | (turns.list.len() == 0)).fill_null(value=True)
    for row in np.flatnonzero(empty.to_numpy()).tolist():
        problems.add(
            "missing_field",
            record=row + 1,
            field=source,
            message=f"holds no turns (the thread's list {source!r} is empty or null)",
        )
    null_turns = turns.list.eval(pl.element().is_null().sum()).list.first().fill_null(0)
    for row in np.flatnonzero(null_turns.to_numpy() > 0).tolist():
        problems.add(
            "malformed_record",
            record=row + 1,
            field=source,
            message="holds a null turn, skipped",
            count=int(null_turns[row]),
        )
