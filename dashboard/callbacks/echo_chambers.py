"""Echo chambers page: neighbour leaning density, insularity, assortativity, exposure."""

from __future__ import annotations

import warnings

import polars as pl
from dash import Input, Output, callback, html

from dashboard import cache
from dashboard.components import (
    figure_card,
    format_number,
    metric_card,
    notice,
    table_card,
    warning_lines,
    warnings_notice,
)
from dashboard.figures.metrics import joint_density_figure, side_bars_figure
from dashboard.ids import ID
from dashboard.sides_options import find_sides
from dynamics import echo_chambers
from dynamics.errors import DynamicsError

__all__ = ["sample_warnings"]

_BINS = 20
_NAMES = ["neighbour_leaning", "insularity", "assortativity", "exposure_entropy"]


def _results(key: str, method: str) -> dict[str, object]:
    """The four measures on the dataset with the chosen sides (each cached)."""
    sides = find_sides(key, method, 0)
    disc = cache.get_discussion(key)
    leaning = dict(sides.leaning) if sides.leaning is not None else None
    calls = {
        "neighbour_leaning": {"leaning": leaning, "bins": _BINS},
        "insularity": {"sides": sides},
        "assortativity": {"leaning": leaning} if leaning else {"sides": sides},
        "exposure_entropy": {"sides": sides},
    }
    out: dict[str, object] = {}
    for name, kwargs in calls.items():
        fn = getattr(echo_chambers, name)

        def run(fn=fn, kwargs=kwargs) -> object:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    return fn(disc, seed=0, progress=False, **kwargs)
            except (DynamicsError, ValueError, TypeError) as error:
                return str(error)

        out[name] = cache.memo(key, f"echo.{name}", {"method": method}, run)
    return out


def sample_warnings(results: dict[str, object]) -> list[str]:
    """Every measure's warnings (``MetricResult.warnings``), each said once with its measures."""
    return warning_lines(
        {name: getattr(r, "warnings", ()) for name, r in results.items() if not isinstance(r, str)}
    )


def _interval(r) -> str | None:
    """The card's detail: the reason a value is missing, its CI, or why there is no CI."""
    if r.reason:
        return r.reason
    if r.ci:
        return f"CI [{format_number(r.ci[0])}, {format_number(r.ci[1])}]"
    why = r.params.get("ci_reason")
    return f"CI n/a: {why}" if why else None


@callback(
    Output(ID.ECHO_BODY, "children"), Input(ID.DATASET, "data"), Input(ID.ECHO_METHOD, "value")
)
def render(dataset, method):
    """Density plot, insularity bars, summary cards and tables."""
    key = dataset["key"]
    res = _results(key, method)
    cards, parts = [], []
    for name in _NAMES:
        r = res[name]
        if isinstance(r, str):
            cards.append(metric_card(name, "n/a", r[:120]))
            continue
        cards.append(metric_card(name, format_number(r.value), _interval(r)))
    nl = res["neighbour_leaning"]
    if not isinstance(nl, str) and "density" in nl.tables:
        parts.append(
            figure_card(
                "echo_density",
                joint_density_figure(
                    nl.tables["density"],
                    bins=_BINS,
                    title="Leaning vs neighbours' leaning (Cinelli et al. 2021)",
                ),
            )
        )
        parts.append(table_card("echo_users", nl.tables["users"], title="Users"))
    ins = res["insularity"]
    if not isinstance(ins, str) and "sides" in ins.tables:
        table = ins.tables["sides"].with_columns(pl.col("side").cast(pl.String))
        parts.append(
            figure_card(
                "echo_insularity",
                side_bars_figure(
                    table,
                    x="side",
                    y="insularity",
                    title="Insularity: share of replies kept inside",
                ),
            )
        )
        parts.append(table_card("echo_insularity_table", table, title="Insularity per side"))
    if not parts:
        parts.append(notice("No echo-chamber measure is defined on this data.", kind="warning"))
    said = warnings_notice(
        sample_warnings(res), title="Read these numbers with care (small samples):"
    )
    return [
        html.Div(cards, className="metrics"),
        said,
        html.Div(parts, className="grid2"),
    ]
