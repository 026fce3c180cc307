"""Echo chambers page: neighbour leaning density, insularity, assortativity, exposure, with
their null models and bootstrap intervals filled in by a background job."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from functools import partial

import pandas as pd
import polars as pl
from dash import Input, Output, html, no_update

from dashboard import cache
from dashboard.background import (
    job_with_progress,
    measures_progress,
    shared_attempt,
    shared_ready,
)
from dashboard.callbacks import on
from dashboard.components import (
    SEED_ERROR,
    error_card,
    figure_card,
    format_number,
    metric_card,
    notice,
    seed_value,
    table_card,
    warnings_notice,
)
from dashboard.estimates_table import (
    estimates_parts,
    p_text,
    page_params,
    pending_notice,
    sample_warnings,
    side_seed_values,
    side_seeds_ready,
    with_side_seeds,
)
from dashboard.figures.metrics import joint_density_figure, side_bars_figure
from dashboard.ids import ID
from dashboard.sides_options import coverage_cards, find_sides, page_settings
from dynamics._kernel import N_DEFINED, Measure, measures
from dynamics._sample_checks import interval_warning

__all__ = ["body", "echo_results", "results_ready"]

#: Bins per axis of the density plot: odd, so that leaning 0 is a bin's centre, not an edge.
_BINS = 21
#: The density plot's y axis, by neighbour_leaning's ``direction``.
_NEIGHBOURS = {
    "out": "mean leaning of the users they reply to",
    "in": "mean leaning of the users replying to them",
    "all": "mean leaning of the users they talk with",
}
#: Options of a measure beyond its input (the joint-density plot's bins).
_EXTRA = {"neighbour_leaning": {"bins": _BINS}}


def _input(spec: Measure, sides) -> dict[str, object]:
    """The sides or their leaning, whichever the measure names first (its main input).

    The leaning is passed as :attr:`Sides.leaning <dynamics.polarization.Sides.leaning>`
    itself, not a copy: it remembers that its sides were found in the graph, so the
    automatic null finds two found sides (Leiden, Louvain) again on every rewired graph, as
    with ``sides=``, and runs none for the spectral split's continuous leaning (a shuffle of
    it would be circular; the result's warning says so).
    """
    first = next(p for p in spec.params if p in {"sides", "leaning"})
    if first == "leaning" and sides.leaning is not None:
        return {"leaning": sides.leaning}
    return {"sides": sides}


def _specs() -> dict[str, Measure]:
    return {m.name: m for m in measures("echo_chambers")}


def echo_results(
    key: str,
    method: str,
    seed: int,
    n: int,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, object]:
    """Every echo-chamber measure of the registry on the dataset with the chosen sides
    (a ``MetricResult``, or a :class:`~dashboard.cache.Failed` the page shows as an error).

    ``seed`` seeds the side search and the measures' null draws and resamples, as the
    report's ``--seed`` does. With ``n > 0`` each measure gets ``n`` bootstrap resamples
    over threads and ``n`` draws of its automatic null model, and what it computed is
    stored for the app's process (:func:`dashboard.background.shared_attempt`).
    ``progress(done, total, next_measure)`` is called before each measure and once at the
    end (``next_measure`` empty).
    """
    sides = find_sides(key, method, seed)
    disc = cache.get_discussion(key)
    specs = list(_specs().values())
    out: dict[str, object] = {}
    for i, spec in enumerate(specs):
        if progress is not None:
            progress(i, len(specs), spec.name)
        kwargs = {**_input(spec, sides), **_EXTRA.get(spec.name, {})}
        if n:
            kwargs.update(n_boot=n, null="auto", n_null=n)

        def run(fn=spec.func, kwargs=kwargs) -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return fn(disc, seed=int(seed), progress=False, **kwargs)

        params = page_params(method, seed, n)
        out[spec.name] = shared_attempt(key, f"echo.{spec.name}", params, run, share=bool(n))
    if progress is not None:
        progress(len(specs), len(specs), "")
    return out


def results_ready(key: str, method: str, seed: int, n: int) -> bool:
    """Whether every measure is computed with these parameters (nothing to wait for)."""
    params = page_params(method, seed, n)
    measured = all(shared_ready(key, f"echo.{name}", params) for name in _specs())
    return measured and side_seeds_ready(key, "echo", method, seed)


def _failed(result: object) -> bool:
    return isinstance(result, cache.Failed)


def _values(key: str, method: str, seed: int) -> dict[str, float]:
    """Every measure's point estimate on the sides found with ``seed`` (NaN where refused)."""
    res = echo_results(key, method, seed, 0)
    return {name: math.nan if _failed(r) else r.value for name, r in res.items()}


def _detail(r, n: int, spread: list[float] | None = None, seed: int = 0) -> str | None:
    """The card's detail: the reason a value is missing, or its interval (or why it has
    none; a "resampling range" when the estimate lies outside it), its null model's
    p-value and mean (or that it has none, when ``n`` draws were asked for) and its values
    on the sides of the side seeds (``spread``, from ``seed`` on)."""
    if r.reason:
        return r.reason
    parts = []
    if r.ci:
        span = f"[{format_number(r.ci[0])}, {format_number(r.ci[1])}]"
        outside = interval_warning(r.value, r.ci) is not None
        parts.append(
            f"resampling range {span}, the estimate outside it" if outside else f"CI {span}"
        )
    elif r.params.get("ci_reason"):
        parts.append(f"CI n/a: {r.params['ci_reason']}")
    if r.p_value is not None:
        drawn = r.params.get(N_DEFINED, r.params.get("n_null"))
        parts.append(
            f"{p_text(r.p_value, drawn)} ({_specs()[r.name].tail}), null mean "
            f"{format_number(r.null_mean)}, excess {format_number(r.excess)}"
        )
    elif n and not r.params.get("null"):
        parts.append("no null model (the warnings say why)")
    defined = [v for v in spread or () if not math.isnan(v)]
    if defined:
        last = seed + len(spread) - 1
        low, high = format_number(min(defined)), format_number(max(defined))
        parts.append(f"side seeds {seed}-{last}: {low} to {high}")
    return "; ".join(parts) or None


