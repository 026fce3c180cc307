"""Shared figure helpers: the empty figure, the toxicity colour scale, safe hover text."""

from __future__ import annotations

import html
import textwrap
from itertools import pairwise

import plotly.graph_objects as go

__all__ = [
    "SIDE_COLORS",
    "TOXICITY_SCALE",
    "author_label",
    "empty_figure",
    "safe_text",
    "styled",
    "toxicity_color",
]

#: Toxicity 0 -> pale yellow, 1 -> dark red.
TOXICITY_SCALE = "YlOrRd"
#: Qualitative colours for sides and communities (colour-blind safe first).
SIDE_COLORS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)
_TOXICITY_STOPS = ((0.0, (255, 255, 204)), (0.5, (253, 141, 60)), (1.0, (128, 0, 38)))


def safe_text(text: object, *, width: int = 80, limit: int = 600) -> str:
    """``text`` escaped for plotly hover labels and wrapped with ``<br>``.

    Plotly renders a small HTML subset (``<b>``, ``<a href>``, ...) in labels; escaping
    makes every character show literally, so attacker-written text stays text.

    >>> safe_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    raw = "" if text is None else str(text)
    if len(raw) > limit:
        raw = raw[:limit] + "…"
    lines = textwrap.wrap(raw, width=width, replace_whitespace=True) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def toxicity_color(value: float | None) -> str:
    """CSS colour of a toxicity in [0, 1] on :data:`TOXICITY_SCALE` (grey for missing).

    >>> toxicity_color(0.0), toxicity_color(None)
    ('rgb(255,255,204)', 'rgb(200,200,200)')
    """
    if value is None or value != value:  # noqa: PLR0124 - NaN check
        return "rgb(200,200,200)"
    v = min(max(float(value), 0.0), 1.0)
    for (x0, c0), (x1, c1) in pairwise(_TOXICITY_STOPS):
        if v <= x1:
            t = (v - x0) / (x1 - x0)
            r, g, b = (round(a + (b_ - a) * t) for a, b_ in zip(c0, c1, strict=True))
            return f"rgb({r},{g},{b})"
    return "rgb(128,0,38)"  # pragma: no cover


#: Characters of a figure title per line: a longer line runs under plotly's toolbar.
TITLE_WIDTH = 62


def styled(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the app's common layout (white template, margins, height); a long title is
    wrapped (``TITLE_WIDTH``) and the top margin grows with its lines.

    >>> long = "Contagion ratio by depth (1 = no contagion) (95% CI; pale bars: no interval)"
    >>> fig = styled(go.Figure(), title=long)
    >>> fig.layout.title.text.count("<br>"), fig.layout.margin.t
    (1, 70)
    """
    lines = textwrap.wrap(title, TITLE_WIDTH) if title else []
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 50, "r": 20, "t": 30 + 20 * len(lines) if lines else 20, "b": 40},
        title={"text": "<br>".join(map(html.escape, lines)), "font": {"size": 14}}
        if lines
        else None,
    )
    return fig


def empty_figure(message: str, *, height: int = 300) -> go.Figure:
    """A blank figure that shows ``message`` in its middle.

    A placeholder as tall as the figure that replaces it keeps the page still, and spares
    the browser a second drawing of that figure (plotly redraws on a size change).
    """
    fig = go.Figure()
    fig.add_annotation(
        text=html.escape(message), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, height=height)


def author_label(author: str | None, deleted: bool | None) -> str:
    """The name shown for a comment's author: ``[deleted]`` for an account the source marks
    deleted or removed (the IngestReport's ``deleted_author``), ``[anonymous]`` for a
    comment the source gives no author.

    >>> author_label("ann", None), author_label(None, True), author_label(None, False)
    ('ann', '[deleted]', '[anonymous]')
    """
    if author:
        return author
    return "[deleted]" if deleted else "[anonymous]"
