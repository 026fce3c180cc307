"""Polarization: sides method and parameters, the measures with CIs and p-values, trends."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.callbacks.polarization import trend_measures
from dashboard.components import KEPT, figure_card
from dashboard.figures.base import empty_figure
from dashboard.ids import ID
from dashboard.label_draws import POLARIZATION_INTRO, draws_card
from dashboard.sides_options import REPORT_SIDES_NOTE, SIDE_METHODS

dash.register_page(__name__, path="/polarization", name="Polarization", order=2)


def layout(**_query: str) -> html.Div:
    """Parameters, the measures and the trend of one of them."""

    def control(label: str, widget: object, width: int = 180) -> html.Div:
        return html.Div([html.Label(label), widget], className="control", style={"minWidth": width})

    return html.Div(
        [
            html.H2("Polarization"),
            html.Div(
                [
                    control(
                        "Sides",
                        dcc.Dropdown(
                            id=ID.POL_METHOD,
                            **KEPT,
                            clearable=False,
                            value="signed",
                            options=[{"label": v[0], "value": k} for k, v in SIDE_METHODS.items()],
                        ),
                        340,
                    ),
                    control(
                        "Seed",
                        dcc.Input(
                            id=ID.POL_SEED, type="number", value=0, min=0, debounce=True, **KEPT
                        ),
                    ),
                    control(
                        "Bootstrap resamples (CI) / null draws (p)",
                        dcc.Dropdown(
                            id=ID.POL_N_BOOT,
                            **KEPT,
                            options=[0, 50, 100, 200, 500],
                            value=100,
                            clearable=False,
                        ),
                        260,
                    ),
                ],
                className="controls",
            ),
            html.Div(REPORT_SIDES_NOTE, className="note"),
            html.Div(id=ID.POL_BODY),
            html.Progress(id=ID.POL_PROGRESS, value="0", max="1", style={"display": "none"}),
            html.Div(id=ID.POL_STATUS, className="load-message", style={"display": "none"}),
            html.Div(id=ID.POL_ESTIMATES),
            draws_card(
                title="If the stance and toxicity labels were drawn from the scores",
                intro=POLARIZATION_INTRO,
                dropdown=ID.POL_DRAWS,
                calibration=ID.POL_DRAWS_CALIBRATION,
                labels=ID.POL_DRAWS_LABELS,
                labels_status=ID.POL_DRAWS_LABELS_STATUS,
                progress=ID.POL_DRAWS_PROGRESS,
                status=ID.POL_DRAWS_STATUS,
                body=ID.POL_DRAWS_BODY,
            ),
            html.H3("Trend over time"),
            html.Div(
                [
                    control(
                        "Measure",
                        dcc.Dropdown(
                            id=ID.POL_TREND_METRIC,
                            **KEPT,
                            options=trend_measures(),
                            value="ei_index",
                            clearable=False,
                        ),
                        260,
                    ),
                    control(
                        "Window",
                        dcc.Dropdown(
                            id=ID.POL_BY,
                            options=["1d", "1w", "1mo"],
                            value="1w",
                            clearable=False,
                            **KEPT,
                        ),
                    ),
                ],
                className="controls",
            ),
            figure_card("polarization_trend", empty_figure("Computing...")),
            html.Div(id=ID.POL_TREND, className="note"),
        ],
        className="page",
    )
