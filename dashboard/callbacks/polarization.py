"""Polarization page: sides, every measure (cached), and one measure over time."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from functools import partial

import pandas as pd
from dash import Input, Output, State, html, no_update

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
    metric_card,
    notice,
    seed_value,
    warnings_notice,
)
from dashboard.estimates_table import (
    SHOWN,
    estimates_parts,
    page_params,
    pending_notice,
    sample_warnings,
    side_seed_values,
    side_seeds_ready,
    with_side_seeds,
)
from dashboard.figures.base import empty_figure
from dashboard.figures.metrics import trend_figure
from dashboard.figures.overview import period_name
from dashboard.ids import ID, figure_id
from dashboard.label_draws import (
    POLARIZATION_DRAWN,
    POLARIZATION_INTRO,
    DrawnMeasure,
    draws_answer,
    labels_upload,
    usable_signals,
)
from dashboard.sides_options import coverage_cards, find_sides, page_settings
from dynamics._kernel import DEFAULTS, Measure, measures
from dynamics.windows import over_time

__all__ = ["sample_warnings"]


def measure_specs() -> dict[str, Measure]:
    """The polarization measures of the registry, in report order, by name."""
    return {m.name: m for m in measures("polarization")}


def _uses_leaning(spec: Measure) -> bool:
    """Measures of the leaning distribution take the sides' leanings and have no null model."""
    return "leaning" in spec.needs and "sides" not in spec.needs


def _run(name: str, key: str, sides, n: int, seed: int = 0) -> pd.DataFrame:
    """One measure as a one-row frame (library errors propagate: see :func:`measures_table`);
    ``seed`` seeds its null draws, resamples and random walks, as the report's --seed does."""
    spec = measure_specs()[name]
    disc = cache.get_discussion(key)
    leaning = _uses_leaning(spec)
    if leaning and sides.leaning is None:  # fewer than two sides: no leaning to read
        reason = "no leaning: the sides found are not two (" + (sides.reason or "no sides") + ")"
        return pd.DataFrame([{"metric": name, "value": math.nan, "reason": reason}])
    kwargs: dict[str, object] = {"leaning": sides.leaning} if leaning else {"sides": sides}
    if spec.nulls:  # "auto": found sides get the null that re-finds them on rewired graphs
        kwargs.update(null="auto" if n else None, n_null=n or None)
    if "signal" in spec.needs and DEFAULTS["signal"] not in disc.comments.columns:
        reason = f"no {DEFAULTS['signal']} scores"
        return pd.DataFrame([{"metric": name, "value": math.nan, "reason": reason}])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = spec.func(
            disc,
            n_boot=n,
            seed=int(seed),
            progress=False,
            **kwargs,
        )
    frame = res.to_frame()
    if n and not spec.nulls and not frame.loc[0, "reason"]:  # as the report says it
        frame.loc[0, "reason"] = "no null model applies to this measure"
    return frame


def trend_measures() -> list[str]:
    """Measures of the sides, offered for the trend over time (the page's dropdown)."""
    return [name for name, spec in measure_specs().items() if not _uses_leaning(spec)]


def measures_ready(key: str, method: str, seed: int, n: int) -> bool:
    """Whether every measure is already computed with these parameters (nothing to wait for):
    in this process's cache, or stored by the background job that computed it."""
    params = page_params(method, seed, n)
    measured = all(shared_ready(key, f"polarization.{m}", params) for m in measure_specs())
    return measured and side_seeds_ready(key, "polarization", method, seed)


def measures_table(
    key: str,
    method: str,
    seed: int,
    n: int,
    progress: Callable[[int, int, str], None] | None = None,
) -> pd.DataFrame:
    """Every measure, one row each (cached per dataset and parameters).

    With null models and intervals (``n > 0``) each finished measure is also stored on disk
    (:func:`dashboard.background.shared_attempt`), so what a background job computed is there
    for the app's process. ``progress(done, total, next_measure)`` is called before each
    measure and once at the end (``next_measure`` empty).
    """
    sides = find_sides(key, method, seed)
    names = list(measure_specs())
    frames = []
    for i, m in enumerate(names):
        if progress is not None:
            progress(i, len(names), m)
        got = shared_attempt(
            key,
            f"polarization.{m}",
            page_params(method, seed, n),
            lambda m=m: _run(m, key, sides, n, seed),
            share=bool(n),
        )
        if isinstance(got, cache.Failed):  # shown as an error row, computed again next time
            got = pd.DataFrame([{"metric": m, "value": math.nan, "error": got.message}])
        frames.append(got)
    if progress is not None:
        progress(len(names), len(names), "")
    table = pd.concat(frames, ignore_index=True)
    cols = [*SHOWN[:-1], "null_sd", "reason", "error"]
    return table.reindex(columns=cols + [c for c in table.columns if c not in cols])


