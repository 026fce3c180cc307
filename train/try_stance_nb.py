"""Would the toxicity model's NB averaging help the stance model? (Tried; not adopted.)

    PYTHONPATH=. python train/try_stance_nb.py

Toxicity model 2 averages a plain and an NB-weighted logistic regression
(``signals.nb_ratios``). For the three stance classes, each class's weights become the mean
of the multinomial model's row and of a one-vs-rest regression over the words scaled by that
class's NB ratios (C = 1 or 3 for the one-vs-rest fits), one linear model of the same shape.
Scored like ``benchmarks/eval_signals.py``: 5 grouped folds over ToxiChat train + dev, the
decision offsets chosen by an inner grouped CV on each fold's training threads.

Measured 2026-12-07 on the 2-core development machine (macro-F1; F1 agree / disagree /
neutral): shipped 0.4449 (0.356 / 0.163 / 0.816); NB mean with C = 1 0.4497 (0.356 / 0.159 /
0.834), with C = 3 0.4458 (0.361 / 0.155 / 0.822). Within noise of the shipped model and no
better on disagreement, so not adopted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text._linear import LinearModel, tfidf
from dynamics.text._pair_features import PAIR_FEATURES, pair_features


def nb_mean_stance(c_nb: float):
    """A ``fit_stance`` whose class rows are the mean of multinomial and NB one-vs-rest rows."""

    def fit(pairs: pl.DataFrame, s: S.Settings, meta: dict[str, str]) -> LinearModel:
        texts = pairs["text"]
        dense = pair_features(texts, pairs["parent"])
        y = pairs["stance"].to_numpy()
        vocab, idf = S.vocabulary(texts, s, s.bigrams_stance)
        x = tfidf(texts, vocab, idf, bigrams=s.bigrams_stance)
        mean, scale = dense.mean(axis=0), dense.std(axis=0)
        scale[scale == 0] = 1.0
        x_dense = (dense - mean) / scale
        coef, dense_coef, intercept = S._logistic(x, x_dense, y, s.c_stance, s)
        for k, label in enumerate(S.STANCE_CLASSES):
            yk = (y == label).astype(int)
            r = S.nb_ratios(x, yk)
            c, d, i = S._logistic(x @ sparse.diags(r), x_dense, yk, c_nb, s)
            coef[k] = (coef[k] + c[0] * r) / 2.0
            dense_coef[k] = (dense_coef[k] + d[0]) / 2.0
            intercept[k] = (intercept[k] + i[0]) / 2.0
        return LinearModel(
            classes=S.STANCE_CLASSES,
            vocabulary=vocab,
            idf=idf,
            coef=coef,
            dense_names=PAIR_FEATURES,
            dense_mean=mean,
            dense_scale=scale,
            dense_coef=dense_coef,
            intercept=intercept,
            offset=np.zeros(len(S.STANCE_CLASSES)),
            bigrams=s.bigrams_stance,
            meta=meta,
        )

    return fit


def main() -> None:
    pairs = toxichat.pairs()
    S.report_stance("shipped", pairs)
    shipped = S.fit_stance
    for c_nb in (1.0, 3.0):
        S.fit_stance = nb_mean_stance(c_nb)
        S.report_stance(f"NB mean, C = {c_nb:g}", pairs)
    S.fit_stance = shipped


if __name__ == "__main__":
    main()
