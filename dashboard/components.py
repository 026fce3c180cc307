"""Reusable Dash components: figure cards with export buttons, CSV-exportable tables,
comments shown as plain text, metric cards and notices.

Comment bodies and author names are attacker-controlled. They are passed as the ``children``
string of an html component, which React renders as text, with one exception: a table is
one ``dcc.Markdown`` of HTML (:func:`text_table`, for speed), which Dash renders through a
JSX parser, so every header, cell and row id is escaped for it first (:func:`jsx_text`:
markup and JSX's ``{expressions}``). Never a DataTable in markdown mode, and never an
unescaped text in ``dcc.Markdown``.
"""

from __future__ import annotations

import html as html_text
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import polars as pl
from dash import dcc, html

from dashboard import ids
from dashboard.background import keep_table
from dashboard.figures.base import author_label, toxicity_color
from dynamics._words import fmt_number

__all__ = [
    "KEPT",
    "SEED_ERROR",
    "comment_block",
    "control",
    "duration_text",
    "error_card",
    "figure_card",
    "format_number",
    "job_status",
    "jsx_text",
    "metric_card",
    "notice",
    "participants_text",
    "seed_value",
    "significance_controls",
    "table_card",
    "table_token",
    "text_table",
    "warning_lines",
    "warnings_notice",
]

#: Keyword arguments of a page control whose choice the browser tab keeps across page
#: switches and reloads (Dash persistence: only what the user chose is kept).
KEPT = {"persistence": True, "persistence_type": "session"}


def control(label: str, widget: Any, width: int = 180) -> html.Div:
    """A page control: ``widget`` under its label."""
    return html.Div([html.Label(label), widget], className="control", style={"minWidth": width})


def significance_controls(seed_id: str, n_id: str) -> list[html.Div]:
    """The seed and the number of bootstrap resamples / null draws of a page's measures
    (0: point estimates only; default 100)."""
    return [
        control(
            "Seed",
            dcc.Input(id=seed_id, type="number", value=0, min=0, step=1, debounce=True, **KEPT),
        ),
        control(
            "Bootstrap resamples (CI) / null draws (p)",
            dcc.Dropdown(
                id=n_id, **KEPT, options=[0, 50, 100, 200, 500], value=100, clearable=False
            ),
            260,
        ),
    ]


#: Said in place of a page's numbers when its seed box holds no whole number of 0 or more.
SEED_ERROR = (
    "The seed must be a whole number, 0 or more: nothing was computed (the box holds "
    "something else, or nothing)."
)


def seed_value(value: Any) -> int | None:
    """A page's seed from its box, or None when the box holds no whole number of 0 or more
    (a number box that fails its ``min`` or ``step`` gives None as well).

    >>> seed_value(3), seed_value(3.0), seed_value("4"), seed_value(-1), seed_value(2.5)
    (3, 3, 4, None, None)
    >>> seed_value(None), seed_value(True), seed_value("x")
    (None, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number.is_integer() else None


def job_status(progress_id: str, status_id: str) -> list[html.Div]:
    """The progress bar and the line of text a background job shows while it runs
    (:func:`dashboard.background.job_with_progress` shows and hides them)."""
    return [
        html.Progress(id=progress_id, value="0", max="1", style={"display": "none"}),
        html.Div(id=status_id, className="load-message", style={"display": "none"}),
    ]


def format_number(value: Any, digits: int = 3) -> str:
    """A number for display: ``'n/a'`` for None/NaN, thousands separators for ints.

    >>> format_number(1234), format_number(0.123456), format_number(float("nan"))
    ('1,234', '0.123', 'n/a')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e12:
            return f"{int(value):,}"
        return f"{value:.{digits}g}" if abs(value) < 1e-3 else f"{value:.{digits}f}"
    return str(value)


