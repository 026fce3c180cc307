"""Reddit dumps: Pushshift / Arctic-Shift NDJSON of comments and submissions.

One JSON object per line, plain or compressed (``.gz``, ``.zst``: the monthly Pushshift and
Arctic-Shift dumps are zstandard with a long window). Comments and submissions may be mixed in
one file. The field layout is Reddit's own (https://www.reddit.com/dev/api, "comment" and
"link" things) as archived by Pushshift (Baumgartner et al. 2020, "The Pushshift Reddit
Dataset", https://doi.org/10.1609/icwsm.v14i1.7347) and Arctic Shift
(https://github.com/ArthurHeitmann/arctic_shift):

* a **comment** has ``id``, ``parent_id`` (``t1_<comment id>`` for a reply to a comment,
  ``t3_<post id>`` for a top-level comment), ``link_id`` (``t3_<post id>``), ``author``,
  ``body``, ``created_utc`` (epoch seconds, an int or a string of digits), ``edited``
  (``false``, or the epoch seconds of the last edit), ``score`` and ``subreddit``;
* a **submission** has ``id``, ``title``, ``selftext``, ``author``, ``created_utc``,
  ``permalink`` / ``url``, ``num_comments``, ``score``, ``subreddit``, and no ``parent_id``
  or ``body``.

Comments become the comments table with bare ids (``t1_k3x9`` -> ``k3x9``): ``parent_id`` is
the bare parent comment id, or null for a top-level comment; ``thread_id`` is the bare post
id (from ``link_id``, else a ``t3_`` parent, else the ``permalink``
``/r/<sub>/comments/<post>/...``, so PRAW exports without ``link_id`` read too, else the
thread of the reply's top-level ancestor, filled in by the checks). "Continue this
thread" stubs (id ``_``, as PRAW writes ``MoreComments``) are dropped and counted as
``unfetched_replies``. ``score`` and ``subreddit`` are kept as extra columns, and ``edited`` as
``edited_at`` (UTC time of the last edit; null when not edited, or when the dump says only
``true``, as some old comments do). Submissions become the threads table. Every other field is ignored.

Speed: the file is parsed by polars in blocks of about 16 MB, each in one lazy query
(``scan_ndjson`` with a schema naming only the fields above, the ids split and the comment and
submission columns derived in the same plan), so memory stays bounded for dumps larger than RAM.
The Spark ingest parses its blocks with the same function (:func:`parse_block`). A block
that polars rejects (a malformed line, bytes that are not UTF-8) or that holds a record
missing a required field is parsed again line by line, which counts each problem with its
line number and keeps the rest; the other blocks stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.io._base import ReadResult, json_objects, open_binary, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8

__all__ = ["check_encoding", "detect", "name", "read"]

name = "reddit"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "Pushshift and Arctic-Shift dumps are UTF-8 JSON Lines, as RFC 8259 has JSON"

#: The fields read from each line (polars skips every other field when a schema is given).
_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "parent_id": pl.String(),
    "link_id": pl.String(),
    "author": pl.String(),
    "body": pl.String(),
    "created_utc": pl.String(),
    "edited": pl.String(),
    "score": pl.Int64(),
    "subreddit": pl.String(),
    "title": pl.String(),
    "selftext": pl.String(),
    "permalink": pl.String(),
    "url": pl.String(),
    "num_comments": pl.Int64(),
}
_INT_FIELDS = frozenset({"score", "num_comments"})
_BLOCK_BYTES = 16 * 2**20
#: Bytes compared at a time when counting lines (:func:`count_lines`).
_COUNT_STEP = 2**18
_PREFIXES = [f"t{digit}_" for digit in range(10)]
#: The post id in a comment's permalink (``/r/sub/comments/<post>/...``).
_POST_IN_PERMALINK = r"/comments/([0-9A-Za-z]+)/"
_FULLNAME = re.compile(r'"(?:parent_id|link_id)"\s*:\s*"t[13]_')
_SUBMISSION_KEYS = re.compile(r'"(?:selftext|num_comments)"\s*:')
#: Keys under which scrapes nest a post's comments: such files are the nested reader's.
_NESTED_KEYS = ("comments", "replies", "children")


def detect(path: Path) -> bool:
    """True for NDJSON whose first object is a Reddit comment or submission.

    A comment has ``parent_id`` or ``link_id`` with a ``t1_``/``t3_`` prefix; a submission has
    ``subreddit`` and ``selftext`` or ``num_comments``. A post that carries its comment tree
    (``comments``, ``replies`` or ``children`` holding objects) is left to the nested reader.
    Only the first 64 KiB are read.
    """
    if not path.is_file():
        return False
    head = peek_text(path).lstrip()
    if not head.startswith("{"):
        return False
    first = head.split("\n", 1)[0]
    import orjson

    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        # a first line longer than the peek: look at its beginning
        return bool(_FULLNAME.search(first)) or (
            '"subreddit"' in first and bool(_SUBMISSION_KEYS.search(first))
        )
    if not isinstance(obj, dict) or any(_holds_objects(obj.get(k)) for k in _NESTED_KEYS):
        return False
    for key in ("parent_id", "link_id"):
        value = obj.get(key)
        if isinstance(value, str) and value.startswith(("t1_", "t3_")):
            return True
    return "subreddit" in obj and ("selftext" in obj or "num_comments" in obj)


def _holds_objects(value: Any) -> bool:
    """True for a non-empty list or dict that holds JSON objects (a nested comment tree)."""
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def check_encoding(encoding: str) -> None:
    """Refuse an ``encoding`` other than UTF-8, saying why (:func:`read`, and the Spark ingest,
    which parses the dumps block by block without calling it)."""
    require_utf8(encoding, name, _UTF8_WHY)


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read a Pushshift / Arctic-Shift NDJSON dump (plain, ``.gz`` or ``.zst``).

    Parameters
    ----------
    path : Path
        The dump; comments and submissions may be mixed.
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on the first malformed line, line
        with bytes that are not UTF-8, or record missing ``id``, ``parent_id`` or ``link_id``.
    progress : bool or None, default None
        Show a progress bar (None: for large files on a terminal).
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments (``comment_id``, ``parent_id``, ``thread_id``, ``author``, ``text``,
        ``created_at``, ``score``, ``subreddit``, ``edited_at``) and, when the file holds
        submissions, a threads table (``thread_id``, ``title``, ``author``, ``text``,
        ``created_at``, ``url``, ``score``, ``subreddit``, ``num_comments``).

    Raises
    ------
    InputFormatError
        With ``strict=True``, on the first problem (the message names file, line and field).

    Notes
    -----
    Lines that cannot be parsed are counted as ``malformed_record``, undecodable bytes as
    ``non_utf8_text`` (decoded with U+FFFD), records without ``id`` (or comments without
    ``parent_id``) as ``missing_field``; all are skipped and the rest is kept. Records that
    are neither a comment nor a submission count as ``missing_field`` too. A reply without
    ``link_id`` or ``permalink`` is kept: its thread is its top-level ancestor's, as
    :func:`~dynamics.model.checks.check_comments` gives every comment without a thread.
    """
    check_encoding(encoding)
    problems = ProblemLog(path=path, strict=strict, source_fields=dict(_SOURCE_FIELDS))
    size = path.stat().st_size
    plain = path.suffix.lower() not in {".gz", ".zst", ".zstd", ".bz2", ".xz"}
    parts: list[tuple[pl.DataFrame, pl.DataFrame | None]] = []
    n_records = 0
    with progress_bar(
        f"reading {path.name}", size if plain else None, enabled=progress, size=size
    ) as bar:
        first_line = 1
        for block in _blocks(path):
            comments, threads, n = parse_block(block, first_line, problems)
            n_records += n
            parts.append((comments, threads))
            first_line += count_lines(block)
            bar.advance(len(block))
            del block
    if not parts:
        parts.append(_split(_columns(pl.DataFrame(schema=_SCHEMA).lazy()).collect()))
    comments = _concat([c for c, _ in parts])
    posts = [t for _, t in parts if t is not None]
    threads = _concat(posts) if posts else None
    del parts
    n_records += problems.counts.get("malformed_record", 0)
    return ReadResult(comments, threads, problems, name, n_records)


