"""Overview: counts, time span, activity over time, data problems (IngestReport)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.ids import ID

dash.register_page(__name__, path="/", name="Overview", order=0)


def layout(**_query: str) -> html.Div:
    """Containers the overview callback fills."""
    return html.Div(
        [
            html.H2("Overview"),
            html.Div(id=ID.OVERVIEW_CARDS, className="metrics"),
            html.Div(id=ID.OVERVIEW_BODY),
        ],
        className="page",
    )
