"""The user reply graph: users by side, replies as arcs with arrowheads by hostility."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.figures.base import SIDE_COLORS, empty_figure, safe_text, styled
from dashboard.figures.graph_edges import arc_path, curved_edges
from dashboard.figures.graph_labels import FONT_SIZE, label_positions, pixels_per_unit

__all__ = [
    "ANGLE_STEP",
    "DEFAULT_EDGES",
    "DIRECTION_KEY",
    "EDGE_CHOICES",
    "HEIGHT",
    "HOSTILITY_BINS",
    "LABEL_LIMIT",
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
#: Graphs with at most this many users drawn carry a name label on every user, shortened
#: to this many characters (the whole name is on hover).
LABEL_LIMIT = 60
LABEL_CHARS = 24
#: The plot's width assumed when placing labels (a 1400-pixel window, less the margins),
#: and how much wider than high a small labelled graph is drawn.
PLOT_WIDTH = 1250
WIDE = 2.2
#: Arrowhead size in pixels (smaller on large graphs).
ARROW_SIZE = 10
#: WebGL arrowheads point in steps of this many degrees: WebGL draws one marker image per
#: distinct angle, and 5,000 distinct angles made the Graph page's warm switch on 100k
#: comments 5 times slower (7.8 s against 1.3 s with 15-degree steps, on a loaded machine).
ANGLE_STEP = 15
#: The legend entry that says how direction is drawn.
DIRECTION_KEY = "arrowhead: replier → user replied to (arcs bend clockwise)"


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


def _edge_hover(edges: pl.DataFrame) -> list[str] | None:
    """ "u replied to v: n replies, hostility h" per edge, escaped (None without names)."""
    if not {"source", "target"} <= set(edges.columns):
        return None
    counts = edges["count"].to_list() if "count" in edges.columns else [None] * edges.height
    out = []
    for u, v, n, h in zip(
        edges["source"].to_list(),
        edges["target"].to_list(),
        counts,
        edges["hostility"].to_list(),
        strict=True,
    ):
        replies = "" if n is None else f": {n:,} repl{'y' if n == 1 else 'ies'}"
        tone = "not scored" if h is None else f"hostility {h:.2f}"
        out.append(f"{safe_text(u)} replied to {safe_text(v)}{replies}, {tone}")
    return out


def _add_edges(
    fig: go.Figure,
    edges: pl.DataFrame,
    *,
    name: str,
    color: str,
    width: float,
    opacity: float,
    small: bool,
) -> dict[str, object]:
    """The edges as one path shape of arcs under the nodes, their arrowheads as a trace,
    and an empty trace for their legend key.

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
    heads = edges.filter(pl.col("angle").is_not_null())
    hover = _edge_hover(heads) if small else None
    arrows = go.Scatter if small else go.Scattergl
    fig.add_trace(
        arrows(
            x=heads["mx"].to_list(),
            y=heads["my"].to_list(),
            mode="markers",
            marker={
                "symbol": "triangle-up",
                "angle": (
                    heads["angle"] if small else (heads["angle"] / ANGLE_STEP).round() * ANGLE_STEP
                ).to_list(),
                "size": ARROW_SIZE if small else ARROW_SIZE - 3,
                "color": color,
                "opacity": min(1.0, opacity + 0.2),
            },
            hovertext=hover,
            hoverinfo="text" if hover else "skip",
            showlegend=False,
            legendgroup="edges",
            name=name,
        )
    )
    return {
        "type": "path",
        "path": arc_path(edges),
        "xref": "x",
        "yref": "y",
        "layer": "below",
        "line": {"width": width, "color": color},
        "opacity": opacity,
    }


def _direction_key(fig: go.Figure) -> None:
    """A legend entry that explains how direction is drawn (it draws nothing)."""
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "triangle-right", "size": ARROW_SIZE, "color": "#555555"},
        name=DIRECTION_KEY,
        legendgroup="edges",
        hoverinfo="skip",
    )


def _node_trace(part: pl.DataFrame, *, name: str, color: str, labelled: bool) -> go.Scatter:
    """One group's users: WebGL markers, or SVG markers with name labels on small graphs."""
    authors = part["author"].to_list()
    common = {
        "x": part["x"].to_list(),
        "y": part["y"].to_list(),
        "name": name,
        "customdata": authors,
        "hovertext": [
            f"{safe_text(a)}<br>{n:,} comment{'' if n == 1 else 's'}"
            for a, n in zip(authors, part["n_comments"].to_list(), strict=True)
        ],
        "hoverinfo": "text",
        "marker": {
            "size": part["_size"].to_list(),
            "color": color,
            "line": {"width": 0.5, "color": "white"},
        },
    }
    if not labelled:
        return go.Scattergl(mode="markers", **common)
    return go.Scatter(
        mode="markers+text",
        text=[safe_text(t, width=LABEL_CHARS + 1) for t in part["_label"].to_list()],
        textposition=part["_spot"].to_list(),
        textfont={"size": FONT_SIZE, "color": "#222222", "shadow": "auto"},
        cliponaxis=False,
        **common,
    )