def figure_card(name: str, figure: go.Figure, *, note: str | None = None) -> html.Div:
    """A ``dcc.Graph`` with PNG / SVG / HTML export buttons under it."""
    buttons = [
        html.Button(
            fmt.upper(),
            id=ids.export_button(name, fmt),
            className="export",
            n_clicks=0,
            title=f"Download this figure as {fmt.upper()}",
        )
        for fmt in ("png", "svg", "html")
    ]
    return html.Div(
        [
            dcc.Graph(
                id=ids.figure_id(name),
                figure=figure,
                config={"displaylogo": False, "toImageButtonOptions": {"filename": name}},
            ),
            html.Div(
                [html.Span("Export: "), *buttons, dcc.Download(id=ids.download_id(name))],
                className="export-bar",
            ),
            html.P(note, className="note") if note else None,
        ],
        className="card figure-card",
    )


def _cell(value: Any) -> str:
    """A table cell: numbers as the report writes them (``fmt_number``), durations in
    words, gaps empty.

    >>> _cell(10330.0), _cell(1067), _cell(0.1234567), _cell(pd.Timedelta(seconds=35350))
    ('10,330', '1,067', '0.1235', '9 h 49 min')
    >>> _cell(pd.NaT), _cell(None), _cell(float("nan")), _cell("`deleted`")
    ('', '', '', "'deleted'")
    """
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, int | float):  # bools too: fmt_number writes them as words
        return fmt_number(value)
    if isinstance(value, timedelta):
        return duration_text(value.total_seconds())
    # the library's texts mark column names as `code`; a table cell shows plain text
    return re.sub(r"`([^`]*)`", r"'\1'", str(value))


def participants_text() -> pl.Expr:
    """An episode's ``participants`` as one string, with its turns by deleted or unknown
    authors (``unnamed_turns``) said after them: an episode of deleted accounts only had an
    empty cell. Unnamed turns may be one person or several, deleted accounts or a source
    that names no author (a scrape's anonymous comments): the text says no more than that.

    >>> pl.DataFrame({"participants": [["ann"], [], ["bo"]], "unnamed_turns": [2, 4, 1]}).select(
    ...     participants_text()).to_series().to_list()  # doctest: +NORMALIZE_WHITESPACE
    ['ann + 2 turns by unnamed authors', '4 turns by unnamed authors',
     'bo + 1 turn by an unnamed author']
    """
    names = pl.col("participants").list.join(", ")  # the named authors (nulls left out)
    unnamed = pl.col("unnamed_turns").fill_null(0)
    said = pl.format(
        "{} {}",
        unnamed,
        pl.when(unnamed == 1)
        .then(pl.lit("turn by an unnamed author"))
        .otherwise(pl.lit("turns by unnamed authors")),
    )
    return (
        pl.when(unnamed == 0)
        .then(names)
        .when(names == "")
        .then(said)
        .otherwise(pl.concat_str([names, pl.lit(" + "), said]))
        .alias("participants")
    )


def duration_text(seconds: float) -> str:
    """A duration in words, to the minute above an hour.

    >>> duration_text(42), duration_text(600), duration_text(35350), duration_text(200000)
    ('42 s', '10 min', '9 h 49 min', '2 d 7 h')
    """
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def table_token(frame: pd.DataFrame) -> str:
    """Keep ``frame`` on the server for its CSV download and return the token naming it."""
    import hashlib

    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update("|".join(map(str, frame.columns)).encode())
    token = digest.hexdigest()[:24]
    keep_table(token, frame)
    return token


#: A table column whose shown cells exceed this many characters wraps (text, participants).
_PROSE = 40


