"""Plotly figures of the report: pure functions from results and tables to ``go.Figure``.

Each returns None when its input has nothing to draw (no timestamps, an empty table, a metric
that was skipped), so the page simply leaves the figure out. Hover texts carry numbers and ids
only, never comment text; labels that come from the data (author names, side labels) are
HTML-escaped, since plotly.js reads a few tags in labels. Figures are built from the metrics' detail tables; no metric is
recomputed here.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from dynamics.report.collect import Collected, MetricRun, SidesRun

__all__ = ["activity", "activity_counts", "activity_unit", "for_metric", "side_sizes", "z_scores"]

_HEIGHT = 340
_MARGIN = {"l": 60, "r": 20, "t": 50, "b": 50}

#: Thread-level distributions: metric -> (table, column, axis title).
_PER_THREAD = {
    "thread_size": ("per_thread", "n_comments", "comments per thread"),
    "depth": ("per_thread", "depth", "depth (deepest reply level)"),
    "width": ("per_thread", "width", "width (most comments on one level)"),
    "structural_virality": ("per_thread", "structural_virality", "structural virality"),
    "h_index": ("per_thread", "h_index", "reply-tree h-index"),
    "participation_inequality": ("per_thread", "gini", "Gini of comments per author"),
    "dyadic_exchanges": ("exchanges", "turns", "turns per exchange"),
}


def _layout(fig: go.Figure, title: str, **kwargs: Any) -> go.Figure:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "font": {"size": 14}},
        "height": _HEIGHT,
        "margin": _MARGIN,
        "template": "plotly_white",
    }
    fig.update_layout(**(layout | kwargs))
    return fig


def _finite(series: pl.Series) -> pl.Series:
    s = series.cast(pl.Float64, strict=False)
    return s.filter(s.is_finite()).drop_nulls()


def activity_counts(times: pl.Series) -> tuple[str, pl.DataFrame] | None:
    """Comments per day (per hour for spans under three days): the unit and a frame of
    ``t`` (window start, UTC) and ``n``; None without timestamps.

    >>> import datetime as dt
    >>> t = pl.Series([dt.datetime(2024, 1, 1, 5), dt.datetime(2024, 1, 9), dt.datetime(2024, 1, 9, 1)])
    >>> unit, counts = activity_counts(t)
    >>> unit, counts.get_column("n").to_list()
    ('day', [1, 2])
    """
    times = times.drop_nulls().sort()
    if times.len() == 0:
        return None
    every, unit = activity_unit(times.min(), times.max())  # type: ignore[arg-type]
    counts = (
        pl.DataFrame({"t": times})
        .group_by_dynamic("t", every=every)
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("t")
    )
    return unit, counts


def activity_unit(first: Any, last: Any) -> tuple[str, str]:
    """The window (polars duration) and its name for a span of comment times."""
    return ("1h", "hour") if (last - first).total_seconds() < 3 * 86400 else ("1d", "day")


def activity(counts: tuple[str, pl.DataFrame] | None) -> go.Figure | None:
    """The bar chart of :func:`activity_counts` (None without timestamps).

    >>> activity(None) is None
    True
    """
    import plotly.graph_objects as go

    if counts is None:
        return None
    unit, frame = counts
    fig = go.Figure(go.Bar(x=frame["t"].to_list(), y=frame["n"].to_list(), name="comments"))
    return _layout(fig, f"Comments per {unit}", xaxis_title="time (UTC)", yaxis_title="comments")


def z_scores(collected: Collected) -> go.Figure | None:
    """Null-model z-scores of every metric that has one, with the |z| = 1.96 band."""
    import plotly.graph_objects as go

    rows = [
        (f"{run.spec.family}.{run.spec.name}", run.result.z)
        for run in collected.runs
        if run.result is not None and run.result.z is not None and math.isfinite(run.result.z)
    ]
    if not rows:
        return None
    names, zs = zip(*rows, strict=True)
    fig = go.Figure(
        go.Bar(
            x=list(zs),
            y=list(names),
            orientation="h",
            marker_color=["#b2182b" if abs(z) >= 1.96 else "#8c8c8c" for z in zs],
        )
    )
    for x in (-1.96, 1.96):
        fig.add_vline(x=x, line_dash="dot", line_color="#555")
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "Null-model z-scores (red: |z| >= 1.96)",
        xaxis_title="z = (observed - null mean) / null sd",
        height=max(_HEIGHT, 28 * len(rows) + 100),
    )


def side_sizes(sides: SidesRun) -> go.Figure | None:
    """Users per side (and without a side)."""
    import plotly.graph_objects as go

    if sides.labels is None:
        return None
    sizes = sides.sizes()
    unassigned = len(getattr(sides.labels, "unassigned", ()))
    labels = [html.escape(f"side {k}") for k in sizes] + (["no side"] if unassigned else [])
    values = list(sizes.values()) + ([unassigned] if unassigned else [])
    if not values:
        return None
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color="#4c72b0"))
    return _layout(fig, "Users per side", yaxis_title="users")


def for_metric(run: MetricRun) -> go.Figure | None:
    """The figure of one metric's detail tables, or None when it has none."""
    result = run.result
    if result is None:
        return None
    tables = result.tables
    name = run.spec.name
    if name in _PER_THREAD:
        table, column, title = _PER_THREAD[name]
        if table in tables and column in tables[table].columns:
            return _histogram(_finite(tables[table][column]), title, f"{name}: distribution")
        return None
    if name == "response_times" and "replies" in tables:
        seconds = _finite(tables["replies"]["seconds"])
        seconds = seconds.filter(seconds > 0)
        if seconds.len() == 0:
            return None
        return _histogram(
            seconds.log10(),
            "log10(seconds between a comment and its reply)",
            "response times",
        )
    if name == "neighbour_leaning" and "density" in tables:
        return _density(tables["density"])
    if name in ("insularity",) and "sides" in tables:
        return _bars(tables["sides"], "side", "insularity", f"{name} per side")
    return _generic(name, tables, result.params)


