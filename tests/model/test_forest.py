"""Reply forests as parent-row arrays: cycles found by pointer doubling, against a plain walk."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from dynamics.model.forest import find_cycles, parent_index


def _cycles_by_walking(parent: np.ndarray) -> set[frozenset[int]]:
    """The cycles of ``parent`` found by following each row's parents (the slow reference)."""
    found: set[frozenset[int]] = set()
    for start in range(parent.shape[0]):
        seen: list[int] = []
        node = start
        while node >= 0 and node not in seen:
            seen.append(node)
            node = int(parent[node])
        if node >= 0:
            found.add(frozenset(seen[seen.index(node) :]))
    return found


def test_cycles_known_by_hand() -> None:
    # 0 <- 1 <- 2 is a chain; 3 -> 4 -> 5 -> 3 a cycle with 6 -> 7 -> 3 leading into it;
    # 8 replies to itself; 9 -> 10 -> 9 a two-cycle
    parent = np.array([-1, 0, 1, 5, 3, 4, 7, 3, 8, 10, 9])
    cycles = find_cycles(parent)
    assert {frozenset(c) for c in cycles} == {
        frozenset({3, 4, 5}),
        frozenset({8}),
        frozenset({9, 10}),
    }
    for cycle in cycles:  # each in walk order: every row's parent is the next one
        assert all(parent[a] == b for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True))


def test_no_cycles_in_a_deep_chain() -> None:
    n = 5000  # deeper than the doubling needs rounds for, to check the round count
    parent = np.arange(-1, n - 1)
    assert find_cycles(parent) == []


@pytest.mark.parametrize("seed", range(5))
def test_cycles_match_a_plain_walk_on_random_forests(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    parent = rng.integers(-1, n, size=n)
    parent[rng.random(n) < 0.3] = -1
    assert {frozenset(c) for c in find_cycles(parent)} == _cycles_by_walking(parent)


@pytest.mark.parametrize(
    ("ids", "parents"),
    [
        (["a", "b", "c", "d"], [None, "a", "x", "c"]),  # a root, a reply, an absent parent
        (["a"], [None]),
        ([], []),
        (["b", "a"], ["a", "a"]),  # two replies to one parent, a self-reference
    ],
)
def test_parent_index_gives_each_parent_row(ids, parents) -> None:
    got = parent_index(pl.Series(ids, dtype=pl.String), pl.Series(parents, dtype=pl.String))
    row = {c: i for i, c in enumerate(ids)}
    assert got.tolist() == [row.get(p, -1) if p is not None else -1 for p in parents]
    assert got.dtype == np.int64


def test_parent_index_on_real_comments(shared_data) -> None:
    import warnings

    import dynamics as dyn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        c = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson").comments
    c = c.sample(fraction=0.8, seed=0)  # some parents are gone, the rows in another order
    ids, parents = c.get_column("comment_id"), c.get_column("parent_id")
    row = {x: i for i, x in enumerate(ids.to_list())}
    expected = [-1 if p is None else row.get(p, -1) for p in parents.to_list()]
    got = parent_index(ids, parents)
    assert got.tolist() == expected
    assert ((got == -1) & parents.is_not_null().to_numpy()).any()  # absent parents seen
