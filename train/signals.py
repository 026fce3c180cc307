"""Features, fitting and cross-validation of the shipped toxicity and stance models.

Shared by ``train/train_signals.py`` (fits on all of ToxiChat train + dev and writes the
``.npz`` files) and ``benchmarks/eval_signals.py`` (cross-validated figures). Every fit is
seeded; folds are grouped by thread (a thread's turns are never split between training and
test), so the figures are for threads the model has not seen.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from dynamics.text._linear import LinearModel, tfidf, token_table
from dynamics.text._pair_features import PAIR_FEATURES, pair_features

SEED = 0
N_FOLDS = 5
STANCE_CLASSES = ("agree", "disagree", "neutral")
TOXICITY_DENSE = (
    "profanity_logit",
    "lexicon_dehumanising",
    "lexicon_violence",
    "lexicon_insult",
    "lexicon_obfuscated",
)


@dataclass
class Settings:
    """Hyper-parameters (fixed before looking at any cross-validated figure of this version,
    then changed only on the cross-validated figures of train + dev)."""

    min_df: int = 2
    max_features: int = 30_000
    bigrams_toxicity: bool = False
    bigrams_stance: bool = True
    c_toxicity: float = 3.0
    c_stance: float = 1.0
    #: dense features are standardised, then multiplied by this (a weaker penalty on them
    #: than on the thousands of word weights)
    dense_boost: float = 1.0
    #: None keeps the probabilities near the data's class frequencies (they feed thresholds
    #: and the signed graph's weights); the stance labels get decision offsets instead
    class_weight: str | None = None
    #: toxicity: average the logits of the plain model and of a model over NB-weighted words
    #: (:func:`nb_ratios`); both are linear in the same TF-IDF rows, so the average is one
    #: model of the same shape and costs nothing at run time
    nb_average_toxicity: bool = True


def folds(groups: np.ndarray, n_folds: int = N_FOLDS, seed: int = SEED) -> list[tuple]:
    """Grouped folds, with the threads shuffled by ``seed`` first (GroupKFold is ordered)."""
    rng = np.random.default_rng(seed)
    unique = np.unique(groups)
    shuffled = dict(zip(unique, rng.permutation(unique.size), strict=True))
    keys = np.array([shuffled[g] for g in groups])
    return list(GroupKFold(n_splits=n_folds).split(keys, groups=keys))


def vocabulary(texts: pl.Series, s: Settings, bigrams: bool) -> tuple[pl.DataFrame, np.ndarray]:
    """Tokens in at least ``min_df`` texts (the ``max_features`` most frequent) and their
    smoothed idf, ``ln((1 + n) / (1 + df)) + 1``."""
    return vocabulary_of_tokens(token_table(texts, bigrams=bigrams), texts.len(), s)


def vocabulary_of_tokens(
    tokens: pl.DataFrame, n: int, s: Settings
) -> tuple[pl.DataFrame, np.ndarray]:
    """:func:`vocabulary` from a ``token_table`` of ``n`` texts."""
    df = (
        tokens.unique()
        .group_by("token")
        .len()
        .filter(pl.col("len") >= s.min_df)
        .sort(["len", "token"], descending=[True, False])
        .head(s.max_features)
        .sort("token")
    )
    vocab = pl.DataFrame(
        {"token": df["token"], "column": np.arange(df.height, dtype=np.uint32)},
        schema={"token": pl.String, "column": pl.UInt32},
    )
    idf = np.log((1.0 + n) / (1.0 + df["len"].to_numpy().astype(np.float64))) + 1.0
    return vocab, idf


def toxicity_dense(texts: pl.Series) -> np.ndarray:
    """The profanity-check model's logit and the four lexicon categories."""
    from dynamics.text.toxicity import lexicon_matches, model_probability

    p = np.clip(model_probability(texts), 1e-4, 1 - 1e-4)
    hits = lexicon_matches(texts)
    cols = [np.log(p / (1 - p))]
    cols += [
        hits[c].astype(np.float64) for c in ("dehumanising", "violence", "insult", "obfuscated")
    ]
    return np.column_stack(cols)


