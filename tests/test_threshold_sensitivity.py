"""threshold_sensitivity(): a measure at several thresholds of the toxicity signal."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.uncertainty import THRESHOLDS, ThresholdSensitivity, threshold_sensitivity


def three_threads() -> dyn.Discussion:
    """Threads s, t, u whose most toxic comments score 0.35, 0.55 and 0.75, and one
    comment without a score (unscored). Derailment (share of threads reaching a
    comment at or over the threshold) is 3/3 at 0.3, 2/3 at 0.4 and 0.5, 1/3 at 0.6 and
    0.7, 0 at 0.8; of the six scored comments 3, 2, 2, 1, 1, 0 are at or over them."""
    rows = {
        "id": ["s1", "s2", "t1", "t2", "u1", "u2", "u3"],
        "parent": [None, "s1", None, "t1", None, "u1", "u2"],
        "link_id": ["s", "s", "t", "t", "u", "u", "u"],
        "user": ["ann", "bob", "ann", "cy", "bob", "cy", "ann"],
        "body": ["a", "b", "c", "d", "e", "f", "g"],
        "toxicity": [0.1, 0.35, 0.2, 0.55, 0.05, 0.75, None],
    }
    return dyn.load(pl.DataFrame(rows))


def test_derailment_by_threshold_is_the_hand_count():
    r = threshold_sensitivity(
        three_threads(), dyn.escalation.derailment, thresholds=[0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    )
    np.testing.assert_allclose(r.values, [1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 0])
    # the unscored comment is not among the scored comments the shares count
    np.testing.assert_allclose(r.flagged, np.array([3, 2, 2, 1, 1, 0]) / 6)
    assert r.observed == pytest.approx(2 / 3)  # the measure's own threshold, 0.5
    assert r.default == 0.5
    assert r.measure == "escalation.derailment"
    assert r.signal == "toxicity"
    assert r.span == (0.0, 1.0)


def test_a_registered_key_and_its_function_give_the_same_values():
    d = three_threads()
    by_key = threshold_sensitivity(d, "escalation.derailment")
    by_func = threshold_sensitivity(d, dyn.escalation.derailment)
    np.testing.assert_array_equal(by_key.values, by_func.values)
    np.testing.assert_array_equal(by_key.thresholds, np.array(THRESHOLDS))


def test_thresholds_are_sorted_and_deduplicated():
    r = threshold_sensitivity(three_threads(), "escalation.derailment", thresholds=[0.6, 0.3, 0.6])
    assert r.thresholds.tolist() == [0.3, 0.6]
    assert r.values.tolist() == pytest.approx([1.0, 1 / 3])


def test_the_measures_settings_are_passed_and_the_sampling_switched_off():
    seen = []

    def measure(d, threshold=0.5, signal="toxicity", scale=1.0):
        seen.append((threshold, signal, scale))
        return scale * float((d.comments[signal] >= threshold).sum())

    d = three_threads()
    d = dyn.Discussion(d.comments.with_columns(anger=pl.col("toxicity") * 2), d.report)
    r = threshold_sensitivity(d, measure, thresholds=[1.0], signal="anger", scale=10.0)
    assert seen == [(0.5, "anger", 10.0), (1.0, "anger", 10.0)]  # observed, then the sweep
    assert r.signal == "anger"
    assert r.values.tolist() == [20.0]  # 1.1 and 1.5 are at or over 1.0
    assert r.flagged.tolist() == [pytest.approx(2 / 6)]
    # a registered measure is asked for its value only: no bootstrap, same seed everywhere
    reg = threshold_sensitivity(three_threads(), "escalation.derailment", seed=7)
    assert reg.params["n_boot"] == 0
    assert reg.params["seed"] == 7


def test_an_undefined_value_is_nan_and_counted():
    def measure(d, threshold=0.5):
        if threshold > 0.6:
            msg = "nothing over the threshold"
            raise dyn.errors.UndefinedMetricError(msg)
        return threshold

    r = threshold_sensitivity(three_threads(), measure)
    assert r.n_undefined == 1
    assert math.isnan(r.values[-1])
    assert r.span == (0.3, 0.6)
    frame = r.to_frame(backend="polars")
    assert frame.columns == ["threshold", "flagged", "value"]
    assert frame["value"].null_count() == 1
    assert r.to_frame()["value"].isna().sum() == 1  # pandas by default, as every to_frame
    plain = r.to_dict()
    assert plain["values"][-1] is None
    assert plain["span"] == [0.3, 0.6]
    assert "0.7: nan" in repr(r)


def test_thresholds_outside_the_unit_interval_are_warned_about():
    with pytest.warns(UserWarning, match="thresholds 30, 50 flag every comment or none"):
        r = threshold_sensitivity(three_threads(), "escalation.derailment", thresholds=[30, 50])
    assert r.flagged.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("measure", "kwargs", "error", "match"),
    [
        ("polarization.frustration", {}, ValueError, "no 'threshold' parameter"),
        ("no.such", {}, ValueError, "no measure 'no.such'"),
        (42, {}, TypeError, "must be a function"),
        ("escalation.derailment", {"thresholds": []}, ValueError, "non-empty"),
        ("escalation.derailment", {"thresholds": [0.5, math.nan]}, ValueError, "finite"),
        ("escalation.derailment", {"thresholds": [True]}, ValueError, "finite numbers"),
        ("escalation.derailment", {"signal": "anger"}, ValueError, "'anger'"),
        ("escalation.derailment", {"threshold": 0.3}, ValueError, "not threshold="),
    ],
)
def test_bad_input_gets_a_clear_error(measure, kwargs, error, match):
    with pytest.raises(error, match=match):
        threshold_sensitivity(three_threads(), measure, **kwargs)


def test_result_is_frozen():
    r = threshold_sensitivity(three_threads(), "escalation.derailment")
    assert isinstance(r, ThresholdSensitivity)
    with pytest.raises(AttributeError):
        r.measure = "x"  # type: ignore[misc]
