"""Escalation page: contagion, toxicity by depth, episodes and their comments."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from urllib.parse import quote

import polars as pl
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import cache
from dashboard.background import job_with_progress, store_result, stored_result
from dashboard.callbacks import on
from dashboard.components import (
    comment_block,
    error_card,
    figure_card,
    format_number,
    metric_card,
    notice,
    participants_text,
    table_card,
    warning_lines,
    warnings_notice,
)
from dashboard.estimates_table import p_text
from dashboard.figures.metrics import side_bars_figure, threshold_figure
from dashboard.ids import ID, chosen_row
from dashboard.label_draws import (
    ESCALATION_DRAWN,
    ESCALATION_INTRO,
    DrawnMeasure,
    draws_answer,
    flagged_shares,
    labels_upload,
)
from dashboard.settings import EPISODE_COLUMNS, EPISODE_PROMPT, N_DRAWS
from dynamics import escalation
from dynamics._kernel import N_DEFINED, measures
from dynamics._words import counted
from dynamics.errors import DynamicsError
from dynamics.escalation._detection import FLAT_RISE
from dynamics.uncertainty import threshold_sensitivity

__all__: list[str] = []

TOXICITY = ("toxicity",)
#: Episodes listed (and so openable) on the page, the best-ranked first; the CSV has them all
#: (1,000 rows made the page 516 kB and its switch about 1 s slower at 100k comments).
MAX_EPISODE_ROWS = 250
#: The thresholds of the threshold card.
SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _call(key: str, name: str, params: dict, **extra: object) -> object:
    """``dynamics.escalation.<name>`` on the dataset (cached), or :class:`cache.Failed`."""
    fn = getattr(escalation, name)

    def run() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(cache.get_discussion(key), seed=0, **params, **extra)

    return cache.attempt(key, f"escalation.{name}", {**params, **extra}, run)


def _tail(name: str) -> str:
    """What the measure's one-sided p-value counts, in words.

    >>> _tail("contagion")
    'one-sided, higher: null draws at or above the value'
    """
    spec = next((m for m in measures("escalation") if m.name == name), None)
    tail = "higher" if spec is None else spec.tail
    return (
        f"one-sided, {tail}: null draws at or {'above' if tail == 'higher' else 'below'} the value"
    )


def _card(label: str, r: object, detail: str | None = None) -> object:
    if isinstance(r, cache.Failed):
        return error_card(label, r.message[:200])
    parts = [
        detail,
        f"CI [{format_number(r.ci[0])}, {format_number(r.ci[1])}]" if r.ci else None,
        f"{p_text(r.p_value, r.params.get(N_DEFINED, r.params.get('n_null')))} ({_tail(r.name)})"
        if r.p_value is not None
        else None,
    ]
    return metric_card(label, format_number(r.value), r.reason or "; ".join(filter(None, parts)))


def _contagion_references(r: object) -> list[tuple[float, str]]:
    """The contagion-by-depth figure's reference lines: no effect (1) and the null mean."""
    lines = [(1.0, "1: no effect")]
    null_mean = getattr(r, "null_mean", None)
    if null_mean is not None and math.isfinite(null_mean):
        lines.append((null_mean, f"null mean {format_number(null_mean)} (all depths)"))
    return lines


def episodes_result(key: str, threshold: float, min_turns: int) -> object:
    """The episodes result (cached)."""
    return _call(key, "episodes", {"threshold": threshold, "min_turns": min_turns})