def _widened(nodes: pl.DataFrame, edges: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Positions stretched sideways to about the plot's shape, so labels find room.

    The layout is square, the plot about :data:`WIDE` times wider than high; a layout's
    distances carry no meaning, so a small labelled graph may use the width.
    """
    x, y = nodes["x"].to_numpy(), nodes["y"].to_numpy()
    span_x, span_y = float(np.ptp(x)), float(np.ptp(y))
    stretch = max(1.0, WIDE * span_y / span_x) if span_x > 0 else 1.0
    if stretch == 1.0:
        return nodes, edges
    wider = [(pl.col(c) * stretch).round(3) for c in ("x", "x0", "x1")]
    return nodes.with_columns(wider[0]), edges.with_columns(wider[1:])


def _with_labels(nodes: pl.DataFrame) -> pl.DataFrame:
    """``nodes`` with ``_label`` (the name, shortened) and ``_spot`` (its textposition)."""
    labels = [a if len(a) <= LABEL_CHARS else a[: LABEL_CHARS - 1] + "…" for a in nodes["author"]]
    x, y = nodes["x"].to_numpy(), nodes["y"].to_numpy()
    scale = pixels_per_unit(x, y, width=PLOT_WIDTH, height=HEIGHT - 130)
    spots = label_positions(x, y, labels, nodes["_size"].to_numpy(), scale=scale)
    return nodes.with_columns(pl.Series("_label", labels), pl.Series("_spot", spots))


def user_graph_figure(
    nodes: pl.DataFrame, edges: pl.DataFrame, *, group_label: str = "side", note: str = ""
) -> go.Figure:
    """The user graph: users as markers, replies as arcs with arrowheads beneath them.

    Each hostility bin (and the unscored edges) is one path shape of arcs plus one trace of
    arrowheads: drawing, zooming and panning stay fast with tens of thousands of edges,
    where a line trace with gaps costs a draw call per edge. An empty line trace per bin
    gives the legend its colour key, and one more explains direction. An edge u -> v (u
    replied to v) bends clockwise on its way from u to v (so replies both ways are two arcs)
    and its arrowhead, in the middle, points at v. With at most :data:`LABEL_LIMIT` users
    the users are SVG markers labelled with their names and the arrowheads say on hover
    who replied to whom; larger graphs use WebGL and name users on hover only.

    Parameters
    ----------
    nodes : polars.DataFrame
        ``author``, ``x``, ``y``, ``n_comments`` and ``group`` (side or community; null =
        none).
    edges : polars.DataFrame
        ``x0``, ``y0``, ``x1``, ``y1`` and ``hostility`` (mean toxicity of the replies, null
        when unscored); optional ``source``, ``target`` and ``count`` for the arrowheads'
        hover text.
    group_label : str
        What ``group`` is, for the legend.
    note : str
        Appended to the title.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    if nodes.height == 0:
        return empty_figure("No users match these filters", height=HEIGHT)
    small = nodes.height <= LABEL_LIMIT
    if small:
        nodes, edges = _widened(nodes, edges)
    fig = go.Figure()
    shapes = []
    if "hostility" not in edges.columns:
        edges = edges.with_columns(hostility=pl.lit(None, pl.Float64))
    edges = curved_edges(edges)
    for (lo, hi), colour in zip(pairwise(HOSTILITY_BINS), EDGE_COLORS, strict=True):
        part = edges.filter((pl.col("hostility") >= lo) & (pl.col("hostility") < hi))
        if part.height:
            name = f"replies, hostility {lo:.2f}-{min(hi, 1.0):.2f}"
            shapes.append(
                _add_edges(fig, part, name=name, color=colour, width=1.5, opacity=0.7, small=small)
            )
    unscored = edges.filter(pl.col("hostility").is_null())
    if unscored.height:
        shapes.append(
            _add_edges(
                fig,
                unscored,
                name="replies (not scored)",
                color="#bbbbbb",
                width=1,
                opacity=0.5,
                small=small,
            )
        )
    if edges.height:
        _direction_key(fig)
    sizes = node_sizes(nodes["n_comments"].to_numpy())
    nodes = nodes.with_columns(pl.Series("_size", sizes), pl.col("group").fill_null("none"))
    if small:
        nodes = _with_labels(nodes)
    groups = sorted(nodes["group"].unique().to_list(), key=natural_key)
    palette = group_palette(len(groups))
    for i, group in enumerate(groups):
        colour = "#aaaaaa" if group == "none" else palette[i % len(palette)]
        # the users without a group: "no side", or plain "users" when nothing is coloured
        name = f"{group_label} {safe_text(group)}"
        if group == "none":
            name = "users" if len(groups) == 1 else f"no {group_label}"
        fig.add_trace(
            _node_trace(
                nodes.filter(pl.col("group") == group),
                name=name,
                color=colour,
                labelled=small,
            )
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
    title = "User reply graph (u → v: u replied to v)" + (f" - {note}" if note else "")
    return styled(fig, title=title, height=HEIGHT)


def natural_key(label: str) -> tuple[int, int, str]:
    """Sort key of group labels: numbers by value (community 2 before 10), then text.

    >>> sorted(["10", "2", "none", "-1", "1"], key=natural_key)
    ['-1', '1', '2', '10', 'none']
    """
    try:
        return (0, int(label), "")
    except ValueError:
        return (1, 0, label)


def group_palette(n: int) -> tuple[str, ...]:
    """Colours for ``n`` groups: the side colours for a few, 50 distinct ones for many
    (communities); beyond 50, colours repeat.

    >>> len(group_palette(3)) == len(SIDE_COLORS), len(set(group_palette(33)))
    (True, 50)
    """
    if n <= len(SIDE_COLORS):
        return tuple(SIDE_COLORS)
    from plotly.colors import qualitative

    return tuple(dict.fromkeys(qualitative.Dark24 + qualitative.Alphabet))
