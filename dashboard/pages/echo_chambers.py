"""Echo chambers: the Cinelli joint density plot and insularity per community."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components import KEPT
from dashboard.ids import ID
from dashboard.sides_options import ECHO_NOTE, SIDE_METHODS

dash.register_page(__name__, path="/echo-chambers", name="Echo chambers", order=3)


def layout(**_query: str) -> html.Div:
    """Sides choice and the echo-chamber measures."""
    return html.Div(
        [
            html.H2("Echo chambers"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Sides and leaning from"),
                            dcc.Dropdown(
                                id=ID.ECHO_METHOD,
                                **KEPT,
                                clearable=False,
                                value="signed",
                                options=[
                                    {"label": v[0], "value": k} for k, v in SIDE_METHODS.items()
                                ],
                            ),
                        ],
                        className="control",
                        style={"minWidth": 340},
                    )
                ],
                className="controls",
            ),
            html.Div(ECHO_NOTE, className="note"),
            html.Div(id=ID.ECHO_BODY),
        ],
        className="page",
    )
