"""Benchmark: read N synthetic comments and build the user reply graph.

Each task runs in its own fresh Python process (pinned with ``taskset -c 0,1`` when the machine
has more than two cores, and with ``POLARS_MAX_THREADS=2``), so its peak memory
(``ru_maxrss`` of the child, imports included) and wall time are its own. Wall time covers the
work only, after the imports; the memory held after the imports is reported beside the peak.

Tasks:

- ``dynamics-ndjson-igraph``: ``dynamics.load(ndjson)`` + ``user_graph(backend="igraph")``
- ``dynamics-parquet-igraph``: the same from the Parquet file (generic tables reader)
- ``dynamics-ndjson-networkx`` / ``dynamics-parquet-networkx``: with ``user_graph()`` (networkx)
- ``pandas-ndjson-networkx`` (baseline): ``pd.read_json(lines=True)`` + self-join on the parent
  id + ``networkx.DiGraph`` from the grouped edge list
- ``pandas-parquet-networkx`` (baseline): ``pd.read_parquet`` + the same
- ``polars-ndjson-read`` (reference): ``pl.read_ndjson`` alone, the parsing floor
- ``duckdb-ndjson-edges`` (floor, when ``duckdb`` is installed: ``pip install duckdb``): one
  DuckDB query from the NDJSON file to the weighted edge list (comments replying to comments,
  named authors, no self-replies, grouped by (author, parent author)); DuckDB's JSON reader
  uses every core it is given. ``dynamics`` does far more (every check, the report, the
  Discussion, an igraph graph with times on its edges), so this is the floor, not a rival;
  the table shows ``dynamics-ndjson-igraph`` against it (``x floor``).
- ``duckdb-ndjson-table-edges`` (a floor that keeps the texts, with ``duckdb``): DuckDB reads
  the comment columns a Discussion holds (ids, parent, thread, author, body, time) into an
  Arrow table in Python, and the same edge list from that table; what any loader that keeps
  the texts must at least do. ``dynamics-ndjson-igraph`` is shown against it too.

The ``dynamics`` tasks run with the allocator options ``import dynamics`` gives polars
(:mod:`dynamics._allocator`; each row's ``allocator`` names them); ``_RJEM_MALLOC_CONF=``
(empty) measures them with polars' own.

Ratios divide by the baseline that reads the same file. Run::

    python benchmarks/bench_load.py --comments 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TASKS = (
    "dynamics-ndjson-igraph",
    "dynamics-parquet-igraph",
    "dynamics-ndjson-networkx",
    "dynamics-parquet-networkx",
    "pandas-ndjson-networkx",
    "pandas-parquet-networkx",
    "polars-ndjson-read",
    "duckdb-ndjson-edges",
    "duckdb-ndjson-table-edges",
)
FLOOR = {"task": "duckdb-ndjson-edges", "of": "dynamics-ndjson-igraph"}
#: The floor that reads the texts too (see the module docstring).
TEXT_FLOOR = {"task": "duckdb-ndjson-table-edges", "of": "dynamics-ndjson-igraph"}
BASELINE = {"ndjson": "pandas-ndjson-networkx", "parquet": "pandas-parquet-networkx"}
TARGET = {"task": "dynamics-ndjson-igraph", "seconds": 5.0, "peak_mb": 1024.0}


# --------------------------------------------------------------------------- child side


def _rss_mb() -> float:
    with Path("/proc/self/status").open() as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _dynamics(path: Path, backend: str) -> dict[str, object]:
    import warnings

    import dynamics

    import_mb = _rss_mb()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DataQualityWarning: deleted authors, self-replies
        d = dynamics.load(path)
    t1 = time.perf_counter()
    g = d.user_graph(backend=backend)
    t2 = time.perf_counter()
    if backend == "igraph":
        nodes, edges, weight = g.vcount(), g.ecount(), sum(g.es["count"])
    else:
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
        weight = sum(c for _, _, c in g.edges(data="count"))
    return {
        "seconds": t2 - t0,
        "load_s": t1 - t0,
        "graph_s": t2 - t1,
        "import_mb": import_mb,
        "comments": len(d),
        "nodes": nodes,
        "edges": edges,
        "replies": weight,
    }


def _pandas(path: Path, kind: str) -> dict[str, object]:
    import networkx as nx
    import pandas as pd

    import_mb = _rss_mb()
    t0 = time.perf_counter()
    if kind == "ndjson":
        df = pd.read_json(path, lines=True)
        df = df[df["parent_id"].notna()]  # comments only (submissions have no parent)
        df = df.rename(columns={"id": "comment_id"})
        df["parent_id"] = df["parent_id"].where(df["parent_id"].str.startswith("t1_")).str[3:]
    else:
        df = pd.read_parquet(path)
    t1 = time.perf_counter()
    named = df[df["author"].notna() & (df["author"] != "[deleted]")]
    pairs = named[["parent_id", "author"]].merge(
        named[["comment_id", "author"]],
        left_on="parent_id",
        right_on="comment_id",
        suffixes=("", "_parent"),
    )
    pairs = pairs[pairs["author"] != pairs["author_parent"]]
    edges = pairs.groupby(["author", "author_parent"]).size().reset_index(name="count")
    g = nx.from_pandas_edgelist(
        edges, "author", "author_parent", edge_attr="count", create_using=nx.DiGraph
    )
    t2 = time.perf_counter()
    return {
        "seconds": t2 - t0,
        "load_s": t1 - t0,
        "graph_s": t2 - t1,
        "import_mb": import_mb,
        "comments": len(df),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "replies": int(edges["count"].sum()),
    }


def _polars_read(path: Path) -> dict[str, object]:
    import polars as pl

    import_mb = _rss_mb()
    t0 = time.perf_counter()
    df = pl.read_ndjson(path, infer_schema_length=None)
    t1 = time.perf_counter()
    return {"seconds": t1 - t0, "load_s": t1 - t0, "import_mb": import_mb, "rows": df.height}


#: The weighted user edges of a relation of comments with ``id``, ``author`` and
#: ``parent_id`` (replies to comments, named authors, no self-replies), in DuckDB SQL.
_DUCKDB_EDGES = """
    WITH named AS (
        SELECT * FROM {comments} WHERE author IS NOT NULL AND author <> '[deleted]'
    )
    SELECT r.author AS source, p.author AS target, count(*) AS count
    FROM named r JOIN named p ON substr(r.parent_id, 4) = p.id
    WHERE r.parent_id LIKE 't1_%' AND r.author <> p.author
    GROUP BY 1, 2
