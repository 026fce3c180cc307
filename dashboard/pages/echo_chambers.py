"""Echo chambers: the measures with their nulls and intervals, the Cinelli joint density plot
and insularity per community."""

from __future__ import annotations

import dash
from dash import html

from dashboard.components import job_status, significance_controls
from dashboard.ids import ID
from dashboard.sides_options import ECHO_NOTE, sides_control

dash.register_page(__name__, path="/echo-chambers", name="Echo chambers", order=3)


def layout(**_query: str) -> html.Div:
    """Sides choice, seed and draws, and the echo-chamber measures."""
    return html.Div(
        [
            html.H2("Echo chambers"),
            html.Div(
                [
                    sides_control(ID.ECHO_METHOD, "Sides and leaning from"),
                    *significance_controls(ID.ECHO_SEED, ID.ECHO_N),
                ],
                className="controls",
            ),
            html.Div(ECHO_NOTE, className="note"),
            *job_status(ID.ECHO_PROGRESS, ID.ECHO_STATUS),
            html.Div(id=ID.ECHO_BODY),
        ],
        className="page",
    )
