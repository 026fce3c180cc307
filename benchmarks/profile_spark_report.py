"""Where the distributed report's driver memory goes, step by step.

Runs :func:`dynamics.report.on_spark.collect` (what ``dynamics analyze --engine spark
--distributed`` computes) on a dataset written by ``dynamics ingest``, samples the driver's
resident memory every 0.1 s, and prints for each step it announces (scoring, sides, each
measure) the memory when it started and the peak while it ran. ``bench_spark_report.py``
builds datasets of synthetic comments (``benchmarks/_data/spark/n<N>/dataset``).

Run::

    python benchmarks/profile_spark_report.py benchmarks/_data/spark/n1000000/dataset
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import _rss_mb  # the resident memory now, in MB


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--n-null", type=int, default=10)
    parser.add_argument("--n-boot", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    from dynamics import spark as dsp
    from dynamics.report.collect import Settings
    from dynamics.report.on_spark import collect

    spark = dsp.get_session(
        "local[2]",
        driver_memory="2g",
        config={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"},
    )
    spark.sparkContext.setLogLevel("ERROR")
    steps: list[list] = []  # [name, started, rss at start, peak while running]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            if steps:
                steps[-1][3] = max(steps[-1][3], _rss_mb())
            stop.wait(0.1)

    def step(name: str) -> None:
        now = _rss_mb()
        steps.append([name, time.perf_counter(), now, now])

    threading.Thread(target=sample, daemon=True).start()
    step("open")
    ds = dsp.open(args.dataset, spark=spark)
    collect(ds, Settings(n_null=args.n_null, n_boot=args.n_boot), on_step=step)
    step("end")
    stop.set()
    t0 = steps[0][1]
    print(f"{'seconds':>8} {'MB at start':>11} {'peak MB':>8}  step")
    for name, started, at_start, peak in steps:
        print(f"{started - t0:8.1f} {at_start:11.0f} {peak:8.0f}  {name}")
    print(f"peak of the driver: {max(s[3] for s in steps):.0f} MB")


if __name__ == "__main__":
    main()
