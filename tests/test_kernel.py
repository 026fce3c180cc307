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
