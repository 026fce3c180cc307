"""signal_uncertainty(): a measure over label sets drawn from the text signals' probabilities."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics._results import MetricResult
from dynamics.errors import DynamicsError, UndefinedMetricError
from dynamics.text.calibration import Calibration, ScoreMap
from dynamics.uncertainty import SignalUncertainty, draw_signals, signal_uncertainty

SIDES = {"ann": "L", "bob": "L", "cy": "R"}


def signed(p_agree_c: float, p_disagree_c: float) -> dyn.Discussion:
    """ann posts; bob agrees with ann (inside L); cy answers ann (L) with the given stance
    probabilities and disagrees with bob (L). With cy's reply an agreement, one of the three
    signed edges (cy -> ann, positive across the sides) frustrates the split: 1/3."""
    label = "agree" if p_agree_c >= p_disagree_c else "disagree"
    rows = {
        "id": ["a", "b", "c", "d"],
        "parent": [None, "a", "a", "b"],
        "user": ["ann", "bob", "cy", "cy"],
        "body": ["post", "yes", "hm", "no"],
        "p_agree": [None, 1.0, p_agree_c, 0.0],
        "p_disagree": [None, 0.0, p_disagree_c, 1.0],
        "p_neutral": [None, 0.0, 1.0 - p_agree_c - p_disagree_c, 0.0],
        "stance": [None, "agree", label, "disagree"],
        "toxicity": [0.1, 0.2, 0.3, 0.4],
    }
    return dyn.load(pl.DataFrame(rows))


def test_certain_labels_give_the_observed_value_in_every_draw():
    d = signed(1.0, 0.0)
    direct = dyn.polarization.frustration(d, sides=SIDES)
    assert direct.value == pytest.approx(1 / 3)
    r = signal_uncertainty(d, dyn.polarization.frustration, n_draws=10, sides=SIDES)
    assert r.measure == "polarization.frustration"
    assert r.observed == pytest.approx(1 / 3)
    assert np.allclose(r.draws, 1 / 3)
    assert r.sd == pytest.approx(0.0, abs=1e-12)
    assert r.shift == pytest.approx(0.0)
    assert r.interval == pytest.approx((1 / 3, 1 / 3))


def test_an_even_stance_splits_the_draws_between_the_two_hand_values():
    # cy -> ann agrees (frustration 1/3) or disagrees (0) with probability 1/2 each; the
    # scores themselves give that edge weight 0, unsigned, so the observed value is 0 of 2
    d = signed(0.5, 0.5)
    r = signal_uncertainty(d, "polarization.frustration", n_draws=400, seed=3, sides=SIDES)
    assert r.observed == 0.0
    values, counts = np.unique(np.round(r.draws, 12), return_counts=True)
    assert values.tolist() == pytest.approx([0.0, 1 / 3])
    assert counts.sum() == 400
    assert 160 < counts[1] < 240
    assert r.mean == pytest.approx(1 / 6, abs=0.03)
    assert r.shift == pytest.approx(r.mean)


def test_draws_are_reproducible_and_the_seed_matters():
    d = signed(0.5, 0.5)
    a = signal_uncertainty(d, "frustration", n_draws=30, seed=1, sides=SIDES)
    b = signal_uncertainty(d, "frustration", n_draws=30, seed=1, sides=SIDES)
    c = signal_uncertainty(d, "frustration", n_draws=30, seed=2, sides=SIDES)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)


def test_drawn_stance_is_one_label_with_its_indicators_and_follows_the_probabilities():
    n = 20_000
    comments = pl.DataFrame(
        {
            "p_agree": [None] + [0.2] * n,
            "p_disagree": [None] + [0.3] * n,
            "p_neutral": [None] + [0.5] * n,
            "stance": [None] + ["neutral"] * n,
        }
    )
    out = draw_signals(comments, ["stance"], {"stance": np.random.default_rng(0)})
    assert out.row(0) == (None, None, None, None)  # a top-level comment stays unscored
    rest = out.slice(1)
    for label, column in (
        ("agree", "p_agree"),
        ("disagree", "p_disagree"),
        ("neutral", "p_neutral"),
    ):
        assert (rest[column] == (rest["stance"] == label).cast(pl.Float64)).all()
    assert (rest["p_agree"] + rest["p_disagree"] + rest["p_neutral"] == 1.0).all()
    shares = rest["stance"].value_counts(normalize=True).sort("stance")["proportion"].to_list()
    assert shares == pytest.approx([0.2, 0.3, 0.5], abs=0.015)  # about 4 sd


def test_drawn_toxicity_is_offensive_with_the_score_as_probability():
    n = 20_000
    comments = pl.DataFrame({"toxicity": [None, 0.0, 1.0] + [0.25] * n})
    out = draw_signals(comments, ["toxicity"], {"toxicity": np.random.default_rng(0)})
    tox = out["toxicity"]
    assert tox[0] is None
    assert tox[1] == 0.0
    assert tox[2] == 1.0
    assert set(tox.slice(3).unique().to_list()) == {0.0, 1.0}
    assert tox.slice(3).mean() == pytest.approx(0.25, abs=0.015)


def test_stance_draws_do_not_depend_on_drawing_toxicity_too():
    d = signed(0.4, 0.4)

    def stance_seen(discussion):
        return float((discussion.comments["stance"] == "agree").sum())

    alone = signal_uncertainty(d, stance_seen, n_draws=50, seed=5)
    both = signal_uncertainty(d, stance_seen, signals=("stance", "toxicity"), n_draws=50, seed=5)
    assert np.array_equal(alone.draws, both.draws)
    assert both.signals == ("stance", "toxicity")


def test_registered_measures_are_asked_for_the_value_only():
    d = signed(0.5, 0.5)
    r = signal_uncertainty(
        d, "polarization.frustration", n_draws=3, sides=SIDES, n_boot=200, null="shuffle"
    )
    assert r.params["n_boot"] == 0
    assert r.params["null"] is None
    assert r.to_dict()["n_draws"] == 3
    assert len(r.to_dict()["draws"]) == 3


def test_undefined_draws_are_counted_and_left_out():
    d = signed(0.5, 0.5)

    def sometimes(discussion):
        return math.nan if (discussion.comments["stance"] == "agree").sum() > 1 else 1.0

    r = signal_uncertainty(d, sometimes, n_draws=200, seed=0)
    assert 0 < r.n_undefined < 200
    assert r.mean == 1.0
    assert r.to_dict()["draws"].count(None) == r.n_undefined


def test_a_measure_undefined_on_the_data_as_given_says_why():
    """Three groups given to a two-sided measure: undefined on every label set, and the
    measure's message is kept, not lost among NaN draws."""
    d = signed(0.5, 0.5)
    three = {"ann": "L", "bob": "M", "cy": "R"}
    r = signal_uncertainty(d, "polarization.frustration", n_draws=5, seed=0, sides=three)
    assert r.n_undefined == 5
    assert math.isnan(r.observed)
    assert "compares two sides" in r.params["undefined"]
    assert (
        "undefined"
        not in signal_uncertainty(
            d,
            "polarization.frustration",
            n_draws=5,
            seed=0,
            sides={"ann": "L", "bob": "L", "cy": "R"},
        ).params
    )


