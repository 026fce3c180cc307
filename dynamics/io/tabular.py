"""Generic tables: CSV, TSV, JSON (array of records), JSON Lines, Parquet, and data frames.

Columns are mapped to the comments table by ``columns={"comment_id": "their_name", ...}`` or
guessed from common names (``id``, ``parent``, ``in_reply_to``, ``by``, ``user``, ``body``,
``timestamp``, ...). Only ``comment_id`` is required: without a parent column every comment is
top-level, without a thread column each top-level comment's tree is its own thread.

What is counted (nothing is dropped without a word)
    In CSV, TSV and JSON Lines files a record is named by the line it starts on
    (``record 5``), whatever blank lines or texts over several lines come before it: a line
    that does not parse, a CSV / TSV record with more fields than the header
    (``malformed_record``, skipped), one with fewer (``short_record``, kept), a record
    without an id (``missing_field``, skipped). A quote never closed swallows every line from
    its record to the end of the file: each of those lines that is not blank counts as a
    ``malformed_record``, the sample names them (``lines 3 to 6 (the end)``), and so the
    loss weighs in the report's doubt about the format or the file
    (:meth:`~dynamics.IngestReport.format_doubt`). A blank line is no record. Rows of a data
    frame or a Parquet file are named by the checks, by their row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError, ReaderOptionError, few
from dynamics.io._base import ReadResult, json_objects, peek_text, strip_compression
from dynamics.io._delimited import delimited_records, read_delimited, swallowed_end
from dynamics.io._encoding import check_encoding, count_replaced_rows, read_as_utf8

__all__ = ["GUESSES", "detect", "guess_columns", "name", "read", "read_delimited", "read_frame"]

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
        "user_text",
        "user_login",
        "login",
        "nickname",
        "handle",
        "poster",
        "commenter",
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
            msg = (
                f"is mapped to column {source!r}, which is not in the table; "
                f"columns are {few(available)}"
            )
            raise InputFormatError(msg, field=target)
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
    lines = df.get_column(_LINE) if _LINE in df.columns else None
    df = df.drop(_LINE, strict=False)
    mapping = guess_columns(df.columns, columns)
    if lines is not None and "comment_id" in mapping:
        df = _drop_rows_without_id(df, lines, mapping["comment_id"], problems)
    if "comment_id" not in mapping:
        msg = (
            f"not found: no id column (looked for {', '.join(GUESSES['comment_id'][:4])}, ...); "
            f"columns are {few(df.columns)}; pass columns={{'comment_id': ...}} "
            "or format= another reader"
        )
        # one column whose name holds another separator: the table was split on the wrong one
        glued = next(
            (sep for sep in (";", "\t", "|") if df.width == 1 and sep in df.columns[0]), None
        )
        if glued is not None:
            msg = f"{msg}; the one column's name holds {glued!r}: pass separator={glued!r}"
        # a column of lists of objects is likely a thread's turns (ToxiChat's reddit_thread)
        turns = next(
            (
                c
                for c, t in df.schema.items()
                if isinstance(t, pl.List) and isinstance(t.inner, pl.Struct)
            ),
            None,
        )
        if turns is not None:
            msg = (
                f"not found: no id column, and column {turns!r} holds lists of objects: if "
                "each list is a thread's turns (as ToxiChat's), pass columns={'turns': ...} "
                f"naming it; else map the id with columns={{'comment_id': ...}}"
            )
        raise InputFormatError(msg, path=path, field="comment_id")
    if "author" not in mapping and df.height:
        # said in the report and the warning, never raised: a table may lack authors by design
        problems.counts["no_author_column"] = df.height
    problems.source_fields.update(mapping)
    renamed = df.rename({src: dst for dst, src in mapping.items()})
    # ids may be numbers in the source: compare them as strings
    for col in ("comment_id", "parent_id", "thread_id", "author", "text"):
        if col in renamed.columns and renamed.schema[col] != pl.String:
            renamed = renamed.with_columns(_as_text(renamed.get_column(col), mapping[col], path))
    renamed = _whole_number_ids(renamed, problems)  # before "0.0" is read as "no parent"
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
    return ReadResult(
        renamed, None, problems, fmt, n_records if n_records is not None else df.height
    )


#: An id written as a float: digits then ".0" (a column of integers with gaps, saved by pandas).
_FLOAT_TEXT = r"^-?\d+\.0$"


def _whole_number_ids(frame: pl.DataFrame, problems: ProblemLog) -> pl.DataFrame:
    """Parent and thread ids written as floats ("31131874347.0") where the comment ids are
    whole numbers ("31131874347") read as those numbers, and counted (``float_ids``).

    A column of integer ids with gaps (top-level comments have no parent) becomes float in
    pandas, and a CSV written from it says "3.0": every reply was an orphan.

    >>> log = ProblemLog()
    >>> t = pl.DataFrame({"comment_id": ["1", "2"], "parent_id": [None, "1.0"],
    ...                   "thread_id": ["7.0", "7.0"]})
    >>> _whole_number_ids(t, log).rows(), log.counts
    ([('1', None, '7'), ('2', '1', '7')], {'float_ids': 3})
    """
    ids = frame.get_column("comment_id")
    if ids.null_count() == ids.len() or not ids.drop_nulls().str.contains(r"^-?\d+$").all():
        return frame
    fixed = 0
    for col in ("parent_id", "thread_id"):
        if col not in frame.columns:
            continue
        values = frame.get_column(col).drop_nulls()
        if values.len() and values.str.contains(_FLOAT_TEXT).all():
            fixed += values.len()
            frame = frame.with_columns(pl.col(col).str.strip_suffix(".0"))
    if fixed:
        problems.add("float_ids", count=fixed)
    return frame


def _as_text(s: pl.Series, source: str, path: Path | None) -> pl.Series:
    """Ids, authors and text as strings; a column of lists or structs is refused by name."""
    if isinstance(s.dtype, pl.List | pl.Array | pl.Struct | pl.Object):
        target = s.name
        msg = (
            f"is column {source!r}, which holds {s.dtype.base_type()} values, not one value "
            f"per row; map another column with columns={{'{target}': ...}}"
        )
        raise InputFormatError(msg, path=path, record=1, field=target)
    return _id_to_string(s) if s.name.endswith("_id") else s.cast(pl.String)


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
    encoding: str = "utf-8",
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
        Field separator for delimited text (default: ``,`` for .csv, tab for .tsv). A row
        with fewer fields than the header is kept, its missing fields null, and counted as
        ``short_record`` with its line; a row with more is skipped and counted as
        ``malformed_record``, and so is each line that a quote never closed swallowed (the
        report's sample names them: ``"lines 3 to 6 (the end)"``; see
        :func:`read_delimited`).
    encoding : str, default "utf-8"
        Text encoding of CSV, TSV, JSON and JSON Lines files (e.g. ``"cp1252"``); bytes it
        cannot decode become U+FFFD and their rows are counted as ``non_utf8_text``.
    """
    kind = _kind(path)
    problems = ProblemLog(path=path, strict=strict)
    size = path.stat().st_size
    if kind == "parquet" and check_encoding(encoding) != "utf-8":
        msg = "encoding= applies to text files; Parquet strings are UTF-8 already"
        raise ReaderOptionError(msg)
    with progress_bar(f"reading {path.name}", None, enabled=progress, size=size):
        if kind == "parquet":
            df, lossy = pl.read_parquet(path), False
            n = df.height
        elif kind in {"csv", "tsv", "jsonl", "json"}:
            data, lossy = read_as_utf8(path, encoding)
            separator = separator or ("\t" if kind == "tsv" else ",")
            if kind == "jsonl":
                df = _read_jsonl(data, problems)
            elif kind == "json":
                df = _read_json(data, path)
            else:
                df = read_delimited(data, separator, problems)
            # records skipped while parsing count as read
            n = df.height + problems.counts.get("malformed_record", 0)
            if kind != "json" and not (columns and "turns" in columns):
                df = _with_record_lines(df, data, kind, separator, columns)
            del data
        else:
            msg = f"unsupported table type {path.suffix!r}"
            raise InputFormatError(msg, path=path)
    result = read_frame(
        df,
        columns=columns,
        strict=strict,
        path=path,
        fmt=kind or name,
        problems=problems,
        n_records=n,
    )
    if lossy:
        count_replaced_rows(result.comments, problems, encoding)
    return result


