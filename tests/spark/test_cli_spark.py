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


def test_ingest_command_writes_a_dataset(spark, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,parent,user,body\na,,ann,hi\nb,a,bob,no\nb,a,cy,dup\nc,zz,dee,lost\n")
    ds = tmp_path / "ds"
    result = runner.invoke(app, ["ingest", str(table), "-o", str(ds), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads((ds / "ingest_report.json").read_text())
    assert report["problems"]["duplicate_id"]["count"] == 1
    assert report["problems"]["orphan"]["count"] == 1
    assert '"duplicate_id"' in result.output
    again = runner.invoke(app, ["ingest", str(table), "-o", str(ds)])
    assert again.exit_code == 1
    assert "overwrite" in again.output


def test_analyze_on_spark_gives_the_in_memory_report(planted, planted_both, tmp_path):
    ds = planted_both[2].path

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
