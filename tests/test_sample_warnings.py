"""Warnings for thin samples: small sides, low coverage, no cross-side edge, few threads."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import pytest

import dynamics as dyn
from dynamics._results import MetricResult
from dynamics._sample_checks import (
    MIN_BOOTSTRAP_THREADS,
    MIN_CROSS_SIDE_EDGES,
    MIN_SIDE_EDGE_SHARE,
    MIN_SIDE_USER_SHARE,
    MIN_USERS_PER_SIDE,
)

pol, echo = dyn.polarization, dyn.echo_chambers
N = MIN_USERS_PER_SIDE + 2  # users per side in the "big enough" graphs


def _two_cliques(n: int, n_cross: int) -> tuple[nx.Graph, dict[str, str]]:
    """Two cliques of ``n`` users, L0..L(n-1) and R0..R(n-1), with ``n_cross`` Li-Ri edges."""
    g = nx.Graph()
    for side in "LR":
        g.add_edges_from(itertools.combinations([f"{side}{i}" for i in range(n)], 2))
    g.add_edges_from((f"L{i}", f"R{i}") for i in range(n_cross))
    return g, {u: u[0] for u in g}


def _said(result: MetricResult, text: str) -> bool:
    return any(text in w for w in result.warnings)


MEASURES = [
    lambda g, s: pol.random_walk_controversy(g, sides=s, seed=0),
    lambda g, s: pol.ei_index(g, sides=s),
    lambda g, s: pol.modularity(g, sides=s),
    lambda g, s: echo.insularity(g, sides=s),
    lambda g, s: echo.exposure_entropy(g, sides=s),
]


@pytest.mark.parametrize("measure", MEASURES)
def test_large_linked_sides_give_no_warning(measure) -> None:
    g, sides = _two_cliques(N, MIN_CROSS_SIDE_EDGES)
    r = measure(g, sides)
    assert r.defined
    assert r.warnings == ()


@pytest.mark.parametrize("measure", MEASURES)
def test_small_sides_are_named(measure) -> None:
    g, sides = _two_cliques(3, 1)
    r = measure(g, sides)
    assert r.defined  # the number is still given, with the warnings beside it
    assert _said(
        r, f"sides under the minimum of {MIN_USERS_PER_SIDE} users: side 'L' has 3, side 'R' has 3"
    )
    assert _said(r, f"only 1 cross-side user pair, under the minimum of {MIN_CROSS_SIDE_EDGES}")


def test_sides_without_a_shared_edge() -> None:
    g, sides = _two_cliques(N, 0)
    ei = pol.ei_index(g, sides=sides)
    assert ei.value == -1.0
    assert ei.warnings == ("the sides share no edge: no reply links users of different sides",)
    assert "the sides share no edge" in ei.to_dict()["warnings"][0]
    assert _said(echo.insularity(g, sides=sides), "the sides share no edge")


def test_sides_covering_few_users_and_edges() -> None:
    """The Wikipedia case: two small pure sides inside a large graph, nothing between them."""
    g, sides = _two_cliques(N, MIN_CROSS_SIDE_EDGES)
    crowd = nx.cycle_graph(100)  # 100 users without a side, joined to the sides by one edge
    g = nx.union(g, nx.relabel_nodes(crowd, {i: f"u{i}" for i in crowd}))
    g.add_edge("L0", "u0")
    r = pol.random_walk_controversy(g, sides=sides, seed=0)
    user_share = 2 * N / (2 * N + 100)
    assert user_share < MIN_SIDE_USER_SHARE
    assert _said(r, f"the sides hold {100 * user_share:.0f}% of the users ({2 * N} of them)")
    edges_on = 2 * N * (N - 1) // 2 + MIN_CROSS_SIDE_EDGES
    edge_share = edges_on / (edges_on + 100 + 1)
    assert edge_share >= MIN_SIDE_EDGE_SHARE  # the cliques are dense: edges are well covered
    assert not _said(r, "of the reply edges")
    sparse = nx.relabel_nodes(nx.complete_graph(60), {i: f"u{i}" for i in range(60)})
    sparse = nx.union(_two_cliques(N, MIN_CROSS_SIDE_EDGES)[0], sparse)
    sparse.add_edge("L0", "u0")
    r2 = pol.ei_index(sparse, sides=sides)
    assert _said(r2, "of the reply edges")


def test_sides_carry_their_coverage() -> None:
    g, _ = _two_cliques(3, 0)
    g.add_edge("L0", "x")  # one user left without a side
    s = pol.sides(g, method="labels", labels={u: u[0] for u in g if u != "x"})
    cov = s.details["coverage"]
    assert (cov["n_users"], cov["n_users_on_sides"]) == (7, 6)
    assert (cov["n_edges"], cov["n_edges_on_sides"], cov["n_cross"]) == (7, 6, 0)
    assert cov["user_share"] == pytest.approx(6 / 7)
    assert "the sides share no edge: no reply links users of different sides" in cov["warnings"]


def test_bundled_thread_says_its_sample_is_small(seed_thread) -> None:
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = pol.sides(d, seed=0)
    assert sum(sides.sizes.values()) < 2 * MIN_USERS_PER_SIDE
    assert d.n_threads < MIN_BOOTSTRAP_THREADS
    for r in (
        pol.random_walk_controversy(d, sides=sides, n_boot=20, seed=0),
        pol.ei_index(d, sides=sides, n_boot=20, seed=0),
        echo.insularity(d, sides=sides, n_boot=20, seed=0),
    ):
        assert r.ci is None  # not a degenerate [-1, -1]
        assert r.params["ci_reason"] == "no bootstrap interval: 1 thread, under the minimum of 10"
        assert _said(r, "sides under the minimum")
        assert _said(r, "no bootstrap interval")


def test_warning_texts_survive_the_frame_separator() -> None:
    """``to_frame`` joins warnings with "; ", so no warning may contain it."""
    from dynamics._sample_checks import (
        bootstrap_threads_warning,
        escalation_warnings,
        side_warnings,
    )

    texts = [
        *side_warnings({"L": 1, "R": 2}, n_cross=1, user_share=0.1, edge_share=0.1),
        *side_warnings({"L": 1, "R": 2}, n_cross=0),
        bootstrap_threads_warning(2),
        *escalation_warnings(n_threads=1, n_replies=1),
    ]
    assert len(texts) == 9
    assert all("; " not in t for t in texts)
    r = MetricResult("m", 0.0, warnings=texts)
    assert r.to_frame().loc[0, "warnings"].split("; ") == texts


def test_leaning_distribution_names_a_thin_half() -> None:
    g = nx.empty_graph([f"u{i}" for i in range(3 + N)])
    lean = {f"u{i}": -0.8 if i < 3 else 0.7 for i in range(3 + N)}
    r = pol.polarization_index(g, leaning=lean)
    assert r.defined
    assert r.warnings == (
        f"sides under the minimum of {MIN_USERS_PER_SIDE} users: side 'negative' has 3",
    )
    even = {f"u{i}": -0.8 if i < N else 0.7 for i in range(2 * N)}
    assert pol.bimodality(nx.empty_graph(list(even)), leaning=even).warnings == ()
    # given sides: the halves carry the sides' labels, as every other measure's warnings do
    sides = {u: ("L" if x < 0 else "R") for u, x in lean.items()}
    said = pol.polarization_index(g, sides=sides).warnings
    assert said[0] == f"sides under the minimum of {MIN_USERS_PER_SIDE} users: side 'L' has 3"
    assert said[1].startswith("every leaning is -1 or +1")  # sides alone: two point masses
    assert len(said) == 2


def test_real_networks_with_published_sides_give_no_warning(shared_data) -> None:
    """Political blogs (Adamic and Glance 2005) with the published split: nothing to warn."""
    base = shared_data / "garimella-controversy-networks"
    lines = (base / "political_blogs_edges.csv").read_text(encoding="utf-8").split()
    g = nx.Graph([tuple(line.split(",")[:2]) for line in lines])
    sides = {}
    for k in (1, 2):
        text = (base / f"political_blogs_side{k}.txt").read_text(encoding="utf-8")
        sides.update(dict.fromkeys(text.split(), k))
    assert pol.ei_index(g, sides=sides).warnings == ()
    assert echo.insularity(g, sides=sides).warnings == ()


def test_real_discussion_with_found_sides_warns_on_coverage(shared_data) -> None:
    """r/CollegeRant: the two largest Leiden communities hold about a tenth of the users."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    sides = pol.sides(d, method="leiden", n_sides=2, seed=0)
    cov = sides.details["coverage"]
    assert cov["user_share"] < MIN_SIDE_USER_SHARE
    r = pol.ei_index(d, sides=sides)
    assert r.warnings == cov["warnings"]
    assert _said(r, "of the users")


