"""User page figure: who a user replies to and who replies to them."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.figures.base import TOXICITY_SCALE, empty_figure, safe_text, styled

__all__ = ["partners_figure"]


def partners_figure(out_edges: pl.DataFrame, in_edges: pl.DataFrame, *, top: int = 15) -> go.Figure:
    """Two bar charts: replies to each partner, and replies from each, coloured by toxicity.

    Parameters
    ----------
    out_edges : polars.DataFrame
        ``partner``, ``count``, ``mean_toxicity`` (may be null) for the user's replies.
    in_edges : polars.DataFrame
        The same for replies to the user.
    top : int, default 15
        Partners drawn per side, most replies first; a side with more says so in its title.

    >>> many = pl.DataFrame({"partner": [f"u{i}" for i in range(20)], "count": [1] * 20,
    ...                      "mean_toxicity": [0.1] * 20})
    >>> [a.text for a in partners_figure(many, many.head(3)).layout.annotations][:2]
    ['replies to (15 most frequent of 20 partners)', 'replied to by']
    """
    if out_edges.height == 0 and in_edges.height == 0:
        return empty_figure("This user has no reply edges")
    titles = [
        f"{what} ({top} most frequent of {frame.height:,} partners)" if frame.height > top else what
        for what, frame in (("replies to", out_edges), ("replied to by", in_edges))
    ]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles)
    for col, frame in ((1, out_edges), (2, in_edges)):
        part = frame.sort("count", descending=True).head(top).reverse()
        tox = part["mean_toxicity"].to_list() if "mean_toxicity" in part.columns else None
        fig.add_bar(
            x=part["count"].to_list(),
            y=[safe_text(p, limit=40) for p in part["partner"]],
            orientation="h",
            showlegend=False,
            row=1,
            col=col,
            marker={
                "color": tox,
                "colorscale": TOXICITY_SCALE,
                "cmin": 0,
                "cmax": 1,
                "showscale": col == 2,
                "colorbar": {"title": {"text": "toxicity"}},
            },
            hovertemplate="%{y}: %{x} replies<extra></extra>",
        )
    most = max([*out_edges["count"].to_list(), *in_edges["count"].to_list(), 1])
    # replies are whole: ticks at whole numbers (a step of 1 up to 10, else plotly's own)
    fig.update_xaxes(
        title_text="replies", tickformat="d", rangemode="tozero", dtick=1 if most <= 10 else None
    )
    return styled(fig, title="Reply partners", height=max(320, 24 * top))
