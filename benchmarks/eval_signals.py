"""Cross-validated quality of the text signals on ToxiChat, and their speed.

    PYTHONPATH=. python benchmarks/eval_signals.py            # quality (a few minutes)
    PYTHONPATH=. python benchmarks/eval_signals.py --speed 100000 --repeat 3

Quality: ToxiChat train + dev (Baheti et al. 2021; CC BY-SA 4.0; read in place from
``../shared/data/toxichat/``), 5 folds grouped by thread (seeded); every model is refitted on
each training fold with ``train/signals.py``, and the stance decision offsets are chosen by an
inner grouped CV on the training threads only. "current" is the version before the trained
models (profanity-check + lexicon; the marker rule), which needs no training. Stance is
evaluated on reply -> the turn it replies to. Writes ``benchmarks/results/signals.json``, the
reliability tables in it, and ``benchmarks/results/signals-reliability.html`` (plotly).

Toxicity is also scored on the labelled comments of ``benchmarks/labels`` (r/CollegeRant and
the bundled thread, labelled for this project) by the model trained on all of ToxiChat.

Speed: ``annotate`` with the default scorers (no cache) on N real comments: the r/CollegeRant
dump (25k comments with their reply structure) repeated with new ids, each copy's texts made
distinct (so that no text is scored once for several comments).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "train"))
sys.path.insert(0, str(HERE / "labels"))

import signals as S
import toxichat
from sklearn.metrics import f1_score, precision_recall_fscore_support, roc_auc_score

import dynamics as dyn
from dynamics.text.stance import MarkerStanceScorer
from dynamics.text.toxicity import (
    DEFAULT_WEIGHTS,
    ToxicityScorer,
    combine,
    lexicon_matches,
)

RESULTS = HERE / "results"
COLLEGERANT = (
    HERE.parent.parent / "shared" / "data" / "reddit-college" / "CollegeRant-pushshift.ndjson"
)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict]:
    """Observed rate of the positive class per bin of predicted probability."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        if m.any():
            rows.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(m.sum()),
                    "mean_predicted": round(float(p[m].mean()), 4),
                    "observed": round(float(y[m].mean()), 4),
                }
            )
    return rows


