"""Where ``dynamics.load`` + ``user_graph`` spend time and memory, stage by stage.

Two views of the same work on the synthetic NDJSON (or any file given with ``--path``):

- ``stages`` (default): runs the steps of :func:`dynamics.load` one by one (reader, finalize,
  checks, report, Discussion, nodes, edges, graph) and prints each stage's wall time, the
  resident memory after it and the peak during it (Linux: the peak is reset before each stage
  by writing 5 to ``/proc/self/clear_refs``). The steps mirror ``dynamics.io._assemble``; if
  that changes, update ``_stages`` here.
- ``cprofile``: profiles the real ``dynamics.load(path).user_graph(backend=...)`` call and
  prints the functions with the most cumulative and own time (polars and igraph work shows up
  as the Python call that started it).

Run::

    python benchmarks/profile_load.py --comments 1000000
    python benchmarks/profile_load.py --comments 1000000 --mode cprofile --top 30
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _status(key: str) -> float:
    with Path("/proc/self/status").open() as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _stage(rows: list[dict[str, Any]], name: str, fn: Callable[..., Any], *args: Any) -> Any:
    _reset_peak()
    t0 = time.perf_counter()
    out = fn(*args)
    rows.append(
        {
            "stage": name,
            "seconds": time.perf_counter() - t0,
            "rss_mb": _status("VmRSS"),
            "peak_mb": _status("VmHWM"),
        }
    )
    return out


def _stages(path: Path, backend: str) -> list[dict[str, Any]]:
    import polars as pl

    from dynamics.io import detect, get_reader
    from dynamics.io._base import finalize_comments, finalize_threads
    from dynamics.model.checks import check_comments, report_from
    from dynamics.model.discussion import Discussion
    from dynamics.model.graph import code_reply_rows, reply_rows_query, to_igraph, to_networkx

    rows: list[dict[str, Any]] = [
        {"stage": "imports", "seconds": 0.0, "rss_mb": _status("VmRSS"), "peak_mb": 0.0}
    ]
    fmt = detect(path)
    result = _stage(rows, f"read ({fmt} reader)", get_reader(fmt).read, path)
    problems = result.problems
    final = _stage(
        rows,
        "finalize_comments",
        partial(finalize_comments, source=result.format, problems=problems),
        result.comments,
    )
    # like load(), keep `result` (and the reader's frame) alive until the Discussion exists
    checked = _stage(
        rows, "check_comments", partial(check_comments, parent_fields=True), final, problems
    )
    del final
    threads = _stage(
        rows, "finalize_threads", partial(finalize_threads, source=result.format), result.threads
    )
    report = _stage(
        rows,
        "report_from",
        partial(report_from, path=path, fmt=result.format, n_records=result.n_records),
        checked,
        problems,
    )
    disc = _stage(rows, "Discussion()", Discussion, checked, report, threads)
    del checked
    # as Discussion.user_graph does: the node table and the reply rows (one collect_all),
    # the edges by rank, then the graph
    query, aggs = reply_rows_query(disc.comments)
    nodes, replies = _stage(
        rows, "user_nodes + reply rows", pl.collect_all, [disc._user_nodes_query("exclude"), query]
    )
    edges, ends = _stage(
        rows, "code_reply_rows", code_reply_rows, replies, aggs, nodes.get_column("author")
    )
    del replies
    if backend == "igraph":
        _stage(rows, "to_igraph", partial(to_igraph, ends=ends), edges, nodes)
    else:
        _stage(rows, "to_networkx", to_networkx, edges, nodes)
    return rows


def _cprofile(path: Path, backend: str, top: int) -> None:
    import dynamics

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    d = dynamics.load(path)
    d.user_graph(backend=backend)
    prof.disable()
    print(f"load + user_graph({backend!r}): {time.perf_counter() - t0:.2f} s under cProfile")
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _synthetic_file(n: int, data: Path, seed: int, *, parquet: bool) -> Path:
    """Generate (or reuse) the synthetic files in a child process, so this one stays clean."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from synthetic import ensure_files; "
        "print(*ensure_files(int(sys.argv[2]), __import__('pathlib').Path(sys.argv[3]), "
        "seed=int(sys.argv[4])), sep='\\n')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE), str(n), str(data), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return Path(out[1] if parquet else out[0])


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE / "_data")
    ap.add_argument("--path", type=Path, help="profile this file instead of the synthetic one")
    ap.add_argument("--parquet", action="store_true", help="use the synthetic Parquet file")
    ap.add_argument("--backend", choices=("igraph", "networkx"), default="igraph")
    ap.add_argument("--mode", choices=("stages", "cprofile"), default="stages")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args(argv)
    path = args.path
    if path is None:
        path = _synthetic_file(args.comments, args.data, args.seed, parquet=args.parquet)
    warnings.simplefilter("ignore")  # DataQualityWarning on synthetic deleted authors
    if args.mode == "cprofile":
        _cprofile(path, args.backend, args.top)
        return
    rows = _stages(path, args.backend)
    total = sum(r["seconds"] for r in rows)
    print(f"{path.name}: {total:.2f} s in all")
    print(f"{'stage':<30}{'seconds':>9}{'share':>7}{'RSS MB':>9}{'peak MB':>9}")
    for r in rows:
        share = r["seconds"] / total if total else 0.0
        print(
            f"{r['stage']:<30}{r['seconds']:>9.2f}{share:>7.0%}{r['rss_mb']:>9.0f}{r['peak_mb']:>9.0f}"
        )


if __name__ == "__main__":
    main()
