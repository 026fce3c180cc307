"""Figure functions: pure table -> go.Figure, with escaped hover text."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard.figures.base import empty_figure, safe_text, toxicity_color
from dashboard.figures.graph import (
    ANGLE_STEP,
    DIRECTION_KEY,
    HOSTILITY_BINS,
    LABEL_LIMIT,
    node_sizes,
    user_graph_figure,
)
from dashboard.figures.metrics import (
    estimates_figure,
    joint_density_figure,
    side_bars_figure,
    trend_figure,
)
from dashboard.figures.overview import activity_figure, activity_table, choose_period
from dashboard.figures.thread import UNSCORED_COLOR, reply_tree_figure, tree_positions
from dashboard.figures.user import partners_figure


def test_safe_text_escapes_markup() -> None:
    out = safe_text("<script>alert(1)</script> & <b>bold</b>")
    assert "<script>" not in out
    assert "<b>" not in out
    assert "&lt;script&gt;" in out
    assert "&amp;" in out


def test_safe_text_wraps_and_truncates() -> None:
    out = safe_text("word " * 100, width=20, limit=50)
    assert out.count("<br>") >= 2
    assert out.endswith("…")


def test_toxicity_color_ends_and_missing() -> None:
    assert toxicity_color(1.0) == "rgb(128,0,38)"
    assert toxicity_color(2.0) == toxicity_color(1.0)
    assert toxicity_color(float("nan")) == "rgb(200,200,200)"


def test_tree_positions_centre_parents_over_children() -> None:
    # 0 -> (1 -> (3, 4)), 2 ; 5 top-level
    parent = np.array([-1, 0, 0, 1, 1, -1])
    x = tree_positions(parent)
    assert x[[3, 4, 2, 5]].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert x[1] == 0.5
    assert x[0] == pytest.approx((0.5 + 2.0) / 2)


def _tree() -> pl.DataFrame:
    return pl.DataFrame(
        {"comment_id": ["a", "b", "c"], "parent_row": [-1, 0, 1], "depth": [0, 1, 2],
         "author": ["ann", "<b>bob</b>", None], "text": ["hi", "<img src=x onerror=alert(1)>", "x"],
         "toxicity": [0.1, 0.9, None]}
    )  # fmt: skip


def test_reply_tree_figure_colours_and_escapes() -> None:
    fig = reply_tree_figure(_tree().with_columns(pl.Series("deleted", [False, False, True])))
    scored, unscored = fig.data[1], fig.data[2]
    assert list(scored.customdata) == ["a", "b"]
    assert list(scored.marker.color) == [0.1, 0.9]
    # the unscored comment is its own grey trace, named in the legend (a null colour in the
    # scored trace made the HTML export fail)
    assert list(unscored.customdata) == ["c"]
    assert unscored.marker.color == UNSCORED_COLOR
    assert unscored.name == "no toxicity score (1)"
    assert unscored.hovertext[0].startswith("<b>[deleted]</b> (toxicity n/a)")
    assert all("<img" not in h and "<b>bob" not in h for h in scored.hovertext)
    # two edges: b -> a and c -> b
    assert sum(v is None for v in fig.data[0].x) == 2
    fig.to_html()  # validates


def test_reply_tree_without_scores_has_one_grey_trace() -> None:
    fig = reply_tree_figure(_tree().with_columns(pl.lit(None, pl.Float64).alias("toxicity")))
    assert len(fig.data) == 2
    assert fig.data[1].hovertext[2].startswith("<b>[anonymous]</b>")  # no `deleted` column


def test_node_sizes_monotone() -> None:
    sizes = node_sizes(np.array([1, 10, 100, 1000]))
    assert np.all(np.diff(sizes) > 0)
    assert sizes[0] == 5
    assert sizes[-1] == 28


def _graph_nodes(n: int) -> pl.DataFrame:
    return pl.DataFrame({"author": [f"user {i}" for i in range(n)],
                         "x": [float(i) for i in range(n)], "y": [float(i % 3) for i in range(n)],
                         "n_comments": [1 + i for i in range(n)], "group": ["1"] * n})  # fmt: skip


def test_user_graph_figure_bins_edges_by_hostility() -> None:
    # "far" makes the layout wide enough to be drawn as it is
    nodes = pl.DataFrame({"author": ["a", "b", "c", "far"], "x": [0.0, 1.0, 2.0, 3.0],
                          "y": [0.0, 1.0, 0.0, 0.0], "n_comments": [1, 5, 2, 1],
                          "group": ["1", "-1", None, None]})  # fmt: skip
    edges = pl.DataFrame({"x0": [0.0, 1.0, 0.0], "y0": [0.0, 1.0, 0.0], "x1": [1.0, 2.0, 2.0],
                          "y1": [1.0, 0.0, 0.0], "hostility": [0.1, 0.9, None]})  # fmt: skip
    fig = user_graph_figure(nodes, edges)
    # nodes: one trace per group, each user once
    node_traces = [t for t in fig.data if t.customdata is not None]
    assert sorted(c for t in node_traces for c in t.customdata) == ["a", "b", "c", "far"]
    hovers = [h for t in node_traces for h in t.hovertext or t.text or []]
    assert "a<br>1 comment" in hovers
    assert "b<br>5 comments" in hovers
    # edges: one path shape of arcs per hostility bin used, each with an empty legend-key trace
    paths = [s.path for s in fig.layout.shapes]
    assert paths == ["M0.0,0.0Q0.65,0.35 1.0,1.0", "M1.0,1.0Q1.35,0.35 2.0,0.0",
                     "M0.0,0.0Q1.0,-0.3 2.0,0.0"]  # fmt: skip
    assert all(s.xref == "x" and s.yref == "y" and not s.showlegend for s in fig.layout.shapes)
    keys = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in keys] == [
        "replies, hostility 0.00-0.25",
        "replies, hostility 0.75-1.00",
        "replies (not scored)",
    ]
    assert [k.line.color for k in keys] == [s.line.color for s in fig.layout.shapes]
    assert all(list(k.x) == [None] for k in keys)  # keys draw nothing
    assert len(HOSTILITY_BINS) == 5


def test_user_graph_figure_arrowheads_point_from_replier_to_replied() -> None:
    # a replied to b (up and right), b replied to a (back down), c replied to a (left)
    nodes = _graph_nodes(4).with_columns(x=pl.Series([0.0, 1.0, 2.0, 3.0]),
                                         y=pl.Series([0.0, 1.0, 0.0, 0.0]))  # fmt: skip
    edges = pl.DataFrame({"source": ["user 0", "user 1", "user 2"],
                          "target": ["user 1", "user 0", "user 0"], "count": [3, 1, 2],
                          "x0": [0.0, 1.0, 2.0], "y0": [0.0, 1.0, 0.0], "x1": [1.0, 0.0, 0.0],
                          "y1": [1.0, 0.0, 0.0], "hostility": [0.1, 0.2, 0.3]})  # fmt: skip
    fig = user_graph_figure(nodes, edges)
    heads = [t for t in fig.data if t.marker.symbol == "triangle-up"]
    assert len(heads) == 2  # one trace per hostility bin used
    angles = [a for t in heads for a in t.marker.angle]
    assert angles == [45.0, -135.0, -90.0]  # clockwise from up: up-right, down-left, left
    # replies both ways are two arcs: their middles lie on opposite sides of the chord
    xs = [x for t in heads for x in t.x]
    ys = [y for t in heads for y in t.y]
    assert (xs[0], ys[0]) == pytest.approx((0.575, 0.425))
    assert (xs[1], ys[1]) == pytest.approx((0.425, 0.575))
    hover = [h for t in heads for h in t.hovertext]
    assert hover[0] == "user 0 replied to user 1: 3 replies, hostility 0.10"
    assert hover[1] == "user 1 replied to user 0: 1 reply, hostility 0.20"
    assert DIRECTION_KEY in [t.name for t in fig.data]


def test_user_graph_figure_widens_a_square_labelled_graph() -> None:
    nodes = _graph_nodes(3).with_columns(x=pl.Series([0.0, 1.0, 0.0]), y=pl.Series([0.0, 0.0, 1.0]))
    edges = pl.DataFrame({"x0": [0.0], "y0": [0.0], "x1": [1.0], "y1": [0.0],
                          "hostility": [0.1]})  # fmt: skip
    fig = user_graph_figure(nodes, edges)
    assert list(fig.data[-1].x) == [0.0, 2.2, 0.0]  # as wide as the plot, about
    assert list(fig.data[-1].y) == [0.0, 0.0, 1.0]
    assert fig.layout.shapes[0].path.endswith(" 2.2,0.0")  # the edges follow
    large = _graph_nodes(LABEL_LIMIT + 1).with_columns(y=pl.col("x"))
    assert list(user_graph_figure(large, edges.head(0)).data[-1].x) == list(large["x"])


def test_user_graph_figure_large_graph_arrowheads_in_few_angles() -> None:
    n = LABEL_LIMIT + 40
    nodes = _graph_nodes(n).with_columns(
        x=pl.Series(np.cos(np.arange(n))), y=pl.Series(np.sin(np.arange(n)))
    )
    edges = nodes.select(x0=pl.lit(0.0), y0=pl.lit(0.0), x1="x", y1="y", hostility=pl.lit(0.1))
    (heads,) = [t for t in user_graph_figure(nodes, edges).data if t.marker.symbol == "triangle-up"]
    assert isinstance(heads, go.Scattergl)
    angles = np.array(heads.marker.angle)
    exact = np.degrees(np.arctan2(nodes["x"].to_numpy(), nodes["y"].to_numpy()))
    assert set(np.unique(angles % ANGLE_STEP)) == {0.0}  # one marker image per step
    assert np.abs((angles - exact + 180) % 360 - 180).max() <= ANGLE_STEP / 2 + 0.1


def test_user_graph_figure_labels_small_graphs_only() -> None:
    small = _graph_nodes(LABEL_LIMIT).with_columns(
        pl.when(pl.col("author") == "user 0").then(pl.lit("<b>mallory</b>"))
        .otherwise(pl.col("author")).alias("author")
    )  # fmt: skip
    no_edges = pl.DataFrame(schema={"x0": pl.Float64, "y0": pl.Float64, "x1": pl.Float64,
                                    "y1": pl.Float64, "hostility": pl.Float64})  # fmt: skip
    labelled = user_graph_figure(small, no_edges).data[0]
    assert isinstance(labelled, go.Scatter)
    assert labelled.mode == "markers+text"
    assert labelled.text[0] == "&lt;b&gt;mallory&lt;/b&gt;"  # a name is text, never markup
    assert list(labelled.text[1:]) == [f"user {i}" for i in range(1, LABEL_LIMIT)]
    large = user_graph_figure(_graph_nodes(LABEL_LIMIT + 1), no_edges).data[0]
    assert isinstance(large, go.Scattergl)
    assert large.mode == "markers"
    assert large.text is None
    assert "user 60" in large.hovertext[-1]  # hover still names every user


def test_user_graph_figure_without_edges_has_no_shapes() -> None:
    nodes = pl.DataFrame({"author": ["a"], "x": [0.0], "y": [0.0], "n_comments": [1],
                          "group": [None]}, schema_overrides={"group": pl.String})  # fmt: skip
    edges = pl.DataFrame(schema={"x0": pl.Float64, "y0": pl.Float64, "x1": pl.Float64,
                                 "y1": pl.Float64, "hostility": pl.Float64})  # fmt: skip
    fig = user_graph_figure(nodes, edges)
    assert fig.layout.shapes == ()
    # no direction key without edges; nothing coloured: "users", not "side none"
    assert [t.name for t in fig.data] == ["users"]
    both = pl.concat([nodes, nodes.with_columns(author=pl.lit("b"), group=pl.lit("1"))])
    assert [t.name for t in user_graph_figure(both, edges).data] == ["side 1", "no side"]


def test_user_graph_figure_empty() -> None:
    empty = pl.DataFrame(schema={"author": pl.String, "x": pl.Float64, "y": pl.Float64,
                                 "n_comments": pl.Int64, "group": pl.String})  # fmt: skip
    fig = user_graph_figure(empty, pl.DataFrame())
    assert "No users" in fig.layout.annotations[0].text


def test_activity_table_counts_per_period() -> None:
    t = [datetime(2024, 1, 1, 10, tzinfo=UTC), datetime(2024, 1, 1, 11, tzinfo=UTC),
         datetime(2024, 1, 3, 9, tzinfo=UTC), None]  # fmt: skip
    comments = pl.DataFrame({"created_at": t, "author": ["a", "a", "b", "c"]})
    table = activity_table(comments, "1d")
    assert table["n_comments"].to_list() == [2, 1]
    assert table["n_authors"].to_list() == [1, 1]
    assert len(activity_figure(table).data) == 2
    assert choose_period(t[0], t[2]) == "1h"


def test_activity_without_timestamps() -> None:
    table = activity_table(pl.DataFrame({"created_at": [None], "author": ["a"]},
                                        schema={"created_at": pl.Datetime("us", "UTC"),
                                                "author": pl.String}), "1d")  # fmt: skip
    assert table.height == 0
    assert "No timestamps" in activity_figure(table).layout.annotations[0].text


def test_joint_density_grid_keeps_counts() -> None:
    # bin centres, as neighbour_leaning gives them (4 bins: -0.75, -0.25, 0.25, 0.75)
    density = pl.DataFrame({"x_bin": [-0.75, 0.75, 0.75], "y_bin": [-0.75, -0.25, -0.25],
                            "count": [2, 1, 4]})  # fmt: skip
    fig = joint_density_figure(density, bins=4, title="t")
    z = np.array(fig.data[0].z)
    assert z.sum() == 7
    assert z[1, 3] == 5  # rows are y bins, columns x bins
    assert z[0, 0] == 2
    assert fig.data[0].x[0] == -0.75


def test_joint_density_of_the_library_table_spreads_users() -> None:
    """The library's own table: users at opposite leanings land in opposite corners (they
    all landed in one cell once, the centres read as indices)."""
    import networkx as nx

    import dynamics as dyn

    g = nx.Graph([("a", "b"), ("c", "d"), ("a", "c")])
    r = dyn.echo_chambers.neighbour_leaning(g, leaning={"a": -1, "b": -1, "c": 1, "d": 1})
    density = r.table("density", backend="polars")
    bins = int(np.sqrt(density.height))
    z = np.array(joint_density_figure(density, bins=bins, title="t").data[0].z)
    assert z.sum() == density["count"].sum() == 4
    assert z[0, 0] > 0  # b: leaning -1, neighbours -1
    assert z[-1, -1] > 0  # d: leaning +1, neighbours +1


def test_estimates_and_trend() -> None:
    frame = pd.DataFrame({"metric": ["ei_index", "modularity"], "value": [0.2, float("nan")],
                          "ci_low": [0.1, None], "ci_high": [0.4, None],
                          "p_value": [0.01, None]})  # fmt: skip
    fig = estimates_figure(frame)
    assert list(fig.data[1].y) == ["ei_index"]  # the undefined modularity is left out
    assert list(fig.data[0].x) == [0.1, 0.4, None]  # its interval, drawn as it is
    # an estimate outside its interval keeps both where they are (the arms were clipped)
    off = frame.assign(value=[0.05, float("nan")])
    fig = estimates_figure(off)
    assert list(fig.data[0].x) == [0.1, 0.4, None]
    assert list(fig.data[1].x) == [0.05]
    assert "outside its interval" in fig.data[1].hovertext[0]
    trend = pd.DataFrame({"window_start": [1, 2], "value": [0.1, 0.3], "ci_low": [0.0, 0.2],
                          "ci_high": [0.2, 0.4], "n_comments": [10, 12]})  # fmt: skip
    assert len(trend_figure(trend, title="t").data) == 2


def test_partners_figure() -> None:
    out = pl.DataFrame({"partner": ["b", "<i>c</i>"], "count": [3, 1], "mean_toxicity": [0.2, 0.8]})
    fig = partners_figure(out, out.head(0))
    assert list(fig.data[0].x) == [1, 3]  # smallest first: the largest is drawn on top
    assert "<i>" not in "".join(fig.data[0].y)
    # replies are whole numbers: no 0.5 ticks on a small count, plotly's own steps on a large
    assert (fig.layout.xaxis.dtick, fig.layout.xaxis2.dtick) == (1, 1)
    many = partners_figure(out.with_columns(pl.col("count") * 20), out.head(0))
    assert many.layout.xaxis.dtick is None


def test_empty_figure_escapes_message() -> None:
    assert empty_figure("<b>x</b>").layout.annotations[0].text == "&lt;b&gt;x&lt;/b&gt;"


def test_side_bars_draw_intervals_only_where_there_are_some() -> None:
    frame = pl.DataFrame(
        {"depth": ["0", "1"], "mean": [0.4, 0.6], "ci_low": [0.3, 0.5], "ci_high": [0.45, 0.8]}
    )
    fig = side_bars_figure(frame, x="depth", y="mean", title="Mean", ci_label="90% CI")
    assert fig.layout.title.text.endswith("Mean (90% CI)")
    np.testing.assert_allclose(fig.data[0].error_y.array, [0.05, 0.2])
    np.testing.assert_allclose(fig.data[0].error_y.arrayminus, [0.1, 0.1])
    # a bootstrap over too few threads gives no interval: no degenerate error bars
    none = frame.with_columns(
        pl.lit(None, dtype=pl.Float64).alias(c) for c in ("ci_low", "ci_high")
    )
    fig = side_bars_figure(none, x="depth", y="mean", title="Mean")
    assert fig.layout.title.text.endswith("Mean (no interval)")
    assert fig.data[0].error_y.array is None
    # some bars without an interval: pale, and the title says so
    some = frame.with_columns(pl.Series("ci_low", [0.3, None]), pl.Series("ci_high", [0.45, None]))
    fig = side_bars_figure(some, x="depth", y="mean", title="Mean", categorical=False)
    assert fig.layout.title.text.endswith("Mean (95% CI; pale bars: no interval)")
    assert list(fig.data[0].marker.opacity) == [1.0, 0.35]
    plain = side_bars_figure(frame.drop("ci_low", "ci_high"), x="depth", y="mean", title="Mean")
    assert plain.layout.title.text.endswith("Mean")


def test_side_bars_say_undefined_bars_and_draw_references() -> None:
    """An undefined bar says n/a (an empty slot read as 0); reference lines carry labels."""
    frame = pl.DataFrame({"depth": ["1", "2", "3"], "ratio": [2.5, None, 1.2]})
    fig = side_bars_figure(
        frame,
        x="depth",
        y="ratio",
        title="Contagion",
        categorical=False,
        references=[(1.0, "1: no effect"), (1.6, "null mean 1.6")],
    )
    marks = [(a.x, a.text) for a in fig.layout.annotations if a.text == "n/a"]
    assert marks == [(1, "n/a")]  # the position of depth "2" on the category axis
    lines = [(s.y0, s.line.dash) for s in fig.layout.shapes]
    assert lines == [(1.0, "dash"), (1.6, "dash")]
    labels = {a.text for a in fig.layout.annotations}
    assert {"1: no effect", "null mean 1.6"} <= labels
