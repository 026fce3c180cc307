"""Fit the shipped ToxiChat calibration of the default signals, and measure it honestly.

    PYTHONPATH=. python train/fit_calibration.py

1. **Shipped maps.** Out-of-fold scores of the shipped models over ToxiChat train + dev (5
   folds grouped by thread, seed 0: the folds of ``benchmarks/eval_signals.py``): the final
   ``toxicity`` (trained model, then the lexicon's noisy-OR) against Offensive, ``p_agree`` and
   ``p_disagree`` against the reply's Agree / Disagree label. Isotonic regression on all of
   them is written to ``dynamics/text/models/calibration-toxichat.npz``
   (:func:`dynamics.text.calibration.toxichat_calibration`).
2. **Cross-validated figures.** For each outer fold, the model is fitted on the training
   threads, the maps (isotonic, and Platt for comparison) on out-of-fold scores of an inner
   grouped CV of those threads (seed 1), and both are applied to the held-out threads' scores:
   Brier score, log loss, expected calibration error (10 equal-width bins), the mean score
   against the share of true labels and the 10-bin reliability table, without and with each
   map.
3. **Another definition, another data set.** The default toxicity and the shipped map on the
   labelled r/CollegeRant comments of ``benchmarks/labels`` (random stratum only: the other
   strata are chosen by words or come from another site): mean score against the share toxic.

Writes ``benchmarks/results/signals-calibration.json`` and prints it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import brier_score_loss, log_loss

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "benchmarks" / "labels"))
sys.path.insert(0, str(REPO / "benchmarks"))

import signals as S
import toxichat
from eval_signals import reliability

from dynamics.text.calibration import Calibration, ScoreMap
from dynamics.text.toxicity import DEFAULT_WEIGHTS, ToxicityScorer, combine, lexicon_matches

OUT = REPO / "dynamics" / "text" / "models" / "calibration-toxichat.npz"
RESULTS = REPO / "benchmarks" / "results" / "signals-calibration.json"
SOURCE = (
    "ToxiChat train+dev (Baheti et al. 2021, CC BY-SA 4.0), out-of-fold scores, 5 grouped folds"
)


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the n-weighted mean |mean score - share true| over the
    bins of ``benchmarks/eval_signals.py``'s reliability table."""
    table = reliability(p, y, bins)
    return float(sum(r["n"] * abs(r["mean_predicted"] - r["observed"]) for r in table) / p.size)


def figures(p: np.ndarray, y: np.ndarray) -> dict:
    """Brier score, log loss, ECE, mean score against share true, and the reliability table."""
    return {
        "brier": round(float(brier_score_loss(y, p)), 4),
        "log_loss": round(float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6))), 4),
        "ece": round(ece(p, y), 4),
        "mean_score": round(float(p.mean()), 4),
        "share_true": round(float(y.mean()), 4),
        "reliability": reliability(p, y, 10),
    }


def toxicity_scores(turns, s: S.Settings, seed: int) -> np.ndarray:
    """Out-of-fold final toxicity (model, then the lexicon's noisy-OR) of ``turns``."""
    return combine(S.cross_validate_toxicity(turns, s, seed=seed), lexicon_matches(turns["text"]))


def nested(turns, pairs, s: S.Settings) -> dict:
    """Held-out figures without a map and with isotonic / Platt maps fitted inside each fold."""
    series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    y_tox = turns["offensive"].to_numpy().astype(float)
    raw = {"toxicity": np.zeros(turns.height), "p_agree": np.zeros(pairs.height)}
    raw["p_disagree"] = np.zeros(pairs.height)
    mapped = {m: {c: np.zeros_like(v) for c, v in raw.items()} for m in ("isotonic", "platt")}
    hits = lexicon_matches(turns["text"])
    dense = S.toxicity_dense(turns["text"])
    for train, test in S.folds(turns["thread"].to_numpy()):
        inner = toxicity_scores(turns[train], s, seed=S.SEED + 1)
        model = S.fit_toxicity(turns[train], s, {})
        held = combine(
            model.probabilities(turns["text"][test], dense[test]),
            {k: v[test] for k, v in hits.items()},
            DEFAULT_WEIGHTS,
        )
        raw["toxicity"][test] = held
        for method in mapped:
            mapped[method]["toxicity"][test] = ScoreMap.fit(inner, y_tox[train], method)(held)
    ys = pairs["stance"].to_numpy()
    for train, test in S.folds(pairs["thread"].to_numpy()):
        inner = S.out_of_fold_stance(pairs[train], s, seed=S.SEED + 1)
        held = S.stance_probabilities(S.fit_stance(pairs[train], s, {}), pairs[test])
        for k, column in enumerate(("p_agree", "p_disagree")):
            raw[column][test] = held[:, k]
            truth = ys[train] == column[2:]
            for method in mapped:
                mapped[method][column][test] = ScoreMap.fit(inner[:, k], truth, method)(held[:, k])
    truth_of = {"toxicity": y_tox, "p_agree": ys == "agree", "p_disagree": ys == "disagree"}
    for column, truth in truth_of.items():
        series[column] = (raw[column], truth.astype(float))
    return {
        column: {
            "n": int(truth.size),
            "true": int(truth.sum()),
            "raw": figures(p, truth),
            **{m: figures(mapped[m][column], truth) for m in mapped},
        }
        for column, (p, truth) in series.items()
    }


def collegerant(calibration: Calibration) -> dict:
    """Default toxicity, raw and with the shipped map, on the random stratum of the labels."""
    from load_labels import load_labelled

    try:
        import polars as pl

        lab = pl.concat([load_labelled("dev"), load_labelled("test")])
    except FileNotFoundError as error:
        return {"skipped": str(error)}
    lab = lab.filter(pl.col("stratum") == "random")
    y = lab["label"].to_numpy().astype(float)
    p = ToxicityScorer().score(lab["text"].to_list())["toxicity"]
    return {
        "data": "benchmarks/labels, r/CollegeRant random stratum (dev + test), GUIDELINE.md",
        "n": int(y.size),
        "toxic": int(y.sum()),
        "raw": figures(p, y),
        "toxichat_isotonic": figures(calibration.maps["toxicity"](p), y),
    }


def main() -> None:
    s = S.Settings()
    turns, pairs = toxichat.turns(), toxichat.pairs()
    stance = S.out_of_fold_stance(pairs, s)
    ys = pairs["stance"].to_numpy()
    calibration = Calibration.fit(
        {
            "toxicity": toxicity_scores(turns, s, S.SEED),
            "p_agree": stance[:, 0],
            "p_disagree": stance[:, 1],
        },
        {
            "toxicity": turns["offensive"].to_numpy(),
            "p_agree": ys == "agree",
            "p_disagree": ys == "disagree",
        },
        method="isotonic",
        source=SOURCE,
    )
    calibration.save(OUT)
    out = {
        "what": "calibration of the default signals (train/fit_calibration.py)",
        "shipped": calibration.describe(),
        "cross_validated": nested(turns, pairs, s),
        "collegerant_labels": collegerant(calibration),
    }
    RESULTS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