@on(
    Output(ID.ESC_BODY, "children"),
    Output(ID.ESC_EPISODES, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.ESC_THRESHOLD, "value"),
    Input(ID.ESC_MIN_TURNS, "value"),
)
def render(dataset, threshold, min_turns):
    """Measures, figures and the ranked episodes."""
    key = dataset["key"]
    if "toxicity" not in cache.get_discussion(key).comments.columns:
        return notice("This dataset has no toxicity scores.", kind="warning"), None
    t = {"threshold": threshold}
    cont = _call(key, "contagion", t, n_null=N_DRAWS, n_boot=N_DRAWS)
    depth = _call(key, "toxicity_by_depth", {}, n_boot=N_DRAWS)
    derail = _call(key, "derailment", t, n_boot=N_DRAWS)
    eps = episodes_result(key, threshold, min_turns)
    cards = [
        _card(
            "contagion P(toxic | toxic parent) / P(toxic)",
            cont,
            None
            if isinstance(cont, cache.Failed)
            else f"null mean {format_number(getattr(cont, 'null_mean', None))}",
        ),
        _card(
            "toxicity slope per depth level",
            depth,
            None
            if isinstance(depth, cache.Failed)
            else f"{counted(depth.n_obs, 'scored comment')} in "
            f"{counted(depth.n_threads, 'thread')}; reads the scores, not the threshold",
        ),
        _card(
            "derailed threads (share)",
            derail,
            None
            if isinstance(derail, cache.Failed)
            else f"threads with a comment at toxicity >= {threshold:g} (a toxic first comment "
            f"counts): {derail.n_derailed:,} of {counted(derail.n_threads, 'thread')} with a "
            "scored comment",
        ),
        _card(
            "escalation episodes",
            eps,
            None
            if isinstance(eps, cache.Failed)
            else f"{eps.n_rising:,} rising, {eps.n_flat:,} flat (toxicity climbs by less "
            f"than {FLAT_RISE:g} within the episode); windows of {min_turns} turns",
        ),
    ]
    figs = []
    if not isinstance(depth, cache.Failed) and "depths" in depth.tables:
        figs.append(
            figure_card(
                "toxicity_by_depth",
                side_bars_figure(
                    depth.tables["depths"].with_columns(pl.col("depth").cast(pl.String)),
                    x="depth",
                    y="mean",
                    title="Mean toxicity by depth",
                    color_by_toxicity=True,
                    ci_label=f"{depth.params.get('ci', 0.95):.0%} CI",
                ),
            )
        )
    if not isinstance(cont, cache.Failed) and "depths" in cont.tables:
        figs.append(
            figure_card(
                "contagion_by_depth",
                side_bars_figure(
                    cont.tables["depths"].with_columns(pl.col("depth").cast(pl.String)),
                    x="depth",
                    y="ratio",
                    title="Contagion ratio by depth",
                    categorical=False,
                    ci_label=f"{cont.params.get('ci', 0.95):.0%} CI",
                    references=_contagion_references(cont),
                ),
                note=(
                    "At each depth, P(toxic reply | toxic parent) / P(toxic reply). 1 would mean "
                    "a toxic parent changes nothing; toxicity shuffled within threads (the "
                    "card's null) gives the dashed null mean over all depths, the baseline a "
                    "bar has to beat. n/a: no toxic parent or no toxic reply at that depth."
                ),
            )
        )
    said = warning_lines(
        {
            name: r.warnings
            for name, r in (
                ("contagion", cont),
                ("toxicity_by_depth", depth),
                ("derailment", derail),
                ("episodes", eps),
            )
            if not isinstance(r, cache.Failed)
        }
    )
    body = [
        html.Div(cards, className="metrics"),
        warnings_notice(said, title="Read these numbers with care:"),
        html.Div(figs, className="grid2"),
    ]
    if isinstance(eps, cache.Failed):
        return body, notice(f"Episodes: {eps.message}", kind="error")
    table = eps.tables.get("episodes")
    if table is None or table.height == 0:
        return body, notice("No escalation episode with these parameters.")
    # the CSV has every column at full precision, the comments' ids and the page's settings
    shown = table.select(
        pl.lit(threshold).alias("threshold"),
        pl.lit(min_turns).alias("window_turns"),
        pl.all(),
    ).with_columns(participants_text(), pl.col("comment_ids").list.join(" "))
    return body, table_card(
        "episodes",
        shown,
        title="Flame-war episodes, ranked: rising ones first, then by score (click one)",
        row_id="episode_id",
        digits=3,
        columns=EPISODE_COLUMNS,
        # every episode can be opened (one component however many rows: see text_table)
        max_rows=MAX_EPISODE_ROWS,
    )


@on(
    Output(ID.ESC_SETTINGS, "data"),
    Input(ID.ESC_THRESHOLD, "value"),
    Input(ID.ESC_MIN_TURNS, "value"),
)
def keep_settings(threshold, min_turns):
    """The episode parameters, for the User page's episodes."""
    return {"threshold": threshold, "min_turns": min_turns}


