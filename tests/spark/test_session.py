"""Without Java or PySpark, every Spark entry point fails with one line saying what to install."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dynamics.cli import app
from dynamics.errors import MissingDependencyError
from dynamics.spark import require_spark
from dynamics.spark.session import JAVA_HINT, PYSPARK_HINT


@pytest.fixture
def no_java(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))


def test_missing_java_gives_the_install_hint(no_java):
    with pytest.raises(MissingDependencyError) as err:
        require_spark()
    assert str(err.value) in {JAVA_HINT, PYSPARK_HINT}
    assert "\n" not in str(err.value)
    assert "openjdk-17-jre-headless" in JAVA_HINT
    assert "dynamics[spark]" in PYSPARK_HINT


def test_cli_prints_one_line_and_exits_1(no_java, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,parent,user,body\na,,ann,hi\n")
    result = CliRunner().invoke(app, ["ingest", str(table), "-o", str(tmp_path / "ds")])
    assert result.exit_code == 1
    assert "openjdk-17-jre-headless" in result.output or "dynamics[spark]" in result.output
    assert "Traceback" not in result.output
