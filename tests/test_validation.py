"""Graph input, side labels and parameter checks shared by the metrics."""

from __future__ import annotations

from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics._params import check_param, igraph_seed, rng
from dynamics._validation import (
    as_igraph,
    edge_list_array,
    float_values,
    side_labels,
    undirected,
)
from dynamics.errors import GraphKindError


@pytest.fixture
def small() -> dyn.Discussion:
    return dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3", "4"],
                "parent": [None, "1", "2", "1"],
                "user": ["ann", "bob", "ann", "cy"],
                "body": ["x", "y", "z", "w"],
                "camp": ["L", "R", "L", None],
            }
        )
    )


def test_discussion_networkx_and_igraph_inputs(small: dyn.Discussion) -> None:
    g = as_igraph(small, func="t")
    assert g.is_directed()
    assert sorted(g.vs["name"]) == ["ann", "bob", "cy"]
    assert sorted((g.vs[e.source]["name"], g.vs[e.target]["name"]) for e in g.es) == [
        ("ann", "bob"),
        ("bob", "ann"),
        ("cy", "ann"),
    ]
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=3.0)
    h = as_igraph(G, func="t")
    assert (h.vs["name"], h.es["weight"]) == ([1, 2], [3.0])
    k = as_igraph(ig.Graph([(0, 1)]), func="t")
    assert k.vs["name"] == [0, 1]
    with pytest.raises(GraphKindError, match="t takes a Discussion"):
        as_igraph([("a", "b")], func="t")


def test_undirected_merges_reciprocal_edges_and_sums_weights() -> None:
    g = ig.Graph([(0, 1), (1, 0), (1, 2), (2, 2)], directed=True)
    g.es["count"] = [2, 3, 1, 5]
    plain = undirected(g)
    assert (plain.ecount(), plain.is_directed(), plain.es["weight"]) == (2, False, [1.0, 1.0])
    weighted = undirected(g, weight="count")
    assert sorted(weighted.es["weight"]) == [1.0, 5.0]
    assert g.ecount() == 4  # the input is not changed


def test_edge_list_array_equals_numpy_conversion(shared_data: Path) -> None:
    with pytest.warns(dyn.DataQualityWarning, match="self_reply"):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    real = d.user_graph(backend="igraph", self_loops=True)
    for g in (real, real.as_undirected(mode="each"), ig.Graph(3), ig.Graph(directed=True)):
        ends = edge_list_array(g)
        expected = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        assert ends.dtype == np.int64
        assert ends.shape == expected.shape == (g.ecount(), 2)
        assert np.array_equal(ends, expected)


def test_side_labels_from_mapping_and_column(small: dyn.Discussion) -> None:
    g = as_igraph(small, func="t")
    by_name = dict(zip(g.vs["name"], side_labels(small, g, "camp", func="t"), strict=True))
    assert by_name == {"ann": "L", "bob": "R", "cy": None}
    mapped = side_labels(small, g, {"ann": 1}, func="t")
    assert dict(zip(g.vs["name"], mapped, strict=True))["ann"] == 1
    with pytest.raises(ValueError, match="names a column, 'party'"):
        side_labels(small, g, "party", func="t")
    with pytest.raises(TypeError, match="must be a mapping"):
        side_labels(small, g, ["L", "R"], func="t")


def test_most_frequent_label_wins_ties_to_the_smallest() -> None:
    d = dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3", "4", "5"],
                "parent": [None, "1", "1", "1", "1"],
                "user": ["x", "y", "y", "z", "z"],
                "body": ["a"] * 5,
                "camp": ["L", "R", "R", "R", "L"],
            }
        )
    )
    g = as_igraph(d, func="t")
    labels = dict(zip(g.vs["name"], side_labels(d, g, "camp", func="t"), strict=True))
    assert labels == {"x": "L", "y": "R", "z": "L"}


def test_check_param_message() -> None:
    check_param(True, "ci", "f", "in (0, 1)", 0.5)
    with pytest.raises(
        ValueError, match=r"^The 'n' parameter of f must be > 0\. Got -1 instead\.$"
    ):
        check_param(False, "n", "f", "> 0", -1)


def test_seeds_make_randomness_repeatable() -> None:
    assert rng(3).random() == rng(3).random()
    gen = np.random.default_rng(1)
    assert rng(gen) is gen
    with igraph_seed(5):
        a = ig.Graph.Erdos_Renyi(30, 0.2).get_edgelist()
    with igraph_seed(5):
        b = ig.Graph.Erdos_Renyi(30, 0.2).get_edgelist()
    assert a == b


def test_seeded_igraph_blocks_do_not_interleave_across_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def draw(seed: int) -> list[tuple[int, int]]:
        with igraph_seed(seed):
            return ig.Graph.Erdos_Renyi(200, 0.05).get_edgelist()

    alone = [draw(s) for s in (1, 2) * 4]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(draw, (1, 2) * 4))
    assert together == alone


@pytest.mark.parametrize("missing", [1.0, 0.0, float("nan")])
@pytest.mark.parametrize(
    "values",
    [
        [],
        [0.25, 2, True, np.float32(0.5), np.int64(3), 10**20],
        [0.25, None, 3],
        [None, None],
        [0.25, float("nan"), 1.0],  # a NaN that is not None stays NaN
        [float("nan"), None, -1.5],
    ],
)
def test_float_values_equal_the_python_conversion(values, missing) -> None:
    got = float_values(values, missing=missing)
    expected = np.array([missing if v is None else float(v) for v in values], dtype=float)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)  # NaN where NaN, bit for bit elsewhere


def test_float_values_refuse_what_float_refuses() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (numpy's and float's messages differ)
        float_values([0.5, "left"], missing=1.0)
