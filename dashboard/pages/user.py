"""User: who they reply to, their sides, toxicity given and received, episodes started."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.ids import ID

dash.register_page(__name__, path="/user", name="User", order=6)


def layout(author: str | None = None, **_query: str) -> html.Div:
    """User picker and the user's summary."""
    return html.Div(
        [
            html.H2("User"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("User"),
                            dcc.Dropdown(
                                id=ID.USER_SELECT,
                                value=author,
                                options=[author] if author else [],
                                clearable=False,
                            ),
                        ],
                        className="control",
                        style={"minWidth": 420},
                    )
                ],
                className="controls",
            ),
            html.Div(id=ID.USER_BODY),
        ],
        className="page",
    )