def _values(key: str, method: str, seed: int) -> dict[str, float]:
    """Every measure's point estimate on the sides found with ``seed`` (which also seeds
    RWC's random walks, as the page's seed does)."""
    table = measures_table(key, method, seed, 0)
    return dict(zip(table["metric"], table["value"], strict=True))


@on(
    Output(ID.POL_BODY, "children"),
    Output(ID.POL_ESTIMATES, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.POL_METHOD, "value"),
    Input(ID.POL_SEED, "value"),
    Input(ID.POL_N_BOOT, "value"),
)
def render(dataset, method, seed, n):
    """Sides summary and the point estimates; the null and intervals fill in after them.

    The measures without null models and bootstrap take about a second; with them, minutes
    on a large discussion. So this callback shows the point estimates at once (or everything,
    when it is already computed) and :func:`render_null` replaces them when the null models
    and intervals are done.
    """
    key, seed, n = dataset["key"], seed_value(seed), int(n or 0)
    if seed is None:
        return notice(SEED_ERROR, kind="error"), []
    sides = find_sides(key, method, seed)
    sizes = dict(getattr(sides, "sizes", {}) or {})
    cards = [metric_card("users with a side", f"{len(sides):,}")] + [
        metric_card(f"side {s}", f"{c:,}") for s, c in sizes.items()
    ]
    cards.extend(coverage_cards(sides))
    if getattr(sides, "reason", None):
        cards.append(notice(f"Sides: {sides.reason}", kind="warning"))
    if n == 0 or measures_ready(key, method, seed, n):
        return html.Div(cards, className="metrics"), estimates(key, method, seed, n)
    pending = pending_notice(n)
    return html.Div(cards, className="metrics"), [
        pending,
        *estimates(key, method, seed, 0, pending=True),
    ]


@on(
    Output(ID.POL_ESTIMATES, "children", allow_duplicate=True),
    Input(ID.DATASET, "data"),
    Input(ID.POL_METHOD, "value"),
    Input(ID.POL_SEED, "value"),
    Input(ID.POL_N_BOOT, "value"),
    **job_with_progress(ID.POL_PROGRESS, ID.POL_STATUS),
    prevent_initial_call="initial_duplicate",
)
def render_null(set_progress, dataset, method, seed, n):
    """The measures with their null models and bootstrap intervals (after :func:`render`).

    A Dash background callback: it runs in a job process, shows which measure it is on
    (a progress bar and a line of text above the estimates) and stores each finished
    measure, so the server answers every other callback meanwhile and a second visit finds
    them done.
    """
    key, seed, n = dataset["key"], seed_value(seed), int(n or 0)
    if n == 0 or seed is None:
        return no_update
    return estimates(key, method, seed, n, progress=measures_progress(set_progress))


def estimates(
    key: str,
    method: str,
    seed: int,
    n: int,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    pending: bool = False,
) -> list:
    """Warnings, the estimates figure and the full table of the measures (``pending``: the
    point estimates, while a background job computes the rest)."""
    sides = find_sides(key, method, seed)
    table = measures_table(key, method, seed, n, progress)
    if "warnings" not in table.columns:
        table["warnings"] = ""
    if n and not pending:
        values = partial(_values, key, method)
        table = with_side_seeds(
            table, side_seed_values(key, "polarization", method, seed, values), seed
        )
    said = warnings_notice(sample_warnings(sides, table), title="Read these numbers with care:")
    return estimates_parts(
        "polarization_measures",
        table,
        measure_specs(),
        title="Polarization measures",
        with_null=bool(n),
        said=said,
        pending=pending,
        settings=page_settings(method, seed, n),
    )


