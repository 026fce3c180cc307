"""The estimates of a family of measures, as the Polarization and Echo chambers pages show
them: one dot per measure with its bootstrap interval, and the table beside its null model."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from dash import html

from dashboard.background import shared_attempt, shared_ready
from dashboard.cache import Failed
from dashboard.components import figure_card, notice, table_card, warning_lines
from dashboard.figures.metrics import estimates_figure
from dashboard.sides_options import SIDE_METHODS
from dynamics._kernel import Measure

__all__ = [
    "NULL_NOTE",
    "PENDING_NOTE",
    "POINT_NOTE",
    "SHOWN",
    "SIDE_SEEDS",
    "about",
    "estimates_parts",
    "p_text",
    "page_params",
    "pending_notice",
    "sample_warnings",
    "side_seed_values",
    "side_seeds_ready",
    "tails",
    "with_side_seeds",
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


def page_params(method: str, seed: int, n: int) -> dict[str, object]:
    """What a page's measures are computed and kept under: side choice, seed and draws."""
    return {"method": method, "seed": seed, "n": n}


def sample_warnings(sides, table: pd.DataFrame) -> list[str]:
    """Warnings for the page: the sides' coverage, then every measure's, each said once.

    ``table`` has a row per measure (its ``warnings`` column joins a result's warnings with
    ``"; "``; a measure the library refused has none); each line names the measures it
    applies to. ``sides`` without coverage details (None) adds nothing.

    >>> table = pd.DataFrame({"metric": ["a", "b"], "warnings": ["few threads", float("nan")]})
    >>> sample_warnings(None, table)
    ['few threads (a)']
    """
    found = (getattr(sides, "details", None) or {}).get("coverage") or {}
    by_measure: dict[str, list[str]] = {"sides": list(found.get("warnings", ()))}
    if "warnings" in table.columns:
        for metric, text in zip(table["metric"], table["warnings"], strict=True):
            by_measure[str(metric)] = text.split("; ") if isinstance(text, str) and text else []
    return warning_lines(by_measure)


def pending_notice(n: int) -> html.Div:
    """Said above the point estimates while a background job computes the rest."""
    return notice(
        f"Null models and bootstrap intervals ({n} draws each) are being computed; the "
        "p-values, null means, excess and intervals fill in here when they are ready.",
        kind="info",
    )


#: Side-search seeds a page tries, its own first (as the report's ``--side-seeds`` default).
SIDE_SEEDS = 5


def side_seed_values(
    key: str,
    page: str,
    method: str,
    seed: int,
    values_for: Callable[[int], Mapping[str, float]],
) -> dict[str, list[float]] | None:
    """Each measure's value on the sides found with seeds ``seed`` to ``seed + 4``
    (``values_for(s)``: the page's point estimates with the sides of seed ``s``), computed
    once and shared with the app's process (:func:`dashboard.background.shared_attempt`).

    The thread bootstrap holds the sides fixed, so its interval leaves out how much the side
    search moves a value; the report gives the same spread (``--side-seeds``). None for the
    spectral split, which does not depend on the seed.
    """
    if SIDE_METHODS[method][1]["method"] == "signed":
        return None

    def compute() -> dict[str, list[float]]:
        per_seed = [dict(values_for(seed + k)) for k in range(SIDE_SEEDS)]
        return {name: [float(v.get(name, math.nan)) for v in per_seed] for name in per_seed[0]}

    got = shared_attempt(
        key, f"{page}.side_seeds", page_params(method, seed, SIDE_SEEDS), compute, share=True
    )
    return None if isinstance(got, Failed) else got


def side_seeds_ready(key: str, page: str, method: str, seed: int) -> bool:
    """Whether :func:`side_seed_values` has its answer at hand (or needs none)."""
    if SIDE_METHODS[method][1]["method"] == "signed":
        return True
    return shared_ready(key, f"{page}.side_seeds", page_params(method, seed, SIDE_SEEDS))


def with_side_seeds(
    table: pd.DataFrame, spreads: Mapping[str, Sequence[float]] | None, seed: int
) -> pd.DataFrame:
    """``table`` with ``side_seeds_low`` and ``side_seeds_high`` (the smallest and largest
    value over the side seeds of :func:`side_seed_values`) and a warning where they leave
    the measure's interval.

    >>> t = pd.DataFrame({"metric": ["a", "b"], "value": [0.5, 0.2], "ci_low": [0.4, 0.1],
    ...                   "ci_high": [0.6, 0.3], "warnings": ["", ""]})
    >>> out = with_side_seeds(t, {"a": [0.5, 0.7], "b": [0.2, 0.25]}, 3)
    >>> out["side_seeds_high"].tolist(), out["warnings"].tolist()[1]
    ([0.7, 0.25], '')
    >>> out["warnings"].tolist()[0][:52]
    'the sides found with seeds 3-7 give 0.5 to 0.7, beyo'
    """
    if not spreads:
        return table
    table = table.copy()
    lows, highs, notes = [], [], []
    for metric, low_ci, high_ci, said in zip(
        table["metric"], table["ci_low"], table["ci_high"], table["warnings"], strict=True
    ):
        values = [v for v in spreads.get(metric, ()) if not math.isnan(v)]
        low, high = (min(values), max(values)) if values else (math.nan, math.nan)
        lows.append(low)
        highs.append(high)
        note = ""
        if (
            values
            and not (pd.isna(low_ci) or pd.isna(high_ci))
            and (low < low_ci or high > high_ci)
        ):
            note = (
                f"the sides found with seeds {seed}-{seed + SIDE_SEEDS - 1} give "
                f"{low:.4g} to {high:.4g}, beyond the interval, which holds the sides fixed: "
                "the side search moves this value more than the sampling of threads does"
            )
        notes.append("; ".join(t for t in (said, note) if isinstance(t, str) and t))
    return table.assign(side_seeds_low=lows, side_seeds_high=highs, warnings=notes)


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
                *SHOWN[1:4],
                "side_seeds_low",
                "side_seeds_high",
                *SHOWN[4:6],
                "tail",
                *SHOWN[6:-1],
                "null_model",
                SHOWN[-1],
                "warnings",
                *(["error"] if errors else []),
            ],
        ),
    ]
