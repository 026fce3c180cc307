"""Polarization: sides method and parameters, the measures with CIs and p-values, trends."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.callbacks.polarization import trend_measures
from dashboard.components import KEPT, control, figure_card, job_status, significance_controls
from dashboard.figures.base import empty_figure
from dashboard.ids import ID
from dashboard.label_draws import POLARIZATION_INTRO, draws_card
from dashboard.sides_options import REPORT_SIDES_NOTE, sides_control

dash.register_page(__name__, path="/polarization", name="Polarization", order=2)


def layout(**_query: str) -> html.Div:
    """Parameters, the measures and the trend of one of them."""
    return html.Div(
        [
            html.H2("Polarization"),
            html.Div(
                [
                    sides_control(ID.POL_METHOD, "Sides"),
                    *significance_controls(ID.POL_SEED, ID.POL_N_BOOT),
                ],
                className="controls",
            ),
            html.Div(REPORT_SIDES_NOTE, className="note"),
            html.Div(id=ID.POL_BODY),
            *job_status(ID.POL_PROGRESS, ID.POL_STATUS),
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
