"""Would character n-grams make the toxicity model better? (Tried; not adopted.)

    PYTHONPATH=. python train/try_char_ngrams.py

Adds to the toxicity model's features (its TF-IDF words, the profanity-check logit and the
lexicon categories) the character 2- to 5-grams of each word, padded with a space at both
ends (scikit-learn's ``char_wb`` over the model's words), as a second L2-normalised TF-IDF
block (the 20,000 most frequent grams in at least two training texts), refitted in the same
5 grouped folds over ToxiChat train + dev, for three fold seeds. It prints the out-of-fold
ROC AUC with and without the grams, and the time to count the grams of 100,000 r/CollegeRant
comments (the counts are a texts x words by words x grams sparse product).

Measured 2026-12-07 on the 2-core development machine: AUC 0.8448 / 0.8435 / 0.8443 without,
0.8518 / 0.8497 / 0.8507 with the grams (+0.006 to +0.007), but counting the grams took
2.9-3.8 s per 100,000 comments, about as long as the three default scorers together, which
would take scoring below the 20,000 comments/s floor; so the shipped model has words only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat

from dynamics.text._linear import token_table, weigh

MAX_GRAMS = 20_000


def gram_counts(texts: pl.Series, low: int = 2, high: int = 5) -> tuple[object, pl.Series]:
    """Counts of each text's word n-grams (texts x grams, CSR) and the grams."""
    words = token_table(texts, bigrams=False)
    vocab = words.get_column("token").unique().sort()
    codes = pl.DataFrame({"token": vocab, "word": np.arange(vocab.len(), dtype=np.int64)})
    words = words.join(codes, on="token")
    text_word = sparse.csr_matrix(
        (np.ones(words.height), (words["row"].to_numpy(), words["word"].to_numpy())),
        shape=(texts.len(), vocab.len()),
    )
    padded = codes.with_columns(p=" " + pl.col("token") + " ").with_columns(
        length=pl.col("p").str.len_chars()
    )
    parts = [
        padded.filter(pl.col("length") >= n)
        .with_columns(i=pl.int_ranges(0, pl.col("length") - n + 1))
        .explode("i")
        .select("word", gram=pl.col("p").str.slice(pl.col("i"), n))
        for n in range(low, high + 1)
    ]
    pairs = pl.concat(parts)
    grams = pairs.get_column("gram").unique().sort()
    pairs = pairs.join(
        pl.DataFrame({"gram": grams, "column": np.arange(grams.len(), dtype=np.int64)}), on="gram"
    )
    word_gram = sparse.csr_matrix(
        (np.ones(pairs.height), (pairs["word"].to_numpy(), pairs["column"].to_numpy())),
        shape=(vocab.len(), grams.len()),
    )
    return (text_word @ word_gram).tocsr(), grams


def out_of_fold(turns: pl.DataFrame, dense: np.ndarray, grams: object, seed: int) -> np.ndarray:
    """Out-of-fold P(offensive) of words + dense features (+ grams unless ``grams`` is None)."""
    y = turns["offensive"].to_numpy().astype(int)
    texts = turns["text"]
    s = S.Settings()
    p = np.zeros(turns.height)
    for train, test in S.folds(turns["thread"].to_numpy(), seed=seed):
        blocks = S.toxicity_blocks(texts, dense, train, test, s)
        c = s.c_toxicity
        if grams is not None:
            df = np.asarray((grams[train] > 0).sum(axis=0)).ravel()
            keep, gram_idf = S.frequent_columns(df, train.size, s.min_df, MAX_GRAMS)
            for name, rows in (("train", train), ("test", test)):
                blocks[name].append(weigh(grams[rows][:, keep], gram_idf, sublinear=True))
            c = 1.0  # twice the features: a stronger penalty (chosen on seed 0's folds)
        p[test] = S.held_out_probability(blocks, y, train, c)
    return p


def main() -> None:
    turns = toxichat.turns()
    y = turns["offensive"].to_numpy().astype(int)
    dense = S.toxicity_dense(turns["text"])
    grams, _ = gram_counts(turns["text"])
    for seed in (0, 1, 2):
        words = roc_auc_score(y, out_of_fold(turns, dense, None, seed))
        both = roc_auc_score(y, out_of_fold(turns, dense, grams, seed))
        sys.stdout.write(f"fold seed {seed}: AUC words {words:.4f}, words + grams {both:.4f}\n")
    texts = S.timing_texts(100_000)
    for _ in range(3):
        start = time.perf_counter()
        gram_counts(texts)
        took = time.perf_counter() - start
        sys.stdout.write(f"grams of {texts.len():,} comments: {took:.2f} s\n")


if __name__ == "__main__":
    main()
