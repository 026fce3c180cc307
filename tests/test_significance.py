"""Null models and the thread bootstrap."""

from __future__ import annotations

import igraph as ig
import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics._sample_checks import MIN_BOOTSTRAP_THREADS
from dynamics._significance import _compare, bootstrap_threads, null_test, resample_threads


def _within_share(g: ig.Graph, labels: np.ndarray) -> float:
    src, dst = np.array(g.get_edgelist()).T
    return float(np.mean(labels[src] == labels[dst]))


@pytest.fixture
def two_cliques() -> tuple[ig.Graph, np.ndarray]:
    g = ig.Graph.Full(6) + ig.Graph.Full(6)
    g.add_edge(0, 6)
    return g, np.array(["L"] * 6 + ["R"] * 6, dtype=object)


def test_p_value_and_z_by_hand() -> None:
    # observed 3 against null 0, 1, 2: nothing as extreme -> p = 1 / 4; z = (3 - 1) / 1
    t = _compare(3.0, np.array([0.0, 1.0, 2.0]), "greater")
    assert (t.p_value, t.z) == (0.25, 2.0)
    # observed 1: two of three as large -> p = 3 / 4
    assert _compare(1.0, np.array([0.0, 1.0, 2.0]), "greater").p_value == 0.75
    assert _compare(0.0, np.array([0.0, 1.0, 2.0]), "less").p_value == 0.5
    assert np.isnan(_compare(float("nan"), np.array([1.0]), "greater").p_value)


def test_label_shuffle_rejects_for_two_cliques_and_is_seeded(two_cliques) -> None:
    g, labels = two_cliques
    observed = _within_share(g, labels)  # 30 of 31 edges stay inside
    a = null_test(_within_share, g, labels, observed=observed, n_null=200, seed=1)
    b = null_test(_within_share, g, labels, observed=observed, n_null=200, seed=1)
    assert np.array_equal(a.null_values, b.null_values)
    assert a.p_value == 1 / 201
    assert a.z > 5


def test_shuffles_keep_side_sizes_and_rewiring_keeps_degrees(two_cliques) -> None:
    g, labels = two_cliques
    seen_sizes, seen_degrees = set(), set()

    def sizes(graph: ig.Graph, lab: np.ndarray) -> float:
        seen_sizes.add(int((lab == "L").sum()))
        return 0.0

    def degrees(graph: ig.Graph, lab: np.ndarray) -> float:
        seen_degrees.add(tuple(graph.degree()))
        return float(graph.ecount())

    null_test(sizes, g, labels, observed=0.0, n_null=20, seed=0)
    rewired = null_test(
        degrees, g, labels, observed=0.0, null="degree-preserving", n_null=20, seed=0
    )
    assert seen_sizes == {6}
    assert seen_degrees == {tuple(g.degree())}
    assert set(rewired.null_values) == {float(g.ecount())}


def test_parameter_errors(two_cliques) -> None:
    g, labels = two_cliques
    with pytest.raises(ValueError, match="'null' parameter of f must be one of"):
        null_test(_within_share, g, labels, observed=1.0, null="rewire", func="f")
    with pytest.raises(ValueError, match="'n_null' parameter"):
        null_test(_within_share, g, labels, observed=1.0, n_null=0)


@pytest.fixture
def three_threads() -> dyn.Discussion:
    return dyn.load(
        pl.DataFrame(
            {
                "id": ["a1", "a2", "b1", "b2", "b3", "c1"],
                "parent": [None, "a1", None, "b1", "b2", None],
                "thread": ["A", "A", "B", "B", "B", "C"],
                "user": ["u", "v", "u", "w", "u", "v"],
                "body": ["x"] * 6,
            }
        )
    )


def test_resampled_threads_are_whole_separate_copies(three_threads) -> None:
    sizes = {"A": 2, "B": 3, "C": 1}
    for seed in range(5):
        sample = resample_threads(three_threads, seed)
        table = sample.comments
        assert table["comment_id"].is_unique().all()
        assert sample.n_threads == 3
        # every copy keeps its own tree: parents are found inside the copy
        parents = table["parent_id"].drop_nulls()
        assert parents.is_in(table["comment_id"].implode()).all()
        drawn = table.group_by("thread_id").len()
        for thread_id, n in drawn.iter_rows():
            assert n == sizes[thread_id.split("#b")[0]]


def test_bootstrap_interval(three_threads) -> None:
    def replies(d: dyn.Discussion) -> float:
        return float(d.comments["parent_id"].is_not_null().mean())

    kw = {"min_threads": 3}  # the helper itself, on a fixture under the metrics' minimum
    (low, high), values = bootstrap_threads(replies, three_threads, n_boot=300, seed=4, **kw)
    assert values.size == 300
    assert 0 <= low <= replies(three_threads) <= high <= 1
    again = bootstrap_threads(replies, three_threads, n_boot=300, seed=4, **kw)
    assert (low, high) == again[0]
    constant = bootstrap_threads(lambda d: 1.0, three_threads, n_boot=10, seed=0, **kw)[0]
    assert constant == (1.0, 1.0)
    with pytest.raises(ValueError, match="'ci' parameter of f must be in"):
        bootstrap_threads(replies, three_threads, ci=1.5, func="f")


def test_bootstrap_below_the_thread_minimum_gives_no_interval(three_threads) -> None:
    calls = []

    def replies(d: dyn.Discussion) -> float:
        calls.append(d)
        return float(d.comments["parent_id"].is_not_null().mean())

    assert MIN_BOOTSTRAP_THREADS > 3
    interval, values = bootstrap_threads(replies, three_threads, n_boot=50, seed=0)
    assert interval is None
    assert values.size == 0
    assert calls == []  # nothing resampled
    assert bootstrap_threads(replies, three_threads, n_boot=5, min_threads=3)[0] is not None


def test_rewired_edges_keep_the_edge_values(two_cliques) -> None:
    g, labels = two_cliques
    g.es["weight"] = [float(i) for i in range(g.ecount())]
    seen = []

    def total_weight(graph: ig.Graph, lab: np.ndarray) -> float:
        seen.append(sorted(graph.es["weight"]))
        return float(sum(graph.es["weight"]))

    null_test(total_weight, g, labels, observed=0.0, null="degree-preserving", n_null=5, seed=0)
    assert all(s == sorted(g.es["weight"]) for s in seen)
