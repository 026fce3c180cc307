"""Cross-side hostility ratio (dynamics.polarization.hostility)."""

from __future__ import annotations

import math

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn

pol = dyn.polarization


def discussion(**extra) -> dyn.Discussion:
    data = {
        "id": ["1", "2", "3", "4", "5", "6", "7"],
        "parent": [None, "1", "2", "1", "4", "5", "6"],
        "thread": ["t1", "t1", "t1", "t1", "t1", "t1", "t1"],
        "user": ["ann", "bob", "ann", "cy", "ann", "eve", "dee"],
        "body": list("abcdefg"),
    }
    data.update(extra)
    return dyn.load(pl.DataFrame(data))


SIDES = {"ann": "L", "cy": "L", "bob": "R"}  # dee has no side
TOX = [0.0, 0.8, 0.6, 0.1, 0.3, 0.9, 0.5]


def test_known_answer():
    # replies: bob->ann 0.8 (cross), ann->bob 0.6 (cross), cy->ann 0.1 (within),
    # ann->cy 0.3 (within); eve->ann 0.9 and dee->eve 0.5 involve users without a side
    r = pol.cross_side_hostility(discussion(toxicity=TOX), sides=SIDES)
    assert r.cross_toxicity == pytest.approx(0.7)
    assert r.within_toxicity == pytest.approx(0.2)
    assert (r.n_cross, r.n_within) == (2, 2)
    assert r.value == pytest.approx(3.5)


def test_null_scores_are_left_out():
    tox = [0.0, 0.8, None, 0.1, 0.3, 0.9, 0.5]
    r = pol.cross_side_hostility(discussion(toxicity=tox), sides=SIDES)
    assert r.n_cross == 1
    assert r.value == pytest.approx(0.8 / 0.2)


def test_graph_input_uses_mean_toxicity_times_count():
    d = discussion(toxicity=TOX)
    g = d.user_graph()
    assert pol.cross_side_hostility(g, sides=SIDES).value == pytest.approx(3.5)


def test_no_toxicity_is_nan_with_reason():
    r = pol.cross_side_hostility(discussion(), sides=SIDES)
    assert math.isnan(r.value)
    assert "annotate" in r.reason
    r2 = pol.cross_side_hostility(nx.Graph([("a", "b")]), sides={"a": "L", "b": "R"})
    assert "mean_toxicity" in r2.reason


def test_no_cross_or_within_is_nan():
    r = pol.cross_side_hostility(discussion(toxicity=TOX), sides={"ann": "L", "bob": "R"})
    assert math.isnan(r.value)
    assert "same side" in r.reason
    # eve (R) replied to ann with 0.9, dee (R) to eve with 0.5: cross 0.9, within 0.5
    r2 = pol.cross_side_hostility(
        discussion(toxicity=TOX), sides={"ann": "L", "eve": "R", "dee": "R"}
    )
    assert r2.value == pytest.approx(0.9 / 0.5)


def test_null_models_seed_and_relabelling():
    d = discussion(toxicity=TOX)
    a = pol.cross_side_hostility(d, sides=SIDES, null="label-shuffle", n_null=30, seed=4)
    b = pol.cross_side_hostility(d, sides=SIDES, null="label-shuffle", n_null=30, seed=4)
    assert (a.z, a.p_value) == (b.z, b.p_value)
    assert 0 < a.p_value <= 1
    c = pol.cross_side_hostility(d, sides=SIDES, null="degree-preserving", n_null=10, seed=4)
    assert c.p_value is None or 0 < c.p_value <= 1
    renamed = discussion(toxicity=TOX, user=["A", "B", "A", "C", "A", "E", "D"])
    r = pol.cross_side_hostility(renamed, sides={"A": "L", "C": "L", "B": "R"})
    assert r.value == pytest.approx(a.value)


def test_errors():
    with pytest.raises(ValueError, match="'n_boot' parameter of cross_side_hostility"):
        pol.cross_side_hostility(discussion(toxicity=TOX), sides=SIDES, n_boot=-1)
    with pytest.raises(ValueError, match="names a column"):
        pol.cross_side_hostility(discussion(toxicity=TOX), sides="party")


def test_found_sides_null_on_a_discussion(shared_data) -> None:
    """The re-inferring null recomputes the ratio on rewired user graphs (their edges carry
    ``mean_toxicity``), so a Discussion's test has null values like a graph's."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    gen = np.random.default_rng(0)
    tox = gen.beta(0.5, 2, len(d))
    d = dyn.Discussion(d.comments.with_columns(pl.Series("toxicity", tox)), d.report)
    sides = pol.sides(d, seed=0)
    r = pol.cross_side_hostility(d, sides=sides, n_null=5, seed=0)
    assert r.params["null"] == "rewire-refit"
    assert r.params["signal"] == "toxicity"
    assert math.isfinite(r.null_mean)
    assert math.isfinite(r.p_value)