def parse_block(
    block: bytes, first_line: int, problems: ProblemLog
) -> tuple[pl.DataFrame, pl.DataFrame | None, int]:
    """Comments and submissions of a block of whole lines, and the number of records read.

    The block is parsed by polars; when polars rejects it or a record misses a required
    field, it is parsed again line by line, which counts each problem in ``problems`` with
    its line number (``first_line`` is the block's first) and keeps the rest. Malformed lines
    are not among the records counted. The Spark ingest reads its files with this too.
    """
    frame = _parse_fast(block)
    if frame is None:
        raw = _parse_careful(block, first_line, problems)
        n = raw.height
        complete = _drop_incomplete(_drop_stubs(raw, problems, "id"), problems)
        frame = _columns(complete.lazy()).collect()
    else:
        n = frame.height
        frame = _drop_stubs(frame, problems)
    comments, threads = _split(frame)
    return comments, threads, n


def count_lines(block: bytes) -> int:
    """The number of newlines in ``block`` (``block.count(b"\\n")``, about three times faster:
    numpy compares the bytes in vectorised steps where ``bytes.count`` loops over them).

    The comparison runs over slices of :data:`_COUNT_STEP` bytes, so its temporary array is
    small and reused: one array the size of the block (16 MB) is new memory for every block,
    and touching it for the first time cost 0.3 s of a 1M-comment read.

    >>> count_lines(b'{"id": "a"}\\n{"id": "b"}\\n')
    2
    """
    import numpy as np

    data = np.frombuffer(block, dtype=np.uint8)
    return sum(
        int(np.count_nonzero(data[i : i + _COUNT_STEP] == ord("\n")))
        for i in range(0, data.size, _COUNT_STEP)
    )


