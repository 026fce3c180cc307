"""Would word prefixes make the toxicity model better? (Tried; not adopted.)

    PYTHONPATH=. python train/try_word_prefixes.py

A cheaper stand-in for the character n-grams of ``try_char_ngrams.py``: besides its words,
each text gets, for every word longer than ``k`` characters, the token ``~`` + the word's
first ``k`` characters ("idiots", "idiotic" -> ``~idiot`` with k = 5), in the same TF-IDF
block (same ``min_df`` and vocabulary size as the shipped model), with the profanity-check
logit and the lexicon categories as dense features; refitted in the same 5 grouped folds over
ToxiChat train + dev, for three fold seeds, k = 4, 5, 6 and C = 1, 3.

Measured 2026-12-07 on the 2-core development machine (out-of-fold ROC AUC; words alone
0.8448 / 0.8435 / 0.8443): k = 4 0.8472-0.8480, k = 5 0.8454-0.8467, k = 6 0.8478-0.8500
(best 0.8500 / 0.8484 / 0.8481 at C = 3). About +0.004, short of the 0.85 target on average
and picked among six settings on the same folds, while the extra tokens would make the
toxicity scorer's TF-IDF pass about twice as large; so the shipped model has words only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text._linear import token_table, weighted_counts


def tokens_with_prefixes(texts: pl.Series, k: int | None) -> pl.DataFrame:
    """The words of each text (``row``, ``token``) and, unless ``k`` is None, their prefixes."""
    words = token_table(texts, bigrams=False)
    if k is None:
        return words
    prefixes = words.filter(pl.col("token").str.len_chars() > k).select(
        "row", ("~" + pl.col("token").str.slice(0, k)).alias("token")
    )
    return pl.concat([words, prefixes])


def _subset(tokens: pl.DataFrame, rows: np.ndarray) -> pl.DataFrame:
    """The tokens of ``rows``, renumbered 0.. in that order."""
    renumber = pl.DataFrame(
        {"row": rows.astype(np.uint32), "new": np.arange(rows.size, dtype=np.uint32)}
    )
    return tokens.join(renumber, on="row").select(pl.col("new").alias("row"), "token")


def out_of_fold_auc(
    turns: pl.DataFrame, dense: np.ndarray, k: int | None, seed: int, c: float
) -> float:
    y = turns["offensive"].to_numpy().astype(int)
    s = S.Settings()
    tokens = tokens_with_prefixes(turns["text"], k)
    p = np.zeros(turns.height)
    for train, test in S.folds(turns["thread"].to_numpy(), seed=seed):
        train_tokens, test_tokens = _subset(tokens, train), _subset(tokens, test)
        vocab, idf = S.vocabulary_of_tokens(train_tokens, train.size, s)
        mean, scale = dense[train].mean(axis=0), dense[train].std(axis=0)
        scale[scale == 0] = 1.0
        x = {}
        for name, rows, toks in (("train", train, train_tokens), ("test", test, test_tokens)):
            words = weighted_counts(toks, rows.size, vocab, idf, sublinear=True)
            x[name] = sparse.hstack(
                [words, sparse.csr_matrix((dense[rows] - mean) / scale)]
            ).tocsr()
        clf = LogisticRegression(C=c, max_iter=3000, random_state=S.SEED)
        clf.fit(x["train"], y[train])
        p[test] = clf.predict_proba(x["test"])[:, 1]
    return float(roc_auc_score(y, p))


def main() -> None:
    turns = toxichat.turns()
    dense = S.toxicity_dense(turns["text"])
    for seed in (0, 1, 2):
        row = [f"fold seed {seed}: words {out_of_fold_auc(turns, dense, None, seed, 3.0):.4f}"]
        row.extend(
            f"k={k} C={c:g} {out_of_fold_auc(turns, dense, k, seed, c):.4f}"
            for k in (4, 5, 6)
            for c in (1.0, 3.0)
        )
        sys.stdout.write(" | ".join(row) + "\n")


if __name__ == "__main__":
    main()
