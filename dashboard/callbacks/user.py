"""User page: partners, sides, toxicity given and received, episodes started, comments."""

from __future__ import annotations

import polars as pl
from dash import Input, Output, State, html, no_update

from dashboard import cache
from dashboard.callbacks import on
from dashboard.components import (
    figure_card,
    format_number,
    metric_card,
    notice,
    participants_text,
    table_card,
)
from dashboard.figures.user import partners_figure
from dashboard.ids import ID
from dashboard.settings import EPISODE_COLUMNS, EPISODE_DEFAULTS
from dynamics import escalation, polarization

__all__: list[str] = []

#: The user picker lists this many users (most active first); typing searches all of them.
MAX_OPTIONS = 200

_SIDE_METHODS = {
    "signed graph": {"method": "signed", "seed": 0},
    "community": {"method": "leiden", "n_sides": None, "seed": 0},
}


@on(
    Output(ID.USER_SELECT, "options"),
    Output(ID.USER_SELECT, "value"),
    Input(ID.DATASET, "data"),
    State(ID.USER_SELECT, "value"),
)
def user_options(dataset, chosen):
    """Users, most active first (the chosen one kept when it exists)."""
    disc = cache.get_discussion(dataset["key"])
    nodes = cache.memo(dataset["key"], "user_nodes", {}, disc.user_nodes)
    ranked = nodes.sort(["n_comments", "author"], descending=[True, False])
    authors = ranked["author"].to_list()
    shown = authors[:MAX_OPTIONS]
    if chosen in authors and chosen not in shown:
        shown.append(chosen)
    value = chosen if chosen in authors else (authors[0] if authors else None)
    return [{"label": a, "value": a} for a in shown], value


@on(
    Output(ID.USER_SELECT, "options", allow_duplicate=True),
    Input(ID.USER_SELECT, "search_value"),
    State(ID.DATASET, "data"),
    State(ID.USER_SELECT, "value"),
    prevent_initial_call=True,
)
def search_users(text, dataset, chosen):
    """Users whose name holds the typed text (in any case), most active first: the picker
    lists only the most active ones until something is typed."""
    if not text:
        return no_update
    nodes = cache.memo(
        dataset["key"], "user_nodes", {}, cache.get_discussion(dataset["key"]).user_nodes
    )
    found = matching_users(nodes, text, chosen)[: MAX_OPTIONS + 1]
    return [{"label": a, "value": a} for a in found]


def matching_users(nodes: pl.DataFrame, text: str, chosen: str | None) -> list[str]:
    """The names of ``nodes`` (``author``, ``n_comments``) holding ``text``, case aside, most
    active first, and the chosen one.

    >>> n = pl.DataFrame({"author": ["Tudor Miron", "ann", "MIRA"], "n_comments": [9, 5, 1]})
    >>> matching_users(n, "mir", None)
    ['Tudor Miron', 'MIRA']
    >>> matching_users(n, "zzz", "ann")
    ['ann']
    """
    needle = text.lower()
    found = pl.col("author").str.to_lowercase().str.contains(needle, literal=True)
    if chosen is not None:
        found |= pl.col("author") == chosen
    ranked = nodes.filter(found).sort(["n_comments", "author"], descending=[True, False])
    return ranked.get_column("author").to_list()


def _sides_of(key: str, author: str) -> list[str]:
    out = []
    for label, params in _SIDE_METHODS.items():
        found = cache.memo(
            key,
            "sides_full",
            params,
            lambda p=params: polarization.sides(cache.get_discussion(key), **p),
        )
        side = found.get(author)
        out.append(f"{label}: {'none' if side is None else side}")
    return out


