"""The user reply graph as a WebGL scatter: nodes by side, edges by hostility."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.figures.base import SIDE_COLORS, empty_figure, safe_text, styled

__all__ = ["HOSTILITY_BINS", "node_sizes", "user_graph_figure"]

#: Edges are drawn in one WebGL trace per hostility bin (mean toxicity of the replies).
HOSTILITY_BINS = (0.0, 0.25, 0.5, 0.75, 1.0000001)
#: One colour per bin: calm replies grey-blue (visible on white), hostile ones dark red.
EDGE_COLORS = ("#8fa8c8", "#f4a582", "#d6604d", "#8b0000")


def node_sizes(activity: np.ndarray, *, smallest: float = 5, largest: float = 28) -> np.ndarray:
    """Marker sizes growing with the square root of activity (area ~ comments).

    >>> node_sizes(np.array([1, 4, 100])).round(1).tolist()
    [5.0, 7.6, 28.0]
    """
    a = np.sqrt(np.asarray(activity, dtype=float))
    if a.size == 0:
        return a
    lo, hi = float(a.min()), float(a.max())
    if hi - lo < 1e-12:
        return np.full(a.shape, (smallest + largest) / 2)
    return smallest + (a - lo) / (hi - lo) * (largest - smallest)


def _edge_xy(edges: pl.DataFrame) -> tuple[list[float | None], list[float | None]]:
    n = edges.height
    xs = np.full(3 * n, np.nan)
    ys = np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = edges["x0"].to_numpy(), edges["x1"].to_numpy()
    ys[0::3], ys[1::3] = edges["y0"].to_numpy(), edges["y1"].to_numpy()
    to_list = lambda a: [None if math.isnan(v) else v for v in a.tolist()]
    return to_list(xs), to_list(ys)


def user_graph_figure(
    nodes: pl.DataFrame, edges: pl.DataFrame, *, group_label: str = "side", note: str = ""
) -> go.Figure:
    """Scattergl user graph.

    Parameters
    ----------
    nodes : polars.DataFrame
        ``author``, ``x``, ``y``, ``n_comments`` and ``group`` (side or community; null =
        none).
    edges : polars.DataFrame
        ``x0``, ``y0``, ``x1``, ``y1`` and ``hostility`` (mean toxicity of the replies, null
        when unscored).
    group_label : str
        What ``group`` is, for the legend.
    """
    if nodes.height == 0:
        return empty_figure("No users match these filters")
    fig = go.Figure()
    hostility = edges["hostility"] if "hostility" in edges.columns else None
    for (lo, hi), colour in zip(pairwise(HOSTILITY_BINS), EDGE_COLORS, strict=True):
        if hostility is None:
            break
        part = edges.filter((pl.col("hostility") >= lo) & (pl.col("hostility") < hi))
        if part.height == 0:
            continue
        x, y = _edge_xy(part)
        fig.add_scattergl(
            x=x,
            y=y,
            mode="lines",
            hoverinfo="skip",
            line={"width": 1.5, "color": colour},
            opacity=0.7,
            name=f"replies, hostility {lo:.2f}-{min(hi, 1.0):.2f}",
            legendgroup="edges",
        )
    unscored = edges if hostility is None else edges.filter(pl.col("hostility").is_null())
    if unscored.height:
        x, y = _edge_xy(unscored)
        fig.add_scattergl(
            x=x,
            y=y,
            mode="lines",
            hoverinfo="skip",
            line={"width": 1, "color": "#bbbbbb"},
            opacity=0.5,
            name="replies (not scored)",
        )
    sizes = node_sizes(nodes["n_comments"].to_numpy())
    nodes = nodes.with_columns(pl.Series("_size", sizes), pl.col("group").fill_null("none"))
    groups = nodes["group"].unique(maintain_order=True).sort().to_list()
    for i, group in enumerate(groups):
        part = nodes.filter(pl.col("group") == group)
        fig.add_scattergl(
            x=part["x"].to_list(),
            y=part["y"].to_list(),
            mode="markers",
            name=f"{group_label} {safe_text(group)}",
            customdata=part["author"].to_list(),
            hovertext=[
                f"{safe_text(a)}<br>{n:,} comments"
                for a, n in zip(part["author"].to_list(), part["n_comments"].to_list(), strict=True)
            ],
            hoverinfo="text",
            marker={
                "size": part["_size"].to_list(),
                "color": "#aaaaaa" if group == "none" else SIDE_COLORS[i % len(SIDE_COLORS)],
                "line": {"width": 0.5, "color": "white"},
            },
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(
        legend={"orientation": "h", "y": -0.05},
        clickmode="event",
        hovermode="closest",
        uirevision="graph",
    )
    title = "User reply graph (u -> v: u replied to v)" + (f" - {note}" if note else "")
    return styled(fig, title=title, height=620)
