"""The reply tree of one thread, drawn top-down and coloured by toxicity."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.figures.base import TOXICITY_SCALE, author_label, empty_figure, safe_text, styled

#: Markers of comments without a toxicity score.
UNSCORED_COLOR = "#bdbdbd"

__all__ = ["UNSCORED_COLOR", "reply_tree_figure", "tree_positions"]


def tree_positions(parent: np.ndarray) -> np.ndarray:
    """x position of each comment: leaves 0, 1, 2, ... in depth-first order, parents centred.

    ``parent[i]`` is the row of the comment ``i`` replies to (-1 for top-level); rows are in
    chronological order, so siblings keep their order.

    >>> tree_positions(np.array([-1, 0, 0, -1])).tolist()
    [0.5, 0.0, 1.0, 2.0]
    """
    n = parent.shape[0]
    children: list[list[int]] = [[] for _ in range(n)]
    for child, par in enumerate(parent.tolist()):
        if par >= 0:
            children[par].append(child)
    x = np.zeros(n)
    next_leaf = 0.0
    roots = np.flatnonzero(parent < 0).tolist()
    stack: list[tuple[int, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            x[node] = float(np.mean(x[children[node]]))
            continue
        if not children[node]:
            x[node] = next_leaf
            next_leaf += 1.0
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(children[node]))
    return x


def reply_tree_figure(tree: pl.DataFrame, *, title: str = "Reply tree") -> go.Figure:
    """The reply tree: one marker per comment (x = branch, y = depth), edges to parents.

    Parameters
    ----------
    tree : polars.DataFrame
        One thread's comments in chronological order with ``comment_id``, ``parent_row``
        (row of the parent, -1 for top-level), ``depth``, ``author``, ``text`` and
        ``toxicity`` (may be null).
    """
    if tree.height == 0:
        return empty_figure("This thread has no comments")
    parent = tree["parent_row"].to_numpy()
    x = tree_positions(parent)
    y = -tree["depth"].to_numpy().astype(float)
    has_parent = parent >= 0
    ex = np.full(3 * has_parent.sum(), np.nan)
    ey = np.full(3 * has_parent.sum(), np.nan)
    ex[0::3], ex[1::3] = x[has_parent], x[parent[has_parent]]
    ey[0::3], ey[1::3] = y[has_parent], y[parent[has_parent]]
    fig = go.Figure()
    fig.add_scattergl(
        x=[None if np.isnan(v) else v for v in ex.tolist()],
        y=[None if np.isnan(v) else v for v in ey.tolist()],
        mode="lines",
        line={"color": "#999999", "width": 1},
        hoverinfo="skip",
        showlegend=False,
    )
    tox = tree["toxicity"].to_list() if "toxicity" in tree.columns else [None] * tree.height
    deleted = tree["deleted"].to_list() if "deleted" in tree.columns else [None] * tree.height
    names = [author_label(a, gone) for a, gone in zip(tree["author"], deleted, strict=True)]
    hover = [
        f"<b>{safe_text(name)}</b> (toxicity "
        f"{'n/a' if t is None else f'{t:.2f}'})<br>{safe_text(body, limit=300)}"
        for name, t, body in zip(names, tox, tree["text"].to_list(), strict=True)
    ]
    ids = tree["comment_id"].to_list()
    scored = [i for i, t in enumerate(tox) if t is not None]
    unscored = [i for i, t in enumerate(tox) if t is None]
    marker = {"size": 11, "line": {"width": 0.6, "color": "#555"}}
    if scored:
        fig.add_scattergl(
            x=[x[i] for i in scored],
            y=[y[i] for i in scored],
            mode="markers",
            showlegend=False,
            customdata=[ids[i] for i in scored],
            hovertext=[hover[i] for i in scored],
            hoverinfo="text",
            marker={
                **marker,
                "color": [tox[i] for i in scored],
                "colorscale": TOXICITY_SCALE,
                "cmin": 0,
                "cmax": 1,
                "colorbar": {"title": {"text": "toxicity"}},
            },
        )
    if unscored:
        # comments without a score (a removed text, or no text signals): grey, and named so
        fig.add_scattergl(
            x=[x[i] for i in unscored],
            y=[y[i] for i in unscored],
            mode="markers",
            name=f"no toxicity score ({len(unscored):,})",
            showlegend=True,
            customdata=[ids[i] for i in unscored],
            hovertext=[hover[i] for i in unscored],
            hoverinfo="text",
            marker={**marker, "color": UNSCORED_COLOR},
        )
        fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(
        title_text="depth",
        tickvals=sorted(set(y.tolist())),
        ticktext=[str(int(-v)) for v in sorted(set(y.tolist()))],
    )
    fig.update_layout(clickmode="event", hovermode="closest", hoverlabel={"align": "left"})
    return styled(fig, title=title, height=520)
