"""The metric kernel: a new measure is a statistic plus a spec; the kernel does the rest."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Unpack

import networkx as nx
import numpy as np
import pytest

import dynamics as dyn
from dynamics._kernel import (
    DEFAULTS,
    REGISTRY,
    SETTINGS,
    SIDE_NULLS,
    Computed,
    Settings,
    measure,
    measures,
    run_sided,
)
from dynamics.polarization._common import Prepared, edge_arrays


def _cross_share_stat(g, codes: np.ndarray) -> float:
    src, dst, w = edge_arrays(g)
    cross = codes[src] != codes[dst]
    return float(w[cross].sum() / w.sum()) if w.sum() else math.nan


@pytest.fixture(scope="module")
def cross_share():
    """The README's worked example: the share of edges that cross the sides."""

    @measure("polarization", needs={"sides"}, nulls=SIDE_NULLS, alternative="less")
    def cross_share(
        discussion_or_graph,
        *,
        sides,
        weight=None,
        edges="all",
        pair=None,
        **settings: Unpack[Settings],
    ):
        """Share of the edges between the compared sides that cross them."""

        def compute(prep: Prepared) -> Computed:
            value = _cross_share_stat(prep.graph, prep.codes)
            return Computed(value, "no edges" if math.isnan(value) else None)

        return run_sided(cross_share, locals(), compute=compute, statistic=_cross_share_stat)

    yield cross_share
    REGISTRY.pop(cross_share.spec.key)  # the registry is the package's: leave it as found


def test_settings_written_into_the_signature(cross_share) -> None:
    """``**settings`` becomes the six keyword-only settings with the shared defaults."""
    import inspect

    params = inspect.signature(cross_share).parameters
    assert list(params)[-len(SETTINGS) :] == list(SETTINGS)
    assert {name: params[name].default for name in SETTINGS} == {k: DEFAULTS[k] for k in SETTINGS}
    assert cross_share.spec.takes == frozenset(SETTINGS)
    with pytest.raises(
        TypeError, match=r"cross_share\(\) got an unexpected keyword argument 'seeds'"
    ):
        cross_share(nx.Graph([("a", "b")]), sides={"a": 1, "b": 2}, seeds=1)
    # every measure of the package: the settings it takes have the shared defaults
    for spec in measures():
        params = inspect.signature(spec.func).parameters
        for name in spec.takes:
            assert params[name].default == DEFAULTS[name], (spec.key, name)