def test_a_nan_result_on_the_data_keeps_its_reason():
    d = signed(0.5, 0.5)

    def empty(discussion):
        return MetricResult("empty", math.nan, reason="no replies to count")

    r = signal_uncertainty(d, empty, n_draws=3, seed=0)
    assert r.params["undefined"] == "no replies to count"


def test_a_measure_undefined_on_some_label_sets_is_nan_there_not_an_error():
    # cy -> ann is an agreement in about 40 % of the draws; the measure says it is undefined
    # (as a registered measure does, by raising) when it is; on the scores it disagrees
    d = signed(0.4, 0.6)

    def needs_one_agreement(discussion):
        if (discussion.comments["stance"] == "agree").sum() > 1:
            msg = "two agreements: undefined here"
            raise UndefinedMetricError(msg)
        return 1.0

    r = signal_uncertainty(d, needs_one_agreement, n_draws=200, seed=0)
    assert r.observed == 1.0
    assert 50 < r.n_undefined < 110
    assert r.interval == (1.0, 1.0)
    # on the scores themselves: undefined, and the draws still run
    agreeing = dyn.Discussion(d.comments.with_columns(stance=pl.lit("agree")), d.report, d.posts)
    r = signal_uncertainty(agreeing, needs_one_agreement, n_draws=200, seed=0)
    assert math.isnan(r.observed)
    assert math.isnan(r.shift)
    assert r.mean == 1.0


