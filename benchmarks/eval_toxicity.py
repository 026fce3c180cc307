"""Evaluate the toxicity scorer on the labelled set in ``benchmarks/labels`` and time it.

The labelled set (``benchmarks/labels/toxicity_labels.csv``, guideline in ``GUIDELINE.md``) has
three strata: ``random`` (300 CollegeRant comments drawn uniformly), ``prefilter`` (100
CollegeRant comments drawn among those that match a hostility word list, to over-sample likely
positives) and ``southfront`` (the bundled flame-war thread); each split in half into ``dev`` and
``test``. Weights were chosen on ``dev`` only (``--tune``); the figures to report are ``test``.

Three scorers are compared: the ``profanity-check`` model alone, the lexicon alone (noisy-OR of
the matched category weights) and their combination (:class:`dynamics.text.toxicity
.ToxicityScorer`). For each: ROC AUC, and precision / recall / F1 of ``score >= 0.5``.

The prefilter stratum was drawn with word lists that overlap the lexicon's insult entries
("idiot", "moron", "shut up"...), so inside it every comment holds such a word; pooled figures
mix strata with very different base rates. Read the per-stratum rows, and the
``combined - insult`` row (the combination without the insult category), alongside the pooled
ones.

Usage::

    python benchmarks/eval_toxicity.py              # tables for dev, test and all; throughput
    python benchmarks/eval_toxicity.py --tune       # the weight grid on dev (how DEFAULT_WEIGHTS
                                                    # were chosen)
    python benchmarks/eval_toxicity.py --no-speed   # skip the throughput part
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from dynamics.text.toxicity import (
    CATEGORIES,
    DEFAULT_WEIGHTS,
    ToxicityScorer,
    combine,
    lexicon_matches,
    model_probability,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "labels"))
from load_labels import COLLEGERANT, load_labelled

STRATA = ("random", "prefilter", "southfront")
THRESHOLD = 0.5


def _scores(
    p_model: np.ndarray, matches: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> dict[str, np.ndarray]:
    zero = np.zeros_like(p_model)
    no_insult = {c: w for c, w in weights.items() if c != "insult"}
    return {
        "model": p_model,
        "lexicon": combine(zero, matches, weights),
        "combined": combine(p_model, matches, weights),
        "combined - insult": combine(p_model, matches, no_insult),
    }


def _metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float | int]:
    auc = float(roc_auc_score(y, p)) if len(set(y.tolist())) == 2 else float("nan")
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, p >= THRESHOLD, average="binary", zero_division=0
    )
    return {
        "n": len(y),
        "toxic": int(y.sum()),
        "auc": auc,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }


def evaluate(frame: pl.DataFrame, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> pl.DataFrame:
    """One row per (split, subset, scorer) with n, toxic, auc, precision, recall, f1."""
    texts = frame["text"]
    scores = _scores(model_probability(texts), lexicon_matches(texts), weights)
    y = frame["label"].to_numpy()
    split = frame["split"].to_numpy()
    stratum = frame["stratum"].to_numpy()
    rows = []
    for split_name in ("dev", "test", "all"):
        in_split = np.ones(len(y), bool) if split_name == "all" else split == split_name
        subsets = {"pooled": in_split, "random+southfront": in_split & (stratum != "prefilter")}
        subsets |= {s: in_split & (stratum == s) for s in STRATA}
        for subset, mask in subsets.items():
            for scorer, p in scores.items():
                rows.append(
                    {"split": split_name, "subset": subset, "scorer": scorer}
                    | _metrics(y[mask], p[mask])
                )
    return pl.DataFrame(rows)


def tune(frame: pl.DataFrame) -> pl.DataFrame:
    """The grid searched on the dev split: the rule and two weights (strong, mild categories).

    ``strong`` is the weight of ``dehumanising`` and ``violence``, ``mild`` that of ``insult``
    and ``obfuscated`` (the dev split has too few matches of each category to set four weights
    apart). Rules: ``noisy-or`` (:func:`combine`) and ``max`` (max of the model probability and
    the largest matched weight).
    """
    dev = frame.filter(pl.col("split") == "dev")
    y = dev["label"].to_numpy()
    p_model = model_probability(dev["text"])
    matches = lexicon_matches(dev["text"])
    grid = np.round(np.arange(0.3, 0.96, 0.05), 2)
    rows = []
    for strong, mild in itertools.product(grid, grid):
        weights = {"dehumanising": strong, "violence": strong, "insult": mild, "obfuscated": mild}
        lexicon = np.max([np.where(matches[c], w, 0.0) for c, w in weights.items()], axis=0)
        rules: dict[str, np.ndarray] = {
            "noisy-or": combine(p_model, matches, weights),
            "max": np.maximum(p_model, lexicon),
        }
        for rule, p in rules.items():
            rows.append(
                {"rule": rule, "strong": float(strong), "mild": float(mild)} | _metrics(y, p)
            )
    return pl.DataFrame(rows).sort(["auc", "f1"], descending=True)


def _throughput(function: Callable[[list[str]], object], texts: list[str]) -> float:
    function(texts[:1000])  # warm up: load the model, compile the patterns
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def speed() -> pl.DataFrame:
    """Comments per second on every CollegeRant comment (best of 3 runs)."""
    frame = pl.read_ndjson(COLLEGERANT, infer_schema_length=None)
    texts = frame.filter(pl.col("parent_id").is_not_null())["body"].fill_null("").to_list()
    toxicity = ToxicityScorer()
    candidates: dict[str, Callable[[list[str]], object]] = {
        "toxicity": toxicity.score,
        "model only (polars TF-IDF)": model_probability,
        "lexicon only": lexicon_matches,
    }
    try:
        from dynamics.text.sentiment import SentimentScorer

        sentiment = SentimentScorer()
        sentiment_name = "dynamics SentimentScorer"
    except ImportError:  # before the sentiment scorer exists: the reference analyzer
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()

        class _Vader:
            def score(self, texts: list[str]) -> list[float]:
                return [analyzer.polarity_scores(t)["compound"] for t in texts]

        sentiment = _Vader()
        sentiment_name = "vaderSentiment loop"

    def both(texts: list[str]) -> None:
        toxicity.score(texts)
        sentiment.score(texts)

    candidates[f"sentiment ({sentiment_name})"] = sentiment.score
    candidates["toxicity + sentiment"] = both
    from profanity_check import predict_prob

    candidates["profanity_check.predict_prob (reference)"] = predict_prob
    rows = [
        {"scorer": name, "comments": len(texts), "per_second": round(_throughput(f, texts))}
        for name, f in candidates.items()
    ]
    return pl.DataFrame(rows)


def _print(frame: pl.DataFrame) -> None:
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        float_precision=3,
        tbl_hide_dataframe_shape=True,
        fmt_str_lengths=60,
    ):
        print(frame)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="print the weight grid on dev")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput part")
    args = parser.parse_args(argv)
    frame = load_labelled()
    if args.tune:
        print("Weight grid on the dev split (best first):")
        _print(tune(frame).head(25))
        return 0
    print(f"weights: {dict(DEFAULT_WEIGHTS)}; categories: {CATEGORIES}")
    table = evaluate(frame)
    for split in ("test", "dev", "all"):
        print(f"\n== {split} ==")
        _print(table.filter(pl.col("split") == split).drop("split"))
    if not args.no_speed:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        print(f"\n== throughput (os.cpu_count()={os.cpu_count()}, usable cores={cores}) ==")
        _print(speed())
    return 0


if __name__ == "__main__":
    sys.exit(main())
