"""Character n-grams that cost one lookup per distinct word: does toxicity gain from them?
(Tried; not adopted.)

    PYTHONPATH=. python train/try_word_grams.py

``try_char_ngrams.py`` found that the character 2- to 5-grams of the words raise the
toxicity model's out-of-fold AUC by 0.006-0.007, but its block (one TF-IDF row of grams per
text) takes seconds per 100,000 comments. Here the grams enter the model through the words:
each distinct word gets an L2-normalised TF-IDF vector of its padded 2- to 5-grams, and a
text's gram block is the mean of its words' vectors weighted like a TF-IDF row without idf
(``1 + log(count)``, L2-normalised over all the text's words). That block is linear in the
words, so the fitted gram weights fold into one number per word, ``s(w)``, and scoring a
batch needs the grams of its distinct words only, once each.

Printed: out-of-fold ROC AUC of words + dense features alone and with the word grams, in
the same 5 grouped folds over ToxiChat train + dev, for three fold seeds, for the setting
fixed beforehand (``C = 1`` for the combined model, as ``try_char_ngrams.py`` used), and the
time to compute ``s(w)`` for the distinct words of 100,000 r/CollegeRant comments.

Measured 2026-12-07 on the 2-core development machine (words alone 0.8448 / 0.8435 /
0.8443): with the word grams 0.8483 / 0.8457 / 0.8475 at C = 1 and 0.8460 / 0.8412 / 0.8434
at C = 3, about +0.003, half the gain of the per-text gram block, for 0.9 s per 100,000
comments (tokenising included). Not adopted: a model over NB-weighted words plus the grams
reached 0.8523 / 0.8526 / 0.8531 (C = 1), no better than the shipped mean of the plain and
NB-weighted word models without grams (0.8511 / 0.8533 / 0.8522,
``train/compare_toxicity_folds.py``), which costs nothing at run time.
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

from dynamics.text._linear import token_table

MAX_GRAMS = 20_000
LOW, HIGH = 2, 5


def word_gram_pairs(words: pl.Series) -> pl.DataFrame:
    """(``word`` index into ``words``, ``gram``) for each padded 2- to 5-gram occurrence."""
    padded = pl.DataFrame({"p": " " + words + " "}).with_row_index("word")
    padded = padded.with_columns(length=pl.col("p").str.len_chars())
    return pl.concat(
        [
            padded.filter(pl.col("length") >= n)
            .with_columns(i=pl.int_ranges(0, pl.col("length") - n + 1))
            .explode("i")
            .select("word", gram=pl.col("p").str.slice(pl.col("i"), n))
            for n in range(LOW, HIGH + 1)
        ]
    )


def text_word_matrix(texts: pl.Series) -> tuple[sparse.csr_matrix, pl.Series]:
    """Texts x distinct words: ``1 + log(count)``, each row L2-normalised; and the words."""
    table = token_table(texts, bigrams=False)
    vocab = table.get_column("token").unique().sort()
    codes = pl.DataFrame({"token": vocab, "word": np.arange(vocab.len(), dtype=np.int64)})
    counts = table.join(codes, on="token").group_by("row", "word").len()
    value = 1.0 + np.log(counts["len"].to_numpy().astype(np.float64))
    m = sparse.csr_matrix(
        (value, (counts["row"].to_numpy(), counts["word"].to_numpy())),
        shape=(texts.len(), vocab.len()),
    )
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m, vocab


def word_gram_matrix(words: pl.Series) -> tuple[sparse.csr_matrix, pl.Series]:
    """Distinct words x grams: occurrence counts; and the grams."""
    pairs = word_gram_pairs(words)
    grams = pairs.get_column("gram").unique().sort()
    pairs = pairs.join(
        pl.DataFrame({"gram": grams, "column": np.arange(grams.len(), dtype=np.int64)}), on="gram"
    )
    g = sparse.csr_matrix(
        (np.ones(pairs.height), (pairs["word"].to_numpy(), pairs["column"].to_numpy())),
        shape=(words.len(), grams.len()),
    )
    g.sum_duplicates()
    return g, grams


def word_vectors(g: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Each word's gram counts times idf, L2-normalised."""
    x = g.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


def out_of_fold(
    turns: pl.DataFrame,
    dense: np.ndarray,
    m: sparse.csr_matrix | None,
    g: sparse.csr_matrix | None,
    seed: int,
    c: float,
) -> np.ndarray:
    """Out-of-fold P(offensive): words + dense (+ word grams when ``m`` is given)."""
    y = turns["offensive"].to_numpy().astype(int)
    texts = turns["text"]
    s = S.Settings()
    p = np.zeros(turns.height)
    for train, test in S.folds(turns["thread"].to_numpy(), seed=seed):
        blocks = S.toxicity_blocks(texts, dense, train, test, s)
        if m is not None:
            present = ((m[train] > 0).astype(np.float64) @ (g > 0).astype(np.float64)) > 0
            df = np.asarray(present.sum(axis=0)).ravel()
            keep, gram_idf = S.frequent_columns(df, train.size, s.min_df, MAX_GRAMS)
            vectors = word_vectors(g[:, keep], gram_idf)
            for name, rows in (("train", train), ("test", test)):
                blocks[name].append((m[rows] @ vectors).tocsr())
        p[test] = S.held_out_probability(blocks, y, train, c)
    return p


def main() -> None:
    turns = toxichat.turns()
    y = turns["offensive"].to_numpy().astype(int)
    dense = S.toxicity_dense(turns["text"])
    m, words = text_word_matrix(turns["text"])
    g, _ = word_gram_matrix(words)
    settings = [float(a) for a in sys.argv[1:]] or [1.0]
    for seed in (0, 1, 2):
        words_only = roc_auc_score(y, out_of_fold(turns, dense, None, None, seed, 3.0))
        row = [f"fold seed {seed}: words {words_only:.4f}"]
        for c in settings:
            auc = roc_auc_score(y, out_of_fold(turns, dense, m, g, seed, c))
            row.append(f"+ word grams C={c:g} {auc:.4f}")
        sys.stdout.write(" | ".join(row) + "\n")
    texts = S.timing_texts(100_000)
    weights = pl.DataFrame(
        {"gram": word_gram_pairs(pl.Series(["sample"]))["gram"].unique(), "w": 1.0}
    )
    for _ in range(3):
        start = time.perf_counter()
        distinct = token_table(texts, bigrams=False).get_column("token").unique()
        scores = (
            word_gram_pairs(distinct)
            .join(weights, on="gram", how="left")
            .group_by("word")
            .agg(pl.col("w").sum())
        )
        took = time.perf_counter() - start
        sys.stdout.write(
            f"s(w) of {distinct.len():,} distinct words ({scores.height:,}) "
            f"of {texts.len():,} comments: {took:.2f} s\n"
        )


if __name__ == "__main__":
    main()