def test_one_defined_draw_gives_no_interval():
    r = SignalUncertainty("m", ("stance",), 0.5, np.array([0.4, math.nan, math.nan]))
    assert r.n_undefined == 2
    assert r.interval is None
    assert math.isnan(r.sd)
    assert "n/a" in repr(r)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"signals": "sentiment"}, ValueError, "signals must be among"),
        ({"n_draws": 1}, ValueError, "n_draws must be an int >= 2"),
        ({"level": 1.0}, ValueError, "level must be in (0, 1)"),
        ({"measure": "no_such_measure"}, ValueError, "no measure 'no_such_measure'"),
        ({"measure": 3}, TypeError, "must be a function or a measure's key"),
        ({"calibration": "reddit"}, ValueError, "calibration must be None, 'toxichat' or a"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, error, words):
    args = {"measure": "polarization.frustration", "sides": SIDES, **kwargs}
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        signal_uncertainty(signed(0.5, 0.5), **args)


def exact(p_agree: float, p_disagree: float) -> Calibration:
    """A calibration that maps every score to the same value, without uncertainty."""
    maps = {
        column: ScoreMap("isotonic", np.array([0.0, 1.0]), np.array([value, value]), 10, 5)
        for column, value in (("p_agree", p_agree), ("p_disagree", p_disagree))
    }
    return Calibration(maps, "by hand")


def test_a_calibration_moves_the_draws_not_the_observed_value():
    # a map that makes every reply certainly agree: bob -> ann (inside L) is fine, cy -> ann
    # and cy -> bob (R -> L) are positive across the sides: 2 of 3 signed edges frustrate.
    # Certainly disagree: bob -> ann is negative inside L, the cross edges are fine: 1 of 3.
    # The observed value stays the one on the scores (cy -> ann weighs 0.5 - 0.5 = 0: 0 of 2)
    d = signed(0.5, 0.5)
    agree = signal_uncertainty(
        d, "frustration", n_draws=20, sides=SIDES, calibration=exact(1.0, 0.0)
    )
    assert agree.observed == 0.0
    assert np.allclose(agree.draws, 2 / 3)
    assert agree.params["calibration"].startswith("by hand: p_agree (isotonic, 10 labelled")
    disagree = signal_uncertainty(
        d, "frustration", n_draws=20, sides=SIDES, calibration=exact(0.0, 1.0)
    )
    assert np.allclose(disagree.draws, 1 / 3)


def constant_map(value: float) -> ScoreMap:
    return ScoreMap("isotonic", np.array([0.0, 1.0]), np.array([value, value]), 10, 5)


