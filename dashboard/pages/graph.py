"""Graph: the user reply graph with sides, activity, hostility and filters."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components import KEPT, figure_card
from dashboard.figures.base import empty_figure
from dashboard.figures.graph import DEFAULT_EDGES, EDGE_CHOICES, HEIGHT
from dashboard.ids import ID

dash.register_page(__name__, path="/graph", name="Graph", order=1)

COLOR_OPTIONS = [
    {"label": "sides (signed graph)", "value": "signed"},
    {"label": "sides (two largest communities)", "value": "leiden2"},
    {"label": "communities", "value": "communities"},
    {"label": "none", "value": "none"},
]


#: What an edge and a node's degree are, under the controls.
GRAPH_INTRO = (
    "An arrow u → v: u replied to a comment of v's, weighted by the replies. A top-level "
    "comment answers the post, not a user, so it makes no edge: a thread's users may sit "
    "apart though they commented on the same post. Degree: the number of distinct users a "
    "user replied to or was replied to by, in the time window and threads chosen."
)


def layout(**_query: str) -> html.Div:
    """Filters and the graph."""
    controls = html.Div(
        [
            html.Div(
                [
                    html.Label("Time window (% of the time span)"),
                    dcc.RangeSlider(
                        0,
                        100,
                        1,
                        value=[0, 100],
                        id=ID.GRAPH_WINDOW,
                        **KEPT,
                        marks={0: "start", 100: "end"},
                    ),
                ],
                className="control",
                style={"minWidth": 280},
            ),
            html.Div(
                [
                    html.Label("Threads"),
                    dcc.Dropdown(id=ID.GRAPH_THREADS, multi=True, placeholder="all threads"),
                ],
                className="control",
                style={"minWidth": 280},
            ),
            html.Div(
                [
                    html.Label("Minimum degree (reply partners)"),
                    dcc.Dropdown(
                        id=ID.GRAPH_MIN_DEGREE,
                        **KEPT,
                        options=[0, 1, 2, 3, 5, 10, 20],
                        value=0,
                        clearable=False,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Colour nodes by"),
                    dcc.Dropdown(
                        id=ID.GRAPH_COLOR,
                        options=COLOR_OPTIONS,
                        value="signed",
                        clearable=False,
                        **KEPT,
                    ),
                ],
                className="control",
                style={"minWidth": 260},
            ),
            html.Div(
                [
                    html.Label("Edges drawn (heaviest first)"),
                    dcc.Dropdown(
                        id=ID.GRAPH_MAX_EDGES,
                        **KEPT,
                        options=[{"label": f"{n:,}", "value": n} for n in EDGE_CHOICES],
                        value=DEFAULT_EDGES,
                        clearable=False,
                    ),
                ],
                className="control",
            ),
        ],
        className="controls",
    )
    return html.Div(
        [
            html.H2("User reply graph"),
            controls,
            html.Div(GRAPH_INTRO, className="note"),
            html.Div(id=ID.GRAPH_NOTE, className="note"),
            figure_card(
                "user_graph",
                empty_figure("Computing the layout...", height=HEIGHT),
                note="Node size: comments written. Edge colour: mean toxicity of the "
                "replies (hostility). Click a node to open the user.",
            ),
        ],
        className="page",
    )
