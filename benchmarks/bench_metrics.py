"""Benchmark: every metric family at the sizes of the speed targets, with networkx baselines.

Three workloads, each built once and seeded:

- **structure**: the 1M-comment synthetic discussion of ``benchmarks/synthetic.py``;
- **graph measures** (sides, polarization, echo chambers): a 100k-node, ~1M-edge user graph
  (Barabasi-Albert, m = 10, random halves as sides, random leanings on a 0.01 grid, edge
  signs, toxicities and counts);
- **escalation**: the 1M-comment discussion with a seeded beta(0.5, 2) toxicity column.

Each measure runs without null models or bootstraps (one contagion row adds its
permutation null and bootstrap, as a user would run it). Where networkx has the same quantity
(modularity, assortativity, reciprocity), its time on the same graph is the baseline and the
table shows our time as a ratio of it (networkx runs on a ``networkx.Graph`` built beforehand,
so the ratio compares the computations only). Run on 2 cores::

    POLARS_MAX_THREADS=2 taskset -c 0,1 python benchmarks/bench_metrics.py

Results go to ``benchmarks/results/metrics.json``. The targets (issues 4 and 5): every
structure, polarization and echo-chamber measure under 30 s; contagion + episodes on 1M scored
comments under 30 s together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dynamics as dyn
from dynamics._kernel import Measure, measures
from dynamics.model.discussion import Discussion


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = call()
    return out, time.perf_counter() - t0


def _value(result: Any) -> float | None:
    value = getattr(result, "value", None)
    return None if value is None else float(value)


def _quick(spec: Measure) -> dict[str, Any]:
    """No null model and no bootstrap: the point estimate's own cost."""
    quick = {"n_boot": 0, "null": None}
    return {k: v for k, v in quick.items() if k in spec.takes}


def structure_rows(d: Discussion) -> list[dict[str, Any]]:
    s = dyn.structure
    rows = []
    for spec in measures("structure"):
        r, sec = _timed(partial(spec.func, d, **_quick(spec)))
        rows.append(
            {"family": "structure", "measure": spec.name, "seconds": sec, "value": _value(r)}
        )
    graph = d.user_graph(backend="igraph")
    G = nx.DiGraph(graph.get_edgelist())
    _, base = _timed(lambda: nx.overall_reciprocity(G))
    _, ours = _timed(lambda: s.reciprocity(graph))
    rows.append(
        {
            "family": "structure",
            "measure": "reciprocity (graph given)",
            "seconds": ours,
            "baseline": "networkx.overall_reciprocity",
            "baseline_seconds": base,
        }
    )
    return rows


def synthetic_graph(n: int, m: int, seed: int) -> tuple[ig.Graph, dict, dict]:
    gen = np.random.default_rng(seed)
    g = ig.Graph.Barabasi(n, m, directed=False)
    g.vs["name"] = [f"u{i}" for i in range(n)]
    g.es["sign"] = gen.choice([-1, 1], size=g.ecount(), p=[0.3, 0.7]).tolist()
    g.es["mean_toxicity"] = gen.random(g.ecount()).tolist()
    g.es["count"] = gen.integers(1, 5, g.ecount()).tolist()
    side = gen.integers(0, 2, n)
    sides = {f"u{i}": "A" if s == 0 else "B" for i, s in enumerate(side)}
    # leanings on a 0.01 grid: networkx's numeric assortativity builds a matrix over the
    # distinct values, which 100k continuous values would make 75 GB
    leaning = {f"u{i}": round(float(x), 2) for i, x in enumerate(gen.uniform(-1, 1, n))}
    return g, sides, leaning


