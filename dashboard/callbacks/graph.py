"""Graph page: filter the discussion, place users, colour by side, open a user on click."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import polars as pl
from dash import Input, Output, State, no_update

from dashboard import cache
from dashboard.callbacks import on
from dashboard.callbacks.thread import (
    MAX_OPTIONS,
    matching_threads,
    thread_list,
    thread_options_of,
)
from dashboard.figures.graph import DEFAULT_EDGES, EDGE_CHOICES, LABEL_LIMIT, user_graph_figure
from dashboard.graph_layout import MAX_NODES, layout_nodes, layout_users
from dashboard.ids import ID, figure_id
from dynamics import polarization
from dynamics._words import counted

__all__: list[str] = []

_SIDES = {
    "signed": {"method": "signed", "seed": 0},
    "leiden2": {"method": "leiden", "n_sides": 2, "others": "merge", "seed": 0},
    "communities": {"method": "leiden", "n_sides": None, "seed": 0},
}


@on(Output(ID.GRAPH_THREADS, "options"), Input(ID.DATASET, "data"))
def thread_options(dataset):
    """The dataset's largest threads (typing searches the others), as the Thread page
    offers them."""
    return thread_options_of(thread_list(dataset["key"]).head(MAX_OPTIONS))


@on(
    Output(ID.GRAPH_THREADS, "options", allow_duplicate=True),
    Input(ID.GRAPH_THREADS, "search_value"),
    State(ID.DATASET, "data"),
    State(ID.GRAPH_THREADS, "value"),
    prevent_initial_call=True,
)
def search_threads(text, dataset, chosen):
    """Threads whose title or id holds the typed text, and those already chosen."""
    if not text:
        return no_update
    threads = thread_list(dataset["key"])
    found = matching_threads(threads, text, None).head(MAX_OPTIONS)
    kept = threads.filter(pl.col("thread_id").is_in(chosen or []))
    return thread_options_of(pl.concat([kept, found]).unique("thread_id", maintain_order=True))


def side_labels(key: str, choice: str) -> dict[str, str]:
    """author -> side/community label (cached), empty for ``"none"``."""
    if choice not in _SIDES:
        return {}

    def compute() -> dict[str, str]:
        result = polarization.sides(cache.get_discussion(key), **_SIDES[choice])
        return {str(a): str(s) for a, s in result.items()}

    return cache.memo(key, "sides", _SIDES[choice], compute)


def window_bounds(disc, window):
    """(start, end) datetimes for a [lo, hi] percent window, or (None, None)."""
    start, end = disc.time_span
    if start is None or end is None or window is None or list(window) == [0, 100]:
        return None, None
    span = end - start
    lo = start + span * (window[0] / 100)
    hi = start + span * (window[1] / 100) + timedelta(microseconds=1)
    return lo, hi


def own_layout(n_drawn: int, n_users: int) -> bool:
    """Whether the drawn users get a layout of their own: few enough to name, out of many.

    >>> own_layout(40, 5_000), own_layout(40, 50), own_layout(500, 5_000)
    (True, False, False)
    """
    return n_drawn <= LABEL_LIMIT < n_users


def graph_tables(key, window, threads, min_degree, color):
    """The node and edge tables the figure draws (cached per filter)."""
    disc = cache.get_discussion(key)
    positions = cache.memo(
        key,
        "layout",
        {"seed": 0, "max_nodes": MAX_NODES},
        lambda: layout_nodes(disc, seed=0, max_nodes=MAX_NODES),
    )
    start, end = window_bounds(disc, window)
    part = disc.filter(start=start, end=end, threads=threads or None)
    edges = part.user_edges()
    nodes = part.user_nodes().select("author", "n_comments")
    ends = pl.concat([edges.select(a="source", b="target"), edges.select(a="target", b="source")])
    degree = ends.unique().group_by("a").len("degree").rename({"a": "author"})
    nodes = (
        nodes.join(degree, on="author", how="left")
        .with_columns(pl.col("degree").fill_null(0))
        .filter(pl.col("degree") >= (min_degree or 0))
    )
    if own_layout(nodes.height, len(disc.authors)):
        # few enough to name, picked out of a large graph: laid out on their own, where the
        # whole graph's layout would crowd them into a corner of its hairball
        positions = layout_users(part, nodes["author"].to_list(), seed=0)
    nodes = nodes.join(positions.select("author", "x", "y"), on="author", how="inner")
    labels = side_labels(key, color)
    group = pl.DataFrame(
        {"author": list(labels), "group": list(labels.values())},
        schema={"author": pl.String, "group": pl.String},
    )
    nodes = nodes.join(group, on="author", how="left")
    xy = nodes.select("author", "x", "y")
    edges = (
        edges.join(xy.rename({"author": "source", "x": "x0", "y": "y0"}), on="source")
        .join(xy.rename({"author": "target", "x": "x1", "y": "y1"}), on="target")
        .sort("count", descending=True)
    )
    hostility = "mean_toxicity" if "mean_toxicity" in edges.columns else None
    edges = edges.with_columns(
        (pl.col(hostility) if hostility else pl.lit(None, pl.Float64)).alias("hostility")
    )
    return nodes, edges


@on(
    Output(figure_id("user_graph"), "figure"),
    Output(ID.GRAPH_NOTE, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.GRAPH_WINDOW, "value"),
    Input(ID.GRAPH_THREADS, "value"),
    Input(ID.GRAPH_MIN_DEGREE, "value"),
    Input(ID.GRAPH_COLOR, "value"),
    Input(ID.GRAPH_MAX_EDGES, "value"),
)
def render(dataset, window, threads, min_degree, color, max_edges):
    """Draw the filtered graph (the built figure is cached per dataset and filters)."""
    key = dataset["key"]
    disc = cache.get_discussion(key)
    params = {"window": window, "threads": threads, "min_degree": min_degree, "color": color}
    nodes, edges = cache.memo(
        key, "graph_tables", params, lambda: graph_tables(key, window, threads, min_degree, color)
    )
    drawn = int(max_edges) if max_edges in EDGE_CHOICES else DEFAULT_EDGES
    matched = f"{counted(nodes.height, 'user')} and {counted(edges.height, 'reply edge')}"
    notes = [f"{matched} match the filters."]
    n_users = len(disc.authors)
    if 0 < nodes.height <= LABEL_LIMIT:
        notes.append("Every user is named; hover an arrowhead to read who replied to whom.")
    if own_layout(nodes.height, n_users):
        notes.append("They are laid out on their own (the whole graph's layout would crowd them).")
    if n_users > MAX_NODES:
        notes.append(f"Only the {MAX_NODES:,} most connected of {n_users:,} users are laid out.")
    if edges.height > drawn:
        notes.append(
            f"Only the {drawn:,} heaviest edges (most replies) are drawn; 'Edges drawn' draws more."
        )
        edges = edges.head(drawn)
    start, end = window_bounds(disc, window)
    if disc.time_span[0] is None and window != [0, 100]:
        notes.append("This dataset has no timestamps: the time window does not apply.")
    elif start is not None:
        notes.append(f"Window: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC.")
    label = "community" if color == "communities" else "side"
    figure = cache.memo(
        key,
        "graph_figure",
        {**params, "max_edges": drawn},
        lambda: user_graph_figure(nodes, edges, group_label=label).to_dict(),
    )
    return figure, " ".join(notes)


@on(
    Output(ID.URL, "href"),
    Input(figure_id("user_graph"), "clickData"),
    prevent_initial_call=True,
)
def open_user(click):
    """Clicking a node opens its User page."""
    points = (click or {}).get("points") or []
    author = points[0].get("customdata") if points else None
    if not author:
        return no_update
    return f"/user?author={quote(str(author))}"
