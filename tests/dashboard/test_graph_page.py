"""The Graph page's callback: how many edges it draws, and the note that says so."""

from __future__ import annotations

import polars as pl
import pytest

import dynamics as dyn
from dashboard import cache
from dashboard.callbacks.graph import render
from dashboard.figures.graph import DEFAULT_EDGES, EDGE_CHOICES
from dashboard.graph_layout import layout_users

N_REPLIERS = 2_100  # more than the smallest choice (2,000), fewer than the default (5,000)


@pytest.fixture(scope="module")
def star_key() -> str:
    """A thread where 2,100 users each reply once to the root's author: 2,100 edges."""
    users = ["root"] + [f"u{i}" for i in range(N_REPLIERS)]
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(len(users))],
            "parent": [None] + ["0"] * N_REPLIERS,
            "user": users,
            "body": ["x"] * len(users),
        }
    )
    return cache.put_discussion(dyn.load(frame), persist=False)


def _segments(figure: dict) -> int:
    return sum(s["path"].count("M") for s in figure["layout"].get("shapes", []))


def test_the_edge_cap_draws_the_chosen_number_and_says_so(star_key: str) -> None:
    assert min(EDGE_CHOICES) < N_REPLIERS < DEFAULT_EDGES
    figure, note = render({"key": star_key}, [0, 100], None, 0, "none", min(EDGE_CHOICES))
    assert _segments(figure) == min(EDGE_CHOICES)
    assert f"{N_REPLIERS:,} reply edges" in note
    assert f"Only the {min(EDGE_CHOICES):,} heaviest edges" in note


def test_an_offered_larger_cap_draws_every_edge(star_key: str) -> None:
    figure, note = render({"key": star_key}, [0, 100], None, 0, "none", DEFAULT_EDGES)
    assert _segments(figure) == N_REPLIERS
    assert "Only the" not in note


def test_a_value_not_offered_falls_back_to_the_default(star_key: str) -> None:
    # the value comes from the browser; a forged one must not lift the cap
    figure, _ = render({"key": star_key}, [0, 100], None, 0, "none", 10**9)
    assert _segments(figure) == min(N_REPLIERS, DEFAULT_EDGES)
    figure, _ = render({"key": star_key}, [0, 100], None, 0, "none", "all")
    assert _segments(figure) == min(N_REPLIERS, DEFAULT_EDGES)


@pytest.fixture(scope="module")
def two_threads_key() -> str:
    """A 100-user star thread, and a 3-user thread where a replied to b and b to c."""
    users = ["root"] + [f"u{i}" for i in range(100)] + ["a", "b", "c"]
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(len(users))],
            "parent": [None] + ["0"] * 100 + [None, "101", "102"],
            "thread_id": ["star"] * 101 + ["small"] * 3,
            "user": users,
            "body": ["x"] * len(users),
        }
    )
    return cache.put_discussion(dyn.load(frame), persist=False)


def _node_traces(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("customdata")]


def test_a_small_selection_of_a_large_graph_is_laid_out_alone_and_named(
    two_threads_key: str,
) -> None:
    whole, note = render({"key": two_threads_key}, [0, 100], None, 0, "none", DEFAULT_EDGES)
    assert "104 users" in note
    assert "named" not in note
    assert all(t["mode"] == "markers" for t in _node_traces(whole))
    figure, note = render({"key": two_threads_key}, [0, 100], ["small"], 0, "none", DEFAULT_EDGES)
    assert "3 users and 2 reply edges" in note
    assert "laid out on their own" in note
    (trace,) = _node_traces(figure)
    assert trace["mode"] == "markers+text"
    assert sorted(trace["text"]) == ["a", "b", "c"]
    alone = layout_users(cache.get_discussion(two_threads_key), ["a", "b", "c"], seed=0)
    # the figure may widen a layout (x times a factor >= 1) but keeps it otherwise
    placed = pl.DataFrame({"author": trace["customdata"], "px": trace["x"], "py": trace["y"]})
    both = alone.join(placed, on="author")
    assert both["py"].to_list() == both["y"].to_list()
    widen = (both["px"] / both["x"]).drop_nans().drop_nulls()
    assert widen.min() >= 1
    assert widen.max() - widen.min() < 0.01
    arrows = [h for t in figure["data"] for h in t.get("hovertext") or [] if "replied to" in h]
    assert sorted(arrows) == ["b replied to a: 1 reply, not scored",
                              "c replied to b: 1 reply, not scored"]  # fmt: skip
