"""Benchmark: the cost of the null that re-finds the sides, per measure, on r/CollegeRant.

On the user graph of ``../shared/data/reddit-college/CollegeRant-pushshift.ndjson`` (default
Leiden sides, seed 0) it times, for every registered measure that takes sides and has the
re-inferring null (``dynamics._kernel.measures``):

- the point estimate alone (no null, no bootstrap);
- with 200 label shuffles (``null="label-shuffle"``);
- with the re-inferring null (``n_null=200``, chosen by the sides: ``"rewire-refit"``), the
  null samples (rewired graph + sides found again) already drawn, as every measure after the
  first finds them (the first, RWC, draws them for the others: its time includes the drawing);

and, once, drawing the 200 null samples (``dynamics._refit_null.null_samples``), with one
worker and with ``--n-jobs`` workers. With ``--analyze`` it also runs the whole report
(:func:`dynamics.report.collect.collect` with its defaults, as ``dynamics analyze`` does) and
records the seconds of every step. Run::

    PYTHONPATH=. python benchmarks/bench_null.py [--analyze] [--n-jobs 2]

Results go to ``benchmarks/results/null-collegerant.json``. The machine is shared: the load
average at the start and the end is recorded with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Any

import dynamics as dyn
from dynamics._kernel import Measure, measures
from dynamics._refit_null import null_samples
from dynamics._validation import as_igraph
from dynamics.polarization._sides import refit_sides

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reddit-college"
INPUT = DATA / "CollegeRant-pushshift.ndjson"
OUT = Path(__file__).resolve().parent / "results" / "null-collegerant.json"


def side_measures() -> list[Measure]:
    """Every registered measure that takes sides and has the re-inferring null."""
    return [m for m in measures() if "sides" in m.needs and "rewire-refit" in m.nulls]


def _timed(f: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = f()
    return out, round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-null", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--analyze", action="store_true", help="also time the whole report")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    record: dict[str, Any] = {
        "input": INPUT.name,
        "n_null": args.n_null,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_average_start": os.getloadavg(),
    }
    d, record["load_s"] = _timed(lambda: dyn.load(INPUT))
    g = as_igraph(d, func="bench")
    record["users"], record["user_edges"] = g.vcount(), g.ecount()
    sides, record["sides_s"] = _timed(lambda: dyn.polarization.sides(d, seed=0))
    record["side_sizes"] = {str(k): v for k, v in sides.sizes.items()}
    find = partial(refit_sides, sides)
    _, record["null_samples_1_worker_s"] = _timed(
        lambda: null_samples(g, find, n_null=args.n_null, n_jobs=1)
    )
    _, record[f"null_samples_{args.n_jobs}_workers_s"] = _timed(
        lambda: null_samples(g, find, n_null=args.n_null, n_jobs=args.n_jobs)
    )
    rows = []
    for spec in side_measures():
        family, name, f = spec.family, spec.name, spec.func
        point, t_point = _timed(lambda f=f: f(d, sides=sides))
        _, t_shuffle = _timed(
            lambda f=f: f(d, sides=sides, null="label-shuffle", n_null=args.n_null)
        )
        refit, t_refit = _timed(lambda f=f: f(d, sides=sides, n_null=args.n_null))
        rows.append(
            {
                "measure": f"{family}.{name}",
                "point_s": t_point,
                "label_shuffle_s": t_shuffle,
                "rewire_refit_s": t_refit,
                "value": point.value,
                "null_mean": refit.null_mean,
                "excess": refit.excess,
                "p_value": refit.p_value,
            }
        )
        print(rows[-1], flush=True)
    record["measures"] = rows
    if args.analyze:
        from dynamics.report.collect import Settings, collect

        for jobs in (1, args.n_jobs):
            c, total = _timed(lambda jobs=jobs: collect(d, Settings(n_jobs=jobs)))
            record[f"analyze_{jobs}_workers"] = {
                "total_s": total,
                "sides_s": round(c.sides.seconds, 3),
                "metrics_s": {r.spec.key: round(r.seconds, 3) for r in c.runs},
            }
            print(jobs, total, flush=True)
    record["load_average_end"] = os.getloadavg()
    OUT.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in record.items() if k != "measures"}, indent=1))


if __name__ == "__main__":
    main()
