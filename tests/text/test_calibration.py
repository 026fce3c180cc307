"""Calibration of the text signals: maps known by hand, validation samples, shipped maps."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import DynamicsError
from dynamics.text.calibration import Calibration, ScoreMap, toxichat_calibration


def test_isotonic_pools_the_violators_by_hand():
    # labels 0, 1, 0, 1 on rising scores: the middle pair violates the order and pools to 1/2
    m = ScoreMap.fit(np.array([0.9, 0.1, 0.8, 0.2]), np.array([1, 0, 0, 1]), "isotonic")
    assert m.x.tolist() == [0.1, 0.2, 0.8, 0.9]
    assert m.y.tolist() == [0.0, 0.5, 0.5, 1.0]
    assert m(np.array([0.0, 0.1, 0.5, 0.85, 1.0])) == pytest.approx([0.0, 0.0, 0.5, 0.75, 1.0])


def test_isotonic_keeps_only_the_ends_of_each_step_and_pools_tied_scores():
    # 1, 0, 0 on rising scores all pool to 1/3: one step, kept as its two ends
    m = ScoreMap.fit(np.array([0.1, 0.2, 0.3]), np.array([1, 0, 0]), "isotonic")
    assert m.x.tolist() == [0.1, 0.3]
    assert np.allclose(m.y, [1 / 3, 1 / 3])
    tied = ScoreMap.fit(np.array([0.5, 0.5, 0.7]), np.array([0, 1, 1]), "isotonic")
    assert tied.x.tolist() == [0.5, 0.7]
    assert tied.y.tolist() == [0.5, 1.0]


@pytest.mark.parametrize("labels", [[0, 1, 0], [1, 0, 0]])
def test_isotonic_pools_tied_scores_before_the_fit_whatever_their_order(labels):
    # the tied pair shares 1/2, above the 0 at 0.6: everything pools to 1/3
    m = ScoreMap.fit(np.array([0.5, 0.5, 0.6]), np.array(labels), "isotonic")
    assert m.x.tolist() == [0.5, 0.6]
    assert m.y == pytest.approx([1 / 3, 1 / 3])


def test_platt_scaling_by_hand():
    # one Safe at 0.2, one Offensive at 0.8: Platt's targets are 1/3 and 2/3, reached by
    # sigmoid(a * logit(p) + b) with b = 0 and a * logit(0.8) = log 2, a = log 2 / log 4 = 1/2
    m = ScoreMap.fit(np.array([0.2, 0.8]), np.array([0, 1]), "platt")
    assert m.y == pytest.approx([0.5, 0.0], abs=1e-5)
    assert m(np.array([0.2, 0.8])) == pytest.approx([1 / 3, 2 / 3], abs=1e-5)


def test_a_map_keeps_missing_scores_missing_and_refuses_one_label():
    m = ScoreMap.fit(np.array([0.2, 0.8, np.nan]), np.array([0, 1, 1]), "platt")
    assert m.n == 2
    assert math.isnan(m(np.array([np.nan]))[0])
    with pytest.raises(ValueError, match="all have the same label"):
        ScoreMap.fit(np.array([0.2, 0.8]), np.array([1, 1]))
    with pytest.raises(ValueError, match="method must be"):
        ScoreMap.fit(np.array([0.2, 0.8]), np.array([0, 1]), "beta")  # type: ignore[arg-type]


def constant(value: float) -> ScoreMap:
    return ScoreMap("isotonic", np.array([0.0, 1.0]), np.array([value, value]), 10, 5)


def test_calibrated_stance_stays_a_distribution():
    cal = Calibration({"p_agree": constant(0.7), "p_disagree": constant(0.6)})
    frame = pl.DataFrame(
        {
            "p_agree": [0.1, None],
            "p_disagree": [0.2, None],
            "p_neutral": [0.7, None],
            "stance": ["neutral", None],
        }
    )
    out = cal.apply_frame(frame)
    # 0.7 + 0.6 > 1: both scaled to sum to one, neutral gets what is left (nothing)
    assert out.row(0)[:3] == pytest.approx((0.7 / 1.3, 0.6 / 1.3, 0.0))
    assert out["stance"].to_list() == ["neutral", None]  # the label is left alone
    assert out.row(1) == (None, None, None, None)
    small = Calibration({"p_disagree": constant(0.1)}).apply_frame(frame)
    assert small.row(0)[:3] == pytest.approx((0.1, 0.1, 0.8))


def test_platt_and_two_columns_round_trip(tmp_path):
    p = np.array([0.1, 0.4, 0.6, 0.9, 0.3, 0.7])
    cal = Calibration.fit(
        {"p_agree": p, "p_disagree": 1 - p},
        {"p_agree": [0, 0, 1, 1, 1, 0], "p_disagree": [1, 0, 0, 0, 0, 1]},
        method="platt",
    )
    path = tmp_path / "cal"  # no suffix: written under the name given
    cal.save(path, n_replicates=3)
    back = Calibration.load(path)
    assert back.columns == ("p_agree", "p_disagree")
    for column in back.columns:
        assert back.maps[column].method == "platt"
        assert back.maps[column].y.tolist() == cal.maps[column].y.tolist()
        assert [r[column].y.size for r in back.replicates] == [2, 2, 2]


def test_the_stance_pair_is_resampled_together_and_toxicity_alone():
    p = np.linspace(0.05, 0.95, 10)
    y = np.array([0, 1] * 5)
    cal = Calibration.fit(
        {"toxicity": p, "p_agree": p, "p_disagree": p},
        dict.fromkeys(("toxicity", "p_agree", "p_disagree"), y),
    )
    maps = cal.resample(np.random.default_rng(5)).maps
    # same rows for p_agree and p_disagree (same data): the same refit; toxicity other rows
    assert np.array_equal(maps["p_agree"].y, maps["p_disagree"].y)
    assert not np.array_equal(maps["toxicity"].y, maps["p_agree"].y)


def test_save_writes_bootstrap_refits_not_the_labelled_sample(tmp_path):
    rng = np.random.default_rng(0)
    p = rng.random(200)
    y = (rng.random(200) < p).astype(float)
    cal = Calibration.fit({"toxicity": p}, {"toxicity": y}, method="isotonic", source="test")
    path = tmp_path / "cal.npz"
    cal.save(path, n_replicates=5)
    with np.load(path) as arrays:
        assert "toxicity_scores" not in arrays
        assert not any("label" in key for key in arrays)
    back = Calibration.load(path)
    assert back.source == "test"
    assert not back.samples
    assert len(back.replicates) == 5
    assert np.array_equal(back.maps["toxicity"].x, cal.maps["toxicity"].x)
    assert np.array_equal(back.maps["toxicity"].y, cal.maps["toxicity"].y)
    # the replicates are the seeded refits, and resample picks among them
    first = cal.resample(np.random.default_rng(0)).maps["toxicity"]
    assert np.array_equal(back.replicates[0]["toxicity"].y, first.y)
    picked = back.resample(np.random.default_rng(3)).maps["toxicity"]
    assert any(np.array_equal(picked.y, r["toxicity"].y) for r in back.replicates)


def test_the_shipped_toxichat_calibration_is_monotone_and_carries_its_uncertainty():
    cal = toxichat_calibration()
    assert cal.columns == ("toxicity", "p_agree", "p_disagree")
    assert "ToxiChat" in cal.source
    assert cal.maps["toxicity"].n == 3919
    assert cal.maps["p_disagree"].positives == 95
    for m in cal.maps.values():
        assert np.all(np.diff(m.x) > 0)
        assert np.all(np.diff(m.y) >= 0)
        assert m.y.min() >= 0
        assert m.y.max() <= 1
    assert len(cal.replicates) == 200
    # the held-out reliability table shows scores above 0.9 are over-confident: the map says so
    assert cal.maps["toxicity"](np.array([0.97]))[0] < 0.9


def discussion() -> dyn.Discussion:
    d = dyn.load(
        pl.DataFrame(
            {
                "id": list("abcdef"),
                "parent": [None, "a", "a", "b", "b", "c"],
                "user": list("uvwxyz"),
                "body": list("pqrstu"),
            }
        )
    )
    return dyn.Discussion(
        d.comments.with_columns(
            toxicity=pl.Series([0.1, 0.2, 0.4, 0.6, 0.8, 0.9]),
            p_agree=pl.Series([None, 0.6, 0.1, 0.2, 0.5, 0.3]),
            p_disagree=pl.Series([None, 0.1, 0.7, 0.3, 0.2, 0.4]),
            p_neutral=pl.Series([None, 0.3, 0.2, 0.5, 0.3, 0.3]),
            stance=pl.Series([None, "agree", "disagree", "neutral", "agree", "disagree"]),
        ),
        d.report,
    )


def test_from_labels_fits_on_the_labelled_comments_from_a_csv(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        "comment_id,toxic,stance\n"
        "a,0,\nb,0.0,agree\nc,1,disagree\n d ,false,neutral\ne,1,agree\nf,TRUE,Disagree\n",
        encoding="utf-8",
    )
    cal = Calibration.from_labels(discussion(), path)
    assert cal.columns == ("toxicity", "p_agree", "p_disagree")
    assert cal.maps["toxicity"].n == 6
    assert cal.maps["toxicity"].positives == 3
    # the post has no stance label (empty cell) and is left out of the stance fit
    assert (cal.maps["p_agree"].n, cal.maps["p_agree"].positives) == (5, 2)
    assert cal.maps["p_disagree"].positives == 2
    assert str(path) in cal.source
    p, y = cal.samples["p_disagree"]
    assert p.tolist() == [0.1, 0.7, 0.3, 0.2, 0.4]
    assert y.tolist() == [0, 1, 0, 0, 1]


@pytest.mark.parametrize(
    ("labels", "words"),
    [
        ({"comment_id": ["a", "zz"], "toxic": ["0", "1"]}, "'zz' (1 in all) is not a comment"),
        ({"comment_id": ["a", "a"], "toxic": ["0", "1"]}, "'a' is labelled more than once"),
        ({"comment_id": ["a", "b"], "toxic": ["0", "maybe"]}, "'b': 'toxic' is 'maybe'"),
        ({"comment_id": ["a", "b"], "toxic": [0.0, 2.0]}, "'b': 'toxic' is 2.0"),
        ({"comment_id": ["a", "b"], "stance": ["agree", "yes"]}, "'b': 'stance' is 'yes'"),
        (  # the post has no stance score: left out, and b alone cannot calibrate
            {"comment_id": ["a", "b"], "stance": ["agree", "agree"]},
            "every one of the 1 'stance' labels is 'agree'",
        ),
        ({"comment_id": ["a"], "label": ["1"]}, "no labels; give 'toxic' and/or"),
        (
            {"comment_id": ["b", "c"], "stance": ["neutral", "agree"]},
            "none of the 2 'stance' labels is 'disagree'",
        ),
        ({"id": ["a"], "toxic": ["1"]}, "no 'comment_id' column"),
    ],
)
def test_from_labels_names_the_id_and_the_column_of_a_bad_label(labels, words):
    with pytest.raises(DynamicsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Calibration.from_labels(discussion(), pl.DataFrame(labels))


def test_read_labels_drops_blank_lines_and_empty_columns_and_names_a_label_without_id(tmp_path):
    from dynamics.text.calibration import read_labels

    path = tmp_path / "sheet.csv"
    path.write_text("comment_id,toxic,stance\na,1,\n b ,0,\n,,\n\n", encoding="utf-8")
    frame, name = read_labels(path)
    assert name == str(path)
    assert frame.columns == ["comment_id", "toxic"]  # the empty stance column is left out
    assert frame.rows() == [("a", 1.0), ("b", 0.0)]
    path.write_text("comment_id,toxic\na,1\n,0\n", encoding="utf-8")
    with pytest.raises(DynamicsError, match="data row 2 has a label but no comment_id"):
        read_labels(path)
    path.write_text("comment_id,toxic\na,\n", encoding="utf-8")
    with pytest.raises(DynamicsError, match="no labels; give 'toxic'"):
        read_labels(path)


def test_a_nan_score_counts_as_unscored():
    d = discussion()
    nan = dyn.Discussion(
        d.comments.with_columns(
            pl.when(pl.col("comment_id") == "c")
            .then(float("nan"))
            .otherwise(pl.col("toxicity"))
            .alias("toxicity")
        ),
        d.report,
    )
    labels = pl.DataFrame({"comment_id": ["b", "c", "d"], "toxic": [0, 1, 1]})
    cal = Calibration.from_labels(nan, labels)
    assert cal.maps["toxicity"].n == 2  # c left out of the fit, and counted
    assert "left out, their comment has no score (e.g. deleted text): 1 'toxic' labels" in cal.source
    # 1 toxic and 1 not: said, as the map moves with every label
    assert cal.source.endswith(
        "few labels, the map is very uncertain: toxicity: 1 with and 1 without, under the "
        "minimum of 10 each"
    )


def test_from_labels_needs_the_scores():
    bare = dyn.load(pl.DataFrame({"id": ["a"], "parent": [None], "user": ["u"], "body": ["x"]}))
    with pytest.raises(DynamicsError, match=r"no \['toxicity'\] scores"):
        Calibration.from_labels(bare, pl.DataFrame({"comment_id": ["a"], "toxic": [1]}))
    d = discussion()
    unscored = dyn.Discussion(
        d.comments.with_columns(
            pl.when(pl.col("comment_id") == "c")
            .then(None)
            .otherwise(pl.col("toxicity"))
            .alias("toxicity")
        ),
        d.report,
    )
    labels = pl.DataFrame({"comment_id": ["c"], "toxic": [1]})
    with pytest.raises(
        DynamicsError,
        match=r"none of the comments with a 'toxic' label has a score in the Discussion",
    ):
        Calibration.from_labels(unscored, labels)


def test_the_calibration_module_and_the_heavy_scorer_are_reached_from_dyn_text():
    """In a fresh interpreter (here the test module has imported the submodule already)."""
    import subprocess
    import sys

    code = (
        "import dynamics as dyn, sys\n"
        "assert 'dynamics.text.calibration' not in sys.modules\n"
        "assert dyn.text.calibration.__name__ == 'dynamics.text.calibration'\n"
        "assert dyn.text.TransformersScorer.__name__ == 'TransformersScorer'\n"
        "try:\n    dyn.text.nothing\nexcept AttributeError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "no attribute 'nothing'" in out.stdout
