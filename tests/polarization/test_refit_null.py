"""The null that repeats the side search (issue 14): known answers on random and planted graphs.

Sides found by maximising separation on a graph make every graph look polarized against label
shuffles; against rewired graphs whose sides are found the same way, a graph without structure
must not look polarized, and a planted split must.
"""

from __future__ import annotations

import pickle
from functools import partial

import joblib
import networkx as nx
import numpy as np
import pytest

import dynamics as dyn
from dynamics._refit_null import null_samples, refit_null_test
from dynamics._significance import choose_null
from dynamics._validation import as_igraph
from dynamics.polarization._sides import refit_sides

pol = dyn.polarization
ech = dyn.echo_chambers

N_REPLICATES = 10
N_NULL = 39  # p-values in steps of 1/40


def _gnm(rep: int) -> nx.DiGraph:
    return nx.gnm_random_graph(200, 300, directed=True, seed=rep)


def _heavy_tailed(rep: int) -> nx.Graph:
    """Configuration model on a power-law degree sequence (exponent 2.5), made simple."""
    gen = np.random.default_rng(rep)
    degrees = np.minimum(np.round(gen.pareto(1.5, 200) + 1).astype(int), 40)
    if degrees.sum() % 2:
        degrees[0] += 1
    g = nx.Graph(nx.configuration_model(degrees.tolist(), seed=rep))
    g.remove_edges_from(nx.selfloop_edges(g))
    return g


def _planted(p_out: float, seed: int = 0) -> nx.Graph:
    """Two blocks of 100 users, 0.15 edge probability inside, ``p_out`` across.

    Dense enough blocks (mean degree 15 inside) for Leiden at resolution 1 to find them whole;
    with sparse blocks (mean degree 6 inside) it cuts each block into several communities and
    the default's two largest communities no longer show the planted split.
    """
    return nx.stochastic_block_model([100, 100], [[0.15, p_out], [p_out, 0.15]], seed=seed)


MEASURES = {
    "modularity": pol.modularity,
    "ei_index": pol.ei_index,
    "boundary_polarization": pol.boundary_polarization,
    "insularity": ech.insularity,
}


@pytest.mark.parametrize("make", [_gnm, _heavy_tailed], ids=["gnm", "heavy_tailed"])
@pytest.mark.parametrize("name", list(MEASURES))
def test_random_graphs_are_not_polarized(make, name: str) -> None:
    measure = MEASURES[name]
    p_values, standardized = [], []
    for rep in range(N_REPLICATES):
        g = make(rep)
        sides = pol.sides(g, seed=rep)  # the default: the two largest Leiden communities
        r = measure(g, sides=sides, n_null=N_NULL, seed=rep)
        assert r.params["null"] == "rewire-refit"
        p_values.append(r.p_value)
        standardized.append(r.excess / r.null_sd)
    assert sum(p >= 0.05 for p in p_values) >= 0.9 * N_REPLICATES, p_values
    # excess near 0: on average well within one null standard deviation
    assert abs(float(np.mean(standardized))) < 1.0, standardized


def test_label_shuffles_of_found_sides_call_every_random_graph_polarized() -> None:
    """The circular test the refit null replaces (the issue's G(n, m) example, smaller)."""
    g = _gnm(0)
    sides = pol.sides(g, seed=0)
    shuffled = pol.modularity(g, sides=sides, null="label-shuffle", n_null=N_NULL)
    refit = pol.modularity(g, sides=sides, n_null=N_NULL)
    assert shuffled.p_value == pytest.approx(1 / (N_NULL + 1))
    assert refit.p_value >= 0.05
    assert refit.null_mean > shuffled.null_mean + 0.2  # random graphs split well too


