"""Echo chambers page: neighbour leaning density, insularity, assortativity, exposure."""

from __future__ import annotations

import warnings

import polars as pl
from dash import Input, Output, html

from dashboard import cache
from dashboard.callbacks import on
from dashboard.components import (
    error_card,
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
from dynamics._kernel import Measure, measures

__all__ = ["sample_warnings"]

_BINS = 20
#: Options of a measure beyond its input (the joint-density plot's bins).
_EXTRA = {"neighbour_leaning": {"bins": _BINS}}


def _input(spec: Measure, sides, leaning) -> dict[str, object]:
    """The sides or the leaning, whichever the measure names first (its main input)."""
    first = next(p for p in spec.params if p in {"sides", "leaning"})
    if first == "leaning" and leaning is not None:
        return {"leaning": leaning}
    return {"sides": sides}


def _results(key: str, method: str) -> dict[str, object]:
    """Every echo-chamber measure of the registry on the dataset with the chosen sides."""
    sides = find_sides(key, method, 0)
    disc = cache.get_discussion(key)
    leaning = dict(sides.leaning) if sides.leaning is not None else None
    out: dict[str, object] = {}
    for spec in measures("echo_chambers"):
        kwargs = {**_input(spec, sides, leaning), **_EXTRA.get(spec.name, {})}

        def run(fn=spec.func, kwargs=kwargs) -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return fn(disc, seed=0, progress=False, **kwargs)

        out[spec.name] = cache.attempt(key, f"echo.{spec.name}", {"method": method}, run)
    return out


def _failed(result: object) -> bool:
    return isinstance(result, cache.Failed)


def sample_warnings(results: dict[str, object]) -> list[str]:
    """Every measure's warnings (``MetricResult.warnings``), each said once with its measures."""
    return warning_lines(
        {name: getattr(r, "warnings", ()) for name, r in results.items() if not _failed(r)}
    )


def _interval(r) -> str | None:
    """The card's detail: the reason a value is missing, its CI, or why there is no CI."""
    if r.reason:
        return r.reason
    if r.ci:
        return f"CI [{format_number(r.ci[0])}, {format_number(r.ci[1])}]"
    why = r.params.get("ci_reason")
    return f"CI n/a: {why}" if why else None


@on(Output(ID.ECHO_BODY, "children"), Input(ID.DATASET, "data"), Input(ID.ECHO_METHOD, "value"))
def render(dataset, method):
    """Density plot, insularity bars, summary cards and tables."""
    key = dataset["key"]
    res = _results(key, method)
    cards, parts = [], []
    for name in res:
        r = res[name]
        if _failed(r):
            cards.append(error_card(name, r.message[:200]))
            continue
        cards.append(metric_card(name, format_number(r.value), _interval(r)))
    nl = res["neighbour_leaning"]
    if not _failed(nl) and "density" in nl.tables:
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
    if not _failed(ins) and "sides" in ins.tables:
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
        sample_warnings(res), title="Read these numbers with care:"
    )
    return [
        html.Div(cards, className="metrics"),
        said,
        html.Div(parts, className="grid2"),
    ]
