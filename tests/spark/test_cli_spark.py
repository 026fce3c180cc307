"""``dynamics ingest`` and ``dynamics analyze --engine spark`` write what the in-memory path does."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dynamics.cli import app

runner = CliRunner()
FAST = ["--n-null", "19", "--n-boot", "10", "--no-annotate", "--seed", "1"]


def _without_run_details(results: dict) -> dict:
    """Results without what names the run (input path and hash, engine, versions, times)."""
    return {k: v for k, v in results.items() if k not in {"input", "environment"}}


def test_ingest_then_analyze_on_spark_gives_the_in_memory_report(spark, planted, tmp_path):
    ds = tmp_path / "ds"
    result = runner.invoke(app, ["ingest", str(planted), "-o", str(ds), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads((ds / "ingest_report.json").read_text())
    assert report["problems"]["cycle"]["count"] == 2
    assert '"cycle"' in result.output

    on_spark, in_memory = tmp_path / "spark", tmp_path / "memory"
    result = runner.invoke(
        app, ["analyze", str(ds), "-o", str(on_spark), "--engine", "spark", *FAST]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["analyze", str(planted), "-o", str(in_memory), *FAST])
    assert result.exit_code == 0, result.output
    a = json.loads((on_spark / "results.json").read_text())
    b = json.loads((in_memory / "results.json").read_text())
    assert a["metrics"]
    assert a["families"]
    assert _without_run_details(a) == _without_run_details(b)
    assert a["input"]["read_options"]["engine"] == "spark"


def test_ingest_refuses_another_engine(tmp_path, planted):
    result = runner.invoke(
        app, ["ingest", str(planted), "-o", str(tmp_path / "x"), "--engine", "memory"]
    )
    assert result.exit_code == 1
    assert "convert" in result.output