# --------------------------------------------------------------------------- parsing


def _blocks(path: Path) -> Iterator[bytes]:
    """Yield the file (decompressed) in blocks of whole lines, the first without a BOM."""
    with open_binary(path) as fh:
        first = True
        while block := fh.read(_BLOCK_BYTES):
            # finish the last line of the block (one copy, not three)
            block += fh.readline()
            if first:
                block = block.removeprefix(b"\xef\xbb\xbf")
                first = False
            yield block


def _parse_fast(block: bytes) -> pl.DataFrame | None:
    """Parse a block into :func:`_columns`; None when it has a problem.

    A problem (a malformed line, bytes that are not UTF-8, a byte order mark, a record
    missing a required field) needs the line-by-line parse, which numbers the lines.
    """
    try:
        frame = _columns(pl.scan_ndjson(block, schema=_SCHEMA)).collect()
    except pl.exceptions.PolarsError:
        return None
    if frame.get_column("_bad").any():
        return None
    return frame


def _parse_careful(block: bytes, first_line: int, problems: ProblemLog) -> pl.DataFrame:
    """Parse a block line by line, as :func:`~dynamics.io._base.iter_json_lines` does.

    Lines that are not a JSON object are counted as ``malformed_record`` and skipped; bytes
    that are not UTF-8 are counted as ``non_utf8_text`` and replaced by U+FFFD. The frame has
    a ``_line`` column with each record's line number.
    """
    columns: dict[str, list[Any]] = {key: [] for key in _SCHEMA}
    lines: list[int] = []
    for number, obj in json_objects(block.split(b"\n"), first_line, problems):
        lines.append(number)
        for key, values in columns.items():
            values.append(_scalar(obj.get(key), integer=key in _INT_FIELDS))
    frame = pl.DataFrame(
        {key: pl.Series(key, values, dtype=_SCHEMA[key]) for key, values in columns.items()}
    )
    return frame.with_columns(pl.Series("_line", lines, dtype=pl.Int64))


def _scalar(value: Any, *, integer: bool) -> Any:
    """A JSON value as the schema type: str, or int for counts (None when it is neither)."""
    if value is None:
        return None
    if integer:
        if isinstance(value, bool):
            return None
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else None