# boundary polarization is left out on purpose: Guerra et al. (2013) built it to tell
# polarization from mere community structure, and a planted block model is the latter.
@pytest.mark.parametrize("name", ["modularity", "ei_index", "insularity"])
def test_a_planted_split_is_significant_and_its_excess_grows_with_separation(name: str) -> None:
    measure = MEASURES[name]
    excess, p_values = [], []
    for p_out in (0.04, 0.02, 0.005):
        g = _planted(p_out)
        r = measure(g, sides=pol.sides(g, seed=0), n_null=N_NULL)
        excess.append(r.excess if name != "ei_index" else -r.excess)  # E/I: lower = apart
        p_values.append(r.p_value)
    assert max(p_values[1:]) < 0.05, p_values
    assert excess[0] < excess[1] < excess[2], excess
    assert excess[2] > 3 * r.null_sd


def test_the_null_is_chosen_by_the_sides() -> None:
    g = _planted(0.003)
    found = pol.sides(g, seed=0)
    given = dict(found)
    labelled = pol.sides(g, method="labels", labels=given)
    assert pol.ei_index(g, sides=found, n_null=5).params["null"] == "rewire-refit"
    assert pol.ei_index(g, sides=given, n_null=5).params["null"] == "label-shuffle"
    assert pol.ei_index(g, sides=labelled, n_null=5).params["null"] == "label-shuffle"
    assert pol.ei_index(g, sides=found, null="auto", n_null=5).params["null"] == "rewire-refit"
    explicit = pol.ei_index(g, sides=found, null="label-shuffle")
    assert (explicit.params["null"], explicit.params["n_null"]) == ("label-shuffle", 200)
    none = pol.ei_index(g, sides=found)
    assert (none.params["null"], none.p_value, none.excess) == (None, None, None)
    assert choose_null(None, 3, found) == ("rewire-refit", 3)


def test_result_fields_agree_with_each_other() -> None:
    g = _planted(0.012)
    r = pol.modularity(g, sides=pol.sides(g, seed=0), n_null=N_NULL)
    assert r.excess == pytest.approx(r.value - r.null_mean)
    assert r.z == pytest.approx(r.excess / r.null_sd)
    row = r.to_frame().iloc[0]
    assert row["excess"] == pytest.approx(r.excess)
    assert r.to_dict()["null_mean"] == pytest.approx(r.null_mean)


def test_same_seed_same_null_whatever_the_number_of_workers() -> None:
    g = _planted(0.012)
    sides = pol.sides(g, seed=0)
    here = pol.ei_index(g, sides=sides, n_null=8, seed=3)
    echo_here = ech.insularity(g, sides=sides, n_null=8, seed=3)
    sides.null_cache.clear()  # draw the samples in the workers too
    with joblib.parallel_config(n_jobs=2):
        pooled = pol.ei_index(g, sides=sides, n_null=8, seed=3)
        echo_pooled = ech.insularity(g, sides=sides, n_null=8, seed=3)
    assert (echo_pooled.null_mean, echo_pooled.p_value) == (echo_here.null_mean, echo_here.p_value)
    assert (pooled.null_mean, pooled.null_sd, pooled.p_value) == (
        here.null_mean,
        here.null_sd,
        here.p_value,
    )
    other = pol.ei_index(g, sides=sides, n_null=8, seed=4)
    assert other.null_mean != here.null_mean


def test_weights_kept_or_dropped_on_rewired_edges() -> None:
    g = nx.gnm_random_graph(60, 150, seed=1)
    for i, (u, v) in enumerate(g.edges):
        g.edges[u, v]["count"] = 1 + i % 5
    graph = as_igraph(g, func="test")
    total = float(sum(graph.es["count"]))

    def no_sides(h, seed=None) -> dict:
        return {}

    def weight_sum(h, sides) -> float:
        return float(sum(h.es["count"]))

    def same_degrees(h, sides) -> float:
        return float(h.degree() == graph.degree() and h.get_edgelist() != graph.get_edgelist())

    def run(measure, null: str):
        return refit_null_test(
            measure, graph, no_sides, observed=0.0, null=null, n_null=3, unit_weights=("count",)
        ).null_values.tolist()

    assert run(weight_sum, "rewire-refit-weights") == [total] * 3
    assert run(weight_sum, "rewire-refit") == [150.0] * 3
    assert run(same_degrees, "rewire-refit") == [1.0] * 3