@on(
    Output(figure_id("polarization_trend"), "figure"),
    Output(ID.POL_TREND, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.POL_METHOD, "value"),
    Input(ID.POL_SEED, "value"),
    Input(ID.POL_TREND_METRIC, "value"),
    Input(ID.POL_BY, "value"),
)
def render_trend(dataset, method, seed, metric, by):
    """One measure per time window (``dynamics.windows.over_time``), sides fixed."""
    key, seed = dataset["key"], seed_value(seed)
    if seed is None:
        return empty_figure(SEED_ERROR), ""
    if metric not in trend_measures():  # the value comes from the browser: only those offered
        return empty_figure(f"Unknown measure {metric!r}"), ""
    fn = measure_specs()[metric].func
    sides = find_sides(key, method, seed)
    disc = cache.get_discussion(key)
    if disc.time_span[0] is None:
        return empty_figure("No timestamps: no trend over time"), ""

    def compute() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return over_time(
                fn, disc, by=by, min_comments=20, sides=sides, seed=seed, progress=False
            )

    frame = cache.attempt(
        key, "trend", {"metric": metric, "method": method, "seed": seed, "by": by}, compute
    )
    if isinstance(frame, cache.Failed):
        return empty_figure(frame.message), notice(frame.message, kind="error")
    period = period_name(by)
    shown = int(frame["value"].notna().sum())
    note = (
        f"{shown} of {len(frame)} windows of a {period} have a value; windows with fewer than "
        "20 comments are left empty. The sides are found once, on the whole discussion, and "
        "held fixed in every window; a window's value has no interval, and one from a few "
        "dozen comments can swing far."
    )
    return trend_figure(frame, title=f"{metric} per {period}"), note


#: Stance and toxicity: the signed graph reads both (a hostile reply is a negative edge).
_SIGNED = ("stance", "toxicity")


def drawn_measures(sides) -> list[DrawnMeasure]:
    """The polarization measures that read the text signals, recomputed over drawn labels."""
    on_sides = {"sides": sides}
    agreement = {**on_sides, "edges": "agreement"}
    return [
        ("frustration (signed graph)", "polarization.frustration", on_sides, _SIGNED),
        (
            "cross-side hostility",
            "polarization.cross_side_hostility",
            on_sides,
            ("toxicity",),
        ),
        ("E/I index, agreement edges", "polarization.ei_index", agreement, _SIGNED),
        (
            "random walk controversy, agreement edges",
            "polarization.random_walk_controversy",
            agreement,
            _SIGNED,
        ),
    ]


@on(
    Output(ID.POL_DRAWS_BODY, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.POL_METHOD, "value"),
    Input(ID.POL_SEED, "value"),
    Input(ID.POL_DRAWS, "value"),
    Input(ID.POL_DRAWS_CALIBRATION, "value"),
    **job_with_progress(ID.POL_DRAWS_PROGRESS, ID.POL_DRAWS_STATUS),
    prevent_initial_call=True,
)
def render_draws(set_progress, dataset, method, seed, draws, calibration):
    """The signal-based measures over label sets drawn from the scores, as they are or
    calibrated, with the page's sides (a background job with a progress bar)."""
    if not draws:
        return POLARIZATION_INTRO
    key, seed = dataset["key"], seed_value(seed)
    if seed is None:
        return notice(SEED_ERROR, kind="error")
    discussion = cache.get_discussion(key)
    if not usable_signals(_SIGNED, discussion.comments.columns):
        return notice("This dataset has no text scores (stance, toxicity).", kind="warning")
    calibration = calibration or "none"
    name = ("polarization-draws", key, str(method), str(seed), str(draws), calibration)
    drawn = drawn_measures(find_sides(key, method, seed))
    return draws_answer(
        set_progress,
        name,
        discussion,
        drawn,
        int(draws),
        csv="polarization_signal_draws",
        explained=POLARIZATION_DRAWN,
        calibration=calibration,
        dataset=key,
    )


@on(
    Output(ID.POL_DRAWS_CALIBRATION, "options"),
    Output(ID.POL_DRAWS_CALIBRATION, "value"),
    Output(ID.POL_DRAWS_LABELS_STATUS, "children"),
    Input(ID.POL_DRAWS_LABELS, "contents"),
    Input(ID.DATASET, "data"),
    State(ID.POL_DRAWS_LABELS, "filename"),
    prevent_initial_call=True,
)
def upload_labels(contents, dataset, filename):
    """A labelled sample of the dataset's comments: checked, fitted, offered and chosen as
    the calibration of the draws (or why not); another dataset drops an uploaded file."""
    return labels_upload(contents, dataset, filename, _SIGNED)