# --------------------------------------------------------------------------- splitting


def _kinds() -> tuple[pl.Expr, pl.Expr]:
    """Expressions telling comments and submissions apart."""
    is_comment = (
        pl.col("parent_id").is_not_null()
        | pl.col("body").is_not_null()
        | pl.col("link_id").is_not_null()
    )
    is_submission = ~is_comment & (
        pl.col("title").is_not_null()
        | pl.col("selftext").is_not_null()
        | pl.col("num_comments").is_not_null()
    )
    return is_comment, is_submission


def _drop_stubs(
    frame: pl.DataFrame, problems: ProblemLog, id_column: str = "comment_id"
) -> pl.DataFrame:
    """Drop "continue this thread" stubs (id ``_``), counted as one unfetched reply each."""
    stub = (pl.col(id_column) == "_").fill_null(value=False)
    n = frame.select(stub.sum()).item()
    if not n:
        return frame
    problems.add("unfetched_replies", message="'continue this thread' stubs", count=n)
    problems.policies["unfetched_replies"] = (
        "counted; 'continue this thread' stubs (id '_') dropped, one reply each"
    )
    return frame.filter(~stub)


def _bare(column: str) -> pl.Expr:
    """``column`` without a fullname prefix (``t1_k3x9`` -> ``k3x9``; ``t0_`` to ``t9_``).

    The same as replacing the pattern ``^t\\d_``, without a regular expression.
    """
    value = pl.col(column)
    return pl.when(value.str.slice(0, 3).is_in(_PREFIXES)).then(value.str.slice(3)).otherwise(value)


def _thread_expr() -> pl.Expr:
    """Bare thread id: from ``link_id``, a ``t3_`` parent, or the ``permalink``'s post."""
    return (
        _bare("link_id")
        .fill_null(
            pl.when(pl.col("parent_id").str.starts_with("t3_")).then(
                pl.col("parent_id").str.slice(3)
            )
        )
        .fill_null(pl.col("permalink").str.extract(_POST_IN_PERMALINK, 1))
    )


#: The dump's field of each contract column (for strict errors).
_SOURCE_FIELDS = {"comment_id": "id", "text": "body", "created_at": "created_utc"}


def _problem_masks() -> dict[str, pl.Expr]:
    """Per required field, an expression that is true for the records that miss it."""
    is_comment, is_submission = _kinds()
    no_id = pl.col("id").is_null() | (pl.col("id").str.strip_chars() == "")
    return {
        "id": no_id,
        "parent_id": ~no_id & is_comment & pl.col("parent_id").is_null(),
        "body": ~no_id & ~is_comment & ~is_submission,
    }


def _drop_incomplete(frame: pl.DataFrame, problems: ProblemLog) -> pl.DataFrame:
    """Count and drop the records of a carefully parsed block that miss a required field."""
    if "_line" not in frame.columns:
        return frame
    missing = pl.lit(None, dtype=pl.String)
    for field, mask in reversed(_problem_masks().items()):
        missing = pl.when(mask).then(pl.lit(field)).otherwise(missing)
    flagged = frame.with_columns(missing.alias("_missing"))
    bad = flagged.filter(pl.col("_missing").is_not_null())
    for line, record_id, field in bad.select("_line", "id", "_missing").iter_rows():
        message = (
            "is missing: the record is neither a comment (parent_id, body) "
            "nor a submission (title, selftext)"
            if field == "body"
            else "is missing"
        )
        problems.add(
            "missing_field", record=line, record_id=record_id, field=field, message=message
        )
    return flagged.filter(pl.col("_missing").is_null()).drop("_missing", "_line")


#: The columns of :func:`_columns` that make a comment and a submission.
_COMMENT_COLUMNS = (
    "comment_id",
    "parent_id",
    "thread_id",
    "author",
    "text",
    "created_at",
    "score",
    "subreddit",
    "edited_at",
)
_THREAD_COLUMNS = (
    "thread_id",
    "title",
    "author",
    "text",
    "created_at",
    "url",
    "score",
    "subreddit",
    "num_comments",
)


