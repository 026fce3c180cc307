"""How far the signal-based measures move on r/CollegeRant when the text signals are uncertain.

Every measure that reads the stance or toxicity scores (``dyn.measures()`` with the need
``"signed"`` or ``"signal"``) is computed on the scores as they are (the report's value) and on
``--draws`` label sets drawn from them (:func:`dynamics.uncertainty.signal_uncertainty`): the
signed measures over stance and toxicity draws (the signed graph reads both: a hostile reply is
a negative edge), the others over toxicity draws. Measures with an ``edges`` parameter are
also run on the agreement edges (``edges="agreement"``), which rest on the stance. Sides: the
report's default (two largest Leiden communities, seed 0). Writes
``benchmarks/results/signal-uncertainty-collegerant.json`` and prints a table.

Run::

    PYTHONPATH=. python benchmarks/signal_uncertainty.py [--draws 100] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import dynamics as dyn
from dynamics.uncertainty import signal_uncertainty

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        d = dyn.load(args.data / "reddit-college" / "CollegeRant-pushshift.ndjson").annotate()
    sides = dyn.polarization.sides(d, method="leiden", n_sides=2, seed=0)
    rows = []
    print(f"{'measure':52s} {'observed':>9s} {'draws mean':>10s} {'95% of draws':>20s} {'sd':>7s}")
    for key, kwargs, signals in runs(d, sides):
        started = time.perf_counter()
        r = signal_uncertainty(d, key, signals=signals, n_draws=args.draws, seed=0, **kwargs)
        seconds = time.perf_counter() - started
        label = key + (f" (edges={kwargs['edges']})" if "edges" in kwargs else "")
        span = "n/a" if r.interval is None else "[{:.3f}, {:.3f}]".format(*r.interval)
        print(f"{label:52s} {r.observed:9.3f} {r.mean:10.3f} {span:>20s} {r.sd:7.3f}")
        entry = r.to_dict()
        entry.pop("draws")
        entry["params"] = {k: v for k, v in entry["params"].items() if k != "sides"}
        entry["edges"] = kwargs.get("edges", "all")
        rows.append({**entry, "seconds": round(seconds, 2)})
    out = {
        "what": "signal-based measures on r/CollegeRant: on the scores, and over label sets "
        "drawn from them (dynamics.uncertainty.signal_uncertainty)",
        "data": "reddit-college/CollegeRant-pushshift.ndjson (22,825 comments)",
        "sides": "two largest Leiden communities, seed 0",
        "scorers": {c: dyn.text.describe(c) for c in ("toxicity", "stance")},
        "draws": args.draws,
        "measures": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "signal-uncertainty-collegerant.json"
    path.write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
