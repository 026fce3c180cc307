"""Where the user graph's directed edges go: clockwise arcs and the arrowheads on them.

An edge u -> v (u replied to v) is a quadratic Bezier arc from u to v that bends to the
right of the direction of travel (clockwise), so a reply in each direction gives two
separate arcs instead of one line drawn twice. Its arrowhead sits on the middle of the
arc and points along it, towards v.
"""

from __future__ import annotations

import polars as pl

__all__ = ["BEND", "arc_path", "curved_edges"]

#: The control point of an arc lies this share of the edge's length to the right of its
#: midpoint; the arc's own middle lies half as far out.
BEND = 0.15


def curved_edges(edges: pl.DataFrame, *, bend: float = BEND) -> pl.DataFrame:
    """``edges`` with the arc's control point, middle and the direction at the middle.

    Adds ``cx``, ``cy`` (control point), ``mx``, ``my`` (the arc at t = 0.5, where the
    arrowhead goes) and ``angle``: the direction of travel there, in degrees clockwise from
    straight up (plotly's ``marker.angle`` for a ``triangle-up`` symbol). With a locked
    aspect ratio, data directions are screen directions. Self-loops (zero length) get a
    null ``angle``.

    Examples
    --------
    >>> e = curved_edges(pl.DataFrame({"x0": [0.0, 1.0], "y0": [0.0, 1.0],
    ...                                "x1": [1.0, 0.0], "y1": [1.0, 0.0]}))
    >>> e.select("cx", "cy", "angle").rows()
    [(0.65, 0.35, 45.0), (0.35, 0.65, -135.0)]
    """
    dx = pl.col("x1") - pl.col("x0")
    dy = pl.col("y1") - pl.col("y0")
    mid_x = (pl.col("x0") + pl.col("x1")) / 2
    mid_y = (pl.col("y0") + pl.col("y1")) / 2
    # (dy, -dx) is the direction (dx, dy) turned 90 degrees clockwise
    angle = pl.arctan2(dx, dy).degrees()
    return edges.with_columns(
        cx=(mid_x + bend * dy).round(3),
        cy=(mid_y - bend * dx).round(3),
        mx=(mid_x + bend / 2 * dy).round(3),
        my=(mid_y - bend / 2 * dx).round(3),
        angle=pl.when((dx != 0) | (dy != 0)).then(angle.round(1)),
    )


def arc_path(edges: pl.DataFrame) -> str:
    """One SVG path (``M x0,y0 Q cx,cy x1,y1`` per edge) for a plotly layout shape.

    ``edges`` holds the columns added by :func:`curved_edges`.

    >>> arc_path(curved_edges(pl.DataFrame({"x0": [0.0], "y0": [0.0], "x1": [2.0],
    ...                                     "y1": [0.0]})))
    'M0.0,0.0Q1.0,-0.3 2.0,0.0'
    """
    if edges.height == 0:
        return ""
    return edges.select(
        pl.format("M{},{}Q{},{} {},{}", "x0", "y0", "cx", "cy", "x1", "y1").str.join("")
    ).item()