def _columns(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Parsed records (:data:`_SCHEMA`) as the columns comments and submissions are made of.

    ``_bad`` flags records that miss a required field, ``_comment`` and ``_submission`` tell
    the kinds apart; ``text`` and ``url`` are a comment's and ``post_text`` and ``post_url``
    a submission's.
    """
    is_comment, is_submission = _kinds()
    parent = _bare("parent_id")
    return frame.select(
        pl.any_horizontal(list(_problem_masks().values())).alias("_bad"),
        is_comment.alias("_comment"),
        is_submission.alias("_submission"),
        _bare("id").alias("comment_id"),
        pl.when(pl.col("parent_id").str.starts_with("t3_"))
        .then(None)
        .otherwise(parent)
        .alias("parent_id"),
        _thread_expr().alias("thread_id"),
        "author",
        pl.col("body").alias("text"),  # null filled in _split, for comments only
        pl.col("created_utc").alias("created_at"),
        "score",
        "subreddit",
        _edited_expr().alias("edited_at"),
        "title",
        pl.col("selftext").alias("post_text"),
        pl.when(pl.col("permalink").str.starts_with("/"))
        .then(pl.lit("https://www.reddit.com") + pl.col("permalink"))
        .otherwise(pl.col("permalink"))
        .fill_null(pl.col("url"))
        .alias("post_url"),
        "num_comments",
    )


def _split(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Split comments from submissions (:func:`_columns`); both get the contract's columns."""
    frame = frame.with_columns(_epoch(frame.get_column("created_at")))
    kinds = frame.select(pl.col("_comment").all(), pl.col("_submission").any()).row(0)
    # a dump of comments only needs no filter (which would copy every text)
    comments = (frame if kinds[0] else frame.filter(pl.col("_comment"))).select(_COMMENT_COLUMNS)
    if comments.get_column("text").has_nulls():  # filling copies every text: only if needed
        comments = comments.with_columns(pl.col("text").fill_null(""))
    # an unprefixed parent id equal to the post id also means "top-level"
    comments = comments.with_columns(
        pl.when(pl.col("parent_id") == pl.col("thread_id"))
        .then(None)
        .otherwise(pl.col("parent_id"))
        .alias("parent_id")
    )
    # one chunk per block (polars' parser gives dozens): the texts keep these chunks in the
    # comments table (finalize_comments copies only the other columns), and dozens of small
    # chunks per block slow every later pass over them
    comments = comments.rechunk()
    threads = None
    if kinds[1]:
        threads = (
            frame.filter(pl.col("_submission"))
            .with_columns(
                pl.col("comment_id").alias("thread_id"),
                pl.col("post_text").alias("text"),
                pl.col("post_url").alias("url"),
            )
            .select(_THREAD_COLUMNS)
        )
    return comments, threads


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Concatenate per-block frames whose ``created_at`` may have been read as different types.

    :func:`_epoch` makes each block's times numbers when it can; when blocks disagree (digits
    in one, ISO strings in another) all become strings, which ``to_utc`` parses either way.
    """
    if len({f.schema["created_at"] for f in frames}) > 1:
        frames = [f.with_columns(pl.col("created_at").cast(pl.String)) for f in frames]
    return pl.concat(frames)


def _edited_expr() -> pl.Expr:
    """``edited`` (``false``, ``true`` or epoch seconds) as the UTC time of the last edit."""
    seconds = pl.col("edited").cast(pl.Float64, strict=False)
    micros = (seconds * 1_000_000).round(0).cast(pl.Int64)
    return micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _epoch(values: pl.Series) -> pl.Series:
    """``created_utc`` as numbers when every value is one (epoch seconds), else as read.

    Dumps write the time as an int, a float or a string of digits; numbers spare
    :func:`~dynamics.io._base.to_utc` its string parsing on millions of rows.
    """
    for dtype in (pl.Int64, pl.Float64):
        cast = values.cast(dtype, strict=False)
        if cast.null_count() == values.null_count():
            return cast
    return values
