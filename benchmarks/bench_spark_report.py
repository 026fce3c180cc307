"""The report on Spark: pulled to the driver against computed from distributed pieces.

For each size the synthetic generator writes monthly ``.zst`` dumps (as ``bench_spark.py``),
``dynamics.spark.ingest`` turns them into a dataset once, and three child processes write the
same report (``dynamics.report.analyze``, same settings, in the same run):

* **memory**: ``dyn.load(all.ndjson.zst)`` then ``analyze(discussion)``;
* **pulled**: ``analyze(dsp.open(dataset).to_discussion())`` (``analyze --engine spark``);
* **distributed**: ``analyze(dsp.open(dataset))`` (``analyze --engine spark --distributed``).

Each starts with an empty score cache (``XDG_CACHE_HOME``), and reports wall time, the peak RSS of its Python process (the driver) and, for the Spark
ones, the peak RSS of the JVM (driver and executors in local mode). The metrics the
distributed report computes are compared with the in-memory report's values (the count of
equal values to 1e-9 is printed); the parts it does not distribute are listed in
:mod:`dynamics.report.on_spark`.

Run::

    python benchmarks/bench_spark_report.py --sizes 200000 1000000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _bench_spark():
    spec = importlib.util.spec_from_file_location("bench_spark", HERE / "bench_spark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _session(jvm_peak: dict):
    """``local[2]`` Spark (driver memory 2g) and a sampler of the JVM's resident memory."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from dynamics import spark as dsp

    bench = _bench_spark()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            jvm_peak["mb"] = max(jvm_peak.get("mb", 0.0), bench._rss_tree_mb(os.getpid()))
            stop.wait(0.5)

    threading.Thread(target=sample, daemon=True).start()
    spark = dsp.get_session(
        "local[2]",
        driver_memory="2g",
        config={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"},
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark, stop


def child(mode: str, source: Path, out: Path, settings: dict) -> dict:
    import dynamics as dyn

    bench = _bench_spark()
    jvm: dict = {}
    stop = None
    t0 = time.perf_counter()
    if mode == "memory":
        target = dyn.load(source)
    else:
        from dynamics import spark as dsp

        spark, stop = _session(jvm)
        if mode == "ingest":
            report = dsp.ingest(source, out, spark=spark, overwrite=True, progress=False)
            stop.set()
            return {"seconds": time.perf_counter() - t0, "n_comments": report.n_comments}
        target = dsp.open(source, spark=spark)
        if mode == "pulled":
            target = target.to_discussion()
    dyn.report.analyze(target, out, overwrite=True, progress=False, **settings)
    seconds = time.perf_counter() - t0
    if stop is not None:
        stop.set()
    return {
        "seconds": seconds,
        "driver_python_peak_rss_mb": bench._peak_mb(),
        "jvm_peak_rss_mb": jvm.get("mb"),
    }


def _agreement(memory: Path, distributed: Path) -> dict:
    """How many metrics both reports computed, and how many of their values agree."""
    a = json.loads((memory / "results.json").read_text())["metrics"]
    b = json.loads((distributed / "results.json").read_text())["metrics"]
    both = equal = 0
    for x, y in zip(a, b, strict=True):
        if x["status"] == y["status"] == "ok":
            both += 1
            u, v = x["result"]["value"], y["result"]["value"]
            same = (u is None and v is None) or (
                u is not None and v is not None and math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-12)
            )
            equal += same
    return {"computed_by_both": both, "equal_values": equal, "metrics": len(a)}


def _run(n: int, mode: str, source: Path, out: Path, settings: dict) -> dict:
    """One child run, printed as it ends."""
    args = ["--child", mode, "--source", str(source), "--out", str(out)]
    row = _spawn([*args, "--settings", json.dumps(settings)])
    print(f"{n:,} {mode}: {row}", file=sys.stderr)
    return row


def _spawn(args: list[str]) -> dict:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as cache:  # a cold score cache for every run
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": cache}
        out = subprocess.run(
            [sys.executable, __file__, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--n-null", type=int, default=10)
    parser.add_argument("--n-boot", type=int, default=10)
    parser.add_argument("--no-annotate", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "_data" / "spark")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "spark_report.json")
    parser.add_argument("--child", choices=["memory", "ingest", "pulled", "distributed"])
    parser.add_argument("--source", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--settings", type=str, default="{}")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.source, args.out, json.loads(args.settings))))
        return
    settings = {"n_null": args.n_null, "n_boot": args.n_boot, "annotate": not args.no_annotate}
    rows = []
    for n in args.sizes:
        work = args.data / f"n{n}"
        months, whole = _bench_spark().write_months(n, work)
        dataset = work / "dataset"

        row: dict = {"n_comments": n, "ingest": _run(n, "ingest", months, dataset, settings)}
        for mode in ("memory", "pulled", "distributed"):
            source = whole if mode == "memory" else dataset
            row[mode] = _run(n, mode, source, work / f"report-{mode}", settings)
        row["agreement"] = _agreement(work / "report-memory", work / "report-distributed")
        print(f"{n:,} agreement: {row['agreement']}", file=sys.stderr)
        rows.append(row)
    result = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores (shared), Spark local[2], driver memory 2g",
        "settings": settings,
        "rows": rows,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
