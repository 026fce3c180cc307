"""Delimited text (CSV, TSV) read record by record where polars refuses it, and the lines
its records start on.

:func:`read_delimited` is what the tables reader (:mod:`dynamics.io.tabular`) and the Hacker
News reader's CSV exports share: every row polars drops or pads without a word (a record with
more or fewer fields than the header, a quote never closed, a blank line) is counted in the
:class:`~dynamics._problems.ProblemLog` with the line it starts on, or left out when it is no
record at all.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import polars as pl

from dynamics._problems import ProblemLog

__all__ = ["delimited_records", "read_delimited", "swallowed_end"]


def read_delimited(data: bytes, separator: str, problems: ProblemLog) -> pl.DataFrame:
    r"""CSV or TSV as strings. Where polars refuses the file (a record with more fields than
    the header, a quote left open), it is read again record by record, as polars reads it
    otherwise. Either way a **short record** (fewer fields than the header: a row cut
    short, or a separator missing) is kept, its missing fields null, and counted as
    ``short_record`` with the line it starts on; a record with more fields than the header
    is counted as ``malformed_record`` with its line and skipped (as a bad JSON line is);
    and a quote never closed (an odd number of quotes: a file cut short inside a text)
    swallows the lines from its record to the end: each of them that is not blank counts as
    a ``malformed_record`` (so that the loss weighs in the report's doubt about the format
    or the file), the sample names the extent (``"lines 3 to 6 (the end)"``), and the
    records before it are kept.

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
        frame = _drop_blank_lines(frame, data, separator)
        # polars pads a short record with nulls without a word; a null in the last column is
        # the only sign of one, so only then are the records' fields counted
        if frame.width > 1 and frame.get_column(frame.columns[-1]).null_count():
            _count_short_records(data, separator, frame.width, problems, frame.height)
        return frame
    text = data.decode("utf-8-sig", errors="replace")
    swallowed = swallowed_end(text)
    records = delimited_records(text, separator)
    header = next(records, (0, 0, None))[2]
    if not header:
        return pl.DataFrame()
    columns: list[list[str | None]] = [[] for _ in header]
    for start, end, record in records:
        if end == swallowed and record:
            _unclosed_quote(problems, text, start, end)
        elif len(record) > len(header):
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
    return pl.DataFrame(
        [
            pl.Series(name, values, dtype=pl.String)
            for name, values in zip(_distinct(header), columns, strict=True)
        ]
    )


def _drop_blank_lines(frame: pl.DataFrame, data: bytes, separator: str) -> pl.DataFrame:
    r"""``frame`` without the rows polars made of blank lines (all null; a blank line is no
    record, while ``,,`` is one without values and stays).

    >>> data = b"id,b\n1,x\n\n,\n2,y\n\n"
    >>> _drop_blank_lines(pl.read_csv(data, infer_schema=False), data, ",").rows()
    [('1', 'x'), (None, None), ('2', 'y')]
    """
    if (
        frame.width == 0
        or not frame.select(pl.all_horizontal(pl.all().is_null())).to_series().any()
    ):
        return frame
    layout = _record_layout(data, separator)
    if layout is None or layout[2].all():
        return frame
    blank = layout[2][np.flatnonzero(~layout[2])[0] + 1 :]  # the records after the header
    if blank.size != frame.height:  # the records are not polars' rows: leave them
        return frame
    return frame.filter(pl.Series(~blank))


def swallowed_end(text: str) -> int | None:
    r"""The last line of ``text`` when a quote is never closed (an odd number of quotes): the
    record that ends there swallowed the rest of the file; else None.

    >>> swallowed_end('id,b\n1,"x\n2,y\n'), swallowed_end('id,b\n1,"x"\n')
    (3, None)
    """
    if text.count('"') % 2 == 0:
        return None
    return text.count("\n") + (not text.endswith("\n"))


def _unclosed_quote(problems: ProblemLog, text: str, first: int, last: int) -> None:
    r"""Count the lines ``first`` to ``last`` (the end) that a quote never closed swallowed:
    one ``malformed_record`` per line that is not blank (each may have been a record), with
    the extent as the sample, so that the report says what was lost and the lost lines weigh
    in :meth:`~dynamics.IngestReport.format_doubt`.

    >>> log = ProblemLog()
    >>> _unclosed_quote(log, 'id,b\n1,x\n2,"y\n3,z\n\n4,w\n', 3, 6)
    >>> log.counts, log.samples
    ({'malformed_record': 3}, {'malformed_record': ['lines 3 to 6 (the end)']})
    """
    lines = text.split("\n")[first - 1 : last]
    lost = sum(1 for line in lines if line.strip()) or 1
    extent = f"lines {first:,} to {last:,}" if last > first else f"line {first:,}"
    problems.add(
        "malformed_record",
        record=first,
        count=lost,
        sample=f"{extent} (the end)" if last > first else None,  # else "record N"
        message=f"opens a quote that is never closed: {extent} (the end) skipped",
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
    records = delimited_records(data.decode("utf-8-sig", errors="replace"), separator)
    next(records, None)  # the header
    for start, _, record in records:
        if record and len(record) < width:  # a blank line is no record
            _short_record(problems, start, len(record), width, separator)


def delimited_records(text: str, separator: str) -> Iterator[tuple[int, int, list[str]]]:
    r"""The records of delimited ``text`` read by Python's ``csv``, each with the lines it
    starts and ends on (a quoted field may span lines; a blank line is an empty record).

    >>> list(delimited_records('a,b\n1,"x\ny"\n\n2\n', ","))
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
    layout = _record_layout(data, separator)
    if layout is None:
        return None
    fields, lines, blank = layout
    keep = np.flatnonzero(~blank)[1:]  # the header is no record
    return fields[keep], lines[keep]


def _record_layout(data: bytes, separator: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    r"""For every record of delimited ``data``, the header and blank lines included: its
    number of fields, the line it starts on and whether it is blank (see
    :func:`_fields_per_record`). None for a separator that is not one byte.

    >>> fields, lines, blank = _record_layout(b"a,b\n\n1,2\n", ",")
    >>> fields.tolist(), lines.tolist(), blank.tolist()
    ([2, 1, 2], [1, 2, 3], [False, True, False])
    """
    sep = separator.encode()
    if len(sep) != 1:
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=bool)
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
    return n_seps + 1, lines, blank


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
