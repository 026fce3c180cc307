"""Escalation: contagion with its null, toxicity by depth, ranked flame-war episodes."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.ids import ID
from dashboard.label_draws import ESCALATION_INTRO, draws_card

dash.register_page(__name__, path="/escalation", name="Escalation", order=4)


def layout(**_query: str) -> html.Div:
    """Parameters, the measures, the episodes table and the chosen episode's comments."""
    return html.Div(
        [
            html.H2("Flame escalation"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Toxic when toxicity >="),
                            dcc.Dropdown(
                                id=ID.ESC_THRESHOLD,
                                options=[0.3, 0.5, 0.7, 0.9],
                                value=0.5,
                                clearable=False,
                            ),
                        ],
                        className="control",
                    ),
                    html.Div(
                        [
                            html.Label("Episode: at least this many turns"),
                            dcc.Dropdown(
                                id=ID.ESC_MIN_TURNS,
                                options=[2, 3, 4, 5, 8],
                                value=3,
                                clearable=False,
                            ),
                        ],
                        className="control",
                        style={"minWidth": 240},
                    ),
                ],
                className="controls",
            ),
            html.Div(id=ID.ESC_BODY),
            draws_card(
                title="If the toxicity labels were drawn from the scores",
                intro=ESCALATION_INTRO,
                dropdown=ID.ESC_DRAWS,
                calibration=ID.ESC_DRAWS_CALIBRATION,
                labels=ID.ESC_DRAWS_LABELS,
                labels_status=ID.ESC_DRAWS_LABELS_STATUS,
                progress=ID.ESC_DRAWS_PROGRESS,
                status=ID.ESC_DRAWS_STATUS,
                body=ID.ESC_DRAWS_BODY,
            ),
            html.Div(
                [
                    html.Div(id=ID.ESC_EPISODES),
                    html.Div(
                        [
                            html.H4("Episode comments, in order"),
                            html.Div(
                                "Click an episode in the table.",
                                id=ID.ESC_EPISODE_VIEW,
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