def nb_ratios(x_text: sparse.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive Bayes log-count ratios of a binary label, per column (Wang & Manning 2012).

    ``r = log((p / |p|_1) / (q / |q|_1))`` with ``p = alpha + `` the number of positive rows
    holding the column and ``q`` the same over negative rows: a word's evidence for the
    positive class, by which NBSVM scales each feature before a linear fit.

    Wang, S. & Manning, C. D. (2012). Baselines and Bigrams: Simple, Good Sentiment and Topic
    Classification. ACL 2012. https://aclanthology.org/P12-2018
    """
    present = (x_text > 0).astype(np.float64)
    p = alpha + np.asarray(present[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[y != 1].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def _logistic(x_text: object, x_dense: np.ndarray, y: np.ndarray, c: float, s: Settings) -> tuple:
    """Text weights, dense weights and intercepts of a logistic regression on both blocks."""
    x = sparse.hstack([x_text, sparse.csr_matrix(x_dense)]).tocsr()
    clf = LogisticRegression(C=c, class_weight=s.class_weight, max_iter=2000, random_state=SEED)
    clf.fit(x, y)
    v = x_text.shape[1]
    return clf.coef_[:, :v], clf.coef_[:, v:], clf.intercept_.astype(np.float64)


def _fit(
    texts: pl.Series,
    dense: np.ndarray,
    y: np.ndarray,
    classes: tuple[str, ...],
    c: float,
    s: Settings,
    meta: dict[str, str],
    dense_names: tuple[str, ...],
    bigrams: bool,
    *,
    nb_average: bool = False,
) -> LinearModel:
    """A logistic regression over TF-IDF rows and standardised dense features; with
    ``nb_average`` (a binary ``y``), the mean of its logits and those of the same fit over the
    NB-weighted rows (``x * r``, :func:`nb_ratios`), folded into one model:
    ``(w + w_nb * r) / 2`` per word, the means of the dense weights and of the intercepts."""
    vocab, idf = vocabulary(texts, s, bigrams)
    x_text = tfidf(texts, vocab, idf, bigrams=bigrams)
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale == 0] = 1.0
    scale = scale / s.dense_boost
    x_dense = (dense - mean) / scale
    coef, dense_coef, intercept = _logistic(x_text, x_dense, y, c, s)
    if nb_average:
        r = nb_ratios(x_text, y)
        nb_coef, nb_dense, nb_intercept = _logistic(x_text @ sparse.diags(r), x_dense, y, c, s)
        coef = (coef + nb_coef * r) / 2.0
        dense_coef = (dense_coef + nb_dense) / 2.0
        intercept = (intercept + nb_intercept) / 2.0
    return LinearModel(
        classes=classes,
        vocabulary=vocab,
        idf=idf,
        coef=coef,
        dense_names=dense_names,
        dense_mean=mean,
        dense_scale=scale,
        dense_coef=dense_coef,
        intercept=intercept,
        offset=np.zeros(coef.shape[0]),
        bigrams=bigrams,
        meta=meta,
    )


def fit_toxicity(turns: pl.DataFrame, s: Settings, meta: dict[str, str]) -> LinearModel:
    texts = turns["text"]
    y = turns["offensive"].to_numpy().astype(int)
    dense = toxicity_dense(texts)
    return _fit(
        texts,
        dense,
        y,
        ("offensive",),
        s.c_toxicity,
        s,
        meta,
        TOXICITY_DENSE,
        s.bigrams_toxicity,
        nb_average=s.nb_average_toxicity,
    )


def fit_stance(pairs: pl.DataFrame, s: Settings, meta: dict[str, str]) -> LinearModel:
    texts = pairs["text"]
    dense = pair_features(texts, pairs["parent"])
    y = pairs["stance"].to_numpy()
    return _fit(
        texts, dense, y, STANCE_CLASSES, s.c_stance, s, meta, PAIR_FEATURES, s.bigrams_stance
    )


def stance_probabilities(model: LinearModel, pairs: pl.DataFrame) -> np.ndarray:
    return model.probabilities(pairs["text"], pair_features(pairs["text"], pairs["parent"]))


def decide(p: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Argmax of log-probabilities plus per-class offsets: the label index per row."""
    return np.argmax(np.log(np.clip(p, 1e-12, 1)) + offset, axis=1)


#: Offsets tried for agree and disagree (neutral stays 0): log-odds shifts.
OFFSET_GRID = np.round(np.arange(-1.0, 3.51, 0.25), 2)


def choose_offset(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The (agree, disagree) log-odds offsets that maximise macro-F1 on (p, y)."""
    yi = np.array([STANCE_CLASSES.index(v) for v in y])
    best, best_f1 = np.zeros(3), -1.0
    for a in OFFSET_GRID:
        for d in OFFSET_GRID:
            off = np.array([a, d, 0.0])
            f1 = f1_score(yi, decide(p, off), average="macro", labels=[0, 1, 2], zero_division=0)
            if f1 > best_f1 + 1e-12:
                best, best_f1 = off, f1
    return best


def cross_validate_toxicity(turns: pl.DataFrame, s: Settings, seed: int = SEED) -> np.ndarray:
    """Out-of-fold probabilities of the trained toxicity model (before the lexicon's OR), in
    the grouped folds of ``seed``."""
    dense = toxicity_dense(turns["text"])
    oof = np.zeros(turns.height)
    for train, test in folds(turns["thread"].to_numpy(), seed=seed):
        model = fit_toxicity(turns[train], s, {})
        oof[test] = model.probabilities(turns["text"][test], dense[test])
    return oof


def _outside(
    extra: pl.DataFrame | None, pairs: pl.DataFrame, test: np.ndarray
) -> pl.DataFrame | None:
    """The ``extra`` rows whose thread is not among those of ``pairs``' ``test`` rows."""
    if extra is None:
        return None
    return extra.filter(~pl.col("thread").is_in(pairs["thread"].gather(test).unique().implode()))


def _training(
    pairs: pl.DataFrame, train: np.ndarray, test: np.ndarray, extra: pl.DataFrame | None
) -> pl.DataFrame:
    """The training rows of a fold, with the ``extra`` rows of threads outside its test rows."""
    kept = _outside(extra, pairs, test)
    return pairs[train] if kept is None else pl.concat([pairs[train], kept])


def out_of_fold_stance(
    pairs: pl.DataFrame, s: Settings, seed: int = SEED, extra: pl.DataFrame | None = None
) -> np.ndarray:
    """Out-of-fold stance probabilities (columns in STANCE_CLASSES order).

    ``extra`` holds labelled pairs used for training only (never scored): each fold adds
    those of the threads it does not hold out.
    """
    p = np.zeros((pairs.height, len(STANCE_CLASSES)))
    for train, test in folds(pairs["thread"].to_numpy(), seed=seed):
        model = fit_stance(_training(pairs, train, test, extra), s, {})
        p[test] = stance_probabilities(model, pairs[test])
    return p


def cross_validate_stance(
    pairs: pl.DataFrame, s: Settings, extra: pl.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities and labels; each outer fold's decision offsets are chosen
    by an inner grouped CV on that fold's training threads only (``extra``: training-only
    pairs, as in :func:`out_of_fold_stance`; the offsets are chosen on ``pairs`` alone)."""
    p = np.zeros((pairs.height, len(STANCE_CLASSES)))
    labels = np.empty(pairs.height, dtype=object)
    for train, test in folds(pairs["thread"].to_numpy()):
        inner = pairs[train]
        kept = _outside(extra, pairs, test)
        offset = choose_offset(
            out_of_fold_stance(inner, s, seed=SEED + 1, extra=kept), inner["stance"].to_numpy()
        )
        model = fit_stance(_training(pairs, train, test, extra), s, {})
        p[test] = stance_probabilities(model, pairs[test])
        labels[test] = np.array(STANCE_CLASSES)[decide(p[test], offset)]
    return p, labels.astype(str)


def toxicity_blocks(
    texts: pl.Series, dense: np.ndarray, train: np.ndarray, test: np.ndarray, s: Settings
) -> dict[str, list[Any]]:
    """The toxicity model's feature blocks of a fold: ``{"train": [...], "test": [...]}``,
    each the TF-IDF words (vocabulary and idf of the training rows) and the dense features
    standardised on the training rows, for trials that add blocks of their own."""
    vocab, idf = vocabulary(texts[train], s, s.bigrams_toxicity)
    mean, scale = dense[train].mean(axis=0), dense[train].std(axis=0)
    scale[scale == 0] = 1.0
    return {
        name: [
            tfidf(texts[rows], vocab, idf, bigrams=s.bigrams_toxicity),
            sparse.csr_matrix((dense[rows] - mean) / scale),
        ]
        for name, rows in (("train", train), ("test", test))
    }


def frequent_columns(
    df: np.ndarray, n: int, min_df: int, max_columns: int
) -> tuple[np.ndarray, np.ndarray]:
    """The columns in at least ``min_df`` of ``n`` rows (the ``max_columns`` most frequent,
    ties by column), in column order, and their smoothed idf (as :func:`vocabulary`)."""
    keep = np.flatnonzero(df >= min_df)
    keep = np.sort(keep[np.argsort(-df[keep], kind="stable")][:max_columns])
    return keep, np.log((1.0 + n) / (1.0 + df[keep])) + 1.0


def held_out_probability(
    blocks: dict[str, list[Any]], y: np.ndarray, train: np.ndarray, c: float
) -> np.ndarray:
    """P(y = 1) of the ``"test"`` rows from a logistic regression (C = ``c``, seeded) fitted on
    the ``"train"`` rows; ``blocks`` holds each side's feature blocks, stacked side by side."""
    clf = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    clf.fit(sparse.hstack(blocks["train"]).tocsr(), y[train])
    return clf.predict_proba(sparse.hstack(blocks["test"]).tocsr())[:, 1]


#: Real comments the trials time their features on (read in place from ../shared/data).
COLLEGERANT = (
    Path(__file__).resolve().parents[1]
    / "../shared/data/reddit-college/CollegeRant-pushshift.ndjson"
)


def timing_texts(n: int = 100_000) -> pl.Series:
    """``n`` r/CollegeRant comment texts: the dump's texts repeated, each copy made distinct
    by a suffix, for timing a feature on as many comments as the scoring benchmark."""
    texts = pl.read_ndjson(COLLEGERANT, infer_schema_length=None).get_column("body")
    copies = -(-n // texts.len())
    return pl.concat([texts + f" {i}" for i in range(copies)]).head(n)


def report_stance(
    name: str,
    pairs: pl.DataFrame,
    s: Settings | None = None,
    extra: pl.DataFrame | None = None,
) -> np.ndarray:
    """Print the macro-F1 and per-class F1 of :func:`cross_validate_stance` under ``name``
    (one line on stdout) and return the per-class F1 (``STANCE_CLASSES`` order)."""
    _, labels = cross_validate_stance(pairs, s or Settings(), extra)
    f1 = f1_score(pairs["stance"].to_numpy(), labels, average=None, labels=list(STANCE_CLASSES))
    sys.stdout.write(f"{name}: macro-F1 {f1.mean():.4f}, per class {np.round(f1, 3).tolist()}\n")
    sys.stdout.flush()
    return f1
