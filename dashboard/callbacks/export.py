"""Figure export: PNG and SVG in the browser (plotly.js), self-contained HTML from the server."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
from dash import MATCH, ClientsideFunction, Input, Output, State

from dashboard.background import kept_table
from dashboard.callbacks import on, on_client
from dashboard.ids import Pattern

__all__ = ["csv_text"]

for _fmt in ("png", "svg"):
    on_client(
        ClientsideFunction(namespace="dynamics", function_name=f"download_{_fmt}"),
        Output({"type": Pattern.EXPORT, "name": MATCH, "format": _fmt}, "title"),
        Input({"type": Pattern.EXPORT, "name": MATCH, "format": _fmt}, "n_clicks"),
        State({"type": Pattern.EXPORT, "name": MATCH, "format": _fmt}, "id"),
        prevent_initial_call=True,
    )


@on(
    Output({"type": Pattern.DOWNLOAD, "name": MATCH}, "data"),
    Input({"type": Pattern.EXPORT, "name": MATCH, "format": "html"}, "n_clicks"),
    State({"type": Pattern.FIGURE, "name": MATCH}, "figure"),
    State({"type": Pattern.FIGURE, "name": MATCH}, "id"),
    prevent_initial_call=True,
)
def download_html(_clicks, figure, graph_id):
    """The figure as one HTML file with plotly.js inlined (opens offline)."""
    # the figure as the browser holds it, unvalidated: a value plotly.py would refuse
    # (a null colour in an array, which the page drew) must not make the download fail
    html = pio.to_html(figure, include_plotlyjs=True, full_html=True, validate=False)
    return {"content": html, "filename": f"{graph_id['name']}.html", "type": "text/html"}


@on(
    Output({"type": Pattern.CSV_DOWNLOAD, "name": MATCH}, "data"),
    Input({"type": Pattern.CSV, "name": MATCH}, "n_clicks"),
    State({"type": Pattern.CSV, "name": MATCH}, "value"),
    State({"type": Pattern.CSV, "name": MATCH}, "id"),
    prevent_initial_call=True,
)
def download_csv(_clicks, token, button_id):
    """The whole table behind a table card, as CSV."""
    frame = kept_table(token)
    if frame is None:
        return None
    return {
        "content": csv_text(frame),
        "filename": f"{button_id['name']}.csv",
        "type": "text/csv",
    }


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV, durations in seconds (a column ``duration`` becomes ``duration_s``),
    so that every table reads back the same way (pandas wrote "1 days 05:26:09").

    >>> print(csv_text(pd.DataFrame({"id": ["e1"], "duration": [pd.Timedelta(minutes=90)]})))
    id,duration_s
    e1,5400.0
    <BLANKLINE>
    """
    spans = [c for c in frame.columns if pd.api.types.is_timedelta64_dtype(frame[c])]
    if spans:
        frame = frame.assign(**{c: frame[c].dt.total_seconds() for c in spans})
        frame = frame.rename(columns={c: f"{c}_s" for c in spans})
    return frame.to_csv(index=False)
