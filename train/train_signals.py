"""Train the shipped toxicity and stance models on ToxiChat train + dev (seeded, reproducible).

    PYTHONPATH=. python train/train_signals.py

Reads ``../shared/data/toxichat/{train,dev}.jsonl`` in place (CC BY-SA 4.0; the
machine-generated responses are left out), fits both models on all real turns, chooses the
stance decision offsets on grouped out-of-fold probabilities, and writes
``dynamics/text/models/toxicity.npz`` and ``stance.npz``. Needs scikit-learn (the ``train``
extra); the package itself only needs numpy and polars to use the models.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

OUT = Path(__file__).resolve().parents[1] / "dynamics" / "text" / "models"
#: Bump when a model's training data, features or settings change (part of the scorers'
#: versions). Toxicity 2: the mean of the plain and the NB-weighted logistic regressions.
TOXICITY_VERSION = "2"
STANCE_VERSION = "1"


def main() -> None:
    s = S.Settings()
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {
        "data": "ToxiChat train+dev (Baheti et al. 2021), CC BY-SA 4.0",
        "licence": "derived from CC BY-SA 4.0 data",
        "settings": repr(s),
    }
    turns = toxichat.turns()
    tox = S.fit_toxicity(
        turns, s, {**meta, "name": "toxichat-toxicity", "version": TOXICITY_VERSION}
    )
    tox.save(OUT / "toxicity.npz")
    pairs = toxichat.pairs()
    offset = S.choose_offset(S.out_of_fold_stance(pairs, s), pairs["stance"].to_numpy())
    stance = S.fit_stance(pairs, s, {**meta, "name": "toxichat-stance", "version": STANCE_VERSION})
    stance = type(stance)(**{**stance.__dict__, "offset": offset})
    stance.save(OUT / "stance.npz")
    sys.stdout.write(f"wrote {OUT}; stance offsets (agree, disagree, neutral) {offset.tolist()}\n")


if __name__ == "__main__":
    main()