def text_table(
    texts: Mapping[str, list[str]],
    prose: Collection[str] = (),
    row_ids: list[str] | None = None,
) -> dcc.Markdown:
    """A ``data-table`` of plain-text cells (``texts``: each column's cells, by header) as one
    Dash component: escaped HTML in a ``dcc.Markdown``. The ``prose`` columns' cells wrap.
    With ``row_ids``, each row is clickable and carries its id (``data-row``; see
    :func:`table_card`).

    Dash's renderer subscribes every component to its store, so a page's cost in the browser
    grows with its components: the Echo chambers page's tables, about 500 ``html.Td`` cells,
    held the browser 0.8-1.1 s on each visit at 100k comments, and 0.2-0.3 s as one
    component each (``benchmarks/results/dashboard-100000-tables-before-after-daaad61.json``). ``dcc.Markdown`` hands raw HTML to a JSX parser (react-jsx-parser), in
    which ``{...}`` in a text is a JavaScript expression: every header, cell and row id is
    escaped by :func:`jsx_text` (markup characters and braces as character references), so
    a text shows as itself and runs nothing; the HTML has no line break (a cell's newlines
    are written ``&#10;``), so the Markdown parser reads it as one raw HTML block and finds
    no Markdown inside.

    >>> table = text_table({"author": ["<b>eve</b>"], "note": ["*a*\\n\\nb"]}, {"note"})
    >>> table.children
    '<table class="data-table"><thead><tr><th>author</th><th>note</th></tr></thead><tbody><tr><td>&lt;b&gt;eve&lt;/b&gt;</td><td class="prose">*a*&#10;&#10;b</td></tr></tbody></table>'
    >>> text_table({"n": ["1"]}, row_ids=['e"1']).children
    '<table class="data-table"><thead><tr><th>n</th></tr></thead><tbody><tr class="clickable" data-row="e&quot;1"><td>1</td></tr></tbody></table>'
    """
    columns = list(texts)
    head = "".join(f"<th>{jsx_text(str(c))}</th>" for c in columns)
    opening = {c: '<td class="prose">' if c in prose else "<td>" for c in columns}
    n_rows = len(next(iter(texts.values()), []))
    rows = (
        ["<tr>"] * n_rows
        if row_ids is None
        else [f'<tr class="clickable" data-row="{jsx_text(r)}">' for r in row_ids]
    )
    body = "".join(
        rows[i] + "".join(f"{opening[c]}{jsx_text(texts[c][i])}</td>" for c in columns) + "</tr>"
        for i in range(n_rows)
    )
    return dcc.Markdown(
        f'<table class="data-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>',
        dangerously_allow_html=True,
    )


def jsx_text(text: str) -> str:
    """``text`` as the literal text of an HTML element or quoted attribute that a JSX parser
    reads: markup characters escaped (``html.escape``), JSX's expression braces and line
    breaks as character references, which the parser decodes to text.

    >>> jsx_text("{constructor.constructor(x)()} <b> & a }\\n")
    '&#123;constructor.constructor(x)()&#125; &lt;b&gt; &amp; a &#125;&#10;'
    """
    escaped = html_text.escape(text).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\r", "&#13;").replace("\n", "&#10;")