def test_new_measure_known_answer(cross_share) -> None:
    """Two triangles joined by one edge: 1 of 7 edges crosses."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"),
                  ("c", "d")])  # fmt: skip
    sides = {"a": "L", "b": "L", "c": "L", "d": "R", "e": "R", "f": "R"}
    r = cross_share(g, sides=sides)
    assert r.value == pytest.approx(1 / 7)
    assert r.params["compared"] == ["L", "R"]
    assert r.params["null"] is None
    # the kernel gives it the label-shuffle null for given sides (one-sided, "less")
    tested = cross_share(g, sides=sides, n_null=99, seed=1)
    assert tested.params["null"] == "label-shuffle"
    assert 0 < tested.p_value <= 1
    assert tested.null_mean > tested.value  # random splits cut more edges
    # and the kernel's checks
    with pytest.raises(ValueError, match="'edges' parameter of cross_share"):
        cross_share(g, sides=sides, edges="some")


def test_new_measure_is_registered_and_reported(cross_share, seed_thread: Path) -> None:
    spec = REGISTRY["polarization.cross_share"]
    assert spec.func is cross_share
    assert spec.needs == frozenset({"sides"})
    assert spec.alternative == "less"
    assert {"null", "n_null", "n_boot", "seed"} <= spec.takes
    assert spec in measures("polarization")
    assert spec.summary.startswith("Share of the edges")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(seed_thread, infer_replies="adjacent")
    sides = dyn.polarization.sides(d, method="multilevel", seed=0)
    # resampled Discussions and rewired graphs call the measure again: same seed, same answer
    first = cross_share(d, sides=sides, n_null=10, seed=3)
    again = cross_share(d, sides=sides, n_null=10, seed=3)
    assert first.params["null"] == "rewire-refit"  # sides found in the graph
    assert first.to_dict() == again.to_dict()


def test_registry_holds_every_family() -> None:
    keys = [m.key for m in measures()]
    assert len(keys) == len(set(keys))
    families = [m.family for m in measures()]
    assert families == sorted(families, key=("structure", "polarization", "echo_chambers",
                                             "escalation").index)  # fmt: skip
    pol = {m.name for m in measures("polarization")}
    assert {"ei_index", "modularity", "random_walk_controversy", "frustration"} <= pol
    for spec in measures("polarization"):
        assert spec.summary, spec.key  # every measure documents itself
        assert spec.func.spec is spec


def test_measure_rejects_unknown_needs() -> None:
    with pytest.raises(ValueError, match="'needs' parameter of measure"):
        measure("polarization", needs={"telepathy"})
    with pytest.raises(ValueError, match="'family' parameter of measure"):
        measure("astrology")


def test_measures_reachable_from_the_facade() -> None:
    assert dyn.measures is measures
    keys = {m.key for m in dyn.measures("escalation")}
    assert "escalation.contagion" in keys
    assert dyn.measures("escalation")[0].needs == frozenset({"discussion", "signal"})


def test_null_samples_that_leave_the_measure_undefined_are_counted() -> None:
    """A statistic undefined on some shuffles: the test rests on the others, and says so."""
    import igraph as ig

    from dynamics._kernel import N_DEFINED, significance, take_null_count

    g = ig.Graph.Ring(10)
    codes = np.array([0] * 5 + [1] * 5)

    def first_side(graph: ig.Graph, labels: np.ndarray) -> float:
        return float("nan") if labels[0] == 0 else float(labels[:5].sum())

    test = significance(
        first_side, g, codes, observed=5.0, null="label-shuffle", n_null=40, seed=0,
        alternative="greater", progress=False, func="demo",
    )  # fmt: skip
    n = test[N_DEFINED]
    assert 0 < n < 40
    params = {"n_null": 40}
    said = take_null_count(test, params)
    assert N_DEFINED not in test
    assert params[N_DEFINED] == n
    expected = f"{40 - n} of 40 null samples left the measure undefined and are left out"
    assert said == [f"{expected}: the test rests on {n}"]


# ----------------------------------------------------------------- seed=None and settings
def _scored_threads() -> dyn.Discussion:
    """12 random reply trees of 10 comments by 8 users, with a toxicity score (seeded)."""
    import polars as pl

    gen = np.random.default_rng(0)
    frames = []
    for t in range(12):
        ids = [f"t{t}c{i}" for i in range(10)]
        up = [None] + [int(gen.integers(0, i)) for i in range(1, 10)]
        users: list[int] = []
        for i in range(10):
            u = int(gen.integers(0, 8))
            users.append((u + 1) % 8 if up[i] is not None and u == users[up[i]] else u)
        frames.append(
            pl.DataFrame(
                {
                    "id": ids,
                    "parent": [None if j is None else ids[j] for j in up],
                    "link_id": [f"t{t}"] * 10,
                    "user": [f"u{u}" for u in users],
                    "body": ["x"] * 10,
                    "created_utc": [1_700_000_000 + 3600 * t + 60 * i for i in range(10)],
                    "toxicity": gen.beta(0.6, 1.2, 10).tolist(),
                }
            )
        )
    return dyn.load(pl.concat(frames))


_SIDES = {f"u{i}": "L" if i < 4 else "R" for i in range(8)}
_RANDOM = [m for m in measures() if "seed" in m.takes and m.takes & {"n_boot", "n_null"}]


def _random_args(spec) -> dict:
    """A bootstrap, and a null where the measure has one (label shuffles for given sides)."""
    args: dict = {"n_boot": 20} if "n_boot" in spec.takes else {}
    if spec.nulls:
        args["n_null"] = 20
    if spec.needs & {"sides", "leaning"}:
        args["sides"] = _SIDES
    return args


@pytest.mark.parametrize("spec", _RANDOM, ids=lambda m: m.key)
def test_seed_none_records_the_seed_it_drew(spec) -> None:
    """seed=None drew fresh entropy and kept no trace of it: the run could not be repeated.
    Now the seed drawn is in params (so in to_dict / results.json), and passing it back gives
    the same numbers."""
    import json

    d = _scored_threads()
    first = spec.func(d, seed=None, **_random_args(spec))
    seed = first.params["seed"]
    assert isinstance(seed, int)
    assert 0 <= seed < 2**31
    assert json.loads(json.dumps(first.to_dict()))["params"]["seed"] == seed
    again = spec.func(d, seed=seed, **_random_args(spec))
    assert again.to_dict() == first.to_dict()
    for name in first.tables:
        assert again.tables[name].equals(first.tables[name]), name


def test_seed_none_draws_a_new_seed_each_call() -> None:
    """Two unseeded runs are two random runs: different seeds, different intervals."""
    d = _scored_threads()
    runs = [dyn.escalation.toxicity_by_depth(d, n_boot=50, seed=None) for _ in range(2)]
    assert runs[0].params["seed"] != runs[1].params["seed"]
    assert runs[0].ci != runs[1].ci


def test_seed_none_with_the_re_inferring_null_is_repeatable() -> None:
    """Found sides and rewire-refit: the null graphs of the drawn seed come back with it
    (and, as before, an unseeded run keeps no null samples in the Sides)."""
    g = nx.karate_club_graph()
    s = dyn.polarization.sides(g, method="leiden", seed=0)
    first = dyn.polarization.modularity(g, sides=s, n_null=6, seed=None)
    assert first.params["null"] == "rewire-refit"
    assert not s.null_cache
    again = dyn.polarization.modularity(g, sides=s, n_null=6, seed=first.params["seed"])
    assert again.to_dict() == first.to_dict()


def test_seed_stays_none_where_nothing_is_random() -> None:
    """episodes and instigators take seed for a uniform signature only: nothing is drawn."""
    d = _scored_threads()
    assert dyn.escalation.episodes(d, seed=None).params["seed"] is None
    assert dyn.escalation.instigators(d, seed=None).params["seed"] is None


def test_uncertainty_records_the_seed_it_drew() -> None:
    d = _scored_threads()
    first = dyn.uncertainty.signal_uncertainty(
        d, "escalation.contagion", signals="toxicity", n_draws=5, seed=None
    )
    again = dyn.uncertainty.signal_uncertainty(
        d, "escalation.contagion", signals="toxicity", n_draws=5, seed=first.params["seed"]
    )
    assert isinstance(first.params["seed"], int)
    assert again.draws.tolist() == first.draws.tolist()


#: Which settings each public measure takes (README "Defaults"): the table is checked here.
_TAKES = {
    "polarization.polarization_index": {"n_boot", "ci", "seed", "progress"},
    "polarization.bimodality": {"n_boot", "ci", "seed", "progress"},
    "structure.participation_inequality": {"n_boot", "ci", "seed", "progress"},
    "escalation.contagion": set(SETTINGS),
    "escalation.toxicity_by_depth": {"n_boot", "ci", "seed"},
    "escalation.toxicity_by_turn": {"n_boot", "ci", "seed"},
    "escalation.toxicity_by_thread_size": {"n_boot", "ci", "seed"},
    "escalation.derailment": {"n_boot", "ci", "seed"},
    "escalation.reply_heat": {"n_boot", "ci", "seed", "progress"},
    "escalation.episodes": {"seed"},
    "escalation.instigators": {"seed"},
}


def test_settings_each_measure_takes() -> None:
    for spec in measures():
        default = set(SETTINGS) if spec.family in ("polarization", "echo_chambers") else set()
        want = _TAKES.get(spec.key, default)
        assert spec.takes == want, spec.key


@pytest.mark.parametrize(
    ("func", "given", "said"),
    [
        (dyn.escalation.episodes, {"n_boot": 10}, "episodes has no thread bootstrap"),
        (dyn.escalation.instigators, {"n_boot": 10}, "instigators has no thread bootstrap"),
        (dyn.escalation.instigators, {"ci": 0.9}, "signal_uncertainty"),
        (dyn.escalation.episodes, {"n_null": 5}, "episodes has no null model"),
        (dyn.escalation.derailment, {"null": "auto"}, "that take 'null': contagion"),
        (dyn.structure.thread_size, {"n_boot": 10}, "take 'n_boot': participation_inequality"),
        (dyn.structure.depth, {"seed": 1}, "depth has nothing random"),
    ],
)
def test_a_setting_a_measure_does_not_take_is_explained(func, given, said) -> None:
    """episodes(n_boot=...) was a bare "unexpected keyword argument": now it says that the
    measure has no bootstrap (or null) and what to use instead."""
    d = _scored_threads()
    with pytest.raises(TypeError, match=said) as caught:
        func(d, **given)
    assert f"{func.__name__}() got the setting" in str(caught.value)


def test_an_engine_version_lacking_a_setting_points_to_the_in_memory_measure() -> None:
    """The Spark contagion takes no progress bar; the in-memory one does: the message says
    so instead of recommending contagion itself."""
    from dynamics._kernel import unsupported_setting

    said = unsupported_setting("escalation.contagion", ["progress"], ["n_boot", "ci", "seed"])
    assert "The in-memory escalation.contagion takes 'progress'" in said
    assert "take 'progress': contagion" not in said
    # a measure that does not take it anywhere: the others of the family that do, not itself
    said = unsupported_setting("escalation.derailment", ["progress"], ["n_boot", "ci", "seed"])
    assert "take 'progress': contagion, reply_heat" in said
