"""Escalation: contagion with its null, toxicity by depth, ranked flame-war episodes."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components import KEPT
from dashboard.ids import ID
from dashboard.label_draws import ESCALATION_INTRO, draws_card
from dashboard.settings import EPISODE_DEFAULTS, EPISODE_PROMPT, N_DRAWS

#: What the threshold card does, until it is asked to.
SWEEP_INTRO = (
    "The measures above call a comment toxic when its toxicity reaches the threshold. "
    "Recomputing them at thresholds from 0.2 to 0.9, beside the share of comments each "
    "flags, shows whether a finding rests on where that line is drawn "
    "(dynamics.uncertainty.threshold_sensitivity)."
)

#: How the window finds episodes, and the draws behind the intervals and p-values.
EPISODES_NOTE = (
    "Episodes are found with windows of this many consecutive comments along a reply chain "
    "or a two-person exchange: a window counts when its toxicity rises (positive slope) and "
    "reaches the threshold, and overlapping windows merge into one episode. A longer window "
    "finds fewer, longer episodes that can take in milder comments: it is not a filter on "
    f"the same episodes. Intervals: {N_DRAWS} bootstrap resamples of threads; contagion's "
    f"p-value: {N_DRAWS} shuffles of toxicity within threads (seed 0)."
)

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
                                **KEPT,
                                options=[0.3, 0.5, 0.7, 0.9],
                                value=EPISODE_DEFAULTS["threshold"],
                                clearable=False,
                            ),
                        ],
                        className="control",
                    ),
                    html.Div(
                        [
                            html.Label("Episode window (turns)"),
                            dcc.Dropdown(
                                id=ID.ESC_MIN_TURNS,
                                **KEPT,
                                options=[2, 3, 4, 5, 8],
                                value=EPISODE_DEFAULTS["min_turns"],
                                clearable=False,
                            ),
                        ],
                        className="control",
                        style={"minWidth": 240},
                    ),
                ],
                className="controls",
            ),
            html.Div(EPISODES_NOTE, className="note"),
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
                    html.H4("Where the threshold is drawn"),
                    html.Button(
                        "Recompute at thresholds 0.2 to 0.9",
                        id=ID.ESC_SWEEP,
                        n_clicks=0,
                    ),
                    html.Progress(
                        id=ID.ESC_SWEEP_PROGRESS, value="0", max="1", style={"display": "none"}
                    ),
                    html.Div(
                        id=ID.ESC_SWEEP_STATUS, className="load-message", style={"display": "none"}
                    ),
                    html.Div(SWEEP_INTRO, id=ID.ESC_SWEEP_BODY, className="note"),
                ],
                className="card",
            ),
            html.Div(
                [
                    html.Div(id=ID.ESC_EPISODES),
                    html.Div(
                        [
                            html.H4("Episode comments, in order"),
                            html.Div(
                                EPISODE_PROMPT,
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
