"""The training code of the shipped text models (train/signals.py): NB weighting, the folded
mean of two regressions, and the shipped toxicity model reproduced from ToxiChat."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

TRAIN = Path(__file__).resolve().parents[2] / "train"
sys.path.insert(0, str(TRAIN))

import signals as S
import toxichat

from dynamics.text._linear import load_model, tfidf


def test_nb_ratios_by_hand():
    # columns present in rows: [1, 0], [1, 1], [0, 1]; rows 0 and 1 positive
    x = sparse.csr_matrix(np.array([[0.5, 0.0], [0.2, 0.9], [0.0, 0.3]]))
    r = S.nb_ratios(x, np.array([1, 1, 0]))
    # p = 1 + (2, 1) -> (0.6, 0.4); q = 1 + (0, 1) -> (1/3, 2/3)
    np.testing.assert_allclose(r, [np.log(0.6 * 3), np.log(0.4 * 1.5)])


@pytest.fixture(scope="module")
def turns(shared_data):
    if not (toxichat.DATA / "train.jsonl").exists():
        pytest.skip(f"ToxiChat not available at {toxichat.DATA}")
    return toxichat.turns()


def test_nb_average_is_the_mean_of_both_regressions_logits(turns):
    from sklearn.linear_model import LogisticRegression

    part = turns.head(800)
    s = S.Settings()
    y = part["offensive"].to_numpy().astype(int)
    dense = S.toxicity_dense(part["text"])
    model = S.fit_toxicity(part, s, {})
    plain = S.fit_toxicity(part, S.Settings(nb_average_toxicity=False), {})
    # refit both regressions by hand on the same blocks
    x_text = tfidf(part["text"], model.vocabulary, model.idf, bigrams=False)
    x_dense = sparse.csr_matrix((dense - model.dense_mean) / model.dense_scale)
    r = S.nb_ratios(x_text, y)
    z = []
    for block in (x_text, x_text @ sparse.diags(r)):
        x = sparse.hstack([block, x_dense]).tocsr()
        clf = LogisticRegression(C=s.c_toxicity, max_iter=2000, random_state=S.SEED).fit(x, y)
        z.append(clf.decision_function(x))
    logits = model.logits(part["text"], dense)[:, 0]
    np.testing.assert_allclose(logits, (z[0] + z[1]) / 2, atol=1e-8)
    np.testing.assert_allclose(plain.logits(part["text"], dense)[:, 0], z[0], atol=1e-8)
    assert not np.allclose(logits, z[0], atol=1e-3)


def test_shipped_toxicity_model_is_what_training_writes(turns):
    shipped = load_model("toxicity")
    fitted = S.fit_toxicity(turns, S.Settings(), {})
    assert fitted.vocabulary.equals(shipped.vocabulary)
    np.testing.assert_allclose(fitted.coef.astype(np.float32), shipped.coef, atol=1e-6)
    np.testing.assert_allclose(fitted.dense_coef, shipped.dense_coef, atol=1e-9)
    np.testing.assert_allclose(fitted.intercept, shipped.intercept, atol=1e-9)
    assert shipped.meta["settings"] == repr(S.Settings())


def test_shipped_toxicity_calibration_is_what_training_writes(turns):
    import fit_calibration

    from dynamics.text.calibration import ScoreMap, toxichat_calibration

    shipped = toxichat_calibration().maps["toxicity"]
    scores = fit_calibration.toxicity_scores(turns, S.Settings(), S.SEED)
    fitted = ScoreMap.fit(scores, turns["offensive"].to_numpy(), "isotonic")
    np.testing.assert_allclose(fitted.x, shipped.x, atol=1e-9)
    np.testing.assert_allclose(fitted.y, shipped.y, atol=1e-9)
    assert (fitted.n, fitted.positives) == (shipped.n, shipped.positives)
