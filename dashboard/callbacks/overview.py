"""Overview page: counts, span, activity (or, with no timestamps, the largest reply tree),
IngestReport and threads."""

from __future__ import annotations

import polars as pl
from dash import Input, Output, html

from dashboard import cache
from dashboard.callbacks import on
from dashboard.components import figure_card, format_number, metric_card, notice, table_card
from dashboard.figures.overview import activity_figure, activity_table, choose_period
from dashboard.figures.thread import reply_tree_figure
from dashboard.ids import ID
from dashboard.thread_tables import thread_table
from dynamics._words import counted

__all__: list[str] = []


def largest_thread_card(key: str, threads: pl.DataFrame) -> html.Div:
    """The reply tree of the largest thread: the Overview's picture when nothing is timed."""
    if threads.height == 0 or threads["n_comments"][0] == 0:
        return notice("No timestamps and no comments: there is nothing to draw.")
    largest = threads.row(0, named=True)
    name = largest.get("title") or largest["thread_id"]
    name = name if len(name) <= 60 else name[:59] + "…"
    table = thread_table(key, largest["thread_id"])
    title = f"Reply tree of the largest thread: {name} ({table.height:,} comments)"
    return figure_card(
        "largest_thread",
        reply_tree_figure(table, title=title),
        note="This dataset has no timestamps, so there is no activity over time. Each "
        "marker is a comment, below the one it replies to, coloured by toxicity; the "
        "Thread page shows every thread and opens a comment on click.",
    )


@on(
    Output(ID.OVERVIEW_CARDS, "children"),
    Output(ID.OVERVIEW_BODY, "children"),
    Input(ID.DATASET, "data"),
)
def render(dataset):
    """Fill the overview for the current dataset."""
    try:
        disc = cache.get_discussion(dataset["key"])
    except KeyError as error:
        return [], notice(str(error.args[0]), kind="error")
    report = disc.report
    start, end = disc.time_span
    span = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" if start and end else "no timestamps"
    n_edges = cache.memo(dataset["key"], "user_edges", {}, disc.user_edges).height
    scores = (
        disc.comments["toxicity"].cast(pl.Float64).fill_nan(None)
        if "toxicity" in disc.comments.columns
        else None
    )
    tox = None if scores is None else scores.mean()
    cards = [
        metric_card("comments", format_number(len(disc))),
        metric_card("threads", format_number(disc.n_threads)),
        metric_card("authors", format_number(len(disc.authors))),
        metric_card("reply edges", format_number(n_edges), "user pairs, u replied to v"),
        metric_card("time span", span),
        metric_card("format", report.format, report.path and str(report.path).split("/")[-1]),
        metric_card(
            "mean toxicity",
            format_number(tox, 2),
            None
            if scores is None
            else f"of {counted(scores.len() - scores.null_count(), 'scored comment')}"
            + (f", {scores.null_count():,} unscored" if scores.null_count() else "")
            + f"; {_toxicity_model()}",
        ),
    ]
    every = choose_period(start, end)
    activity = cache.memo(
        dataset["key"],
        "activity",
        {"every": every},
        lambda: activity_table(disc.comments, every),
    )
    problems = report.to_frame()
    threads = disc.threads.sort("n_comments", descending=True)
    body = [
        figure_card("activity", activity_figure(activity, every=every))
        if activity.height
        else largest_thread_card(dataset["key"], threads),
        html.Div(
            [
                table_card("ingest_report", problems, title="Data problems (IngestReport)")
                if len(problems)
                else notice("No data problems found."),
                table_card(
                    "threads",
                    threads.select([c for c in threads.columns if c != "url"]).with_columns(
                        pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M")
                    ),
                    title="Threads",
                ),
            ],
            className="grid2",
        ),
    ]
    return cards, body


def _toxicity_model() -> str:
    """Which model produced the toxicity column (name and version)."""
    from dynamics.text import describe

    info = describe("toxicity")
    return f"model: {info['model']} ({info['version']})"
