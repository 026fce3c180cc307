"""Table cards: which cells wrap, and texts shown as themselves."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

import polars as pl
from dash import dcc, html

from dashboard import ids
from dashboard.components import table_card


class _Cells(HTMLParser):
    """The cells of an HTML table: (tag, class, text) each, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str | None, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in {"td", "th"}:
            self.cells.append((tag, dict(attrs).get("class"), ""))

    def handle_data(self, data: str) -> None:
        if self.cells:
            tag, cls, text = self.cells[-1]
            self.cells[-1] = (tag, cls, text + data)


def _parts(component, kind):
    """Every component of type ``kind`` in a component tree, in order (outer first)."""
    found = [component] if isinstance(component, kind) else []
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str):
        return found
    if not isinstance(children, list):
        children = [children]
    return found + [part for child in children for part in _parts(child, kind)]


def _html_cells(card) -> _Cells:
    (table,) = _parts(card, dcc.Markdown)
    assert table.dangerously_allow_html
    parser = _Cells()
    parser.feed(table.children)
    return parser


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
    cells = [(cls, text) for tag, cls, text in _html_cells(table_card("t", frame)).cells]
    assert cells[:6] == [
        (None, "score"),
        (None, "trend"),
        (None, "text"),
        (None, "3.65"),
        (None, "rising"),
        ("prose", frame["text"][0]),
    ]
    assert [cls for cls, _ in cells[3:]] == [None, None, "prose"] * 2


def test_plain_table_shows_hostile_texts_as_themselves() -> None:
    """A table without clickable rows is one escaped HTML block: markup, character references
    and Markdown in a cell come back as the cell's own text, and nothing else is made."""
    hostile = [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "&lt; already escaped &amp;",
        "*bold* `code` [link](javascript:alert(1))\n\n# heading\r\n</td></tr></table><b>x",
    ]
    frame = pl.DataFrame({"<th>": hostile, "n": [1, 2, 3, 4]})
    parser = _html_cells(table_card("t", frame))
    texts = [text for _tag, _cls, text in parser.cells]
    # backticks become quotes, as in every table cell
    assert texts == [
        "<th>",
        "n",
        *(
            t
            for pair in zip(
                [*hostile[:3], hostile[3].replace("`code`", "'code'")],
                ["1", "2", "3", "4"],
                strict=True,
            )
            for t in pair
        ),
    ]
    assert set(parser.tags) == {"table", "thead", "tbody", "tr", "th", "td"}
    assert "\n" not in _parts(table_card("t", frame), dcc.Markdown)[0].children


def test_clickable_rows_carry_their_ids() -> None:
    """A table with ``row_id`` is one component too: each row carries its id (escaped) for
    ``app.js``, and the card holds the store a click fills."""
    frame = pl.DataFrame({"episode_id": ["e1", '<e"2>'], "turns": [3, 5]})
    card = table_card("episodes", frame, row_id="episode_id")

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[dict[str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr" and dict(attrs).get("data-row") is not None:
                self.rows.append(dict(attrs))

    parser = Rows()
    parser.feed(_parts(card, dcc.Markdown)[0].children)
    assert [(r["data-row"], r["class"]) for r in parser.rows] == [
        ("e1", "clickable"),
        ('<e"2>', "clickable"),
    ]
    (store,) = _parts(card, dcc.Store)
    assert store.id == ids.chosen_row("episodes")
    (box,) = [p for p in _parts(card, html.Div) if "data-chosen-row" in p.to_plotly_json()["props"]]
    assert json.loads(box.to_plotly_json()["props"]["data-chosen-row"]) == store.id
    assert _parts(table_card("plain", frame), dcc.Store) == []


def test_digits_round_the_numbers_only() -> None:
    """``digits`` rounds the numbers shown; a duration column stays as it is, without the
    warning pandas gives when asked to round it (an episodes table has ``duration``)."""
    frame = pl.DataFrame({"score": [0.123456], "duration": [timedelta(seconds=35350)], "n": [3]})
    cells = [text for tag, _cls, text in _html_cells(table_card("t", frame, digits=3)).cells]
    assert cells[3:] == ["0.123", "9 h 49 min", "3"]