def test_a_calibration_leaves_the_signals_not_drawn_as_they_are():
    # cross-side hostility reads toxicity: 1.75 on the scores, 1.0 when every comment is
    # hostile. Drawing the stance alone through a map of stance and toxicity must not touch
    # toxicity, so every draw keeps 1.75
    d = signed(1.0, 0.0)
    hot = dyn.Discussion(d.comments.with_columns(toxicity=pl.lit(1.0)), d.report)
    assert dyn.polarization.cross_side_hostility(hot, sides=SIDES).value == pytest.approx(1.0)
    both = Calibration(
        {"toxicity": constant_map(1.0), "p_agree": constant_map(1.0), "p_disagree": constant_map(0)}
    )
    r = signal_uncertainty(
        d, "cross_side_hostility", signals="stance", n_draws=5, sides=SIDES, calibration=both
    )
    assert r.observed == pytest.approx(1.75)
    assert np.allclose(r.draws, 1.75)
    assert "not applied" not in r.params["calibration"]


def test_a_calibration_of_other_signals_is_said_not_applied():
    d = signed(0.5, 0.5)
    hot = Calibration({"toxicity": constant_map(1.0)}, "tox only")
    r = signal_uncertainty(d, "frustration", n_draws=30, seed=1, sides=SIDES, calibration=hot)
    plain = signal_uncertainty(d, "frustration", n_draws=30, seed=1, sides=SIDES)
    assert np.array_equal(r.draws, plain.draws)
    assert r.params["calibration"].endswith(
        "not applied: it covers none of the drawn signals (stance)"
    )


def test_an_uncertain_calibration_is_refitted_in_every_draw():
    rng = np.random.default_rng(0)
    p = rng.random(60)
    cal = Calibration.fit(
        {"p_agree": p, "p_disagree": 1 - p},
        {"p_agree": rng.random(60) < p, "p_disagree": rng.random(60) < (1 - p) / 2},
        source="sample",
    )
    d = signed(0.5, 0.3)
    a = signal_uncertainty(d, "frustration", n_draws=40, seed=4, sides=SIDES, calibration=cal)
    b = signal_uncertainty(d, "frustration", n_draws=40, seed=4, sides=SIDES, calibration=cal)
    assert np.array_equal(a.draws, b.draws)
    assert a.params["calibration"].endswith("a bootstrap refit of it in each draw")
    # the same label draws with the maps held fixed differ: the refits change the probabilities
    fixed = Calibration(cal.maps, "sample")
    c = signal_uncertainty(d, "frustration", n_draws=40, seed=4, sides=SIDES, calibration=fixed)
    assert not np.array_equal(a.draws, c.draws)
    assert "bootstrap" not in c.params["calibration"]


def test_an_unscored_discussion_names_the_missing_columns():
    d = dyn.load(
        pl.DataFrame(
            {"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "y"], "body": ["hi", "no"]}
        )
    )
    with pytest.raises(DynamicsError, match=r"drawing 'stance' needs the column\(s\) \['p_agree'"):
        signal_uncertainty(d, "polarization.frustration", sides={"x": 0, "y": 1})
    with pytest.raises(DynamicsError, match=r"\['toxicity'\].*annotate it first"):
        signal_uncertainty(d, "escalation.contagion", signals="toxicity")


def test_on_real_threads_with_the_shipped_scorers(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(shared_data / "reddit-college" / "CollegeRant-pushshift.ndjson")
    d = d.filter(threads=d.thread_ids[:400]).annotate()

    def mean_toxicity(discussion):
        return discussion.comments["toxicity"].mean()

    # a linear measure: over the draws its mean is the scores' mean (about 4,000 comments,
    # 50 draws: the standard error is near 0.001)
    r = signal_uncertainty(d, mean_toxicity, signals="toxicity", n_draws=50, seed=0)
    assert isinstance(r, SignalUncertainty)
    assert r.observed == pytest.approx(d.comments["toxicity"].mean())
    assert abs(r.shift) < 0.005
    assert r.sd > 0
    sides = dyn.polarization.sides(d, method="leiden", seed=0)
    f = signal_uncertainty(d, dyn.polarization.frustration, n_draws=10, sides=sides)
    assert f.observed == dyn.polarization.frustration(d, sides=sides).value
    assert np.isfinite(f.draws).all()
    assert 0 <= f.interval[0] <= f.interval[1] <= 1
