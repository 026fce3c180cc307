"""Overview figures: activity over time."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl

from dashboard.figures.base import empty_figure, styled

__all__ = [
    "activity_figure",
    "activity_table",
    "choose_period",
    "period_name",
]


def choose_period(start: object, end: object) -> str:
    """A polars period giving a readable number of bars for the time span ``start..end``.

    >>> from datetime import datetime
    >>> choose_period(datetime(2024, 1, 1), datetime(2024, 1, 2))
    '1h'
    >>> choose_period(datetime(2020, 1, 1), datetime(2024, 1, 1))
    '1mo'
    """
    if start is None or end is None:
        return "1d"
    days = (end - start).total_seconds() / 86400  # type: ignore[operator]
    if days <= 3:
        return "1h"
    if days <= 120:
        return "1d"
    if days <= 3 * 365:
        return "1w"
    return "1mo"


def activity_table(comments: pl.DataFrame, every: str) -> pl.DataFrame:
    """Comments and distinct authors per period (``period``, ``n_comments``, ``n_authors``)."""
    timed = comments.select("created_at", "author").drop_nulls("created_at").sort("created_at")
    if timed.height == 0:
        return pl.DataFrame(
            schema={
                "period": pl.Datetime("us", "UTC"),
                "n_comments": pl.UInt32,
                "n_authors": pl.UInt32,
            }
        )
    return (
        timed.group_by_dynamic("created_at", every=every)
        .agg(
            pl.len().alias("n_comments"),
            pl.col("author").drop_nulls().n_unique().alias("n_authors"),
        )
        .rename({"created_at": "period"})
    )


def period_name(every: str) -> str:
    """A polars period in words, for axis titles and notes.

    >>> period_name("1mo"), period_name("1w"), period_name("6h"), period_name("2d")
    ('month', 'week', '6 hours', '2 days')
    """
    units = {"h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}
    count, unit = re.fullmatch(r"(\d+)([a-z]+)", every).groups()
    name = units.get(unit, unit)
    return name if count == "1" else f"{count} {name}s"


def activity_figure(table: pl.DataFrame, *, every: str = "1d") -> go.Figure:
    """Bars of comments per period with the number of active authors as a line."""
    if table.height == 0:
        return empty_figure("No timestamps in this dataset: activity over time is unavailable")
    fig = go.Figure()
    fig.add_bar(x=table["period"].to_list(), y=table["n_comments"].to_list(), name="comments")
    fig.add_scatter(
        x=table["period"].to_list(),
        y=table["n_authors"].to_list(),
        name="active authors",
        mode="lines+markers",
        line={"color": "#d62728"},
    )
    fig.update_layout(
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        bargap=0.1,
    )
    fig.update_yaxes(title_text=f"per {period_name(every)}")
    return styled(fig, title="Activity over time")
