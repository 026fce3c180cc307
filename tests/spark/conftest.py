"""One local Spark session for the whole test run, and synthetic dumps with planted problems.

Tests here skip (with the reason) when PySpark or Java is missing; CI installs both.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark():
    """``local[2]`` Spark, UI off, small driver memory; stopped when the run ends."""
    from dynamics.errors import MissingDependencyError
    from dynamics.spark.session import require_spark

    try:
        require_spark()
    except MissingDependencyError as exc:
        pytest.skip(str(exc))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from dynamics.spark import get_session

    session = get_session(
        "local[2]",
        app_name="dynamics-tests",
        driver_memory="1g",
        config={
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.driver.extraJavaOptions": "-Dlog4j2.level=error",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic", module)
    spec.loader.exec_module(module)
    return module


def _comment(cid, parent, thread, author, body, t):
    return {
        "id": cid,
        "parent_id": parent,
        "link_id": f"t3_{thread}",
        "author": author,
        "body": body,
        "created_utc": t,
        "score": 1,
        "subreddit": "planted",
    }


def planted_lines(work: Path, n_comments: int = 1200, seed: int = 0) -> list[bytes]:
    """A synthetic Pushshift dump (posts and comments) with one of every problem planted."""
    synthetic = _synthetic()
    data = synthetic.generate(n_comments, seed=seed)
    c = data.comments.row(10, named=True)
    p = data.comments.filter(data.comments["parent_id"].is_not_null()).row(5, named=True)
    thread, t0 = c["thread_id"], int(c["created_at"])
    out = synthetic.write(data, work)
    lines = out[0].read_bytes().rstrip(b"\n").split(b"\n")
    extra = [
        _comment("orph1", "t1_gone99", thread, "ann", "where is my parent", t0 + 5),
        _comment("orph2", "t1_orph1", thread, "bob", "below an orphan", t0 + 6),
        _comment("cyc1", "t1_cyc2", thread, "cy", "round", t0 + 7),
        _comment("cyc2", "t1_cyc1", thread, "dee", "and round", t0 + 8),
        _comment("self1", f"t1_{c['comment_id']}", thread, c["author"] or "x", "me again", t0 + 9),
        _comment("early1", f"t1_{c['comment_id']}", thread, "eve", "before my parent", t0 - 99),
        _comment("mism1", f"t1_{p['comment_id']}", "zzother", "fay", "wrong thread", t0 + 10),
        _comment("gone1", f"t1_{c['comment_id']}", thread, "[deleted]", "[removed]", t0 + 11),
        _comment("empty1", f"t1_{c['comment_id']}", thread, "gus", "   ", t0 + 12),
        _comment("_", f"t1_{c['comment_id']}", thread, None, "", t0 + 13),  # "continue this thread"
    ]
    planted = [json.dumps(e).encode() for e in extra]
    planted.append(lines[-1])  # a duplicate id (the last record again)
    planted.append(next(line for line in lines if b'"parent_id"' not in line))  # a post again
    planted.append(b'{"id": "broken", "parent_id": ')  # malformed
    bad = json.dumps(_comment("utf1", f"t1_{c['comment_id']}", thread, "hal", "caf\u00e9", t0 + 13))
    planted.append(bad.encode().replace(b"caf\\u00e9", b"caf\xff"))  # not UTF-8
    planted.append(json.dumps({"parent_id": f"t1_{c['comment_id']}", "body": "no id"}).encode())
    return lines[:600] + planted + lines[600:]


def write_dump(lines: list[bytes], path: Path) -> Path:
    """Write NDJSON lines plain, ``.gz``, or ``.zst`` with the 2 GiB window of real dumps."""
    payload = b"\n".join(lines) + b"\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(payload))
    elif path.suffix == ".zst":
        import zstandard

        params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31, enable_ldm=True)
        with (
            path.open("wb") as fh,
            zstandard.ZstdCompressor(compression_params=params).stream_writer(fh) as writer,
        ):
            writer.write(payload)
    else:
        path.write_bytes(payload)
    return path


@pytest.fixture(scope="session")
def planted(tmp_path_factory) -> Path:
    """The planted synthetic dump as plain NDJSON."""
    work = tmp_path_factory.mktemp("planted")
    return write_dump(planted_lines(work / "synthetic"), work / "RC_2023-01.ndjson")


def ingest_both(spark, path, out, *, buckets=None, **options):
    """(in-memory Discussion, Spark IngestReport, SparkDataset) for the same input."""
    import warnings

    import dynamics as dyn
    from dynamics import spark as dsp
    from dynamics.errors import DataQualityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        memory = dyn.load(path, **options)
        report = dsp.ingest(path, out, spark=spark, progress=False, buckets=buckets, **options)
    return memory, report, dsp.open(out, spark=spark)


@pytest.fixture(scope="session")
def planted_both(spark, planted, tmp_path_factory):
    """The planted dump loaded in memory and ingested with Spark (default policies)."""
    # three thread buckets, so grouped maps and reads cross partitions
    return ingest_both(spark, planted, tmp_path_factory.mktemp("planted-ds") / "ds", buckets=3)


@pytest.fixture(scope="session")
def college_both(spark, tmp_path_factory):
    """The real r/CollegeRant Pushshift comments, in memory and on Spark."""
    path = REPO.parent / "shared" / "data" / "reddit-college" / "CollegeRant-pushshift.ndjson"
    if not path.is_file():
        pytest.skip(f"shared data not available at {path}")
    return ingest_both(spark, path, tmp_path_factory.mktemp("college-ds") / "ds")
