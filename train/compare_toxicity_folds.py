"""The shipped toxicity model against the plain one, in the folds of eight seeds.

    PYTHONPATH=. python train/compare_toxicity_folds.py

Toxicity model version 2 averages the logits of the plain logistic regression over TF-IDF
words (version 1) and of the same regression over NB-weighted words (``nb_ratios``, Wang &
Manning 2012), both with the same dense inputs and C = 3
(``Settings.nb_average_toxicity``). Seeds 0-2 were the folds the averaging was found on,
among a handful of settings (NB weighting alone with C = 0.3, 1, 3, 10, 30 and alpha = 0.5,
word grams of ``try_word_grams.py``); seeds 3-7 are folds it was not chosen on. Printed per
seed: the out-of-fold ROC AUC of each model, before and after the lexicon's noisy-OR (the
score ``ToxicityScorer`` gives).

Measured 2026-12-07 on the 2-core development machine, after the OR: see the README
("Quality on real labelled conversations").
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text.toxicity import DEFAULT_WEIGHTS, combine, lexicon_matches


def main() -> None:
    turns = toxichat.turns()
    y = turns["offensive"].to_numpy()
    hits = lexicon_matches(turns["text"])
    shipped = S.Settings()
    plain = dataclasses.replace(shipped, nb_average_toxicity=False)
    rows = []
    for seed in range(8):
        row = [seed]
        for s in (plain, shipped):
            oof = S.cross_validate_toxicity(turns, s, seed=seed)
            row += [roc_auc_score(y, oof), roc_auc_score(y, combine(oof, hits, DEFAULT_WEIGHTS))]
        rows.append(row)
        sys.stdout.write(
            "fold seed {}: plain {:.4f} (with the OR {:.4f}) | shipped {:.4f} "
            "(with the OR {:.4f})\n".format(*row)
        )
        sys.stdout.flush()
    a = np.array(rows)[:, 1:]
    sys.stdout.write(
        "mean over seeds: plain {:.4f} ({:.4f}) | shipped {:.4f} ({:.4f}); shipped >= 0.85 "
        "with the OR in {} of 8\n".format(*a.mean(axis=0), int((a[:, 3] >= 0.85).sum()))
    )


if __name__ == "__main__":
    main()
