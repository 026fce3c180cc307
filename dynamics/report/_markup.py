"""Escaped HTML pieces of the report page: numbers, tables, comment excerpts.

Every cell goes through :func:`html.escape` unless it is a :class:`Raw` built here from
escaped parts; comment text, author names and ids are data, and data is never markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from dynamics._words import fmt_number

__all__ = [
    "Raw",
    "ci_text",
    "esc",
    "excerpt",
    "fmt_number",
    "frame_table",
    "number_text",
    "p_text",
    "seconds_text",
    "table",
]

#: Rows of a detail table shown on the page (the CSV has them all).
ROWS_SHOWN = 10
#: Longest string shown in a cell, in characters.
EXCERPT = 240


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def number_text(value: Any) -> str:
    """:func:`fmt_number`, with "n/a" for NaN (a value the measure could not give).

    >>> number_text(float("nan")), number_text(1234.5), number_text(None)
    ('n/a', '1,234', '')
    """
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return fmt_number(value)


def seconds_text(value: Any) -> str:
    """A duration in seconds with its unit, and in hours and minutes when it is long.

    >>> seconds_text(45.0), seconds_text(5370.0), seconds_text(190000.0), seconds_text(float("nan"))
    ('45 s', '5,370 s (1 h 29 min)', '190,000 s (2 d 4 h)', 'n/a')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{fmt_number(value)} s"
    seconds = abs(float(value))
    if seconds < 60:
        return text
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if hours == 0:
        return f"{text} ({minutes} min)"
    if days == 0:
        return f"{text} ({hours} h {minutes % 60} min)"
    return f"{text} ({days} d {hours % 24} h)"


def p_text(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:.3g}"


def ci_text(ci: Sequence[float] | None) -> str:
    if ci is None or all(math.isnan(v) for v in ci):
        return ""
    return f"[{fmt_number(ci[0])}, {fmt_number(ci[1])}]"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, numeric: set[int]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if isinstance(cell, Raw):
                cells.append(f"<td>{cell.html}</td>")
            else:
                cls = ' class="num"' if i in numeric else ""
                cells.append(f"<td{cls}>{esc(number_text(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw:
    """Cell content that is already safe HTML (built here from escaped parts)."""

    def __init__(self, text: str) -> None:
        self.html = text


def frame_table(frame: pl.DataFrame, *, texts: Mapping[str, str] | None = None) -> str:
    """First rows of a detail table, long strings cut; a column of comment ids gets the text."""
    shown = frame.head(ROWS_SHOWN)
    headers = list(shown.columns)
    id_col = _comment_id_column(shown) if texts is not None else None
    rows: list[list[Any]] = []
    numeric = {i for i, dt in enumerate(shown.dtypes) if dt.is_numeric()}
    for record in shown.iter_rows():
        row: list[Any] = [
            cell if isinstance(cell, int | float | bool) or cell is None else excerpt(str(cell))
            for cell in record
        ]
        if id_col is not None and texts is not None:
            text = texts.get(str(record[headers.index(id_col)]), "")
            row.append(Raw(f'<div class="excerpt">{esc(excerpt(text))}</div>'))
        rows.append(row)
    if id_col is not None:
        headers = [*headers, f"text of {id_col}"]
    return table(headers, rows, numeric=numeric)


def shown_comment_ids(frame: pl.DataFrame) -> list[str]:
    """The comment ids whose texts :func:`frame_table` shows beside ``frame``."""
    shown = frame.head(ROWS_SHOWN)
    id_col = _comment_id_column(shown)
    if id_col is None:
        return []
    return [str(v) for v in shown.get_column(id_col).to_list()]


#: Columns that name one comment, in the order the page prefers for showing its text.
_COMMENT_COLUMNS = ("peak_comment", "start_comment", "first_toxic", "comment_id")


def _comment_id_column(frame: pl.DataFrame) -> str | None:
    """The column whose comment text the page shows beside a table (None if the table has
    its own ``text`` column or names no comment)."""
    if "text" in frame.columns:
        return None
    for name in _COMMENT_COLUMNS:
        if name in frame.columns and frame.schema[name] == pl.String:
            return name
    return None


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "\u2026"
