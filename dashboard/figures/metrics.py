"""Figures for metric results: estimates with intervals, trends over time, density, bars."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.figures.base import SIDE_COLORS, TOXICITY_SCALE, empty_figure, safe_text, styled

__all__ = [
    "estimates_figure",
    "joint_density_figure",
    "side_bars_figure",
    "threshold_figure",
    "trend_figure",
]


def estimates_figure(frame: pd.DataFrame, *, title: str = "Estimates") -> go.Figure:
    """One dot per metric with its confidence interval drawn as a line from ``ci_low`` to
    ``ci_high`` (rows: ``metric``, ``value``, ``ci_low``, ``ci_high``, ``p_value`` and, when
    there, ``null_mean``, drawn as an open diamond); an estimate outside its own interval (a
    biased resampling, see the warnings) is drawn in orange with a hover that says so, not
    pulled onto the interval; undefined metrics are left out.

    >>> f = pd.DataFrame({"metric": ["a", "b"], "value": [0.5, 0.99], "ci_low": [0.4, 0.98],
    ...                   "ci_high": [0.6, 0.985], "p_value": [0.01, None]})
    >>> fig = estimates_figure(f)
    >>> fig.data[0].x  # the intervals, as they are
    (0.4, 0.6, None, 0.98, 0.985, None)
    >>> list(fig.data[1].marker.color)
    ['#1f77b4', '#ff7f0e']
    >>> len(fig.data), estimates_figure(f.assign(null_mean=[0.1, None])).data[2].x.tolist()
    (2, [0.1, nan])
    """
    ok = frame[frame["value"].notna()] if len(frame) else frame
    if len(ok) == 0:
        return empty_figure("No metric is defined on this data")
    names = [safe_text(m) for m in ok["metric"]]
    xs: list[float | None] = []
    ys: list[str | None] = []
    for name, lo, hi in zip(names, ok["ci_low"], ok["ci_high"], strict=True):
        if not (pd.isna(lo) or pd.isna(hi)):
            xs += [float(lo), float(hi), None]
            ys += [name, name, None]
    p = ok["p_value"] if "p_value" in ok else pd.Series([math.nan] * len(ok))
    outside = [
        not (pd.isna(lo) or pd.isna(hi)) and not lo <= v <= hi
        for v, lo, hi in zip(ok["value"], ok["ci_low"], ok["ci_high"], strict=True)
    ]
    hover = [
        ("p = " + f"{q:.3g}" if not pd.isna(q) else "no null model")
        + ("; the estimate lies outside its interval" if off else "")
        for q, off in zip(p, outside, strict=True)
    ]
    fig = go.Figure(
        [
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#1f77b4", "width": 3},
                name="confidence interval",
                hoverinfo="skip",
            ),
            go.Scatter(
                x=ok["value"],
                y=names,
                mode="markers",
                marker={
                    "size": 10,
                    "color": ["#ff7f0e" if off else "#1f77b4" for off in outside],
                },
                name="estimate",
                hovertext=hover,
            ),
        ]
    )
    null = ok["null_mean"] if "null_mean" in ok else pd.Series([math.nan] * len(ok))
    if null.notna().any():
        fig.add_scatter(
            x=null,
            y=names,
            mode="markers",
            marker={"size": 9, "symbol": "diamond-open", "color": "#555555"},
            name="null mean",
            hovertemplate="null mean %{x:.3g}<extra></extra>",
        )
    fig.update_layout(showlegend=False)
    axis = "value (line: confidence interval" + (
        "; open diamond: null mean)" if null.notna().any() else ")"
    )
    fig.update_xaxes(title_text=axis, zeroline=True)
    return styled(fig, title=title, height=max(260, 45 * len(ok) + 100))


def trend_figure(frame: pd.DataFrame, *, title: str) -> go.Figure:
    """A metric per time window (``windows.over_time`` output) with its CI band."""
    if len(frame) == 0 or frame["value"].notna().sum() == 0:
        return empty_figure("The metric is undefined in every window")
    x = frame["window_start"].tolist()
    fig = go.Figure()
    if frame["ci_low"].notna().any():
        fig.add_scatter(
            x=x + x[::-1],
            y=frame["ci_high"].tolist() + frame["ci_low"].tolist()[::-1],
            fill="toself",
            line={"width": 0},
            fillcolor="rgba(31,119,180,0.2)",
            name="confidence interval",
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=x,
        y=frame["value"].tolist(),
        mode="lines+markers",
        name="value",
        customdata=frame["n_comments"].tolist(),
        hovertemplate="%{x}: %{y:.3f} (%{customdata} comments)<extra></extra>",
    )
    return styled(fig, title=title, height=360)


def joint_density_figure(
    density: pl.DataFrame,
    *,
    bins: int,
    title: str,
    neighbours: str = "mean leaning of neighbours",
) -> go.Figure:
    """The Cinelli et al. (2021) joint density: user leaning (x) vs neighbours' mean (y).

    ``density`` is the ``"density"`` table of :func:`dynamics.echo_chambers.neighbour_leaning`:
    ``x_bin``, ``y_bin`` (the centres of ``bins`` equal bins over [-1, 1]) and ``count``.
    ``neighbours`` names the y axis (whose leaning is averaged: the measure's ``direction``).
    """
    if density.height == 0 or density["count"].sum() == 0:
        return empty_figure("No user has both a leaning and neighbours with one")
    grid = np.zeros((bins, bins))
    # a bin centre c lies in bin floor((c + 1) * bins / 2)
    for column in ("x_bin", "y_bin"):
        centres = density.get_column(column).to_numpy()
        density = density.with_columns(
            pl.Series(column, np.clip(np.floor((centres + 1) * bins / 2), 0, bins - 1))
        )
    for xb, yb, n in density.select("x_bin", "y_bin", "count").iter_rows():
        grid[int(yb), int(xb)] += n
    centres = (-1 + (np.arange(bins) + 0.5) * 2 / bins).round(3).tolist()
    fig = go.Figure(
        go.Heatmap(
            z=grid.tolist(),
            x=centres,
            y=centres,
            colorscale="Blues",
            zmin=0,
            colorbar={"title": {"text": "users"}},
            hovertemplate="leaning %{x}<br>neighbours %{y}<br>%{z} users<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="user leaning", range=[-1, 1])
    fig.update_yaxes(title_text=neighbours, range=[-1, 1], scaleanchor="x")
    return styled(fig, title=title, height=480)


#: Count columns a bar's hover shows when the frame has them.
_COUNTS = ("n_comments", "n_turns", "n_replies", "n_users", "n_threads")


def side_bars_figure(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    color_by_toxicity: bool = False,
    categorical: bool = True,
    ci_label: str = "95% CI",
    references: Sequence[tuple[float, str]] = (),
) -> go.Figure:
    """Bars of ``y`` per ``x`` (e.g. insularity per side, toxicity per depth).

    Bars take the side colours when ``categorical`` (x are sides), the toxicity scale with
    ``color_by_toxicity``, and one colour otherwise. A frame with ``ci_low`` and ``ci_high``
    gets error bars and `` (ci_label)`` after the title; where every interval is null (a
    bootstrap over too few threads gives none) it gets neither bars nor a degenerate
    interval, and the title says ``(no interval)``; where only some are null (a depth
    held by fewer than 10 threads), those bars are pale and the title says so. The hover
    gives each bar's counts (``n_comments``, ``n_threads``, ...) where the frame has them.
    A bar whose value is undefined (null) says "n/a" where it would stand, so that it does
    not read as 0. Each ``(value, label)`` of ``references`` is a dashed horizontal line with
    its label (e.g. the value of no effect, a null model's mean).

    >>> fig = side_bars_figure(pl.DataFrame({"depth": [0, 1], "mean": [0.2, 0.5],
    ...     "n_comments": [40, 3], "n_threads": [12, 1]}), x="depth", y="mean", title="t")
    >>> fig.data[0].customdata[1], "threads: %{customdata[1]:,}" in fig.data[0].hovertemplate
    ([3, 1], True)
    """
    if frame.height == 0:
        return empty_figure("Nothing to show")
    values = frame[y].to_list()
    err = None
    if "ci_low" in frame.columns and "ci_high" in frame.columns:
        highs, lows = frame["ci_high"].to_list(), frame["ci_low"].to_list()
        if all(h is None for h in highs) and all(lo is None for lo in lows):
            title = f"{title} (no interval)"
        else:
            title = f"{title} ({ci_label})"
            err = {
                "type": "data",
                "symmetric": False,
                "array": [
                    None if (h is None or v is None) else max(h - v, 0)
                    for v, h in zip(values, highs, strict=True)
                ],
                "arrayminus": [
                    None if (lo is None or v is None) else max(v - lo, 0)
                    for v, lo in zip(values, lows, strict=True)
                ],
            }
    if color_by_toxicity:
        marker = {"color": values, "colorscale": TOXICITY_SCALE, "cmin": 0, "cmax": 1}
    elif categorical:
        marker = {"color": [SIDE_COLORS[i % len(SIDE_COLORS)] for i in range(frame.height)]}
    else:
        marker = {"color": "#4c72b0"}
    if err is not None and None in err["array"]:
        # bars resting on too little for an interval must not look as solid as the others
        marker["opacity"] = [0.35 if h is None else 1.0 for h in err["array"]]
        title = f"{title[:-1]}; pale bars: no interval)"
    bar = go.Bar(x=[safe_text(v) for v in frame[x].to_list()], y=values, error_y=err, marker=marker)
    counts = [c for c in _COUNTS if c in frame.columns]
    if counts:
        # what each bar rests on, beside its value and interval
        bar.customdata = frame.select(counts).rows()
        lines = [f"{c.removeprefix('n_')}: %{{customdata[{i}]:,}}" for i, c in enumerate(counts)]
        bar.hovertemplate = f"{x} %{{x}}<br>{y} %{{y:.3f}}<br>" + "<br>".join(lines)
        bar.hovertemplate += "<extra></extra>"
    fig = go.Figure(bar)
    # by position on the category axis: a label such as "3" would be read as position 3
    for at, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            fig.add_annotation(
                x=at,
                y=0,
                text="n/a",
                showarrow=False,
                yanchor="bottom",
                font={"size": 10, "color": "#888"},
            )
    for i, (value, label) in enumerate(references):
        fig.add_hline(
            y=value,
            line_dash="dash",
            line_color="#888",
            annotation_text=label,
            # the labels of close lines at opposite ends, so that they do not overlap
            annotation_position="top right" if i % 2 else "top left",
        )
    fig.update_xaxes(title_text=x, type="category")
    fig.update_yaxes(title_text=y)
    return styled(fig, title=title, height=360)


def threshold_figure(frame: pl.DataFrame, *, chosen: float | None = None) -> go.Figure:
    """Small multiples of measures against the toxicity threshold.

    ``frame`` has one row per (``measure``, ``threshold``) with ``value``, and ``flagged``
    (the share of scored comments at or over the threshold, the same for every measure that
    has it); the
    first panel shows ``flagged``, then one panel per measure, in order of appearance. A
    dashed line marks ``chosen`` (the page's threshold); a panel whose measure is undefined
    at every threshold says so.

    >>> f = pl.DataFrame({"measure": ["a", "a"], "threshold": [0.4, 0.6],
    ...                   "value": [2.0, None], "flagged": [0.1, 0.05]})
    >>> [t.text for t in threshold_figure(f, chosen=0.5).layout.annotations][:2]
    ['share of comments flagged', 'a']
    """
    measures = frame.get_column("measure").unique(maintain_order=True).to_list()
    # the share flagged is the same for every measure; a refused measure has none
    first = (
        frame.group_by("threshold").agg(pl.col("flagged").drop_nulls().first()).sort("threshold")
    )
    panels = [("share of comments flagged", first.get_column("flagged"))]
    for name in measures:
        rows = frame.filter(pl.col("measure") == name).sort("threshold")
        panels.append((name, rows.get_column("value")))
    cols = 2
    n_rows = -(-len(panels) // cols)
    fig = make_subplots(
        rows=n_rows,
        cols=cols,
        subplot_titles=[safe_text(name, width=40) for name, _ in panels],
        horizontal_spacing=0.12,
        vertical_spacing=0.18 if n_rows > 1 else 0.1,
    )
    x = first.get_column("threshold").to_list()
    for i, (name, values) in enumerate(panels):
        row, col = divmod(i, cols)
        shown = values.to_list()
        fig.add_scatter(
            x=x,
            y=shown,
            mode="lines+markers",
            name=safe_text(name, width=40),
            showlegend=False,
            hovertemplate="threshold %{x}: %{y:.4g}<extra></extra>",
            row=row + 1,
            col=col + 1,
        )
        if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in shown):
            fig.add_annotation(
                text="undefined at every threshold",
                showarrow=False,
                xref=f"x{i + 1 if i else ''} domain",
                yref=f"y{i + 1 if i else ''} domain",
                x=0.5,
                y=0.5,
            )
        if chosen is not None:
            fig.add_vline(x=chosen, line_dash="dash", line_color="#888", row=row + 1, col=col + 1)
    fig.update_xaxes(title_text="toxic when toxicity >=")
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    title = "The measures at each threshold" + (
        " (dashed: the page's threshold)" if chosen is not None else ""
    )
    return styled(fig, title=title, height=260 * n_rows + 100)
