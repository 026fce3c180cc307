"""How far the signal-based measures move on r/CollegeRant when the text signals are uncertain.

Every measure that reads the stance or toxicity scores (``dyn.measures()`` with the need
``"signed"`` or ``"signal"``) is computed on the scores as they are (the report's value) and on
``--draws`` label sets drawn from them (:func:`dynamics.uncertainty.signal_uncertainty`): the
signed measures over stance and toxicity draws (the signed graph reads both: a hostile reply is
a negative edge), the others over toxicity draws. Measures with an ``edges`` parameter are
also run on the agreement edges (``edges="agreement"``), which rest on the stance. Sides: the
report's default (two largest Leiden communities, seed 0).

Each measure is drawn four ways (``--calibrations``): from the scores as they are
(``scores``), through the shipped ToxiChat calibration (``toxichat``), and through a Platt
scaling of toxicity fitted on the **dev** half of the random stratum of the labelled
r/CollegeRant comments in ``benchmarks/labels`` (``collegerant``: 149 comments labelled by
``benchmarks/labels/GUIDELINE.md``, a moderator's "toxic"; refitted on a bootstrap resample of
those comments in each draw), and through that same map held fixed (``collegerant-fixed``:
the draws without the calibration's own uncertainty). The test half (151 comments) is
only used to check that calibration: its share of toxic comments against the calibrated
scores' mean. Writes ``benchmarks/results/signal-uncertainty-collegerant.json`` and prints a
table per calibration.

Run::

    PYTHONPATH=. python benchmarks/signal_uncertainty.py [--draws 100] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

import dynamics as dyn
from dynamics.text.calibration import Calibration
from dynamics.uncertainty import signal_uncertainty

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
RESULTS = HERE / "results"
CALIBRATIONS = ("scores", "toxichat", "collegerant", "collegerant-fixed")


def runs(discussion: dyn.Discussion, sides: object) -> list[tuple[str, dict, tuple[str, ...]]]:
    """(measure key, keyword arguments, signals drawn) for every signal-based measure."""
    out = []
    for spec in dyn.measures():
        kwargs = {"sides": sides} if "sides" in spec.params else {}
        if "signed" in spec.needs:
            out.append((spec.key, kwargs, ("stance", "toxicity")))
        elif "signal" in spec.needs:
            out.append((spec.key, kwargs, ("toxicity",)))
        if "edges" in spec.params and "signed" not in spec.needs:
            out.append((spec.key, {**kwargs, "edges": "agreement"}, ("stance", "toxicity")))
    return out


def collegerant_calibration(d: dyn.Discussion) -> tuple[Calibration, dict]:
    """Platt scaling of toxicity on the dev half of the labels' random stratum, and its check
    on the test half (share toxic against the mean of the calibrated scores)."""
    sys.path.insert(0, str(HERE / "labels"))
    from load_labels import load_labelled

    def random_half(split: str) -> pl.DataFrame:
        half = load_labelled(split).filter(pl.col("stratum") == "random")
        return half.select("comment_id", pl.col("label").alias("toxic"))

    dev, test = random_half("dev"), random_half("test")
    calibration = Calibration.from_labels(d, dev)
    scored = test.join(d.comments.select("comment_id", "toxicity"), on="comment_id")
    raw = scored.get_column("toxicity").to_numpy()
    check = {
        "fitted_on": f"benchmarks/labels dev, random stratum: {dev.height} comments, "
        f"{int(dev['toxic'].sum())} toxic",
        "test": f"benchmarks/labels test, random stratum: {test.height} comments",
        "test_share_toxic": round(float(scored["toxic"].mean()), 4),
        "test_mean_score": round(float(raw.mean()), 4),
        "test_mean_calibrated": round(float(calibration.maps["toxicity"](raw).mean()), 4),
        "all_comments_mean_score": round(float(d.comments["toxicity"].mean()), 4),
        "all_comments_mean_calibrated": round(
            float(np.nanmean(calibration.maps["toxicity"](d.comments["toxicity"].to_numpy()))), 4
        ),
    }
    return calibration, check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--calibrations", default=",".join(CALIBRATIONS))
    args = parser.parse_args(argv)
    chosen = args.calibrations.split(",")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(args.data / "reddit-college" / "CollegeRant-pushshift.ndjson").annotate()
    sides = dyn.polarization.sides(d, method="leiden", n_sides=2, seed=0)
    calibrations: dict[str, Calibration | str | None] = {"scores": None, "toxichat": "toxichat"}
    check = None
    if {"collegerant", "collegerant-fixed"} & set(chosen):
        fitted, check = collegerant_calibration(d)
        calibrations["collegerant"] = fitted
        calibrations["collegerant-fixed"] = Calibration(fitted.maps, fitted.source)
        print(f"collegerant calibration: {check}")
    rows = []
    for name in chosen:
        print(f"\ndraws from: {name}")
        print(f"{'measure':52s} {'observed':>9s} {'mean':>8s} {'95% of draws':>20s} {'sd':>7s}")
        for key, kwargs, signals in runs(d, sides):
            started = time.perf_counter()
            r = signal_uncertainty(
                d,
                key,
                signals=signals,
                n_draws=args.draws,
                seed=0,
                calibration=calibrations[name],
                **kwargs,
            )
            seconds = time.perf_counter() - started
            label = key + (f" (edges={kwargs['edges']})" if "edges" in kwargs else "")
            span = "n/a" if r.interval is None else "[{:.3f}, {:.3f}]".format(*r.interval)
            print(f"{label:52s} {r.observed:9.3f} {r.mean:8.3f} {span:>20s} {r.sd:7.3f}")
            entry = r.to_dict()
            entry.pop("draws")
            entry["params"] = {k: v for k, v in entry["params"].items() if k != "sides"}
            entry["edges"] = kwargs.get("edges", "all")
            rows.append({**entry, "draws_from": name, "seconds": round(seconds, 2)})
    out = {
        "what": "signal-based measures on r/CollegeRant: on the scores, and over label sets "
        "drawn from them (dynamics.uncertainty.signal_uncertainty)",
        "data": "reddit-college/CollegeRant-pushshift.ndjson (22,825 comments)",
        "sides": "two largest Leiden communities, seed 0",
        "scorers": {c: dyn.text.describe(c) for c in ("toxicity", "stance")},
        "draws": args.draws,
        "collegerant_calibration": check,
        "measures": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "signal-uncertainty-collegerant.json"
    path.write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
