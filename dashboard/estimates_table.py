"""The estimates of a family of measures, as the Polarization and Echo chambers pages show
them: one dot per measure with its bootstrap interval, and the table beside its null model."""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

import pandas as pd

from dashboard.components import figure_card, notice, table_card
from dashboard.figures.metrics import estimates_figure
from dynamics._kernel import Measure

__all__ = [
    "NULL_NOTE",
    "PENDING_NOTE",
    "POINT_NOTE",
    "SHOWN",
    "about",
    "estimates_parts",
    "p_text",
    "pending_notice",
    "tails",
]

#: The columns shown: every estimate beside its null mean and excess (value - null mean).
SHOWN = ["metric", "value", "ci_low", "ci_high", "z", "p_value", "null_mean", "excess", "reason"]

#: Said under the estimates when they have null models and intervals.
NULL_NOTE = (
    "Bars: bootstrap confidence intervals over threads, with the sides held fixed (another "
    "side seed can move a value beyond its bar; an orange dot lies outside its bar, whose "
    "resamples are biased for that measure). Null model (column null_model): the sides are "
    "found in the graph, so with rewire-refit each null draw rewires the user graph keeping "
    "degrees and finds the sides again the same way (random graphs split well too: Guimera "
    "et al. 2004); excess = value - null mean is the part beyond the null. p-values are "
    "one-sided (column tail): lower counts the null draws at or below the value, higher "
    "those at or above it, in the direction the measure reads as polarized. With n draws "
    "the smallest p-value is 1/(n + 1) (0.0099 with 100): no draw was as extreme, and z "
    "says how far beyond them the value lies."
)

#: Said under the point estimates while the background job computes the rest.
PENDING_NOTE = "Point estimates; their intervals and null models are being computed (see above)."

#: Said under the estimates without them.
POINT_NOTE = (
    "Point estimates only (choose bootstrap resamples / null draws above for intervals, "
    "p-values and the excess over the null)."
)


def pending_notice(n: int):
    """Said above the point estimates while a background job computes the rest."""
    return notice(
        f"Null models and bootstrap intervals ({n} draws each) are being computed; the "
        "p-values, null means, excess and intervals fill in here when they are ready.",
        kind="info",
    )


def p_text(p: float, n_defined: int | None) -> str:
    """A one-sided p-value for a card: at its floor 1/(n + 1) it says so, for it then shows
    how many null draws were made more than how far the value lies beyond them.

    >>> p_text(1 / 101, 100), p_text(0.0297, 100), p_text(0.5, None)
    ('p = 0.0099, the floor of 100 draws', 'p = 0.0297', 'p = 0.5')
    """
    text = f"p = {p:.3g}"
    if n_defined and p <= 1.0 / (n_defined + 1) * (1 + 1e-9):
        text += f", the floor of {n_defined} draws"
    return text


def about(spec: Measure) -> str:
    """What a measure measures: the first paragraph of its docstring, on one line.

    >>> from dynamics._kernel import find_measure
    >>> about(find_measure("homogeneity", "doc"))
    'Share of users whose interactions stay on their own side.'
    """
    text = inspect.getdoc(spec.func) or ""
    return " ".join(text.split("\n\n")[0].split()).replace("``", "")


def tails(table: pd.DataFrame, specs: Mapping[str, Measure]) -> pd.Series:
    """Each row's one-sided test: "lower" (null draws at or below the value), "higher" (at or
    above), empty without a p-value. ``specs``: the measures by name.

    >>> from dynamics._kernel import measures
    >>> specs = {m.name: m for m in measures("polarization")}
    >>> tails(pd.DataFrame({"metric": ["ei_index", "modularity", "bimodality"],
    ...                     "p_value": [0.01, 0.2, float("nan")]}), specs).tolist()
    ['lower', 'higher', '']
    """

    def tail(metric: str, p: float) -> str:
        spec = specs.get(metric)
        if spec is None or p is None or math.isnan(p):  # no p-value
            return ""
        return spec.tail

    return pd.Series(
        [tail(m, p) for m, p in zip(table["metric"], table["p_value"], strict=True)],
        index=table.index,
        dtype=object,
    )


def estimates_parts(
    name: str,
    table: pd.DataFrame,
    specs: Mapping[str, Measure],
    *,
    title: str,
    with_null: bool,
    said: object = None,
    pending: bool = False,
    settings: Mapping[str, object] | None = None,
) -> list:
    """The errors, ``said`` (the page's warnings), the estimates figure and the table of a
    family's measures.

    ``table`` has one row per measure (``MetricResult.to_frame()``, and ``error`` for the
    measures the library refused); ``name`` names the figure and table for their export
    buttons. ``with_null``: whether the rows were computed with null models and intervals,
    ``pending``: whether a background job is computing them (which note is shown).
    ``settings`` (the page's side choice, seed, draws) lead every row of the CSV, which
    has the numbers at full precision; the page shows them to 4 digits.
    """
    table = table.reindex(
        columns=[*SHOWN, "null_sd", "warnings", "error"]
        + [c for c in table.columns if c not in {*SHOWN, "null_sd", "warnings", "error"}]
    )
    table["warnings"] = table["warnings"].fillna("")
    nulls = table.get("param_null", pd.Series("", index=table.index, dtype=object))
    table["null_model"] = nulls.where(table["p_value"].notna(), "").fillna("")
    table.insert(table.columns.get_loc("p_value") + 1, "tail", tails(table, specs))
    table.insert(1, "about", [about(specs[m]) if m in specs else "" for m in table["metric"]])
    for i, (setting, value) in enumerate((settings or {}).items()):
        table.insert(i, setting, value)
    failed = table.dropna(subset=["error"])
    errors = [
        notice(f"{metric}: {message}", kind="error")
        for metric, message in zip(failed["metric"], failed["error"], strict=True)
    ]
    return [
        *errors,
        said,
        figure_card(
            name,
            estimates_figure(table[SHOWN], title=title),
            note=PENDING_NOTE if pending else NULL_NOTE if with_null else POINT_NOTE,
        ),
        table_card(
            f"{name}_table",
            table,
            title="Measures (the CSV adds the page's settings, every parameter and detail)",
            digits=4,
            columns=[
                SHOWN[0],
                "about",
                *SHOWN[1:6],
                "tail",
                *SHOWN[6:-1],
                "null_model",
                SHOWN[-1],
                "warnings",
                *(["error"] if errors else []),
            ],
        ),
    ]
