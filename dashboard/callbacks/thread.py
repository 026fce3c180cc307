"""Thread page: reply tree figure and the clicked comment's chain."""

from __future__ import annotations

import polars as pl
from dash import Input, Output, State, html, no_update

from dashboard import cache
from dashboard.callbacks import on
from dashboard.components import comment_block
from dashboard.figures.thread import reply_tree_figure
from dashboard.ids import ID, figure_id
from dashboard.thread_tables import thread_table

__all__: list[str] = []

#: The thread picker lists this many threads (largest first); typing searches all of them.
MAX_OPTIONS = 200


def thread_list(key: str) -> pl.DataFrame:
    """Threads with comments, largest first, with a display label (its title or id, cut at
    80 characters with an ellipsis, and its size), cached; the Graph page's thread filter
    offers the same."""

    def compute() -> pl.DataFrame:
        threads = cache.get_discussion(key).threads.filter(pl.col("n_comments") > 0)
        title = pl.col("title") if "title" in threads.columns else pl.lit(None, pl.String)
        name = pl.coalesce(title, pl.col("thread_id"))
        short = pl.when(name.str.len_chars() > 80).then(name.str.slice(0, 79) + "…").otherwise(name)
        label = pl.format("{} ({} comments)", short, pl.col("n_comments"))
        return threads.sort("n_comments", descending=True).select("thread_id", label.alias("label"))

    return cache.memo(key, "thread_list", {}, compute)


def thread_options_of(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [{"label": lab, "value": i} for i, lab in frame.select("thread_id", "label").iter_rows()]


@on(
    Output(ID.THREAD_SELECT, "options"),
    Output(ID.THREAD_SELECT, "value"),
    Input(ID.DATASET, "data"),
    State(ID.THREAD_SELECT, "value"),
)
def thread_options(dataset, chosen):
    """The largest threads (typing searches the others); keep the chosen one if it exists."""
    threads = thread_list(dataset["key"])
    ids = threads["thread_id"]
    options = thread_options_of(threads.head(MAX_OPTIONS))
    if chosen is not None and chosen in ids[MAX_OPTIONS:]:
        options += thread_options_of(threads.filter(pl.col("thread_id") == chosen))
    value = (
        chosen
        if chosen is not None and ids.is_in([chosen]).any()
        else (ids[0] if len(ids) else None)
    )
    return options, value


@on(
    Output(ID.THREAD_SELECT, "options", allow_duplicate=True),
    Input(ID.THREAD_SELECT, "search_value"),
    State(ID.DATASET, "data"),
    State(ID.THREAD_SELECT, "value"),
    prevent_initial_call=True,
)
def search_threads(text, dataset, chosen):
    """Threads whose title (in any case) or id contains the typed text."""
    if not text:
        return no_update
    return thread_options_of(
        matching_threads(thread_list(dataset["key"]), text, chosen).head(MAX_OPTIONS + 1)
    )


def matching_threads(threads: pl.DataFrame, text: str, chosen: str | None) -> pl.DataFrame:
    """The rows of ``threads`` (``thread_id``, ``label``) whose label or id holds ``text``,
    case aside, and the chosen one.

    >>> t = pl.DataFrame({"thread_id": ["nizd9j", "abc"], "label": ["My Lowest Point", "x"]})
    >>> matching_threads(t, "lowest point", None)["thread_id"].to_list()
    ['nizd9j']
    >>> matching_threads(t, "NIZD", "abc")["thread_id"].to_list()
    ['nizd9j', 'abc']
    """
    needle = text.lower()
    found = pl.col("label").str.to_lowercase().str.contains(needle, literal=True)
    found |= pl.col("thread_id").str.to_lowercase().str.contains(needle, literal=True)
    if chosen is not None:
        found |= pl.col("thread_id") == chosen
    return threads.filter(found)


@on(
    Output(figure_id("reply_tree"), "figure"),
    Input(ID.DATASET, "data"),
    Input(ID.THREAD_SELECT, "value"),
)
def render(dataset, thread_id):
    """Draw the chosen thread's reply tree."""
    from dashboard.figures.base import empty_figure

    if not thread_id:
        return empty_figure("Choose a thread")
    table = thread_table(dataset["key"], thread_id)
    return reply_tree_figure(table, title=f"Reply tree ({table.height:,} comments)")


@on(
    Output(ID.THREAD_COMMENT, "children"),
    Input(figure_id("reply_tree"), "clickData"),
    State(ID.DATASET, "data"),
    State(ID.THREAD_SELECT, "value"),
    prevent_initial_call=True,
)
def show_chain(click, dataset, thread_id):
    """The clicked comment after the comments it replies to, root first."""
    points = (click or {}).get("points") or []
    comment_id = points[0].get("customdata") if points else None
    if not comment_id or not thread_id:
        return "Click a comment in the tree."
    table = thread_table(dataset["key"], thread_id)
    rows = table.to_dicts()
    index = {r["comment_id"]: i for i, r in enumerate(rows)}
    if comment_id not in index:
        return "This comment is not in the chosen thread."
    chain = [index[comment_id]]
    while rows[chain[-1]]["parent_row"] >= 0:
        chain.append(rows[chain[-1]]["parent_row"])
    chain.reverse()
    n_replies = sum(1 for r in rows if r["parent_row"] == index[comment_id])
    return [
        *[comment_block(rows[i], highlight=(i == index[comment_id])) for i in chain],
        html.P(f"{n_replies} direct replies to this comment.", className="note"),
    ]
