"""Where the name labels of a small user graph go, so that they do not cover each other.

A greedy placement in estimated screen pixels: users are placed largest first, and each
label takes the first of eight spots around its marker (above, below, beside, then the
four diagonals) that
overlaps neither a label placed before nor another user's marker; when none is free it
takes the spot with the fewest overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["FONT_SIZE", "label_positions", "pixels_per_unit"]

#: Label font size in pixels; a character is about 0.6 of it wide.
FONT_SIZE = 11
_CHAR_WIDTH = 0.6 * FONT_SIZE
_LINE_HEIGHT = FONT_SIZE + 3
_GAP = 3
#: (plotly textposition, horizontal side, vertical side) of the eight spots, in order.
_SPOTS = (
    ("top center", 0, 1),
    ("bottom center", 0, -1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, 1),
    ("top left", -1, 1),
    ("bottom right", 1, -1),
    ("bottom left", -1, -1),
)


def pixels_per_unit(x: np.ndarray, y: np.ndarray, *, width: float, height: float) -> float:
    """Screen pixels per data unit of a plot with a locked 1:1 aspect ratio.

    Plotly widens one axis' range so that both axes have the same scale, set by the axis
    whose data is long for its side of the plot; autorange adds about 10% padding.

    >>> pixels_per_unit(np.array([0.0, 10.0]), np.array([0.0, 1.0]), width=1100, height=500)
    100.0
    """
    span_x = float(np.ptp(x)) if x.size else 0.0
    span_y = float(np.ptp(y)) if y.size else 0.0
    span = max(span_x / width, span_y / height) * 1.1
    return 1.0 / span if span > 0 else 1.0


def label_positions(
    x: np.ndarray,
    y: np.ndarray,
    labels: Sequence[str],
    sizes: np.ndarray,
    *,
    scale: float,
) -> list[str]:
    """A plotly ``textposition`` per user that keeps labels apart where it can.

    Parameters
    ----------
    x, y : numpy.ndarray
        Marker positions in data units.
    labels : sequence of str
        The label texts as shown (their length sets the estimated width).
    sizes : numpy.ndarray
        Marker diameters in pixels; larger users are placed first.
    scale : float
        Pixels per data unit (see :func:`pixels_per_unit`).

    Examples
    --------
    Two users side by side: the first label goes above, the second, which would cover it,
    below.

    >>> label_positions(np.array([0.0, 0.1]), np.array([0.0, 0.0]), ["alice", "bob"],
    ...                 np.array([10.0, 8.0]), scale=100)
    ['top center', 'bottom center']
    """
    px, py = np.asarray(x, float) * scale, np.asarray(y, float) * scale
    radius = np.asarray(sizes, float) / 2
    widths = np.array([len(t) * _CHAR_WIDTH for t in labels])
    markers = np.column_stack([px - radius, py - radius, px + radius, py + radius])
    placed: list[np.ndarray] = []
    out = ["top center"] * len(labels)
    for i in np.argsort(-radius, kind="stable").tolist():
        best, fewest = _SPOTS[0][0], None
        for name, side_x, side_y in _SPOTS:
            box = _box(px[i], py[i], radius[i], widths[i], side_x, side_y)
            others = np.delete(markers, i, axis=0)
            hits = _overlaps(box, others) + sum(_overlaps(box, p[None, :]) for p in placed)
            if fewest is None or hits < fewest:
                best, fewest = name, hits
            if hits == 0:
                break
        out[i] = best
        side = next(s for s in _SPOTS if s[0] == best)
        placed.append(_box(px[i], py[i], radius[i], widths[i], side[1], side[2]))
    return out


def _box(cx: float, cy: float, r: float, w: float, side_x: int, side_y: int) -> np.ndarray:
    """(left, bottom, right, top) of a label of width ``w`` on one side of a marker."""
    if side_y:
        mid_y = cy + side_y * (r + _GAP + _LINE_HEIGHT / 2)
        return np.array(
            [cx - w / 2, mid_y - _LINE_HEIGHT / 2, cx + w / 2, mid_y + _LINE_HEIGHT / 2]
        )
    left = cx + r + _GAP if side_x > 0 else cx - r - _GAP - w
    return np.array([left, cy - _LINE_HEIGHT / 2, left + w, cy + _LINE_HEIGHT / 2])


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> int:
    """How many of ``boxes`` (rows of left, bottom, right, top) intersect ``box``."""
    if boxes.size == 0:
        return 0
    apart = (
        (boxes[:, 2] <= box[0])
        | (boxes[:, 0] >= box[2])
        | (boxes[:, 3] <= box[1])
        | (boxes[:, 1] >= box[3])
    )
    return int((~apart).sum())