@on(
    Output(ID.ESC_EPISODE_VIEW, "children"),
    Input(chosen_row("episodes"), "data"),
    Input(ID.ESC_THRESHOLD, "value"),
    Input(ID.ESC_MIN_TURNS, "value"),
    Input(ID.DATASET, "data"),
    prevent_initial_call=True,
)
def show_episode(chosen, threshold, min_turns, dataset):
    """The clicked episode's comments in order, coloured by toxicity; new parameters or a
    new dataset make new episodes, so they clear it."""
    if ctx.triggered_id != chosen_row("episodes") or not chosen:
        return EPISODE_PROMPT
    episode_id = chosen["row"]
    eps = episodes_result(dataset["key"], threshold, min_turns)
    if isinstance(eps, cache.Failed):
        return notice(f"Episodes: {eps.message}", kind="error")
    rank, chosen = next(
        (
            (i, e)
            for i, e in enumerate(getattr(eps, "episodes", []), start=1)
            if e.episode_id == episode_id
        ),
        (None, None),
    )
    if chosen is None:
        return "This episode is gone (parameters changed); click another."
    comments = chosen.comments().rename({"signal": "toxicity"})
    # whether an author-less turn's account was deleted, or the source named no author
    flags = cache.get_discussion(dataset["key"]).comments.select("comment_id", "deleted")
    comments = comments.join(flags, on="comment_id", how="left", maintain_order="left")
    return [
        html.P(
            [
                f"Rank {rank} ({chosen.trend}): {chosen.kind} in thread ",
                # the whole thread's reply tree, the episode's comments among the others
                dcc.Link(chosen.thread_id, href=f"/thread?thread={quote(chosen.thread_id)}"),
                f": {chosen.turns} turns, peak toxicity {chosen.peak_toxicity:.2f}",
            ],
            className="note",
        ),
        *[comment_block(row) for row in comments.to_dicts()],
    ]


def drawn_measures(threshold: float, min_turns: int) -> list[DrawnMeasure]:
    """The page's measures, recomputed over drawn toxicity labels."""
    t = {"threshold": threshold}
    return [
        ("contagion P(toxic | toxic parent) / P(toxic)", "escalation.contagion", t, TOXICITY),
        ("toxicity slope per depth level", "escalation.toxicity_by_depth", {}, TOXICITY),
        ("derailed threads (share)", "escalation.derailment", t, TOXICITY),
        ("escalation episodes", "escalation.episodes", {**t, "min_turns": min_turns}, TOXICITY),
    ]


@on(
    Output(ID.ESC_DRAWS_BODY, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.ESC_THRESHOLD, "value"),
    Input(ID.ESC_MIN_TURNS, "value"),
    Input(ID.ESC_DRAWS, "value"),
    Input(ID.ESC_DRAWS_CALIBRATION, "value"),
    **job_with_progress(ID.ESC_DRAWS_PROGRESS, ID.ESC_DRAWS_STATUS),
    prevent_initial_call=True,
)
def render_draws(set_progress, dataset, threshold, min_turns, draws, calibration):
    """The measures over label sets drawn from the toxicity scores, as they are or
    calibrated (a background job with a progress bar: each draw recomputes the four
    measures)."""
    if not draws:
        return ESCALATION_INTRO
    key = dataset["key"]
    discussion = cache.get_discussion(key)
    if "toxicity" not in discussion.comments.columns:
        return notice("This dataset has no toxicity scores.", kind="warning")
    calibration = calibration or "none"
    name = ("escalation-draws", key, str(threshold), str(min_turns), str(draws), calibration)
    drawn = drawn_measures(threshold, min_turns)
    return draws_answer(
        set_progress,
        name,
        discussion,
        drawn,
        int(draws),
        csv="escalation_signal_draws",
        explained=ESCALATION_DRAWN
        + flagged_shares(discussion.comments.get_column("toxicity"), float(threshold)),
        calibration=calibration,
        dataset=key,
    )


@on(
    Output(ID.ESC_DRAWS_CALIBRATION, "options"),
    Output(ID.ESC_DRAWS_CALIBRATION, "value"),
    Output(ID.ESC_DRAWS_LABELS_STATUS, "children"),
    Input(ID.ESC_DRAWS_LABELS, "contents"),
    Input(ID.DATASET, "data"),
    State(ID.ESC_DRAWS_LABELS, "filename"),
    prevent_initial_call=True,
)
def upload_labels(contents, dataset, filename):
    """A labelled sample of the dataset's comments: checked, fitted, offered and chosen as
    the calibration of the draws (or why not); another dataset drops an uploaded file."""
    return labels_upload(contents, dataset, filename, TOXICITY)


