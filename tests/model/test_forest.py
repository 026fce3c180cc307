"""Reply forests as parent-row arrays: cycles found by pointer doubling, against a plain walk."""

from __future__ import annotations

import numpy as np
import pytest

from dynamics.model.forest import find_cycles


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
