"""The Overview callback: activity over time when timed, the largest reply tree when not."""

from __future__ import annotations

import polars as pl
import pytest
from dash import dcc

import dynamics as dyn
from dashboard import cache
from dashboard.callbacks.overview import render
from dashboard.ids import figure_id
from dashboard.loading import BUNDLED_THREAD, load_discussion


def _graphs(component) -> list[dcc.Graph]:
    """Every dcc.Graph inside a Dash component tree."""
    if isinstance(component, dcc.Graph):
        return [component]
    children = component if isinstance(component, list) else getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, list | tuple):
        children = [children]
    return [g for child in children for g in _graphs(child)]


def _frame(times: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5"],
            "parent": [None, "1", "2", None, "4"],
            "thread_id": ["small", "small", "small", "tiny", "tiny"],
            "user": ["ann", "bob", "ann", "cy", "dee"],
            "body": ["a", "b", "c", "d", "e"],
            "time": times,
        },
        schema_overrides={"time": pl.String},
    ).with_columns(pl.col("time").str.to_datetime(time_zone="UTC"))


def test_without_timestamps_the_largest_thread_tree_replaces_the_empty_chart() -> None:
    disc = load_discussion(BUNDLED_THREAD, scorers=("toxicity",))
    key = cache.put_discussion(disc, persist=False)
    cards, body = render({"key": key})
    # the mean toxicity says what it is the mean of
    assert "of 49 scored comments; model:" in str(cards)
    graphs = _graphs(body)
    assert [g.id for g in graphs] == [figure_id("largest_thread")]
    figure = graphs[0].figure
    assert figure.layout.title.text.startswith("Reply tree of the largest thread: Turkey Is")
    assert "(49 comments)" in figure.layout.title.text
    markers = [t for t in figure.data if t.customdata is not None]
    assert len(markers[0].customdata) == 49
    scores = dict(zip(disc.comments["comment_id"], disc.comments["toxicity"], strict=True))
    expected = [scores[c] for c in markers[0].customdata]  # coloured by the library's scores
    assert list(markers[0].marker.color) == pytest.approx(expected, nan_ok=True)
    assert not figure.layout.annotations  # not an empty "no timestamps" placeholder


def test_without_timestamps_the_tree_is_of_the_largest_thread() -> None:
    key = cache.put_discussion(dyn.load(_frame([None] * 5)), persist=False)
    figure = _graphs(render({"key": key})[1])[0].figure
    assert "small (3 comments)" in figure.layout.title.text


def test_with_timestamps_the_overview_shows_activity() -> None:
    times = ["2024-01-01T10:00:00", "2024-01-01T11:00:00", "2024-01-02T09:00:00",
             "2024-01-03T09:00:00", "2024-01-03T10:00:00"]  # fmt: skip
    key = cache.put_discussion(dyn.load(_frame(times)), persist=False)
    graphs = _graphs(render({"key": key})[1])
    assert [g.id for g in graphs] == [figure_id("activity")]
    assert graphs[0].figure.layout.title.text == "Activity over time"