def table_card(
    name: str,
    frame: pl.DataFrame | pd.DataFrame,
    *,
    title: str | None = None,
    max_rows: int = 50,
    row_id: str | None = None,
    columns: list[str] | None = None,
    digits: int | None = None,
) -> html.Div:
    """A scrollable table (cells are plain text) with a CSV button for the whole table.

    With ``row_id``, each row is clickable: a click puts ``{"row": <value of row_id>, "at":
    <time>}`` in the card's ``dcc.Store`` (id :func:`ids.chosen_row(name)
    <dashboard.ids.chosen_row>`; ``app.js`` does it in the browser, for a table that is one
    component) and marks the row chosen. ``columns`` limits the
    columns shown and ``digits`` rounds the numbers shown; the CSV always has every column,
    at full precision.
    """
    df = frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()
    token = table_token(df)
    shown = [c for c in (columns or list(df.columns)) if c in df.columns]
    if digits is not None:  # the floats only: pandas warns that durations do not round
        numbers = df.select_dtypes(include="floating").columns  # "number" takes durations
        df = df.copy()
        df[numbers] = df[numbers].round(digits)
    records = df.head(max_rows).to_dict("records")
    texts = {c: [_cell(r[c]) for r in records] for c in shown}
    # numbers, ids and short labels stay whole on one line; only prose wraps ("3.6 5", "risin g")
    prose = {c for c, cells in texts.items() if max(map(len, cells), default=0) > _PROSE}
    row_ids = None if row_id is None else [str(r[row_id]) for r in records]
    table = text_table(texts, prose, row_ids)
    cut = f" (first {max_rows:,} of {len(df):,} rows; CSV has all)" if len(df) > max_rows else ""
    return html.Div(
        [
            html.H4((title or name) + cut),
            html.Div(
                table,
                className="table-scroll",
                **({} if row_id is None else {"data-chosen-row": json.dumps(ids.chosen_row(name))}),
            ),
            *([] if row_id is None else [dcc.Store(id=ids.chosen_row(name))]),
            html.Div(
                [
                    html.Button(
                        "CSV",
                        id=ids.csv_button(name),
                        value=token,
                        n_clicks=0,
                        className="export",
                        title="Download the whole table as CSV",
                    ),
                    dcc.Download(id=ids.csv_download(name)),
                ],
                className="export-bar",
            ),
        ],
        className="card table-card",
        id=ids.table_id(name),
    )


def comment_block(row: dict[str, Any], *, highlight: bool = False) -> html.Div:
    """One comment: author, toxicity and body, all rendered as text."""
    tox = row.get("toxicity")
    meta = [
        html.B(author_label(row.get("author"), row.get("deleted")), className="author"),
        html.Span(f" · toxicity {format_number(tox, 2)}" if tox is not None else ""),
        html.Span(f" · {row['created_at']:%Y-%m-%d %H:%M}" if row.get("created_at") else ""),
        html.Span(f" · {row.get('comment_id')}", className="comment-id"),
    ]
    return html.Div(
        [
            html.Div(meta, className="comment-meta"),
            html.Div(row.get("text") or "", className="comment-text"),
        ],
        className="comment" + (" highlight" if highlight else ""),
        style={"borderLeftColor": toxicity_color(tox)},
    )


def metric_card(label: str, value: str, detail: str | None = None) -> html.Div:
    """A small labelled number."""
    return html.Div(
        [
            html.Div(label, className="metric-label"),
            html.Div(value, className="metric-value"),
            html.Div(detail, className="metric-detail") if detail else None,
        ],
        className="metric-card",
    )


def error_card(label: str, message: str) -> html.Div:
    """A metric card for a computation the library refused: the error, marked as one."""
    return html.Div(
        [
            html.Div(label, className="metric-label"),
            html.Div("error", className="metric-value"),
            html.Div(message, className="metric-detail"),
        ],
        className="metric-card error",
    )


def notice(message: str, *, kind: str = "info") -> html.Div:
    """A highlighted message (``kind``: info, warning or error)."""
    return html.Div(message, className=f"notice {kind}")


def warning_lines(by_measure: Mapping[str, Iterable[str]]) -> list[str]:
    """One line per distinct warning, naming the measures it applies to (in order).

    Examples
    --------
    >>> warning_lines({"ei_index": ["few threads", "small sides"], "rwc": ["few threads"]})
    ['few threads (ei_index, rwc)', 'small sides (ei_index)']
    """
    seen: dict[str, list[str]] = {}
    for name, said in by_measure.items():
        for text in said:
            if text:
                seen.setdefault(text, []).append(name)
    return [f"{text} ({', '.join(names)})" for text, names in seen.items()]


def warnings_notice(lines: list[str], *, title: str) -> html.Div | None:
    """A warning notice listing ``lines`` under ``title`` (None when there is nothing to say)."""
    if not lines:
        return None
    return html.Div(
        [html.B(title), html.Ul([html.Li(line) for line in lines])],
        className="notice warning sample-warnings",
    )