#: A column holding the line each row of a text table starts on, while it is read.
_LINE = "__record_line"


def _with_record_lines(
    df: pl.DataFrame, data: bytes, kind: str, separator: str, columns: dict[str, str] | None
) -> pl.DataFrame:
    r"""``df`` with the line each row starts on (column :data:`_LINE`), when a row has no
    id, so that :func:`read_frame` can name that line; ``df`` as it is otherwise.

    Done here, where the file's lines are known: the checks after reading can only number
    the rows they see (the second row is not line 2 when a blank line, the header or a text
    over several lines comes before it). Without an id column, or when the lines cannot be
    matched with the rows, the table is left as it is.

    >>> data = b'{"id": "1"}\n\n{"text": "b"}\n'
    >>> _with_record_lines(pl.read_ndjson(data), data, "jsonl", ",", None)[_LINE].to_list()
    [1, 3]
    """
    source = _id_column(df.columns, columns)
    if source is None or not _no_id(df.get_column(source)).any():
        return df
    lines = _row_lines(data, kind, separator, df.height)
    if lines is None:  # the lines cannot be told apart: the checks count the rows instead
        return df
    return df.with_columns(pl.Series(_LINE, lines, dtype=pl.Int64))


def _no_id(ids: pl.Series) -> pl.Series:
    """Where ``ids`` holds no id: null, or an empty string (as the checks see it)."""
    return (
        (ids.is_null() | (ids == "")).fill_null(value=True)
        if ids.dtype == pl.String
        else ids.is_null()
    )


