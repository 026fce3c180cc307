"""Generic tables: CSV, TSV, JSON (array of records), JSON Lines, Parquet, and data frames.

Columns are mapped to the comments table by ``columns={"comment_id": "their_name", ...}`` or
guessed from common names (``id``, ``parent``, ``in_reply_to``, ``by``, ``user``, ``body``,
``timestamp``, ...). Only ``comment_id`` is required: without a parent column every comment is
top-level, without a thread column each top-level comment's tree is its own thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError
from dynamics.io._base import ReadResult, iter_json_lines, open_binary, peek_text, strip_compression

__all__ = ["GUESSES", "detect", "guess_columns", "name", "read", "read_frame"]

name = "tabular"

#: Candidate source names for each contract column, in order of preference (case-insensitive).
GUESSES: dict[str, tuple[str, ...]] = {
    "comment_id": (
        "comment_id",
        "id",
        "commentid",
        "utterance_id",
        "cid",
        "post_id",
        "message_id",
        "tweet_id",
        "uid",
    ),
    "parent_id": (
        "parent_id",
        "parent",
        "parentid",
        "in_reply_to",
        "in_reply_to_id",
        "in_reply_to_status_id",
        "reply_to",
        "reply-to",
        "replyto",
        "parent_comment_id",
    ),
    "thread_id": (
        "thread_id",
        "thread",
        "link_id",
        "conversation_id",
        "conversation",
        "story_id",
        "submission_id",
        "root_id",
        "discussion_id",
        "article_id",
    ),
    "author": (
        "author",
        "user",
        "username",
        "user_name",
        "by",
        "speaker",
        "screen_name",
        "author_name",
        "user_id",
        "author_id",
        "name",
    ),
    "text": ("text", "body", "content", "comment", "message", "comment_text", "selftext"),
    "created_at": (
        "created_at",
        "created_utc",
        "created",
        "timestamp",
        "time",
        "date",
        "datetime",
        "posted_at",
        "published",
        "utc",
    ),
}

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def _kind(path: Path) -> str | None:
    return _SUFFIXES.get(Path(strip_compression(path)).suffix)


def detect(path: Path) -> bool:
    """True for files whose extension is a table format this reader handles."""
    return path.is_file() and _kind(path) is not None


def guess_columns(available: list[str], columns: dict[str, str] | None = None) -> dict[str, str]:
    """Map contract columns to ``available`` source columns.

    Explicit ``columns`` (contract name -> source name) win; the rest are guessed from
    :data:`GUESSES`. Source columns are used at most once.

    Examples
    --------
    >>> guess_columns(["id", "parent", "by", "body", "time"])
    {'comment_id': 'id', 'parent_id': 'parent', 'author': 'by', 'text': 'body', 'created_at': 'time'}
    """
    mapping = dict(columns or {})
    for target, source in mapping.items():
        if target not in GUESSES:
            msg = f"The 'columns' parameter of load maps contract columns {list(GUESSES)}; got key {target!r}."
            raise ValueError(msg)
        if source not in available:
            msg = f"column {source!r} (given for {target!r}) is not in the table; columns are {available}"
            raise InputFormatError(msg)
    used = set(mapping.values())
    lower = {c.lower(): c for c in available}
    for target, candidates in GUESSES.items():
        if target in mapping:
            continue
        for cand in candidates:
            col = lower.get(cand)
            if col is not None and col not in used:
                mapping[target] = col
                used.add(col)
                break
    return {t: mapping[t] for t in GUESSES if t in mapping}


def read_frame(
    frame: Any,
    *,
    columns: dict[str, str] | None = None,
    strict: bool = False,
    path: Path | None = None,
    fmt: str = "frame",
    problems: ProblemLog | None = None,
    n_records: int | None = None,
    **_: Any,
) -> ReadResult:
    """Read a pandas or polars data frame (see :func:`guess_columns` for the mapping)."""
    df = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    problems = problems or ProblemLog(path=path, strict=strict)
    from dynamics.io._table_layouts import read_fullnames, read_turns

    df, columns = read_turns(df, columns, problems, path=path)
    df, columns = read_fullnames(df, guess_columns(df.columns, columns), problems)
    mapping = guess_columns(df.columns, columns)
    if "comment_id" not in mapping:
        msg = (
            f"has no id column (looked for {', '.join(GUESSES['comment_id'][:6])}, ...); "
            f"columns are {df.columns}; pass columns={{'comment_id': ...}}"
        )
        raise InputFormatError(msg, path=path, field="comment_id")
    renamed = df.rename({src: dst for dst, src in mapping.items()})
    # ids may be numbers in the source: compare them as strings
    for col in ("comment_id", "parent_id", "thread_id"):
        if col in renamed.columns and renamed.schema[col] != pl.String:
            renamed = renamed.with_columns(_id_to_string(renamed.get_column(col)))
    if "parent_id" in renamed.columns:
        # "no parent" spelled as a value; "0" only when no comment has the id "0"
        none = ["", "nan", "None", "null", "NULL"]
        if not (renamed.get_column("comment_id") == "0").any():
            none.append("0")
        renamed = renamed.with_columns(
            pl.when(pl.col("parent_id").str.strip_chars().is_in(none))
            .then(None)
            .otherwise(pl.col("parent_id"))
            .alias("parent_id")
        )
    if "author" in renamed.columns and renamed.schema["author"] != pl.String:
        renamed = renamed.with_columns(pl.col("author").cast(pl.String))
    if "text" in renamed.columns:
        renamed = renamed.with_columns(pl.col("text").cast(pl.String))
    # undecodable bytes became U+FFFD (lossy CSV read); the careful JSON path counted its own
    if not problems.counts.get("non_utf8_text"):
        text_cols = [c for c in ("author", "text") if c in renamed.columns]
        if text_cols:
            bad = renamed.select(
                pl.any_horizontal(
                    pl.col(c).str.contains("\ufffd", literal=True) for c in text_cols
                ).fill_null(value=False)
            ).to_series()
            if bad.any():
                problems.add_many(
                    "non_utf8_text",
                    renamed.get_column("comment_id").filter(bad).head(10).to_list(),
                    total=int(bad.sum()),
                )
    return ReadResult(
        renamed, None, problems, fmt, n_records if n_records is not None else df.height
    )


def _id_to_string(s: pl.Series) -> pl.Series:
    if s.dtype.is_float():
        # 1.0 -> "1": ids read as floats because of nulls
        whole = (s == s.floor()).fill_null(value=True).all()
        if whole:
            return s.cast(pl.Int64).cast(pl.String)
    return s.cast(pl.String)


def read(
    path: Path,
    *,
    columns: dict[str, str] | None = None,
    strict: bool = False,
    progress: bool | None = None,
    separator: str | None = None,
    **_: Any,
) -> ReadResult:
    """Read a CSV, TSV, JSON, JSON Lines or Parquet table.

    Parameters
    ----------
    path : Path
    columns : dict, optional
        Contract column -> source column; unmapped ones are guessed.
    strict : bool, default False
    progress : bool or None
    separator : str, optional
        Field separator for delimited text (default: ``,`` for .csv, tab for .tsv).
    """
    kind = _kind(path)
    problems = ProblemLog(path=path, strict=strict)
    size = path.stat().st_size
    with progress_bar(f"reading {path.name}", None, enabled=progress, size=size):
        if kind in {"csv", "tsv"}:
            df = _read_delimited(path, separator or ("\t" if kind == "tsv" else ","))
        elif kind == "parquet":
            df = pl.read_parquet(path)
        elif kind == "jsonl":
            df = _read_jsonl(path, problems)
        elif kind == "json":
            df = _read_json(path)
        else:
            msg = f"unsupported table type {path.suffix!r}"
            raise InputFormatError(msg, path=path)
    n = df.height + problems.counts.get("malformed_record", 0)  # records skipped while parsing
    return read_frame(
        df,
        columns=columns,
        strict=strict,
        path=path,
        fmt=kind or name,
        problems=problems,
        n_records=n,
    )


def _read_delimited(path: Path, sep: str) -> pl.DataFrame:
    with open_binary(path) as fh:
        data = fh.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return pl.read_csv(data, separator=sep, infer_schema=False)
    # read with replacement characters; read_frame counts the rows that hold them
    return pl.read_csv(data, separator=sep, infer_schema=False, encoding="utf8-lossy")


def _read_jsonl(path: Path, problems: ProblemLog) -> pl.DataFrame:
    try:
        with open_binary(path) as fh:
            return pl.read_ndjson(fh.read(), infer_schema_length=None)
    except pl.exceptions.PolarsError:
        pass
    # careful path: count malformed lines and bad bytes, keep the rest
    rows = [obj for _, obj in iter_json_lines(path, problems)]
    return pl.from_dicts(rows, infer_schema_length=None) if rows else pl.DataFrame()


def _read_json(path: Path) -> pl.DataFrame:
    import orjson

    with open_binary(path) as fh:
        raw = fh.read()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        msg = f"is not valid JSON ({exc})"
        raise InputFormatError(msg, path=path) from exc
    if isinstance(data, dict):
        # {"comments": [...]} or {"data": [...]}: the first list of records
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if not lists:
            msg = "holds no list of records"
            raise InputFormatError(msg, path=path)
        data = lists[0]
    if not isinstance(data, list):
        msg = "is not a list of records"
        raise InputFormatError(msg, path=path)
    return pl.from_dicts(data, infer_schema_length=None)


def peek_is_table(path: Path) -> bool:
    """True when ``path`` begins like JSON records or delimited text (helper for detection)."""
    head = peek_text(path, 4096).lstrip()
    return head.startswith(("{", "[")) or "," in head.split("\n", 1)[0]