def test_null_samples_are_drawn_once_and_shared_by_the_measures() -> None:
    g = _planted(0.02)
    sides = pol.sides(g, seed=0)
    first = pol.modularity(g, sides=sides, n_null=6)
    assert len(sides.null_cache) == 1
    (samples,) = sides.null_cache.values()
    pol.ei_index(g, sides=sides, n_null=6)
    ech.insularity(g, sides=sides, n_null=6)
    assert len(sides.null_cache) == 1
    assert next(iter(sides.null_cache.values())) is samples
    pol.modularity(g, sides=sides, n_null=6, seed=1)
    assert len(sides.null_cache) == 2
    fresh = pol.sides(g, seed=0)  # no cache: the same samples drawn again
    again = pol.modularity(g, sides=fresh, n_null=6)
    assert (again.null_mean, again.p_value) == (first.null_mean, first.p_value)
    graph = as_igraph(g, func="test")
    drawn = null_samples(graph, partial(refit_sides, sides), n_null=6)
    assert all((a.edges == b.edges).all() for a, b in zip(drawn, samples, strict=True))


def test_seed_none_draws_fresh_null_samples_every_call() -> None:
    """seed=None asks for fresh entropy: the samples of one call were kept and given back to
    the next, so two "random" runs agreed exactly."""
    g = _planted(0.05)
    sides = pol.sides(g, seed=0)
    means = {pol.modularity(g, sides=sides, n_null=8, seed=None).null_mean for _ in range(3)}
    assert len(means) > 1
    assert not sides.null_cache  # nothing kept for an unseeded draw


def test_rewire_refit_on_given_sides_says_what_it_needs() -> None:
    """A plain mapping has no method to refit: a clear error (it was an AttributeError)."""
    g = _planted(0.05)
    given = dict(pol.sides(g, seed=0))
    with pytest.raises(ValueError, match="null='rewire-refit' finds the sides again"):
        pol.ei_index(g, sides=given, null="rewire-refit", n_null=5)


def test_refit_sides_repeats_method_and_parameters() -> None:
    g = _planted(0.003)
    found = pol.sides(g, method="multilevel", resolution=0.8, others="merge", seed=2)
    again = refit_sides(found, g)
    assert again.params == found.params
    assert dict(again) == dict(found)
    seeds = {0: "L", 150: "R"}
    prop = pol.sides(g, method="propagation", seeds=seeds)
    assert prop.params["seeds"] == seeds
    assert dict(refit_sides(prop, g)) == dict(prop)
    clone = pickle.loads(pickle.dumps(found))
    assert (clone == found, clone.params, clone.order) == (True, found.params, found.order)
    with pytest.raises(ValueError, match="refit_sides needs sides found in the graph"):
        refit_sides(pol.sides(g, method="labels", labels={0: "a", 1: "b"}), g)