def _drop_rows_without_id(
    df: pl.DataFrame, lines: pl.Series, source: str, problems: ProblemLog
) -> pl.DataFrame:
    """The rows of ``df`` that have an id in column ``source``; the others are counted as
    ``missing_field`` with the line of the file they start on (``"record 3"``, as malformed
    lines are named) and skipped.

    >>> log = ProblemLog()
    >>> df = pl.DataFrame({"id": ["1", None, ""]})
    >>> _drop_rows_without_id(df, pl.Series([2, 4, 5]), "id", log).height, log.samples
    (1, {'missing_field': ['record 4', 'record 5']})
    """
    missing = _no_id(df.get_column(source))
    if not missing.any():
        return df
    where = lines.filter(missing)
    problems.source_fields.setdefault("comment_id", source)
    problems.add_many(
        "missing_field", [f"record {n}" for n in where.head(10).to_list()], total=where.len()
    )
    return df.filter(~missing)


def _id_column(available: list[str], columns: dict[str, str] | None) -> str | None:
    """The source column that :func:`guess_columns` would map to ``comment_id``."""
    named = (columns or {}).get("comment_id")
    if named is not None:
        return named if named in available else None
    lower = {c.lower(): c for c in available}
    return next((lower[c] for c in GUESSES["comment_id"] if c in lower), None)


def _row_lines(data: bytes, kind: str, separator: str, n_rows: int) -> list[int] | None:
    r"""The line of ``data`` each of the ``n_rows`` rows read from it starts on; None when
    the records found do not match the rows (then the lines are not known).

    JSON Lines: the lines holding a JSON object (blank and malformed lines give no row).
    CSV / TSV: the records that are not blank, as :func:`read_delimited` keeps them.

    >>> _row_lines(b'{"a": 1}\n\nnot json\n{"a": 2}\n', "jsonl", ",", 2)
    [1, 4]
    >>> _row_lines(b'id,t\n1,"x\ny"\n\n2,z\n', "csv", ",", 2)
    [2, 5]
    """
    if kind == "jsonl":
        found = [n for n, _ in json_objects(data.splitlines(), 1, ProblemLog())]
    else:
        text = data.decode("utf-8-sig", errors="replace")
        swallowed = swallowed_end(text)
        records = delimited_records(text, separator)
        header = next(records, (0, 0, []))[2]
        found = [
            start
            for start, end, record in records
            if record
            and len(record) <= len(header)
            and end != swallowed  # not swallowed by a quote never closed
        ]
    return found if len(found) == n_rows else None


def _read_jsonl(data: bytes, problems: ProblemLog) -> pl.DataFrame:
    try:
        return pl.read_ndjson(data, infer_schema_length=None)
    except pl.exceptions.PolarsError:
        pass
    # careful path: count malformed lines and bad bytes, keep the rest
    rows = [obj for _, obj in json_objects(data.splitlines(), 1, problems)]
    return pl.from_dicts(rows, infer_schema_length=None) if rows else pl.DataFrame()


def _read_json(raw: bytes, path: Path) -> pl.DataFrame:
    import orjson

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
