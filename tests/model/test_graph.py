"""Graph building helpers: attribute values equal polars' own conversion, type for type."""

from __future__ import annotations

import warnings
from datetime import datetime

import polars as pl
import pytest

from dynamics.errors import DataQualityWarning
from dynamics.model.graph import python_values

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
