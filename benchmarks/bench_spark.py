"""Spark ``local[2]`` against the in-memory path on synthetic monthly ``.zst`` dumps.

For each size the synthetic generator (``benchmarks/synthetic.py``, seeded) writes the comments
as monthly Pushshift-layout dumps compressed with zstd's 2 GiB window (``--long=31``, as the
real dumps), plus the same data as one ``.zst`` for the in-memory path. Each path then runs in
its own child process, in the same run:

* **memory**: ``dyn.load(whole.zst)`` + ``user_edges()``; wall time and peak RSS (VmHWM) of
  the child;
* **spark**: ``dynamics.spark.ingest(months/)`` + ``open(...).user_edges()`` on ``local[2]``
  (driver memory 2 GB); wall time per stage, peak RSS of the Python driver, and peak RSS of the
  JVM (in local mode the JVM is the driver *and* the executors: it bounds executor memory).

Both must find the same number of user edges (checked). The summary states the crossover
(where the in-memory peak would pass a RAM budget, from a linear fit of measured peaks; on two
cores Spark is slower at every size, it pays off on clusters) and a **projection** to 1B
comments on a cluster from the measured per-core throughput, which is a projection, not a
measurement.

Run::

    python benchmarks/bench_spark.py --sizes 1000000 5000000 20000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def write_months(n: int, out: Path, seed: int = 0, span_days: float = 90.0) -> tuple[Path, Path]:
    """Monthly ``RC_YYYY-MM.ndjson.zst`` dumps and one ``all.ndjson.zst`` with the same lines."""
    import polars as pl
    import zstandard

    sys.path.insert(0, str(HERE))
    import synthetic

    months, whole = out / "months", out / "all.ndjson.zst"
    if whole.exists() and months.is_dir():
        return months, whole
    data = synthetic.generate(n, seed=seed, span_days=span_days)
    ndjson, _ = synthetic.write(data, out / "raw")
    lines = ndjson.read_bytes().rstrip(b"\n").split(b"\n")
    stamps = pl.Series([json.loads(line)["created_utc"] for line in lines])
    month = pl.from_epoch(stamps, time_unit="s").dt.strftime("%Y-%m").to_list()
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31, enable_ldm=True)
    months.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[bytes]] = {}
    for key, line in zip(month, lines, strict=True):
        groups.setdefault(key, []).append(line)
    for key, group in groups.items():
        _zst(months / f"RC_{key}.ndjson.zst", group, params)
    _zst(whole, [line for key in sorted(groups) for line in groups[key]], params)
    for f in (out / "raw").iterdir():
        f.unlink()
    return months, whole


def _zst(path: Path, lines: list[bytes], params) -> None:
    import zstandard

    with (
        path.open("wb") as fh,
        zstandard.ZstdCompressor(compression_params=params).stream_writer(fh) as w,
    ):
        for line in lines:
            w.write(line + b"\n")


def _rss_tree_mb(root: int) -> float:
    """Resident memory of the processes below ``root`` (not ``root`` itself), in MB."""
    children: dict[int, list[int]] = {}
    for entry in (p.name for p in Path("/proc").iterdir()):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_memory(path: Path) -> dict:
    import dynamics as dyn

    t0 = time.perf_counter()
    d = dyn.load(path)
    edges = d.user_edges()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak_rss_mb": _peak_mb(),
        "n_comments": d.report.n_comments,
        "n_edges": edges.height,
    }


def child_spark(months: Path, dataset: Path) -> dict:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from dynamics import spark as dsp

    peak = {"jvm": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak["jvm"] = max(peak["jvm"], _rss_tree_mb(os.getpid()))
            stop.wait(0.5)

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    spark = dsp.get_session(
        "local[2]",
        driver_memory="2g",
        config={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"},
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    report = dsp.ingest(months, dataset, spark=spark, overwrite=True, progress=True)
    ingested = time.perf_counter()
    edges = dsp.open(dataset, spark=spark).user_edges()
    done = time.perf_counter()
    stop.set()
    spark.stop()
    return {
        "seconds": done - started,
        "session_start_s": started - t0,
        "ingest_s": ingested - started,
        "edges_s": done - ingested,
        "driver_python_peak_rss_mb": _peak_mb(),
        "jvm_peak_rss_mb": peak["jvm"],
        "n_comments": report.n_comments,
        "n_edges": edges.height,
    }


def _run_child(args: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000, 20_000_000])
    parser.add_argument("--data", type=Path, default=HERE / "_data" / "spark")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "spark.json")
    parser.add_argument("--ram-gb", type=float, default=24.0, help="RAM budget for the crossover")
    parser.add_argument("--cluster-cores", type=int, default=256, help="cores for the projection")
    parser.add_argument("--child", choices=["memory", "spark"])
    parser.add_argument("--input", type=Path)
    parser.add_argument("--dataset", type=Path)
    args = parser.parse_args(argv)
    if args.child == "memory":
        print(json.dumps(child_memory(args.input)))
        return
    if args.child == "spark":
        print(json.dumps(child_spark(args.input, args.dataset)))
        return
    rows = []
    for n in args.sizes:
        work = args.data / f"n{n}"
        t = time.perf_counter()
        months, whole = write_months(n, work)
        print(f"{n:,}: data ready in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        memory = _run_child(["--child", "memory", "--input", str(whole)])
        print(f"{n:,}: memory {memory}", file=sys.stderr)
        spark = _run_child(
            ["--child", "spark", "--input", str(months), "--dataset", str(work / "dataset")]
        )
        print(f"{n:,}: spark {spark}", file=sys.stderr)
        rows.append(
            {
                "n_comments": n,
                "memory": memory,
                "spark": spark,
                "same_edges": memory["n_edges"] == spark["n_edges"],
            }
        )
    summary = _summary(rows, ram_gb=args.ram_gb, cores=args.cluster_cores)
    result = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores (shared), Spark local[2], driver memory 2g",
        "rows": rows,
        "summary": summary,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2))
    print(json.dumps(summary, indent=2))


def _summary(rows: list[dict], *, ram_gb: float, cores: int) -> dict:
    """Crossover from a linear fit of the in-memory peak; throughput projection to 1B."""
    out: dict = {}
    if len(rows) >= 2:
        (n0, m0), (n1, m1) = (
            (r["n_comments"], r["memory"]["peak_rss_mb"]) for r in (rows[0], rows[-1])
        )
        slope = (m1 - m0) / (n1 - n0)
        out["memory_mb_per_million_comments"] = slope * 1e6
        out["memory_path_exceeds_ram_at_comments"] = int((ram_gb * 1024 - m0) / slope + n0)
    faster = [r["n_comments"] for r in rows if r["spark"]["seconds"] < r["memory"]["seconds"]]
    out["spark_faster_from_comments"] = faster[0] if faster else None
    best = max(rows, key=lambda r: r["n_comments"])
    per_core = best["n_comments"] / best["spark"]["seconds"] / 2
    out["spark_comments_per_core_second"] = per_core
    out["PROJECTION_1B_comments_hours"] = {
        "cores": cores,
        "hours": 1e9 / (per_core * cores) / 3600,
        "note": "projection from local[2] per-core throughput x cores; not measured",
    }
    return out


if __name__ == "__main__":
    main()