def test_an_estimate_outside_its_interval_is_said_once() -> None:
    inside = MetricResult("m", 0.5, ci=(0.4, 0.6))
    assert inside.warnings == ()
    outside = MetricResult("m", 0.9868, ci=(0.9821, 0.9847), warnings=("thin",))
    assert outside.warnings[0] == "thin"
    assert _said(outside, "the estimate 0.9868 lies outside its interval [0.9821, 0.9847]")
    assert dataclasses.replace(outside, params={"seed": 1}).warnings == outside.warnings
    assert outside.to_dict()["warnings"] == list(outside.warnings)
    # a NaN estimate or interval has nothing to compare
    assert MetricResult("m", float("nan"), ci=(0.1, 0.2)).warnings == ()


def test_real_bimodality_interval_that_misses_its_estimate_warns(shared_data) -> None:
    """r/CollegeRant: a thread resample holds fewer distinct users, and the bimodality
    coefficient of the leaning falls with them, so every sample lies below the estimate."""
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    s = pol.sides(d)
    r = pol.bimodality(d, sides=s, n_boot=30)
    assert r.value > r.ci[1]
    assert _said(r, "lies outside its interval")
    # the leaning measures describe the users on the two sides only: about a tenth of them
    said = s.details["coverage"]["warnings"][0]  # "the sides hold 10% of the users (376 ...)"
    assert said in r.warnings
    assert said in pol.polarization_index(d, sides=s).warnings
    assert said in pol.polarization_index(d, leaning=s.leaning).warnings
