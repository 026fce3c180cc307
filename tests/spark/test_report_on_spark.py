"""``dynamics analyze --engine spark --distributed``: the report from distributed pieces.

Every metric gives the in-memory report's result and tables; what is not distributed yet
(listed in :mod:`dynamics.report.on_spark`) is said in the run's note.
"""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from typer.testing import CliRunner

from dynamics.cli import app

runner = CliRunner()
SETTINGS = ["--n-null", "19", "--n-boot", "10", "--seed", "1"]


def _close(a, b, where: str) -> None:
    """``a`` equals ``b``, floats to 1e-9 (relative) or 1e-12 (absolute)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float | int) and not isinstance(b, bool):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-12, nan_ok=True), where
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def reports(planted, planted_both, tmp_path_factory):
    """(in-memory results, distributed results, distributed folder, in-memory folder)."""
    work = tmp_path_factory.mktemp("reports")
    ds = planted_both[2].path
    on_spark, in_memory = work / "spark", work / "memory"
    args = ["analyze", str(ds), "-o", str(on_spark), "--engine", "spark", "--distributed"]
    result = runner.invoke(app, [*args, *SETTINGS])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["analyze", str(planted), "-o", str(in_memory), *SETTINGS])
    assert result.exit_code == 0, result.output
    a = json.loads((in_memory / "results.json").read_text())
    b = json.loads((on_spark / "results.json").read_text())
    return a, b, on_spark, in_memory


def test_distributed_report_equals_the_in_memory_one(reports):
    from dynamics.report.on_spark import _GRAPH_BOOTSTRAP, LEFT_ON_SPARK

    memory, spark, on_spark, in_memory = reports
    assert spark["input"]["read_options"]["distributed"] is True
    for part in ("ingest_report", "parameters", "text_signals", "sides"):
        assert spark[part] == memory[part], part
    assert memory["text_signals"]["status"] == "ok"
    compared = 0
    for m, s in zip(memory["metrics"], spark["metrics"], strict=True):
        key = f"{m['family']}.{m['metric']}"
        assert m["status"] == "ok", key  # the planted data has what every measure needs
        assert s["status"] == "ok", (key, s["reason"])
        want, got = dict(m["result"]), dict(s["result"])
        if key in _GRAPH_BOOTSTRAP:  # on the replies brought without text, as in memory
            assert want["ci"] is not None, key
            assert got["ci"] is not None, key
        if key in LEFT_ON_SPARK:
            assert s["reason"] == LEFT_ON_SPARK[key]
        else:
            assert s["reason"] == m["reason"], key
        _close(want, got, key)
        left = {
            "structure.dyadic_exchanges": {"exchanges"},
            "structure.response_times": {"replies"},
        }
        assert set(s["tables"]) == set(m["tables"]) - left.get(key, set()), key
        for name in s["tables"]:
            a = pl.read_csv(in_memory / m["tables"][name], infer_schema_length=None)
            b = pl.read_csv(on_spark / s["tables"][name], infer_schema_length=None)
            _close(a.to_dict(as_series=False), b.to_dict(as_series=False), f"{key}:{name}")
        compared += 1
    assert compared == len(memory["metrics"])
    contagion = next(m for m in spark["metrics"] if m["metric"] == "contagion")
    assert contagion["result"]["p_value"] is not None  # its null runs on the buckets too
    page = (on_spark / "report.html").read_text()
    assert "thread bootstrap of graph measures" not in page
    assert "Comments per" in page  # the activity figure, counted on Spark
    assert not math.isnan(spark["metrics"][0]["result"]["value"])


def test_graph_bootstrap_is_left_out_above_the_limit(planted_both, monkeypatch):
    """Above GRAPH_BOOTSTRAP_COMMENTS the replies stay on Spark: the graph measures run on
    the collected graph, without an interval, and say why."""
    from dynamics.report import on_spark
    from dynamics.report.collect import Settings

    dataset = planted_both[2]
    monkeypatch.setattr(on_spark, "GRAPH_BOOTSTRAP_COMMENTS", dataset.report.n_comments - 1)
    settings = Settings(n_boot=5, null=None, annotate=False)
    collected = on_spark.collect(dataset, settings)
    ran = [
        r for r in collected.runs if r.spec.key in on_spark._GRAPH_BOOTSTRAP and r.status == "ok"
    ]
    assert len(ran) >= 10  # those that need no text scores
    for run in ran:
        assert run.result.ci is None, run.spec.key
        assert run.reason == on_spark._NO_GRAPH_INTERVAL, run.spec.key
        assert run.kwargs["n_boot"] == 0, run.spec.key


def test_distributed_needs_the_spark_engine(planted, tmp_path):
    result = runner.invoke(app, ["analyze", str(planted), "-o", str(tmp_path), "--distributed"])
    assert result.exit_code == 1
    assert "--distributed needs --engine spark" in result.output