def _table(results: dict[str, object]) -> pd.DataFrame:
    """One row per measure (``MetricResult.to_frame()``; an ``error`` for a refused one)."""
    rows = [
        pd.DataFrame([{"metric": name, "value": float("nan"), "error": r.message}])
        if _failed(r)
        else r.to_frame()
        for name, r in results.items()
    ]
    return pd.concat(rows, ignore_index=True)


def body(
    key: str,
    method: str,
    seed: int,
    n: int,
    *,
    pending: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list:
    """The page below its controls: cards, warnings, the estimates with their intervals and
    nulls, the density plot and the insularity bars.

    ``pending``: the point estimates are shown while a background job computes the null
    models and intervals (``n`` draws each), and a notice says so. ``progress`` as for
    :func:`echo_results`.
    """
    res = echo_results(key, method, seed, 0 if pending else n, progress)
    coverage = html.Div(coverage_cards(find_sides(key, method, seed)), className="metrics")
    values = partial(_values, key, method)
    spreads = None if pending or not n else side_seed_values(key, "echo", method, seed, values)
    cards = [
        error_card(name, r.message[:200])
        if _failed(r)
        else metric_card(
            name,
            format_number(r.value),
            _detail(r, 0 if pending else n, (spreads or {}).get(name), seed),
        )
        for name, r in res.items()
    ]
    waiting = pending_notice(n) if pending else None
    table = with_side_seeds(_table(res), spreads, seed)
    # the measures' own warnings carry the sides' coverage: no separate line for the sides
    said = warnings_notice(sample_warnings(None, table), title="Read these numbers with care:")
    estimates = estimates_parts(
        "echo_measures",
        table,
        _specs(),
        title="Echo-chamber measures",
        with_null=bool(n) and not pending,
        said=said,
        pending=pending,
        settings=page_settings(method, seed, 0 if pending else n),
    )
    return [waiting, coverage, html.Div(cards, className="metrics"), *estimates, _figures(res)]


def _figures(res: dict[str, object]) -> html.Div:
    """The Cinelli density plot with its users, and the insularity of each side."""
    parts = []
    nl = res["neighbour_leaning"]
    if not _failed(nl) and "density" in nl.tables:
        parts.append(
            figure_card(
                "echo_density",
                joint_density_figure(
                    nl.tables["density"],
                    bins=_BINS,
                    title="Leaning vs neighbours' leaning (Cinelli et al. 2021)",
                    neighbours=_NEIGHBOURS[nl.params.get("direction", "out")],
                ),
                note=(
                    f"{nl.n_users:,} users drawn: those with a leaning who reply "
                    "to someone with one (the value's users). The table lists all "
                    f"{nl.tables['users'].height:,} users with a leaning. Users without one "
                    "(no side, or under the spectral split no signed edge) are left out."
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
                    title="Insularity: share of each side's reply pairs kept inside",
                ),
            )
        )
        parts.append(
            table_card(
                "echo_insularity_table",
                table,
                title=(
                    "Insularity per side: replying user pairs (each direction once) to users "
                    "with a side; the card's value is the mean over the sides"
                ),
            )
        )
    if not parts:
        parts.append(notice("No echo-chamber measure is defined on this data.", kind="warning"))
    return html.Div(parts, className="grid2")


@on(
    Output(ID.ECHO_BODY, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.ECHO_METHOD, "value"),
    Input(ID.ECHO_SEED, "value"),
    Input(ID.ECHO_N, "value"),
)
def render(dataset, method, seed, n):
    """The point estimates at once (or everything, when it is already computed); the null
    models and intervals fill in from :func:`render_null`."""
    key, seed, n = dataset["key"], seed_value(seed), int(n or 0)
    if seed is None:
        return [notice(SEED_ERROR, kind="error")]
    ready = n == 0 or results_ready(key, method, seed, n)
    return body(key, method, seed, n, pending=not ready)


@on(
    Output(ID.ECHO_BODY, "children", allow_duplicate=True),
    Input(ID.DATASET, "data"),
    Input(ID.ECHO_METHOD, "value"),
    Input(ID.ECHO_SEED, "value"),
    Input(ID.ECHO_N, "value"),
    **job_with_progress(ID.ECHO_PROGRESS, ID.ECHO_STATUS),
    prevent_initial_call="initial_duplicate",
)
def render_null(set_progress, dataset, method, seed, n):
    """The measures with their null models and bootstrap intervals (after :func:`render`).

    A Dash background callback: it runs in a job process, shows which measure it is on
    and stores each finished measure, so the server answers every other callback meanwhile
    and a second visit finds them done.
    """
    key, seed, n = dataset["key"], seed_value(seed), int(n or 0)
    if n == 0 or seed is None:
        return no_update
    return body(key, method, seed, n, progress=measures_progress(set_progress))
