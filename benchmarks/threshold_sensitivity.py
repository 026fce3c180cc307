"""Where the line is drawn: the escalation measures of r/CollegeRant at several thresholds.

Every measure that calls a comment toxic when its toxicity reaches a threshold (the measures
with ``signal`` and ``threshold`` parameters) is computed at thresholds 0.2 to 0.8
(:func:`dynamics.uncertainty.threshold_sensitivity`), beside the share of scored comments each
threshold flags. That share is set against the rate of toxic comments in the **random
stratum** of the labelled r/CollegeRant comments in ``benchmarks/labels`` (dev and test, 300
comments labelled by ``benchmarks/labels/GUIDELINE.md``, a moderator's "toxic"), with its
Wilson 95 % interval: the thresholds whose share falls inside it flag about as many comments
as a person would. Writes ``benchmarks/results/threshold-sensitivity-collegerant.json`` and
prints a table.

Run::

    PYTHONPATH=. python benchmarks/threshold_sensitivity.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl

import dynamics as dyn
from dynamics.uncertainty import threshold_sensitivity

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
RESULTS = HERE / "results"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (95 % by default).

    >>> [round(x, 4) for x in wilson(11, 300)]
    [0.0206, 0.0645]
    """
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def labelled_rate() -> dict:
    """The share of toxic comments in the labels' random stratum (dev and test)."""
    sys.path.insert(0, str(HERE / "labels"))
    from load_labels import load_labelled

    random = pl.concat([load_labelled(s) for s in ("dev", "test")]).filter(
        pl.col("stratum") == "random"
    )
    k, n = int(random["label"].sum()), random.height
    low, high = wilson(k, n)
    return {"n": n, "toxic": k, "share": k / n, "wilson95": [low, high]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(args.data / "reddit-college" / "CollegeRant-pushshift.ndjson").annotate()
    rate = labelled_rate()
    low, high = rate["wilson95"]
    rows = []
    header = "".join(f"{t:>11g}" for t in THRESHOLDS)
    print(f"{'measure':40s} {'default':>11s}{header}")
    for spec in dyn.measures():
        if not {"signal", "threshold"} <= set(spec.params):
            continue
        r = threshold_sensitivity(d, spec.key, thresholds=THRESHOLDS, seed=0)
        if not rows:
            shares = "".join(f"{100 * f:>10.1f}%" for f in r.flagged)
            print(f"{'share of comments flagged':40s} {'':>11s}{shares}")
        values = "".join(f"{v:>11.4g}" for v in r.values)
        print(f"{spec.key:40s} {r.observed:>11.4g}{values}")
        rows.append(r.to_dict())
    flagged = np.array(rows[0]["flagged"])
    plausible = [t for t, f in zip(THRESHOLDS, flagged, strict=True) if low <= f <= high]
    print(
        f"\nlabelled random sample: {rate['toxic']} of {rate['n']} toxic "
        f"({100 * rate['share']:.1f} %, Wilson 95 % {100 * low:.1f}-{100 * high:.1f} %); "
        f"thresholds flagging a share inside it: {plausible}"
    )
    RESULTS.mkdir(exist_ok=True)
    out = {
        "data": "r/CollegeRant (../shared/data/reddit-college/CollegeRant-pushshift.ndjson), "
        "default scorers",
        "labelled_random_sample": rate,
        "plausible_thresholds": plausible,
        "measures": rows,
    }
    path = RESULTS / "threshold-sensitivity-collegerant.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