def graph_rows(g: ig.Graph, sides: dict, leaning: dict, seed: int) -> list[dict[str, Any]]:
    pol = dyn.polarization
    calls: dict[str, tuple[str, Callable[[], Any]]] = {
        "sides (leiden)": ("sides", lambda: pol.sides(g, method="leiden", seed=seed)),
        "sides (multilevel)": ("sides", lambda: pol.sides(g, method="multilevel", seed=seed)),
        "sides (signed)": ("sides", lambda: pol.sides(g, method="signed", seed=seed)),
        "sides (propagation)": (
            "sides",
            lambda: pol.sides(g, method="propagation", seeds={"u0": "A", "u1": "B"}),
        ),
    }
    for spec in [*measures("polarization"), *measures("echo_chambers")]:
        # the sides or the leaning, whichever the measure names first (its main input)
        given = next(p for p in spec.params if p in {"sides", "leaning"})
        kwargs = {given: sides if given == "sides" else leaning, **_quick(spec)}
        if "seed" in spec.takes:
            kwargs["seed"] = seed
        calls[spec.name] = (spec.family, partial(spec.func, g, **kwargs))
    rows = []
    for name, (family, call) in calls.items():
        r, sec = _timed(call)
        rows.append({"family": family, "measure": name, "seconds": sec, "value": _value(r)})
    G = nx.Graph(g.get_edgelist())
    names = g.vs["name"]
    left = {i for i, name in enumerate(names) if sides[name] == "A"}
    right = set(range(g.vcount())) - left
    nx.set_node_attributes(G, {i: leaning[names[i]] for i in range(g.vcount())}, "leaning")
    baselines = {
        "modularity": (
            "networkx.community.modularity",
            lambda: nx.community.modularity(G, [left, right]),
        ),
        "assortativity": (
            "networkx.numeric_assortativity_coefficient",
            lambda: nx.numeric_assortativity_coefficient(G, "leaning"),
        ),
    }
    for row in rows:
        if row["measure"] in baselines:
            label, call = baselines[row["measure"]]
            _, base = _timed(call)
            row.update(baseline=label, baseline_seconds=base)
    return rows


def escalation_rows(d: Discussion, seed: int) -> list[dict[str, Any]]:
    gen = np.random.default_rng(seed)
    scored = Discussion(
        d.comments.with_columns(pl.Series("toxicity", gen.beta(0.5, 2.0, len(d)))), d.report
    )
    calls: dict[str, Callable[[], Any]] = {
        spec.name: partial(spec.func, scored, **_quick(spec)) for spec in measures("escalation")
    }
    calls["contagion (n_null=200, n_boot=200)"] = partial(
        dyn.escalation.contagion, scored, n_null=200, n_boot=200, seed=seed
    )
    rows = []
    for name, call in calls.items():
        r, sec = _timed(call)
        rows.append({"family": "escalation", "measure": name, "seconds": sec, "value": _value(r)})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--families", default="structure,graph,escalation")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "metrics.json")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", dyn.DataQualityWarning)
    from synthetic import ensure_files

    families = set(args.families.split(","))
    rows: list[dict[str, Any]] = []
    if families & {"structure", "escalation"}:
        _, parquet = ensure_files(args.comments, seed=args.seed)
        d = dyn.load(parquet)
        if "structure" in families:
            rows += structure_rows(d)
        if "escalation" in families:
            rows += escalation_rows(d, args.seed)
    if "graph" in families:
        g, sides, leaning = synthetic_graph(args.nodes, 10, args.seed)
        rows += graph_rows(g, sides, leaning, args.seed)
    table = pl.DataFrame(rows).with_columns(
        (pl.col("seconds") / pl.col("baseline_seconds")).alias("x_baseline")
        if "baseline_seconds" in pl.DataFrame(rows).columns
        else pl.lit(None).alias("x_baseline")
    )
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=160, float_precision=3):
        print(table.drop("value", strict=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "comments": args.comments,
        "nodes": args.nodes,
        "seed": args.seed,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "igraph": ig.__version__,
        "networkx": nx.__version__,
    }
    args.out.write_text(json.dumps({"machine": meta, "results": table.to_dicts()}, indent=1))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