def _stance_scores(y: np.ndarray, labels: np.ndarray) -> dict:
    classes = list(S.STANCE_CLASSES)
    prec, rec, f1, support = precision_recall_fscore_support(
        y, labels, labels=classes, zero_division=0
    )
    out = {"macro_f1": round(float(np.mean(f1)), 4)}
    for i, c in enumerate(classes):
        out[c] = {
            "precision": round(float(prec[i]), 4),
            "recall": round(float(rec[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
    return out


def quality() -> dict:
    s = S.Settings()
    turns = toxichat.turns()
    y = turns["offensive"].to_numpy()
    texts = turns["text"]
    hits = lexicon_matches(texts)
    current = ToxicityScorer(model="profanity").score(texts.to_list())["toxicity"]
    oof = S.cross_validate_toxicity(turns, s)
    new = combine(oof, hits, DEFAULT_WEIGHTS)
    replies = turns["turn"].to_numpy() > 1
    tox = {
        "n": int(y.size),
        "offensive": int(y.sum()),
        "current_auc": round(float(roc_auc_score(y, current)), 4),
        "trained_auc": round(float(roc_auc_score(y, oof)), 4),
        "new_auc": round(float(roc_auc_score(y, new)), 4),
        "new_auc_replies_only": round(float(roc_auc_score(y[replies], new[replies])), 4),
        "current_auc_replies_only": round(float(roc_auc_score(y[replies], current[replies])), 4),
        "reliability_new": reliability(new, y),
        "reliability_current": reliability(current, y),
    }
    try:
        from load_labels import load_labelled

        lab = pl.concat([load_labelled("dev"), load_labelled("test")])
        yl = lab["label"].to_numpy()
        tl = lab["text"].to_list()
        tox["labels_set"] = {
            "n": int(yl.size),
            "toxic": int(yl.sum()),
            "current_auc": round(
                float(roc_auc_score(yl, ToxicityScorer(model="profanity").score(tl)["toxicity"])), 4
            ),
            "new_auc": round(float(roc_auc_score(yl, ToxicityScorer().score(tl)["toxicity"])), 4),
        }
    except FileNotFoundError as error:  # the shared data is not in this checkout
        tox["labels_set"] = {"skipped": str(error)}

    pairs = toxichat.pairs()
    ys = pairs["stance"].to_numpy()
    markers = MarkerStanceScorer().score(pairs["text"].to_list())["stance"].astype(str)
    p, labels = S.cross_validate_stance(pairs, s)
    argmax = np.array(S.STANCE_CLASSES)[p.argmax(axis=1)]
    stance = {
        "n": int(ys.size),
        "current_markers": _stance_scores(ys, markers),
        "new_argmax": _stance_scores(ys, argmax),
        "new": _stance_scores(ys, labels),
        "majority_macro_f1": round(
            float(
                f1_score(
                    ys,
                    np.full(ys.size, "neutral"),
                    average="macro",
                    labels=list(S.STANCE_CLASSES),
                    zero_division=0,
                )
            ),
            4,
        ),
        "reliability_p_agree": reliability(p[:, 0], ys == "agree"),
        "reliability_p_disagree": reliability(p[:, 1], ys == "disagree"),
    }
    return {
        "data": "ToxiChat train+dev (Baheti et al. 2021), CC BY-SA 4.0",
        "cv": f"{S.N_FOLDS} folds grouped by thread, seed {S.SEED}",
        "settings": repr(s),
        "toxicity": tox,
        "stance": stance,
    }


def reliability_plot(results: dict, path: Path) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    panels = [
        ("toxicity (new)", results["toxicity"]["reliability_new"]),
        ("toxicity (current)", results["toxicity"]["reliability_current"]),
        ("P(agree)", results["stance"]["reliability_p_agree"]),
        ("P(disagree)", results["stance"]["reliability_p_disagree"]),
    ]
    fig = make_subplots(rows=1, cols=4, subplot_titles=[t for t, _ in panels])
    for i, (title, rows) in enumerate(panels, start=1):
        fig.add_trace(
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                line={"dash": "dot", "color": "grey"},
                showlegend=False,
            ),
            row=1,
            col=i,
        )
        fig.add_trace(
            go.Scatter(
                x=[r["mean_predicted"] for r in rows],
                y=[r["observed"] for r in rows],
                text=[f"n={r['n']}" for r in rows],
                mode="lines+markers",
                name=title,
            ),
            row=1,
            col=i,
        )
    fig.update_layout(
        title="Reliability on held-out ToxiChat threads (grouped 5-fold CV)", height=380, width=1400
    )
    fig.update_xaxes(title_text="mean predicted", range=[0, 1])
    fig.update_yaxes(title_text="observed rate", range=[0, 1])
    fig.write_html(path, include_plotlyjs="cdn")


def real_like(n: int) -> dyn.Discussion:
    """N comments: the CollegeRant dump repeated with new ids and distinct texts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        base = dyn.load(COLLEGERANT).comments.select(
            "comment_id", "parent_id", "thread_id", "author", "text", "created_at"
        )
    copies = []
    k = 0
    while sum(c.height for c in copies) < n:
        suffix = "" if k == 0 else f"-{k}"
        copies.append(
            base.with_columns(
                pl.col("comment_id") + suffix,
                pl.col("parent_id") + suffix,
                pl.col("thread_id") + suffix,
                pl.col("text") + ("" if k == 0 else f" (copy {k})"),
            )
        )
        k += 1
    frame = pl.concat(copies).head(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(
            frame.rename(
                {
                    "comment_id": "id",
                    "parent_id": "parent",
                    "author": "user",
                    "text": "body",
                    "created_at": "timestamp",
                }
            )
        )


def speed(n: int, repeat: int) -> dict:
    d = real_like(n)
    from dynamics.text import annotate

    annotate(
        d.filter(threads=d.threads["thread_id"].head(20).to_list()), cache=False
    )  # load models
    runs, cpu = [], []
    load = os.getloadavg()
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        annotate(d, cache=False, progress=False)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    per, per_cpu = {}, {}
    for name in ("toxicity", "sentiment", "stance"):
        start, start_cpu = time.perf_counter(), time.process_time()
        annotate(d, [name], cache=False, progress=False)
        per[name] = round(len(d) / (time.perf_counter() - start))
        per_cpu[name] = round(time.process_time() - start_cpu, 2)
    return {
        "comments": len(d),
        "seconds": [round(r, 2) for r in runs],
        # CPU seconds of this process (all its threads): what the work costs, whatever the
        # other processes on a shared machine do to the wall-clock time
        "cpu_seconds": [round(c, 2) for c in cpu],
        "per_scorer_cpu_seconds": per_cpu,
        "comments_per_s_best": round(len(d) / min(runs)),
        "comments_per_s_median": round(len(d) / float(np.median(runs))),
        "per_scorer_comments_per_s": per,
        "load_average_before": load,
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=int, default=0, help="time annotate on N comments")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if args.speed:
        out = speed(args.speed, args.repeat)
        (RESULTS / f"signals-speed-{args.speed}.json").write_text(json.dumps(out, indent=2) + "\n")
    else:
        out = quality()
        (RESULTS / "signals.json").write_text(json.dumps(out, indent=2) + "\n")
        reliability_plot(out, RESULTS / "signals-reliability.html")
    sys.stdout.write(
        json.dumps({k: v for k, v in out.items() if "reliab" not in k}, indent=1)[:6000] + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
