"""Generic tables: CSV, TSV, JSON (array of records), JSON Lines, Parquet, and data frames.

Columns are mapped to the comments table by ``columns={"comment_id": "their_name", ...}`` or
guessed from common names (``id``, ``parent``, ``in_reply_to``, ``by``, ``user``, ``body``,
``timestamp``, ...). Only ``comment_id`` is required: without a parent column every comment is
top-level, without a thread column each top-level comment's tree is its own thread.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError, ReaderOptionError, few
from dynamics.io._base import ReadResult, json_objects, peek_text, strip_compression
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
    mapping = guess_columns(df.columns, columns)
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
        ``malformed_record`` (see :func:`read_delimited`).
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
        elif kind in {"csv", "tsv", "jsonl", "json"}:
            data, lossy = read_as_utf8(path, encoding)
            if kind == "jsonl":
                df = _read_jsonl(data, problems)
            elif kind == "json":
                df = _read_json(data, path)
            else:
                df = read_delimited(data, separator or ("\t" if kind == "tsv" else ","), problems)
            del data
        else:
            msg = f"unsupported table type {path.suffix!r}"
            raise InputFormatError(msg, path=path)
    n = df.height + problems.counts.get("malformed_record", 0)  # records skipped while parsing
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


def read_delimited(data: bytes, separator: str, problems: ProblemLog) -> pl.DataFrame:
    r"""CSV or TSV as strings. Where polars refuses the file (a record with more fields than
    the header, a quote left open), it is read again record by record, as polars reads it
    otherwise. Either way a **short record** (fewer fields than the header: a row cut
    short, or a separator missing) is kept, its missing fields null, and counted as
    ``short_record`` with the line it starts on; a record with more fields than the header
    is counted as ``malformed_record`` with its line and skipped (as a bad JSON line is);
    and a quote never closed (an odd number of quotes: a file cut short inside a text) is
    one ``malformed_record`` for the lines from its record to the end, the records before
    it kept.

    >>> log = ProblemLog()
    >>> read_delimited(b"id,body\n1,hi\n2,a,b\n3\n", ",", log).rows(), log.samples
    ([('1', 'hi'), ('3', None)], {'malformed_record': ['record 3'], 'short_record': ['record 4']})
    >>> log = ProblemLog()
    >>> read_delimited(b"id,body\n1,hi\n3\n", ",", log).rows(), log.samples
    ([('1', 'hi'), ('3', None)], {'short_record': ['record 3']})
    """
    try:
        frame = pl.read_csv(data, separator=separator, infer_schema=False)
    except pl.exceptions.ComputeError:
        pass
    else:
        # polars pads a short record with nulls without a word; a null in the last column is
        # the only sign of one, so only then are the records' fields counted
        if frame.width > 1 and frame.get_column(frame.columns[-1]).null_count():
            _count_short_records(data, separator, frame.width, problems, frame.height)
        return frame
    text = data.decode("utf-8-sig", errors="replace")
    unclosed = text.count('"') % 2 == 1  # the last record read swallowed the rest
    records = _records(text, separator)
    header = next(records, (0, 0, None))[2]
    if not header:
        return pl.DataFrame()
    columns: list[list[str | None]] = [[] for _ in header]
    starts: list[int] = []  # line each kept record starts on
    end = 1  # the last line read, for a quote never closed
    for start, end, record in records:  # noqa: B007
        if len(record) > len(header):
            problems.add(
                "malformed_record",
                record=start,
                message=(
                    f"has {len(record)} fields where the header has {len(header)} (a quote "
                    f"left open, or a separator other than {separator!r}: pass separator=SEP)"
                ),
            )
        elif record:  # a blank line is no record
            if len(record) < len(header):
                _short_record(problems, start, len(record), len(header), separator)
            for values, value in zip(columns, record, strict=False):
                values.append(value)
            for values in columns[len(record) :]:
                values.append(None)
            starts.append(start)
    if unclosed and starts:
        last = starts.pop()
        for values in columns:
            values.pop()
        problems.add(
            "malformed_record",
            record=last,
            message=(
                f"opens a quote that is never closed: lines {last:,} to {end:,} (the end) skipped"
            ),
        )
    return pl.DataFrame(
        [
            pl.Series(name, values, dtype=pl.String)
            for name, values in zip(_distinct(header), columns, strict=True)
        ]
    )


def _short_record(
    problems: ProblemLog, line: int, n_fields: int, n_header: int, separator: str
) -> None:
    """Count one record with fewer fields than the header (kept, missing fields null)."""
    problems.add(
        "short_record",
        record=line,
        message=(
            f"has {n_fields} field{'s' if n_fields != 1 else ''} where the header has "
            f"{n_header} (a row cut short, or a separator other than {separator!r}: pass "
            "separator=SEP)"
        ),
    )


def _count_short_records(
    data: bytes, separator: str, width: int, problems: ProblemLog, n_rows: int
) -> None:
    r"""Count the records of delimited ``data`` with fewer than ``width`` fields, each with
    the line it starts on, as the record-by-record reading of :func:`read_delimited` does.

    The fields are counted with numpy (:func:`_fields_per_record`); where that count of
    records disagrees with the ``n_rows`` polars read (a quote inside an unquoted field,
    which polars reads as a character), the records are read again with Python's ``csv``.

    >>> log = ProblemLog()
    >>> _count_short_records(b"a,b,c\n1,2,3\n\n4,\"x\ny\"\n5,,\n", ",", 3, log, 3)
    >>> log.counts, log.samples
    ({'short_record': 1}, {'short_record': ['record 4']})
    """
    found = _fields_per_record(data, separator)
    if found is not None and found[0].size == n_rows:
        fields, lines = found
        for line, n in zip(
            lines[fields < width].tolist(), fields[fields < width].tolist(), strict=True
        ):
            _short_record(problems, line, n, width, separator)
        return
    records = _records(data.decode("utf-8-sig", errors="replace"), separator)
    next(records, None)  # the header
    for start, _, record in records:
        if record and len(record) < width:  # a blank line is no record
            _short_record(problems, start, len(record), width, separator)


def _records(text: str, separator: str) -> Iterator[tuple[int, int, list[str]]]:
    r"""The records of delimited ``text`` read by Python's ``csv``, each with the lines it
    starts and ends on (a quoted field may span lines; a blank line is an empty record).

    >>> list(_records('a,b\n1,"x\ny"\n\n2\n', ","))
    [(1, 1, ['a', 'b']), (2, 3, ['1', 'x\ny']), (4, 4, []), (5, 5, ['2'])]
    """
    import csv

    reader = csv.reader(io.StringIO(text), delimiter=separator)
    start = 1
    for record in reader:
        yield start, reader.line_num, record
        start = reader.line_num + 1


def _fields_per_record(data: bytes, separator: str) -> tuple[np.ndarray, np.ndarray] | None:
    r"""The number of fields of each record after the header, and the line each starts on,
    counting separators and line ends outside double quotes (RFC 4180: a quoted field's
    doubled quotes leave it quoted); blank lines are no record. None for a separator that is
    not one byte.

    >>> fields, lines = _fields_per_record(b'a,b\r\n1,"x,\n""y"\n\n2\n3,4', ",")
    >>> fields.tolist(), lines.tolist()
    ([2, 1, 2], [2, 5, 6])
    """
    sep = separator.encode()
    if len(sep) != 1:
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    newlines = np.flatnonzero(raw == ord("\n"))
    seps = np.flatnonzero(raw == sep[0])

    def outside(positions: np.ndarray) -> np.ndarray:
        # a position is inside quotes when an odd number of quotes come before it
        return positions[np.searchsorted(quotes, positions) % 2 == 0]

    ends = outside(newlines)
    if ends.size == 0 or ends[-1] != raw.size - 1:
        ends = np.append(ends, raw.size)  # the last record has no line end
    starts = np.concatenate(([0], ends[:-1] + 1))
    n_seps = np.diff(np.concatenate(([0], np.searchsorted(outside(seps), ends))))
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (raw[np.minimum(starts, raw.size - 1)] == 13))
    lines = np.searchsorted(newlines, starts) + 1
    keep = np.flatnonzero(~blank)[1:]  # the header is no record
    return n_seps[keep] + 1, lines[keep]


def _distinct(names: list[str]) -> list[str]:
    """Column names made distinct as polars makes them (``a``, ``a_duplicated_0``, ...).

    >>> _distinct(["a", "b", "a", "a"])
    ['a', 'b', 'a_duplicated_0', 'a_duplicated_1']
    """
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            out.append(f"{name}_duplicated_{seen[name]}")
            seen[name] += 1
        else:
            out.append(name)
            seen[name] = 0
    return out


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
