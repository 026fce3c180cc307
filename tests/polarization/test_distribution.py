"""Polarization index (Morales et al. 2015) and bimodality coefficient of the leaning."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import polars as pl
import pytest
from scipy import stats

import dynamics as dyn

pol = dyn.polarization


def test_polarization_index_known_answer():
    # A- = 2/5, A+ = 3/5 -> dA = 0.2; gc- = -0.75, gc+ = 5/6; d = 19/24; mu = 0.8 * 19/24
    g = nx.path_graph(["a", "b", "c", "d", "e"])
    r = pol.polarization_index(g, leaning={"a": -1, "b": -0.5, "c": 0.5, "d": 1, "e": 1})
    assert r.value == pytest.approx(0.8 * 19 / 24)
    assert (r.delta_a, r.gc_minus, r.gc_plus) == pytest.approx((0.2, -0.75, 5 / 6))
    assert r.n_users == 5


def test_zero_leaning_counts_in_population_not_in_poles():
    # leanings -1, 0, 1, 1: A- = 1/4, A+ = 2/4, dA = 1/4; d = (1 + 1) / 2 = 1 -> 0.75
    g = nx.empty_graph(["a", "b", "c", "d"])
    r = pol.polarization_index(g, leaning={"a": -1, "b": 0, "c": 1, "d": 1})
    assert r.value == pytest.approx(0.75)


def test_sides_map_to_plus_minus_one():
    g = nx.empty_graph(["a", "b", "c", "d"])
    r = pol.polarization_index(g, sides={"a": "L", "b": "L", "c": "L", "d": "R"})
    assert r.value == pytest.approx(0.5)  # 1 - dA with dA = |3 - 1| / 4
    assert r.params["compared"] == ["L", "R"]


def test_two_point_leanings_warn_that_only_side_sizes_count():
    """Sides as leaning (every user at -1 or +1) make mu = 1 - dA and BC a function of the
    two sizes: the result says so, and a graded leaning does not get the warning."""
    g = nx.empty_graph(["a", "b", "c", "d"])
    sides = {"a": "L", "b": "L", "c": "L", "d": "R"}
    for measure in (pol.polarization_index, pol.bimodality):
        r = measure(g, sides=sides)
        assert any("every leaning is -1 or +1" in w for w in r.warnings), measure
        r = measure(g, leaning={"a": -1, "b": -0.5, "c": 0.5, "d": 1})
        assert not any("every leaning is -1 or +1" in w for w in r.warnings), measure
    r = pol.polarization_index(g, leaning={"a": -1, "b": -1, "c": 1, "d": 1})
    assert any("how equal the two sides' sizes are" in w for w in r.warnings)


def test_bimodality_matches_scipy_bias_corrected_moments():
    rng = np.random.default_rng(0)
    x = np.clip(np.concatenate([rng.normal(-0.6, 0.2, 60), rng.normal(0.5, 0.3, 40)]), -1, 1)
    g = nx.empty_graph(len(x))
    r = pol.bimodality(g, leaning=dict(enumerate(x.tolist())))
    n = len(x)
    skew = stats.skew(x, bias=False)
    kurt = stats.kurtosis(x, bias=False)
    expected = (skew**2 + 1) / (kurt + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    assert r.value == pytest.approx(expected, rel=1e-12)
    assert r.value > 5 / 9  # two clear modes
    uni = rng.normal(0, 0.2, 500).clip(-1, 1)
    r2 = pol.bimodality(nx.empty_graph(500), leaning=dict(enumerate(uni.tolist())))
    assert r2.value < 5 / 9


def test_bimodality_known_answer():
    # five at -1, five at +1: G1 = 0, G2 = -18/7, BC = 1 / (243/56 - 144/56) = 56/99
    g = nx.empty_graph(10)
    r = pol.bimodality(g, leaning={i: -1 if i < 5 else 1 for i in range(10)})
    assert r.value == pytest.approx(56 / 99)


def test_column_leaning_bootstrap_and_invariance():
    two = pl.DataFrame(
        {
            "id": [str(i) for i in range(8)],
            "parent": [None, "0", "1", "2", None, "4", "5", "6"],
            "thread": ["t1"] * 4 + ["t2"] * 4,
            "user": ["a", "b", "a", "c", "d", "e", "d", "f"],
            "body": list("abcdefgh"),
            "lean": [-1.0, 0.5, -0.5, 1.0, -0.8, 0.9, -0.6, 0.7],
        }
    )
    # five copies of the two threads: enough threads for a bootstrap interval
    copies = [two.with_columns(pl.col("id", "parent", "thread") + f"_{k}") for k in range(5)]
    d = dyn.load(pl.concat(copies))
    # per author means: a -0.75, b 0.5, c 1, d -0.7, e 0.9, f 0.7
    r = pol.polarization_index(d, leaning="lean", n_boot=30, seed=0)
    a_minus, gc_minus = 2 / 6, (-0.75 - 0.7) / 2
    gc_plus = (0.5 + 1 + 0.9 + 0.7) / 4
    assert r.value == pytest.approx((1 - abs(4 / 6 - a_minus)) * (gc_plus - gc_minus) / 2)
    assert r.ci is not None
    assert r.ci[0] <= r.ci[1]
    again = pol.polarization_index(d, leaning="lean", n_boot=30, seed=0)
    assert again.ci == r.ci
    g = nx.empty_graph(["x", "y", "z", "w"])
    lean = {"x": -0.2, "y": 0.9, "z": 0.4, "w": -1.0}
    renamed = {k + "!": v for k, v in lean.items()}
    h = nx.relabel_nodes(g, {k: k + "!" for k in g})
    assert pol.bimodality(g, leaning=lean).value == pol.bimodality(h, leaning=renamed).value


def test_undefined_cases():
    g = nx.empty_graph(["a", "b", "c"])
    r = pol.bimodality(g, leaning={"a": -1, "b": 1, "c": 0})
    assert math.isnan(r.value)
    assert "fewer than 4" in r.reason
    r2 = pol.polarization_index(g, leaning={"a": 0.1, "b": 0.2, "c": 0.3})
    assert math.isnan(r2.value)
    assert "negative" in r2.reason
    r3 = pol.bimodality(nx.empty_graph(5), leaning=dict.fromkeys(range(5), 0.3))
    assert "same leaning" in r3.reason


def test_errors():
    g = nx.empty_graph(["a", "b"])
    with pytest.raises(ValueError, match="exactly one of 'leaning' and 'sides'"):
        pol.polarization_index(g)
    with pytest.raises(ValueError, match="exactly one"):
        pol.bimodality(g, leaning={"a": 0}, sides={"a": "L"})
    with pytest.raises(ValueError, match="'leaning' parameter of bimodality must be"):
        pol.bimodality(g, leaning={"a": 2.0, "b": -1})
    # no null model: the settings are not taken (m.takes lists neither), and the error says why
    with pytest.raises(TypeError, match="polarization_index has no null model") as said:
        pol.polarization_index(g, leaning={"a": 1, "b": -1}, null="label-shuffle")
    assert "leaning distribution, which label-shuffle" in str(said.value)
    with pytest.raises(TypeError, match="got the setting 'n_null'"):
        pol.bimodality(g, leaning={"a": 1, "b": -1}, n_null=50)
    assert not {"null", "n_null"} & pol.bimodality.spec.takes
    with pytest.raises(TypeError, match="'leaning' parameter"):
        pol.polarization_index(g, leaning=[1, -1])


def test_small_sample_warnings_name_the_sides_a_leaning_came_from():
    """Given ``Sides.leaning``, the halves are named by the sides' labels, as the measures
    given the sides name them (a page listed "side -1" and "side 'negative'" together)."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    s = pol.sides(g, method="labels", labels={"a": "L", "b": "R", "c": "R", "d": "R"})
    said = " ".join(pol.polarization_index(g, leaning=s.leaning).warnings)
    assert "side 'L' has 1" in said
    assert "negative" not in said
    plain = " ".join(pol.polarization_index(g, leaning=dict(s.leaning)).warnings)
    assert "side 'negative' has 1" in plain
