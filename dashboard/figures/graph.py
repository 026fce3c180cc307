"""The user reply graph: WebGL nodes by side, edges as SVG path shapes by hostility."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.figures.base import SIDE_COLORS, empty_figure, safe_text, styled

__all__ = [
    "DEFAULT_EDGES",
    "EDGE_CHOICES",
    "HEIGHT",
    "HOSTILITY_BINS",
    "edge_path",
    "node_sizes",
    "user_graph_figure",
]

#: How many edges the Graph page may draw (the heaviest first), and how many at first:
#: drawing time grows with them (about 0.1 s per 5,000 in headless Chromium).
EDGE_CHOICES = (2_000, 5_000, 20_000, 50_000)
DEFAULT_EDGES = 5_000
#: Height of the graph figure in pixels (its placeholder has the same).
HEIGHT = 620
#: Edges are drawn as one path shape per hostility bin (mean toxicity of the replies).
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


def edge_path(edges: pl.DataFrame) -> str:
    """One SVG path (``M x0,y0 L x1,y1`` per edge, data coordinates) for a layout shape.

    >>> edge_path(pl.DataFrame({"x0": [0.0], "y0": [1.5], "x1": [-2.0], "y1": [3.0]}))
    'M0.0,1.5L-2.0,3.0'
    """
    if edges.height == 0:
        return ""
    return edges.select(pl.format("M{},{}L{},{}", "x0", "y0", "x1", "y1").str.join("")).item()


def _add_edges(
    fig: go.Figure, edges: pl.DataFrame, *, name: str, color: str, width: float, opacity: float
) -> dict[str, object]:
    """The edges as one path shape under the nodes, and an empty trace for its legend key.

    The shape itself stays out of the legend: plotly recomputes and redraws the whole
    figure on every relayout (zoom, pan, resize) while a shape is in the legend.
    """
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line={"width": 2, "color": color},
        name=name,
        legendgroup="edges",
        hoverinfo="skip",
    )
    return {
        "type": "path",
        "path": edge_path(edges),
        "xref": "x",
        "yref": "y",
        "layer": "below",
        "line": {"width": width, "color": color},
        "opacity": opacity,
    }


def user_graph_figure(
    nodes: pl.DataFrame, edges: pl.DataFrame, *, group_label: str = "side", note: str = ""
) -> go.Figure:
    """The user graph: nodes as a WebGL scatter, edges as a few SVG path shapes beneath.

    Each hostility bin (and the unscored edges) is one path shape: drawing, zooming and
    panning stay fast with tens of thousands of edges, where a WebGL line trace with gaps
    costs a draw call per edge. An empty line trace per bin gives the legend its colour key.

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
        return empty_figure("No users match these filters", height=HEIGHT)
    fig = go.Figure()
    shapes = []
    hostility = edges["hostility"] if "hostility" in edges.columns else None
    for (lo, hi), colour in zip(pairwise(HOSTILITY_BINS), EDGE_COLORS, strict=True):
        if hostility is None:
            break
        part = edges.filter((pl.col("hostility") >= lo) & (pl.col("hostility") < hi))
        if part.height:
            name = f"replies, hostility {lo:.2f}-{min(hi, 1.0):.2f}"
            shapes.append(_add_edges(fig, part, name=name, color=colour, width=1.5, opacity=0.7))
    unscored = edges if hostility is None else edges.filter(pl.col("hostility").is_null())
    if unscored.height:
        shapes.append(
            _add_edges(
                fig, unscored, name="replies (not scored)", color="#bbbbbb", width=1, opacity=0.5
            )
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
        shapes=shapes,
        legend={"orientation": "h", "y": -0.05},
        clickmode="event",
        hovermode="closest",
        uirevision="graph",
    )
    title = "User reply graph (u -> v: u replied to v)" + (f" - {note}" if note else "")
    return styled(fig, title=title, height=HEIGHT)
