"""Graph building helpers: attribute values equal polars' own conversion, type for type;
edge lists reach igraph unchanged."""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

import igraph as ig
import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics._validation import edge_list_array
from dynamics.errors import DataQualityWarning
from dynamics.model.graph import attribute_values, graph_from_ends, python_values

TIMES = [
    datetime(1969, 12, 31, 23, 59, 59, 999_999),
    datetime(2021, 7, 15, 0, 57, 25),
    datetime(2024, 2, 29, 12, 0, 0, 123_456),
]


@pytest.mark.parametrize("unit", ["us", "ms", "ns"])
@pytest.mark.parametrize("zone", [None, "UTC", "Europe/Berlin", "America/New_York"])
def test_python_values_equal_to_list(unit, zone):
    series = pl.Series(TIMES).cast(pl.Datetime(unit))
    if zone is not None:
        series = series.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    got, expected = python_values(series), series.to_list()
    assert got == expected
    assert [v.tzinfo for v in got] == [v.tzinfo for v in expected]
    assert [v.utcoffset() for v in got] == [v.utcoffset() for v in expected]
    assert all(type(v) is datetime for v in got)


@pytest.mark.parametrize(
    "series",
    [
        pl.Series([TIMES[0], None]).dt.replace_time_zone("UTC"),
        pl.Series([], dtype=pl.Datetime("us", "UTC")),
        pl.Series([3, 1, 2]),
        pl.Series(["a", None]),
    ],
)
def test_python_values_other_columns(series):
    assert python_values(series) == series.to_list()


@pytest.mark.parametrize("zone", [None, "UTC", "Europe/Berlin"])
@pytest.mark.parametrize(
    "last",
    [
        [TIMES[0], TIMES[2], TIMES[2]],  # one equal to its first, two later
        TIMES,  # all equal
        [TIMES[1], TIMES[2], None],  # a null: polars' own conversion
    ],
)
def test_attribute_values_first_last_equal_to_list(zone, last):
    table = pl.DataFrame(
        {"count": [1, 2, 3], "first": TIMES, "last": last},
        schema_overrides={"last": pl.Datetime("us")},
    )
    if zone is not None:
        table = table.with_columns(
            pl.col("first", "last").dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
        )
    columns = ["last", "count", "first"]
    got = attribute_values(table, columns)
    assert list(got) == columns
    for col in columns:
        expected = table.get_column(col).to_list()
        assert got[col] == expected
        assert [getattr(v, "tzinfo", None) for v in got[col]] == [
            getattr(v, "tzinfo", None) for v in expected
        ]
    # where last equals first, the two attributes share the datetime objects
    shared = [a is b for a, b in zip(got["first"], got["last"], strict=True)]
    if zone in (None, "UTC") and None not in last:
        assert shared == [a == b for a, b in zip(TIMES, last, strict=True)]


def test_user_graph_time_attributes_equal_the_tables(scored_rant):
    g = scored_rant.user_graph(backend="igraph")
    edges, nodes = scored_rant.user_edges(), scored_rant.user_nodes()
    assert g.es["first"] == edges.get_column("first").to_list()
    assert g.es["last"] == edges.get_column("last").to_list()
    assert g.vs["first"] == nodes.get_column("first").to_list()
    assert g.vs["last"] == nodes.get_column("last").to_list()
    assert (edges.get_column("first") != edges.get_column("last")).any()  # both cases seen
    nx_graph = scored_rant.user_graph()
    u, v, attrs = next(iter(nx_graph.edges(data=True)))
    row = edges.filter((pl.col("source") == u) & (pl.col("target") == v)).row(0, named=True)
    assert (attrs["first"], attrs["last"]) == (row["first"], row["last"])


@pytest.fixture(scope="module")
def scored_rant(shared_data):
    """Real r/CollegeRant comments with deleted authors, orphans and seeded scores."""
    import numpy as np

    import dynamics as dyn

    path = shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # deleted authors, orphans
        d = dyn.load(path)
    rng = np.random.default_rng(0)
    n = len(d)
    p_agree = rng.random(n) * 0.5
    return dyn.Discussion(
        d.comments.with_columns(
            pl.Series("toxicity", rng.random(n)),
            pl.Series("p_agree", p_agree),
            pl.Series("p_disagree", (1 - p_agree) * rng.random(n)),
            pl.Series("stance", rng.choice(["agree", "disagree", "neutral"], n)),
        ),
        d.report,
    )


@pytest.mark.parametrize("anonymous", ["exclude", "separate", "pool"])
@pytest.mark.parametrize("self_loops", [False, True])
def test_edges_aggregated_by_rank_equal_the_string_group_by(scored_rant, anonymous, self_loops):
    from dynamics.model.graph import coded_reply_edges, reply_edges, to_igraph

    d = scored_rant
    nodes = d.user_nodes(anonymous=anonymous)
    edges, ends = coded_reply_edges(
        d.comments, nodes.get_column("author"), anonymous=anonymous, self_loops=self_loops
    )
    slow = reply_edges(d.comments, anonymous=anonymous, self_loops=self_loops)
    assert edges.height > 1000
    assert edges.equals(slow)
    assert d.user_edges(anonymous=anonymous, self_loops=self_loops).equals(slow)
    # the ranks are the vertex ids the names would give
    fast, looked_up = to_igraph(edges, nodes, ends=ends), to_igraph(slow, nodes)
    assert fast.get_edgelist() == looked_up.get_edgelist()
    assert fast.es["first"] == looked_up.es["first"]
    assert fast.vs["name"] == looked_up.vs["name"]


def test_coded_edges_refuse_names_that_miss_an_end(scored_rant):
    from dynamics.model.graph import coded_reply_edges

    names = scored_rant.user_nodes().get_column("author")
    with pytest.raises(ValueError, match="not among the node names"):
        coded_reply_edges(scored_rant.comments, names.slice(1))


def test_graph_from_ends_equals_the_numpy_edge_list(shared_data: Path) -> None:
    with pytest.warns(dyn.DataQualityWarning, match="self_reply"):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    ends = edge_list_array(d.user_graph(backend="igraph", self_loops=True))
    n = d.user_nodes().height
    for directed in (True, False):
        built = graph_from_ends(n, ends[:, 0], ends[:, 1], directed=directed)
        expected = ig.Graph(n=n, edges=ends.tolist(), directed=directed)
        assert built.is_directed() is directed
        assert built.vcount() == n
        assert built.get_edgelist() == expected.get_edgelist()  # same edges, same order
    empty = graph_from_ends(4, np.array([], dtype=np.int64), np.array([]), directed=True)
    assert (empty.vcount(), empty.ecount()) == (4, 0)
    with pytest.raises(ValueError, match="3 sources but 2 targets"):
        graph_from_ends(3, np.array([0, 1, 2]), np.array([1, 2]), directed=True)
