"""What every reader shares: the comments-table schema, the Reader protocol and helpers.

A reader turns one file (or directory, or frame) into a :class:`ReadResult`: a polars comments
table following DESIGN section 3, an optional threads table (the posts / stories / articles the
comments belong to) and a :class:`~dynamics._problems.ProblemLog` of what it met while parsing.
Readers use only the model's schema (:mod:`dynamics.model.schema`), never the Discussion:
:func:`dynamics.load` composes reader -> checks -> Discussion.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.model.schema import (
    COMMENT_COLUMNS,
    DELETED_MARKERS,
    THREAD_COLUMNS,
    constant_column,
)

__all__ = [
    "COMMENT_COLUMNS",
    "DELETED_MARKERS",
    "ID_TEXT_SCHEMA",
    "THREAD_COLUMNS",
    "ReadResult",
    "Reader",
    "drop_duplicate_posts",
    "finalize_comments",
    "finalize_threads",
    "iter_json_lines",
    "json_objects",
    "open_binary",
    "peek_text",
    "to_utc",
]

#: The leading contract columns as a reader builds them: ids, author and text, all strings
#: (:func:`finalize_comments` adds and types the rest).
ID_TEXT_SCHEMA: dict[str, pl.DataType] = {
    column: pl.String() for column in ("comment_id", "parent_id", "thread_id", "author", "text")
}


@dataclass
class ReadResult:
    """What a reader returns.

    Attributes
    ----------
    comments : polars.DataFrame
        The comments table (see :data:`COMMENT_COLUMNS`), extra source fields after them.
    threads : polars.DataFrame or None
        One row per thread with the post's own title, author and text, when the source has them.
    problems : ProblemLog
        What the reader met while parsing.
    format : str
        The reader's name.
    n_records : int
        Records seen in the input (lines, items, elements), parsed or not.
    """

    comments: pl.DataFrame
    threads: pl.DataFrame | None
    problems: ProblemLog
    format: str
    n_records: int = 0


@runtime_checkable
class Reader(Protocol):
    """A format plugin: a module or object with ``name``, ``detect`` and ``read``."""

    name: str

    def detect(self, path: Path) -> bool:
        """Return True when ``path`` looks like this format (cheap: peek, don't parse)."""
        ...

    def read(self, path: Path, *, strict: bool = False, **options: Any) -> ReadResult:
        """Read ``path`` into a :class:`ReadResult`."""
        ...


# --------------------------------------------------------------------------- files


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressing ``.gz``, ``.zst``, ``.bz2``, ``.xz``.

    A compressed file that ends before its end-of-stream marker (a download cut short) raises
    :class:`~dynamics.errors.InputFormatError` naming the file when the reading reaches its
    end, rather than giving what it holds as if it were all (zstandard's stream reader says
    nothing of a missing end).
    """
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return _whole(gzip.open(path, "rb"), path)
    if suffix in {".zst", ".zstd"}:
        return io.BufferedReader(_ZstdFrames(path))
    if suffix == ".bz2":
        return _whole(bz2.open(path, "rb"), path)
    if suffix == ".xz":
        return _whole(lzma.open(path, "rb"), path)
    return path.open("rb")


def _cut_short(path: Path) -> Exception:
    from dynamics.errors import InputFormatError

    msg = (
        "the compressed data ends before its end-of-stream marker: the file is cut short "
        "(an interrupted download or copy?); fetch it again, or decompress the part it holds "
        "and read that"
    )
    return InputFormatError(msg, path=path)


def _damaged(path: Path, exc: BaseException) -> Exception:
    from dynamics.errors import InputFormatError

    detail = str(exc).strip().splitlines()[0][:80] if str(exc).strip() else type(exc).__name__
    msg = (
        f"the compressed data is damaged or not {path.suffix} data ({detail}); check the file "
        "(e.g. with its decompressor's test option) or fetch it again"
    )
    return InputFormatError(msg, path=path)


class _EndChecked(io.RawIOBase):
    """A decompressing stream whose early end (``EOFError``) names the file."""

    def __init__(self, stream: BinaryIO, path: Path) -> None:
        self._stream, self._path = stream, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            return self._stream.readinto(buffer)
        except EOFError as exc:
            raise _cut_short(self._path) from exc
        except (OSError, zlib.error, lzma.LZMAError) as exc:  # gzip.BadGzipFile is an OSError
            raise _damaged(self._path, exc) from exc

    def close(self) -> None:
        self._stream.close()
        super().close()


def _whole(stream: Any, path: Path) -> BinaryIO:
    return io.BufferedReader(_EndChecked(stream, path), buffer_size=1 << 20)  # type: ignore[return-value]


class _ZstdFrames(io.RawIOBase):
    """The decompressed bytes of a ``.zst`` file, one frame after another, that raises
    :func:`_cut_short` when the file ends inside a frame. Pushshift / Arctic-Shift dumps
    use a long window (up to 2 GiB); it is allowed."""

    _CHUNK = 1 << 17  # compressed bytes per step: a highly compressible block stays small

    def __init__(self, path: Path) -> None:
        import zstandard

        self._path = path
        self._error = zstandard.ZstdError
        self._file = path.open("rb")
        self._dctx = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._dctx.decompressobj()
        self._started = False  # bytes of the current frame were given to it
        self._out, self._at = memoryview(b""), 0  # decompressed, not yet read from here

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at == len(self._out):
            data = self._file.read(self._CHUNK)
            if not data:
                if self._started and not self._frame.eof:
                    raise _cut_short(self._path)
                return 0
            try:
                self._out, self._at = memoryview(self._feed(data)), 0
            except self._error as exc:
                raise _damaged(self._path, exc) from exc
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at : self._at + n]
        self._at += n
        return n

    def _feed(self, data: bytes) -> bytes:
        """Decompress ``data``, starting a new frame where one ends."""
        out = []
        while data:
            self._started = True
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                break
            data = self._frame.unused_data
            self._frame = self._dctx.decompressobj()
            self._started = False
        return b"".join(out)

    def close(self) -> None:
        self._file.close()
        super().close()


def strip_compression(path: Path) -> str:
    """Return the file name without a compression suffix, lower-cased."""
    name = path.name.lower()
    for ext in (".gz", ".zst", ".zstd", ".bz2", ".xz"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


#: The first bytes of every Parquet file.
PARQUET_MAGIC = b"PAR1"


def peek_text(path: Path, n_bytes: int = 65536) -> str:
    """Return the first ``n_bytes`` of ``path`` (decompressed) as text, for detection.

    A Parquet file (magic bytes ``PAR1``) is not text: it gives ``""`` at once, where decoding
    its binary head with replacement characters cost every text detector in turn (0.4 s in
    all on a 1M-comment file).
    """
    if path.is_dir():
        return ""
    try:
        with open_binary(path) as fh:
            head = fh.read(n_bytes)
    except OSError:
        return ""
    if head.startswith(PARQUET_MAGIC):
        return ""
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def iter_json_lines(path: Path, problems: ProblemLog) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(record_number, object)`` for each JSON object line of ``path``.

    Blank lines are skipped; see :func:`json_objects` for what is counted.
    """
    with open_binary(path) as fh:
        yield from json_objects(fh, 1, problems)


def json_objects(
    lines: Iterable[bytes], first_line: int, problems: ProblemLog
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each line of ``lines`` that holds a JSON object.

    Blank lines are skipped. Lines that are not a JSON object are counted as
    ``malformed_record``; lines with bytes that are not UTF-8 are decoded with replacement
    characters and counted as ``non_utf8_text``.
    """
    import orjson

    for number, raw in enumerate(lines, start=first_line):
        line = raw.strip()
        if not line:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.add("non_utf8_text", record=number)
            line = line.decode("utf-8", errors="replace").encode("utf-8")
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            # the parser saw one line: its "line 1" is this record's line, named already
            where = re.sub(r": line 1 column (\d+) \(char \d+\)", r" at column \1", str(exc))
            problems.add("malformed_record", record=number, message=f"is not valid JSON ({where})")
            continue
        if not isinstance(obj, dict):
            problems.add("malformed_record", record=number, message="is not a JSON object")
            continue
        yield number, obj


# --------------------------------------------------------------------------- columns


def to_utc(values: pl.Series) -> pl.Series:
    """Convert timestamps in any common encoding to ``Datetime("us", "UTC")``.

    Numbers are Unix epoch seconds (values above 1e11 are taken as milliseconds); strings are
    ISO 8601 (naive times are taken as UTC) or digits; datetimes are converted to UTC.
    """
    dtype = values.dtype
    target = pl.Datetime("us", "UTC")
    if dtype == pl.Null:
        return values.cast(target)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return values.dt.replace_time_zone("UTC").cast(target)
        return values.dt.convert_time_zone("UTC").cast(target)
    if dtype == pl.Date:
        return values.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    if dtype.is_numeric():
        seconds = values.cast(pl.Float64)
        seconds = pl.select(
            pl.when(seconds.abs() > 1e11).then(seconds / 1000).otherwise(seconds)
        ).to_series()
        micros = (seconds * 1_000_000).round(0).cast(pl.Int64)
        return micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias(values.name)
    if dtype == pl.String:
        stripped = values.str.strip_chars()
        numeric = stripped.str.contains(r"^-?\d+(\.\d+)?$").fill_null(value=False)
        as_num = to_utc(stripped.cast(pl.Float64, strict=False))
        as_text = _parse_iso(stripped)
        return (
            pl.select(pl.when(numeric).then(as_num).otherwise(as_text))
            .to_series()
            .alias(values.name)
        )
    return values.cast(pl.String).pipe(to_utc)


_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)
_AWARE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M%:z",
)
#: Twitter's ``created_at`` ("Wed Oct 10 20:19:24 +0000 2018").
_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
#: RFC 2822 dates (e-mail, RSS, Disqus exports), read after :func:`_rfc_2822` drops the
#: weekday and a trailing comment and turns a zone name into its offset; seconds optional.
_RFC_2822_FORMATS = ("%d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M %z")
#: The zone names RFC 2822 allows besides numeric offsets (section 4.3, obsolete zones).
_RFC_2822_ZONES = {
    "UT": "+0000", "GMT": "+0000", "UTC": "+0000", "Z": "+0000",
    "EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
    "MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
}  # fmt: skip


def _rfc_2822(values: pl.Series) -> pl.Series:
    """``values`` with an RFC 2822 date's weekday and trailing comment dropped and a zone
    name replaced by its offset, ready for :data:`_RFC_2822_FORMATS`.

    >>> _rfc_2822(pl.Series(["Fri, 10 Mar 2006 09:50 EST (Eastern)"])).to_list()
    ['10 Mar 2006 09:50 -0500']
    """
    out = values.str.replace(r"\s*\([^)]*\)$", "").str.replace(r"^[A-Za-z]{3},\s*", "")
    zone = out.str.extract(r"\s([A-Za-z]{1,3})$", 1).str.to_uppercase()
    offset = zone.replace_strict(_RFC_2822_ZONES, default=None, return_dtype=pl.String)
    named = out.str.replace(r"\s[A-Za-z]{1,3}$", "") + " " + offset
    return pl.select(pl.when(offset.is_not_null()).then(named).otherwise(out)).to_series()


def _parse_iso(values: pl.Series) -> pl.Series:
    """Parse ISO-8601-like strings; offset-aware ones are converted, naive ones taken as UTC.

    Each value is tried against a fixed list of formats (no inference from the first value),
    so one odd value never stops the others from parsing; unparseable values become null.
    """
    # a zone word ("UTC", "GMT", "Z") or a spaced offset becomes an ISO offset
    norm = values.str.replace(r"(?i)\s*(?:UTC|GMT|Z)$", "+00:00")
    norm = norm.str.replace(r"\s+([+-]\d\d:?\d\d)$", "$1")
    norm = norm.str.replace(r"([+-]\d\d)(\d\d)$", "$1:$2")
    norm = norm.str.replace(r"^(\d{4}-\d\d-\d\d) ", "${1}T")
    # RFC 2822 ("10 Mar 2006 ..."): only where some value has a day, a month name and a year
    rfc = (
        [
            _rfc_2822(values).str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            for fmt in _RFC_2822_FORMATS
        ]
        if values.str.contains(r"\d\s+[A-Za-z]{3}\s+\d{4}").any()
        else []
    )
    aware = pl.coalesce(
        [values.str.to_datetime(_TWITTER_FORMAT, strict=False, time_unit="us", time_zone="UTC")]
        + rfc
        + [
            norm.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            for fmt in _AWARE_FORMATS
        ]
    )
    naive = pl.coalesce(
        [norm.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in _NAIVE_FORMATS]
    ).dt.replace_time_zone("UTC")
    return pl.select(pl.coalesce(aware, naive)).to_series().alias(values.name)


def _count_bad_times(before: pl.Series, after: pl.Series, ids: pl.Series, problems: ProblemLog):
    """Count values that did not parse, naming a sample value in the policy."""
    bad = before.is_not_null() & after.is_null()
    if before.dtype == pl.String:
        bad = bad & (before.str.strip_chars() != "")
    if bad.any():
        problems.add_many("bad_timestamp", ids.filter(bad).head(10).to_list(), total=int(bad.sum()))
        sample = str(before.filter(bad)[0])[:40]
        problems.policies["bad_timestamp"] = (
            f"set to null (values such as {sample!r} are not a time this library reads: "
            "ISO 8601 with or without a zone, RFC 2822, Twitter's created_at, epoch seconds or "
            "milliseconds)"
        )


def null_epoch_placeholders(times: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Set placeholder times (0 or a negative epoch) to null; return them and the mask.

    An epoch of 0 (or a negative one) is how many exports spell "no time" (Reddit's
    ``created_utc: 0``). A time at or before 1970-01-01 00:00 UTC is taken as such a
    placeholder when the column's other times are real dates (after 1971), or when every time
    is exactly the epoch. A column that lives wholly near 1970 is relative seconds (0, 60, 120
    from the start of a conversation, as in simulations) and is kept as it is.

    Examples
    --------
    >>> t, gone = null_epoch_placeholders(to_utc(pl.Series([0, -5, 1_142_002_243])))
    >>> t.dt.year().to_list(), gone.to_list()
    ([None, None, 2006], [True, True, False])
    >>> null_epoch_placeholders(to_utc(pl.Series([0, 60, 120])))[1].any()
    False
    """
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    at_or_before = (times <= epoch).fill_null(value=False)
    if not at_or_before.any():
        return times, at_or_before
    known = times.drop_nulls()
    real_dates = bool((known > datetime(1971, 1, 1, tzinfo=UTC)).any())
    if not real_dates and not bool((known == epoch).all()):
        return times, at_or_before & False
    out = pl.select(pl.when(at_or_before).then(None).otherwise(times)).to_series()
    return out.alias(times.name), at_or_before


def finalize_comments(
    df: pl.DataFrame, *, source: str, problems: ProblemLog | None = None
) -> pl.DataFrame:
    """Bring a reader's frame to the comments-table schema.

    Missing contract columns are added (null, or False for flags), types are cast, timestamps
    are converted with :func:`to_utc` (unparseable ones counted as ``bad_timestamp``), deleted
    markers in ``author`` become null with ``deleted=True``, null text becomes ``""``, and the
    contract columns come first with extra source columns after them.
    """
    n = df.height
    cols: dict[str, pl.Series] = {}
    for name in ("comment_id", "parent_id", "thread_id", "author", "text", "inference"):
        if name in df.columns:
            s = df.get_column(name)
            cols[name] = s if s.dtype == pl.String else s.cast(pl.String)
        else:
            cols[name] = constant_column(name, None, n, pl.String)
    raw_time = df.get_column("created_at") if "created_at" in df.columns else None
    if raw_time is None:
        cols["created_at"] = constant_column("created_at", None, n, pl.Datetime("us", "UTC"))
    else:
        converted = to_utc(raw_time).alias("created_at")
        cols["created_at"], placeholder = null_epoch_placeholders(converted)
        if problems is not None:
            _count_bad_times(raw_time, converted, cols["comment_id"], problems)
            if raw_time.null_count():
                ids = cols["comment_id"].filter(raw_time.is_null())
                problems.add_many("missing_time", ids.head(10).to_list(), total=ids.len())
            if placeholder.any():
                ids = cols["comment_id"].filter(placeholder)
                problems.add_many("epoch_zero_time", ids.head(10).to_list(), total=ids.len())
    cols["source"] = (
        df.get_column("source").cast(pl.String)
        if "source" in df.columns
        else constant_column("source", source, n, pl.String)
    )
    for flag in ("inferred", "deleted"):
        cols[flag] = (
            df.get_column(flag).cast(pl.Boolean).fill_null(value=False)
            if flag in df.columns
            else constant_column(flag, False, n, pl.Boolean)
        )
    out = pl.DataFrame(cols)
    marker = out.get_column("author").is_in(list(DELETED_MARKERS)).fill_null(value=False)
    text_marker = out.get_column("text").is_in(list(DELETED_MARKERS)).fill_null(value=False)
    # an empty author is a missing one, whatever the input (CSV readers already give null)
    blank = (out.get_column("author").str.strip_chars() == "").fill_null(value=False)
    out = out.with_columns(
        pl.when(marker | blank).then(None).otherwise(pl.col("author")).alias("author"),
        (pl.col("deleted") | marker | text_marker).alias("deleted"),
        pl.col("text").fill_null(""),
    )
    extras = [c for c in df.columns if c not in COMMENT_COLUMNS]
    # select() would copy every column into one chunk when their chunks differ (a reader's
    # blocks beside the constant columns) while the reader's copy is still alive. The texts,
    # the bulk of the bytes, keep the reader's chunks; the other columns are made contiguous,
    # which the joins and gathers of the checks and the metrics want (about 10% faster).
    columns = [out.get_column(c) for c in COMMENT_COLUMNS] + [df.get_column(c) for c in extras]
    return pl.DataFrame([s if s.name == "text" else s.rechunk() for s in columns])


def finalize_threads(df: pl.DataFrame | None, *, source: str) -> pl.DataFrame | None:
    """Bring a reader's threads frame to :data:`THREAD_COLUMNS` (extras kept after them)."""
    if df is None:
        return None
    n = df.height
    cols = {}
    for name, dtype in THREAD_COLUMNS.items():
        if name == "created_at":
            cols[name] = (
                null_epoch_placeholders(to_utc(df.get_column(name)).alias(name))[0]
                if name in df.columns
                else constant_column(name, None, n, dtype)
            )
        elif name in df.columns:
            cols[name] = df.get_column(name).cast(pl.String)
        elif name == "source":
            cols[name] = constant_column(name, source, n, pl.String)
        else:
            cols[name] = constant_column(name, None, n, pl.String)
    out = pl.DataFrame(cols)
    out = out.with_columns(
        pl.when(pl.col("author").is_in(list(DELETED_MARKERS)))
        .then(None)
        .otherwise(pl.col("author"))
        .alias("author")
    )
    extras = [c for c in df.columns if c not in THREAD_COLUMNS]
    if extras:
        out = pl.concat([out, df.select(extras)], how="horizontal")
    return out


def drop_duplicate_posts(threads: pl.DataFrame | None, problems: ProblemLog) -> pl.DataFrame | None:
    """The posts with the first of each ``thread_id`` kept, the later ones counted as
    ``duplicate_post`` (a dump holding a submission twice, files that overlap).

    >>> log = ProblemLog()
    >>> posts = pl.DataFrame({"thread_id": ["p1", "p2", "p1"], "title": ["a", "b", "again"]})
    >>> drop_duplicate_posts(posts, log).rows(), log.counts
    ([('p1', 'a'), ('p2', 'b')], {'duplicate_post': 1})
    """
    if threads is None:
        return None
    later = threads.get_column("thread_id").is_first_distinct().not_()
    if later.any():
        repeated = threads.get_column("thread_id").filter(later)
        problems.add_many(
            "duplicate_post",
            repeated.unique(maintain_order=True).head(10).to_list(),
            total=int(later.sum()),
        )
        threads = threads.filter(~later)
    return threads