def _histogram(values: pl.Series, x_title: str, title: str) -> go.Figure | None:
    import plotly.graph_objects as go

    if values.n_unique() < 2:  # one thread, or all equal: nothing to see
        return None
    fig = go.Figure(go.Histogram(x=values.to_list(), marker_color="#4c72b0"))
    return _layout(fig, title, xaxis_title=x_title, yaxis_title="count", bargap=0.05)


def _density(table: pl.DataFrame) -> go.Figure | None:
    import plotly.graph_objects as go

    needed = {"x_bin", "y_bin", "count"}
    if not needed <= set(table.columns) or table.height == 0:
        return None
    xs = sorted(table["x_bin"].unique().to_list())
    ys = sorted(table["y_bin"].unique().to_list())
    grid = {(x, y): c for x, y, c in table.select("x_bin", "y_bin", "count").iter_rows()}
    z = [[grid.get((x, y), 0) for x in xs] for y in ys]
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=z, colorscale="Viridis", colorbar_title="users"))
    return _layout(
        fig,
        "Leaning vs mean leaning of the users replied to (Cinelli et al. 2021)",
        xaxis_title="user's leaning",
        yaxis_title="neighbours' mean leaning",
        height=440,
    )


def _bars(table: pl.DataFrame, x: str, y: str, title: str) -> go.Figure | None:
    import plotly.graph_objects as go

    if x not in table.columns or y not in table.columns or table.height == 0:
        return None
    labels = [html.escape(str(v)) for v in table[x].to_list()]  # author names: data
    fig = go.Figure(go.Bar(x=labels, y=table[y].to_list(), marker_color="#4c72b0"))
    return _layout(fig, title, xaxis_title=x, yaxis_title=y)


#: Trend tables: metric -> (table, x column, y column, x title, y title); a y title
#: ``"{signal}"`` is filled in from the metric's parameters (:func:`_signal_title`).
_TRENDS = {
    "toxicity_by_depth": ("depths", "depth", "mean", "reply depth", "{signal}"),
    "toxicity_by_turn": ("turns", "turn", "mean", "turn of the exchange", "{signal}"),
    "toxicity_by_thread_size": (
        "sizes",
        "size_low",
        "mean",
        "thread size (comments, bin start)",
        "{signal} per thread",
    ),
    "contagion": (
        "depths",
        "depth",
        "ratio",
        "depth of the reply",
        "P(toxic reply | toxic parent) / P(toxic reply)",
    ),
}


def _signal_title(params: Any) -> str:
    """What a trend's ``mean`` column averages: the score itself, or the share of comments at
    or over the threshold.

    >>> _signal_title({"signal": "toxicity", "threshold": 0.5}), _signal_title({})
    ('share of comments with toxicity >= 0.5', 'mean toxicity')
    """
    signal = params.get("signal", "toxicity")
    threshold = params.get("threshold")
    if threshold is None:
        return f"mean {signal}"
    return f"share of comments with {signal} >= {threshold:g}"


def _generic(name: str, tables: Any, params: Any) -> go.Figure | None:
    """Trends with intervals (escalation) and the top instigators."""
    if name in _TRENDS:
        table, x, y, x_title, y_title = _TRENDS[name]
        if table in tables:
            y_title = y_title.format(signal=_signal_title(params))
            return _trend(tables[table], x, y, x_title, y_title, name)
        return None
    if name == "instigators" and "authors" in tables:
        frame = tables["authors"]
        if "started" in frame.columns and "author" in frame.columns:
            top = frame.sort(["started", "author"], descending=[True, False]).head(15)
            top = top.filter(pl.col("started") > 0)
            if top.height:
                return _bars(top, "author", "started", "Who starts escalation episodes (top 15)")
    return None


def _trend(
    table: pl.DataFrame, x: str, y: str, x_title: str, y_title: str, name: str
) -> go.Figure | None:
    import plotly.graph_objects as go

    if x not in table.columns or y not in table.columns:
        return None
    rows = table.filter(pl.col(y).is_not_null() & pl.col(y).is_finite())
    if rows.height < 2:
        return None
    error_y = None
    if {"ci_low", "ci_high"} <= set(rows.columns):
        low = rows["ci_low"].cast(pl.Float64)
        high = rows["ci_high"].cast(pl.Float64)
        mean = rows[y].cast(pl.Float64)
        if (low.is_not_null() & low.is_finite()).any():
            error_y = {
                "type": "data",
                "symmetric": False,
                "array": (high - mean).fill_nan(None).to_list(),
                "arrayminus": (mean - low).fill_nan(None).to_list(),
            }
    fig = go.Figure(
        go.Scatter(
            x=rows[x].to_list(),
            y=rows[y].to_list(),
            mode="lines+markers",
            error_y=error_y,
            marker_color="#b2182b",
        )
    )
    return _layout(fig, f"{name}: {y_title} by {x_title}", xaxis_title=x_title, yaxis_title=y_title)