@pytest.fixture(scope="module")
def rant_part(shared_data) -> dyn.Discussion:
    """400 real r/CollegeRant threads."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        rant = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    return rant.filter(threads=rant.threads["thread_id"].head(400).to_list())


@pytest.mark.parametrize("first", [pol.ei_index, ech.insularity], ids=["kernel", "echo"])
def test_samples_drawn_beside_the_bootstrap_give_the_same_result(rant_part, first) -> None:
    """With workers, the null's samples are drawn in the background while the bootstrap runs
    in this process (``null_samples_ahead``, from whichever measure draws them first);
    value, interval and null are the same as one after the other."""

    def run(n_jobs: int):
        sides = pol.sides(rant_part, seed=0)
        with joblib.parallel_config(n_jobs=n_jobs):
            results = [m(rant_part, sides=sides, n_null=6, n_boot=6, seed=2) for m in measures]
        return results, sides

    measures = [first, *(m for m in (pol.ei_index, ech.insularity) if m is not first)]
    here, here_sides = run(1)
    pooled, pooled_sides = run(2)
    for a, b in zip(here, pooled, strict=True):
        assert a.ci is not None
        assert a.p_value is not None
        assert (b.value, b.ci, b.null_mean, b.null_sd, b.p_value) == (
            a.value,
            a.ci,
            a.null_mean,
            a.null_sd,
            a.p_value,
        )
    (drawn,) = pooled_sides.null_cache.values()  # the background draw filled the cache
    (kept,) = here_sides.null_cache.values()
    assert all((a.edges == b.edges).all() for a, b in zip(drawn, kept, strict=True))


def test_null_samples_ahead_draws_what_null_samples_draws(rant_part) -> None:
    from dynamics._refit_null import null_samples_ahead

    sides = pol.sides(rant_part, seed=0)
    graph = as_igraph(rant_part, func="test")
    find = partial(refit_sides, sides)
    kept = null_samples(graph, find, n_null=6, seed=2, cache=sides.null_cache)
    assert null_samples_ahead(graph, find, n_null=6, seed=2) is None  # one worker: no overlap
    with joblib.parallel_config(n_jobs=2):
        cached = null_samples_ahead(graph, find, n_null=6, seed=2, cache=sides.null_cache)
        assert cached is not None  # drawn already: a finished future with those samples
        assert cached.done()
        assert cached.result() is kept
        future = null_samples_ahead(graph, find, n_null=6, seed=2)  # not cached: drawn
        assert future is not None
        ahead = future.result()
    assert all((a.edges == b.edges).all() for a, b in zip(ahead, kept, strict=True))
    assert all((a.codes == b.codes).all() for a, b in zip(ahead, kept, strict=True))
    assert [a.labels for a in ahead] == [b.labels for b in kept]


def test_a_found_sides_leaning_keeps_its_null() -> None:
    """neighbour_leaning(leaning=s.leaning) of found sides: the null finds the sides again on
    every null graph, as with sides=s, and gives the same test; given labels' leaning does not."""
    g = _planted(0.003)
    found = pol.sides(g, seed=0)
    by_leaning = dyn.echo_chambers.neighbour_leaning(g, leaning=found.leaning, n_null=5)
    by_sides = dyn.echo_chambers.neighbour_leaning(g, sides=found, n_null=5)
    assert by_leaning.params["null"] == "rewire-refit"
    assert (by_leaning.value, by_leaning.z, by_leaning.p_value) == pytest.approx(
        (by_sides.value, by_sides.z, by_sides.p_value)
    )
    plain = dyn.echo_chambers.neighbour_leaning(g, leaning=dict(found.leaning), n_null=5)
    assert plain.params["null"] == "label-shuffle"
    # a propagation leaning is a score found in the graph, whatever values it takes: no
    # null finds it again, and a shuffle would be beaten by construction, so the automatic
    # null runs none and says why; named, the shuffle runs
    seeds = {u: (-1 if i % 2 else 1) for i, u in enumerate(sorted(g)[:20])}
    spread = pol.sides(g, method="propagation", seeds=seeds)
    r = dyn.echo_chambers.neighbour_leaning(g, leaning=spread.leaning, n_null=5)
    assert r.params["null"] is None
    assert r.p_value is None
    assert any("method 'propagation'" in w for w in r.warnings)
    named = dyn.echo_chambers.neighbour_leaning(
        g, leaning=spread.leaning, null="label-shuffle", n_null=5
    )
    assert named.params["null"] == "label-shuffle"
    assert named.p_value is not None
    with pytest.raises(ValueError, match=r"a score found in the graph \(method 'propagation'\)"):
        dyn.echo_chambers.neighbour_leaning(g, leaning=spread.leaning, null="rewire-refit")
