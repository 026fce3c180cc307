"""Table cards: which cells wrap."""

from __future__ import annotations

import polars as pl
from dash import html

from dashboard.components import table_card


def _cells(component) -> list[html.Td]:
    """Every table cell of a component tree, in order."""
    if isinstance(component, html.Td):
        return [component]
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str):
        return []
    if not isinstance(children, list):
        children = [children]
    return [cell for child in children for cell in _cells(child)]


def test_only_prose_columns_wrap() -> None:
    """Numbers, ids and short labels stay on one line (the tables broke "3.65" into "3.6 5"
    and "rising" into "risin g"); a column of long texts wraps."""
    frame = pl.DataFrame(
        {
            "score": [3.65, 1067.0],
            "trend": ["rising", "flat"],
            "text": ["a comment long enough to need more than one line, surely", "short"],
        }
    )
    cells = _cells(table_card("t", frame))
    assert [c.children for c in cells[:3]] == ["3.65", "rising", frame["text"][0]]
    assert [c.className for c in cells] == [None, None, "prose"] * 2
