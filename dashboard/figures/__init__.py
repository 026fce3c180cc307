"""Pure figure functions: a result or table in, a ``plotly.graph_objects.Figure`` out.

Nothing here imports Dash. Every text that came from the data (comment bodies, author
names) goes through :func:`~dashboard.figures.base.safe_text` before it reaches a hover
label, so plotly's pseudo-HTML never interprets it.
"""

from __future__ import annotations

__all__: list[str] = []
