"""Would the other signals help the stance model? (Tried; not adopted.)

    PYTHONPATH=. python train/try_stance_signals.py

Adds five dense inputs to the stance model's pair features: VADER's compound sentiment of
the reply and of its parent, their product, and profanity-check's logit of each. Scored like
``benchmarks/eval_signals.py``: 5 grouped folds over ToxiChat train + dev, decision offsets
chosen by an inner grouped CV on each fold's training threads.

Measured 2026-12-07 on the 2-core development machine (macro-F1; F1 agree / disagree /
neutral): shipped 0.4449 (0.356 / 0.163 / 0.816); with the signals 0.4596 (0.414 / 0.129 /
0.835). Agreement is found better, disagreement worse, and the stance scorer would run
sentiment and profanity-check on every reply and parent (about 3 CPU seconds more per
100,000 comments, against the scoring-speed floor). Not adopted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text import SentimentScorer
from dynamics.text._pair_features import PAIR_FEATURES, pair_features
from dynamics.text.toxicity import model_probability


def _logit(texts: pl.Series) -> np.ndarray:
    p = np.clip(model_probability(texts), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def with_signals(replies: pl.Series, parents: pl.Series, *args: object) -> np.ndarray:
    """:func:`pair_features` and the five signal inputs."""
    sentiment = SentimentScorer()
    s_reply = sentiment.score(replies.to_list())["sentiment"]
    s_parent = sentiment.score(parents.to_list())["sentiment"]
    extra = [s_reply, s_parent, s_reply * s_parent, _logit(replies), _logit(parents)]
    return np.column_stack([pair_features(replies, parents, *args), *extra])


def main() -> None:
    pairs = toxichat.pairs()
    S.report_stance("shipped", pairs)
    S.pair_features = with_signals
    S.PAIR_FEATURES = (*PAIR_FEATURES, "sentiment", "parent_sentiment", "product", "tox", "ptox")
    S.report_stance("with sentiment and profanity-check of reply and parent", pairs)


if __name__ == "__main__":
    main()
