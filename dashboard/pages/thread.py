"""Thread: the reply tree of one thread, coloured by toxicity; click a comment to read it."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components import figure_card
from dashboard.figures.base import empty_figure
from dashboard.ids import ID

dash.register_page(__name__, path="/thread", name="Thread", order=5)


def layout(thread: str | None = None, **_query: str) -> html.Div:
    """Thread picker, reply tree and the comment panel."""
    return html.Div(
        [
            html.H2("Thread"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Thread"),
                            dcc.Dropdown(
                                id=ID.THREAD_SELECT,
                                value=thread,
                                options=[thread] if thread else [],
                                clearable=False,
                            ),
                        ],
                        className="control",
                        style={"minWidth": 520},
                    )
                ],
                className="controls",
            ),
            html.Div(
                [
                    figure_card(
                        "reply_tree",
                        empty_figure("Choose a thread"),
                        note="Hover a comment to read it; click it for its chain.",
                    ),
                    html.Div(
                        [
                            html.H4("Comment and its chain"),
                            html.Div(
                                "Click a comment in the tree.",
                                id=ID.THREAD_COMMENT,
                                className="comments",
                            ),
                        ],
                        className="card",
                    ),
                ],
                className="grid2",
            ),
        ],
        className="page",
    )
