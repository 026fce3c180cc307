"""Would Platt scaling calibrate the toxicity model better? (Checked; not applied.)

    PYTHONPATH=. python train/check_toxicity_calibration.py

For each of the 5 grouped outer folds over ToxiChat train + dev (seed 0, as
``benchmarks/eval_signals.py``), the model is fitted on the training threads, a slope and an
offset on its logit (Platt scaling, a one-feature logistic regression) are fitted on
out-of-fold logits of an inner grouped CV of those threads, and both are applied to the
held-out threads. Printed: each fold's slope and offset, and ROC AUC, Brier score, log loss
and a 10-bin reliability table of the score ``ToxicityScorer`` gives (after the lexicon's
OR), without and with the scaling.

Measured 2026-12-07 on the 2-core development machine: slopes 0.98-1.03, offsets
0.08-0.13; Brier 0.1390 without, 0.1386 with; log loss 0.4515 without, 0.4524 with; AUC 0.8508
and 0.8505. The model is about as calibrated as a scaling can make it, so none is applied.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text.toxicity import DEFAULT_WEIGHTS, combine, lexicon_matches


def main() -> None:
    turns = toxichat.turns()
    y = turns["offensive"].to_numpy().astype(int)
    texts = turns["text"]
    hits = lexicon_matches(texts)
    dense = S.toxicity_dense(texts)
    s = S.Settings()
    plain, scaled = np.zeros(y.size), np.zeros(y.size)
    for train, test in S.folds(turns["thread"].to_numpy()):
        model = S.fit_toxicity(turns[train], s, {})
        inner = np.zeros(train.size)
        part = turns[train]
        for fit, held in S.folds(part["thread"].to_numpy(), seed=S.SEED + 1):
            m = S.fit_toxicity(part[fit], s, {})
            inner[held] = m.logits(part["text"][held], dense[train][held])[:, 0]
        platt = LogisticRegression(C=1e6).fit(inner[:, np.newaxis], y[train])
        slope, offset = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        sys.stdout.write(f"fold: slope {slope:.3f}, offset {offset:.3f}\n")
        plain[test] = model.logits(texts[test], dense[test])[:, 0]
        scaled[test] = slope * plain[test] + offset
    for name, z in (("without scaling", plain), ("with Platt scaling", scaled)):
        p = combine(1.0 / (1.0 + np.exp(-z)), hits, DEFAULT_WEIGHTS)
        sys.stdout.write(
            f"{name}: AUC {roc_auc_score(y, p):.4f}, Brier {brier_score_loss(y, p):.4f}, "
            f"log loss {log_loss(y, np.clip(p, 1e-6, 1 - 1e-6)):.4f}\n"
        )
        bins = np.minimum((p * 10).astype(int), 9)
        for k in np.unique(bins):
            inside = bins == k
            sys.stdout.write(
                f"  {k / 10:.1f}-{(k + 1) / 10:.1f}: n {int(inside.sum()):5d}, predicted "
                f"{p[inside].mean():.3f}, observed {y[inside].mean():.3f}\n"
            )


if __name__ == "__main__":
    main()