"""


def _duckdb_connection() -> Any:
    import duckdb

    threads = int(os.environ.get("POLARS_MAX_THREADS", "0")) or os.cpu_count() or 1
    return duckdb.connect(config={"threads": threads})


def _edge_counts(edges: Any) -> dict[str, int]:
    """Nodes, edges and replies of a DuckDB edge table (Arrow), as the other tasks report."""
    authors = set(edges.column("source").to_pylist()) | set(edges.column("target").to_pylist())
    return {
        "nodes": len(authors),
        "edges": edges.num_rows,
        "replies": int(sum(edges.column("count").to_pylist())),
    }


def _duckdb_edges(path: Path) -> dict[str, object]:
    import_mb = _rss_mb()
    con = _duckdb_connection()
    t0 = time.perf_counter()
    comments = """(
        SELECT id, author, parent_id
        FROM read_json(?, format = 'newline_delimited',
                       columns = {id: 'VARCHAR', author: 'VARCHAR', parent_id: 'VARCHAR'})
        WHERE parent_id IS NOT NULL
    )"""
    sql = _DUCKDB_EDGES.format(comments=comments)
    edges = con.execute(sql, [str(path)]).to_arrow_table()
    t1 = time.perf_counter()
    return {"seconds": t1 - t0, "load_s": t1 - t0, "import_mb": import_mb, **_edge_counts(edges)}


def _duckdb_table_edges(path: Path) -> dict[str, object]:
    import_mb = _rss_mb()
    con = _duckdb_connection()
    t0 = time.perf_counter()
    con.execute(
        """
        CREATE TEMP TABLE c AS
        SELECT id, parent_id, link_id, author, body, created_utc
        FROM read_json(?, format = 'newline_delimited',
                       columns = {id: 'VARCHAR', parent_id: 'VARCHAR', link_id: 'VARCHAR',
                                  author: 'VARCHAR', body: 'VARCHAR', created_utc: 'BIGINT'})
        WHERE parent_id IS NOT NULL
        """,
        [str(path)],
    )
    table = con.execute("SELECT * FROM c").to_arrow_table()
    t1 = time.perf_counter()
    edges = con.execute(_DUCKDB_EDGES.format(comments="c")).to_arrow_table()
    t2 = time.perf_counter()
    return {
        "seconds": t2 - t0,
        "load_s": t1 - t0,
        "graph_s": t2 - t1,
        "import_mb": import_mb,
        "rows": table.num_rows,
        **_edge_counts(edges),
    }


def run_child(task: str, path: Path) -> dict[str, object]:
    """Run one task in this process; return its measurements (peak RSS at the end)."""
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if task.startswith("dynamics-"):
        out = _dynamics(path, task.rsplit("-", 1)[1])
    elif task.startswith("pandas-"):
        out = _pandas(path, task.split("-")[1])
    elif task == FLOOR["task"]:
        out = _duckdb_edges(path)
    elif task == TEXT_FLOOR["task"]:
        out = _duckdb_table_edges(path)
    else:
        out = _polars_read(path)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["start_mb"] = start_mb  # peak before any import: shows whether ru_maxrss was inherited
    out["allocator"] = os.environ.get("_RJEM_MALLOC_CONF")  # polars' jemalloc options
    return out


# --------------------------------------------------------------------------- parent side


def _spawn(task: str, path: Path, cores: str | None) -> dict[str, object]:
    """Run ``task`` in a fresh process and return its measurements.

    The child is started through ``/usr/bin/time`` (when present): a process forked straight
    from this one would inherit this process's peak RSS in ``ru_maxrss`` (Linux keeps the
    high-water mark of the memory image replaced by ``exec``), while ``time`` is small.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", task, "--path", str(path)]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        time_file = Path(tmp) / "time.txt"
        if Path("/usr/bin/time").exists():
            cmd = ["/usr/bin/time", "-f", "%M %e", "-o", str(time_file), *cmd]
        if cores:
            env["POLARS_MAX_THREADS"] = str(len(cores.split(",")))
            if shutil.which("taskset") and (os.cpu_count() or 1) > len(cores.split(",")):
                cmd = ["taskset", "-c", cores, *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            msg = f"task {task} failed:\n{proc.stderr[-3000:]}"
            raise RuntimeError(msg)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        if time_file.exists():
            max_kb, elapsed = time_file.read_text().split()[-2:]
            out["time_v_peak_mb"] = int(max_kb) / 1024
            out["process_s"] = float(elapsed)
    return out


def _file_of(task: str, ndjson: Path, parquet: Path) -> Path:
    return parquet if "-parquet-" in task else ndjson


def _summarise(task: str, runs: list[dict[str, object]]) -> dict[str, object]:
    secs = [float(r["seconds"]) for r in runs]
    first = runs[0]
    row: dict[str, object] = {
        "task": task,
        "seconds": min(secs),
        "seconds_median": statistics.median(secs),
        "peak_mb": max(float(r["peak_mb"]) for r in runs),
        "import_mb": float(first["import_mb"]),
        "runs": runs,
    }
    for key in ("load_s", "graph_s"):
        if key in first:
            row[key] = min(float(r[key]) for r in runs)
    for key in ("comments", "nodes", "edges", "replies", "rows"):
        if key in first:
            row[key] = first[key]
    return row


def _machine() -> dict[str, object]:
    import igraph
    import networkx
    import pandas
    import polars

    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.open() if ln.startswith("model name")),
            "",
        )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": model,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "pandas": pandas.__version__,
        "networkx": networkx.__version__,
        "igraph": igraph.__version__,
        "git_commit": commit,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=HERE / "_data", help="where the files live")
    ap.add_argument("--repeat", type=int, default=1, help="runs per task (min time is shown)")
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma-separated subset")
    ap.add_argument("--cores", default="0,1", help="CPU list for taskset ('' = no pinning)")
    ap.add_argument("--out", type=Path, default=None, help="JSON result (default results/)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.path)))
        return

    from synthetic import ensure_files

    tasks = [t for t in args.tasks.split(",") if t]
    for floor_task in (FLOOR["task"], TEXT_FLOOR["task"]):
        if floor_task in tasks and importlib.util.find_spec("duckdb") is None:
            print(f"duckdb is not installed: {floor_task} left out (pip install duckdb)")
            tasks.remove(floor_task)
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        ap.error(f"unknown tasks {unknown}; choose from {list(TASKS)}")
    t0 = time.perf_counter()
    ndjson, parquet = ensure_files(args.comments, args.data, seed=args.seed)
    print(f"data ready in {time.perf_counter() - t0:.1f} s: {ndjson.name}, {parquet.name}")
    rows = []
    for task in tasks:
        runs = [
            _spawn(task, _file_of(task, ndjson, parquet), args.cores) for _ in range(args.repeat)
        ]
        rows.append(_summarise(task, runs))
        print(f"  {task}: {rows[-1]['seconds']:.2f} s, {rows[-1]['peak_mb']:.0f} MB", flush=True)
    by_task = {r["task"]: r for r in rows}
    for row in rows:
        base = by_task.get(BASELINE["parquet" if "-parquet-" in row["task"] else "ndjson"])
        if base is not None:
            row["time_ratio"] = row["seconds"] / base["seconds"]
            row["memory_ratio"] = row["peak_mb"] / base["peak_mb"]
    for spec, key in ((FLOOR, "floor_ratio"), (TEXT_FLOOR, "text_floor_ratio")):
        floor, ours = by_task.get(spec["task"]), by_task.get(spec["of"])
        if floor is not None and ours is not None:
            ours[key] = ours["seconds"] / floor["seconds"]
    _check_agreement(by_task)
    _print_table(rows, args)
    result = {
        "benchmark": "load",
        "comments": args.comments,
        "seed": args.seed,
        "files": {
            "ndjson": {"name": ndjson.name, "mb": ndjson.stat().st_size / 1e6},
            "parquet": {"name": parquet.name, "mb": parquet.stat().st_size / 1e6},
        },
        "pinning": _pinning(args.cores),
        "repeat": args.repeat,
        "machine": _machine(),
        "target": TARGET,
        "results": rows,
    }
    out = args.out or HERE / "results" / f"load-{args.comments}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"written {out}")


def _pinning(cores: str) -> str:
    if not cores:
        return "none"
    if (os.cpu_count() or 1) <= len(cores.split(",")):
        return f"none needed: the machine has {os.cpu_count()} cores; POLARS_MAX_THREADS={cores.count(',') + 1}"
    return f"taskset -c {cores}; POLARS_MAX_THREADS={cores.count(',') + 1}"


def _check_agreement(by_task: dict[str, dict[str, object]]) -> None:
    """Every graph-building task must find the same reply edges; say so when they differ."""
    graphs = {t: r for t, r in by_task.items() if "edges" in r}
    seen = {(r["edges"], r["replies"]) for r in graphs.values()}
    if len(seen) > 1:
        detail = ", ".join(
            f"{t}: {r['edges']} edges/{r['replies']} replies" for t, r in graphs.items()
        )
        print(f"WARNING: the tasks disagree on the user graph: {detail}")


def _print_table(rows: list[dict[str, object]], args: argparse.Namespace) -> None:
    print(f"\n{args.comments:,} comments; {_pinning(args.cores)}; best of {args.repeat}")
    head = f"{'task':<28}{'seconds':>9}{'load s':>8}{'graph s':>9}{'peak MB':>9}"
    print(head + f"{'x time':>8}{'x mem':>7}{'edges':>10}")
    for r in rows:
        ratio = (
            f"{r['time_ratio']:>8.2f}{r['memory_ratio']:>7.2f}"
            if "time_ratio" in r
            else f"{'':>8}{'':>7}"
        )
        graph = f"{r['graph_s']:>9.2f}" if "graph_s" in r else f"{'':>9}"
        print(
            f"{r['task']:<28}{r['seconds']:>9.2f}{r['load_s']:>8.2f}{graph}{r['peak_mb']:>9.0f}"
            f"{ratio}{r.get('edges', ''):>10}"
        )
    target = next((r for r in rows if r["task"] == TARGET["task"]), None)
    if target is not None:
        ok = target["seconds"] < TARGET["seconds"] and target["peak_mb"] < TARGET["peak_mb"]
        print(
            f"target ({TARGET['task']} < {TARGET['seconds']:.0f} s and < {TARGET['peak_mb']:.0f} MB): "
            f"{'met' if ok else 'NOT met'}"
        )
    ours = next((r for r in rows if "floor_ratio" in r), None)
    if ours is not None:
        print(
            f"{ours['task']} / {FLOOR['task']} (the floor): {ours['floor_ratio']:.2f}x "
            "(issue 11 asks for 2x or less)"
        )
    ours = next((r for r in rows if "text_floor_ratio" in r), None)
    if ours is not None:
        print(
            f"{ours['task']} / {TEXT_FLOOR['task']} (the floor that keeps the texts): "
            f"{ours['text_floor_ratio']:.2f}x"
        )


if __name__ == "__main__":
    main()