def swept_measures(min_turns: int) -> list[tuple[str, str, dict]]:
    """The page's measures that read the threshold: (label, measure key, other arguments)."""
    return [
        ("contagion ratio", "escalation.contagion", {}),
        ("derailed threads (share)", "escalation.derailment", {}),
        ("escalation episodes", "escalation.episodes", {"min_turns": min_turns}),
    ]


def sweep_table(
    key: str,
    discussion: object,
    min_turns: int,
    progress: Callable[[tuple[str, str, str]], None] | None = None,
) -> pl.DataFrame:
    """One row per (measure, threshold of :data:`SWEEP`): ``value`` and ``flagged`` (the
    share of scored comments at or over it), from
    :func:`dynamics.uncertainty.threshold_sensitivity`; stored for the next visit. A measure
    the library refuses here gets null values and its reason in ``note``."""
    name = ("escalation-sweep", key, str(min_turns))
    kept = stored_result(name)
    if kept is not None:
        return kept
    parts = []
    measures = swept_measures(min_turns)
    for done, (label, measure, kwargs) in enumerate(measures):
        if progress is not None:
            progress((str(done), str(len(measures)), f"Recomputing {label}..."))
        note = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                r = threshold_sensitivity(
                    discussion, measure, thresholds=SWEEP, seed=0, progress=False, **kwargs
                )
            frame = r.to_frame(backend="polars")
        except (DynamicsError, ValueError) as error:
            note = str(error)[:200]
            frame = pl.DataFrame(
                {"threshold": list(SWEEP), "flagged": None, "value": None},
                schema={"threshold": pl.Float64, "flagged": pl.Float64, "value": pl.Float64},
            )
        parts.append(
            frame.select(
                pl.lit(label).alias("measure"),
                "threshold",
                "flagged",
                "value",
                pl.lit(note, dtype=pl.String).alias("note"),
            )
        )
    table = pl.concat(parts)
    store_result(name, table)
    return table


@on(
    Output(ID.ESC_SWEEP_BODY, "children"),
    Input(ID.ESC_SWEEP, "n_clicks"),
    Input(ID.DATASET, "data"),
    Input(ID.ESC_MIN_TURNS, "value"),
    Input(ID.ESC_THRESHOLD, "value"),
    **job_with_progress(ID.ESC_SWEEP_PROGRESS, ID.ESC_SWEEP_STATUS),
    prevent_initial_call=True,
)
def render_sweep(set_progress, clicks, dataset, min_turns, threshold):
    """The page's threshold measures at every threshold of :data:`SWEEP` (a background job:
    each is computed at eight thresholds), once asked for; it follows the page's parameters after."""
    if not clicks:
        return no_update
    key = dataset["key"]
    discussion = cache.get_discussion(key)
    if "toxicity" not in discussion.comments.columns:
        return notice("This dataset has no toxicity scores.", kind="warning")
    table = sweep_table(key, discussion, int(min_turns), set_progress)
    wide = table.pivot(on="measure", index="threshold", values="value").join(
        table.group_by("threshold").agg(pl.col("flagged").drop_nulls().first()), on="threshold"
    )
    wide = wide.sort("threshold").select(
        "threshold",
        (pl.col("flagged") * 100).round(1).alias("share flagged (%)"),
        pl.exclude("threshold", "flagged").round(4),
    )
    notes = [f"{m}: {n}" for m, n in table.select("measure", "note").unique().rows() if n]
    said = (
        "Flat lines: the finding does not rest on where the line is drawn. Steep ones: "
        "report the value with its threshold and the range. Set the shares flagged beside "
        "the rate of toxic comments in a labelled random sample of this data, where you have "
        "one: the thresholds that flag about that share are the plausible ones."
    )
    return [
        html.P(said, className="note"),
        *[notice(n, kind="warning") for n in notes],
        figure_card("threshold_sweep", threshold_figure(table, chosen=float(threshold))),
        table_card("threshold_sweep_table", wide, title="The measures at each threshold"),
    ]