def _episodes_started(key: str, author: str, params: dict) -> pl.DataFrame | None:
    """The ranked episodes whose first comment is ``author``'s (None without toxicity scores),
    found with ``params`` (``threshold``, ``min_turns``: the Escalation page's last choice, so
    the ranks are those of its list)."""
    disc = cache.get_discussion(key)
    if "toxicity" not in disc.comments.columns:
        return None
    result = cache.memo(
        key, "escalation.episodes", params, lambda: escalation.episodes(disc, seed=0, **params)
    )
    table = getattr(result, "tables", {}).get("episodes")
    if table is None:
        return None
    starters = disc.comments.select(
        pl.col("comment_id").alias("start_comment"), pl.col("author").alias("starter")
    )
    mine = table.join(starters, on="start_comment", how="left").filter(pl.col("starter") == author)
    return mine.drop("starter", "comment_ids").with_columns(participants_text())


@on(
    Output(ID.USER_BODY, "children"),
    Input(ID.DATASET, "data"),
    Input(ID.USER_SELECT, "value"),
    State(ID.ESC_SETTINGS, "data"),
)
def render(dataset, author, episode_settings):
    """Everything about one user."""
    if not author:
        return notice("Choose a user.")
    key = dataset["key"]
    disc = cache.get_discussion(key)
    c = disc.comments
    edges = cache.memo(key, "user_edges", {}, disc.user_edges)
    tox_cols = ["mean_toxicity"] if "mean_toxicity" in edges.columns else []
    out_e = edges.filter(pl.col("source") == author).select(
        pl.col("target").alias("partner"), "count", *tox_cols
    )
    in_e = edges.filter(pl.col("target") == author).select(
        pl.col("source").alias("partner"), "count", *tox_cols
    )
    mine = c.filter(pl.col("author") == author)
    received = c.filter((pl.col("parent_author") == author) & (pl.col("author") != author))
    scored = "toxicity" in c.columns
    cards = [
        metric_card("comments", format_number(mine.height)),
        metric_card("threads", format_number(mine["thread_id"].n_unique())),
        metric_card(
            "replies made / received", f"{out_e['count'].sum():,} / {in_e['count'].sum():,}"
        ),
        metric_card(
            "toxicity given",
            format_number(mine["toxicity"].mean(), 2) if scored else "n/a",
            "mean of their comments",
        ),
        metric_card(
            "toxicity received",
            format_number(received["toxicity"].mean(), 2) if scored else "n/a",
            "mean of replies to them",
        ),
        metric_card(
            "side",
            " | ".join(_sides_of(key, author)),
            "signed graph: side -1 or 1 of the agree/disagree split (the Polarization and "
            "Echo chambers pages' default; no seed: the spectral split is not random); "
            "community: the number of their Leiden "
            "community among all of them (0 the largest, seed 0), of which dynamics analyze "
            "keeps 0 and 1 as its sides",
        ),
    ]
    params = {
        "threshold": float((episode_settings or EPISODE_DEFAULTS)["threshold"]),
        "min_turns": int((episode_settings or EPISODE_DEFAULTS)["min_turns"]),
    }
    rule = (
        f"toxicity >= {params['threshold']:g}, windows of {params['min_turns']} turns, "
        "as on Escalation"
    )
    started = _episodes_started(key, author, params)
    if started is None:
        episodes_part = notice("Escalation episodes are not available for this dataset.")
    elif started.height == 0:
        episodes_part = notice(f"They started no flame-war episode ({rule}).")
    else:
        episodes_part = table_card(
            "user_episodes",
            started,
            title=f"Flame-war episodes they started ({started.height}; {rule})",
            columns=EPISODE_COLUMNS,
            digits=3,
        )
    cols = [
        x for x in ("comment_id", "thread_id", "created_at", "toxicity", "text") if x in c.columns
    ]
    return [
        html.Div(cards, className="metrics"),
        figure_card("user_partners", partners_figure(out_e, in_e)),
        episodes_part,
        table_card(
            "user_comments",
            mine.sort("created_at", nulls_last=True, maintain_order=True)
            .select(cols)
            .with_columns(pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M")),
            title="Their comments, oldest first",
        ),
    ]
