"""The CLI, run in-process with typer's runner and once as a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import dynamics as dyn
from dynamics.cli import app
from dynamics.errors import ReaderOptionError

runner = CliRunner()


def test_info_prints_what_was_read(seed_thread: Path) -> None:
    result = runner.invoke(app, ["info", str(seed_thread), "--infer-replies", "adjacent"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "plaintext" in out
    assert "49" in out  # comments
    assert "anonymous_author" in out
    assert "inferred_reply" in out
    assert "9 directed edges" in out


def test_info_json(seed_thread: Path) -> None:
    result = runner.invoke(app, ["info", str(seed_thread), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["n_comments"] == 49
    assert data["problems"]["empty_text"]["count"] == 2
    # the table's user-graph line too (read without reply inference: no replies)
    assert data["user_graph"] == {"edges": 0, "replies": 0}


def test_a_spark_dataset_is_pointed_to_the_spark_engine(tmp_path: Path) -> None:
    (tmp_path / "ingest_report.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["info", str(tmp_path)])
    assert result.exit_code == 1
    assert "dataset written by `dynamics ingest`" in result.output
    assert "--engine spark" in result.output


def test_convert_to_parquet_reopens(seed_thread: Path, tmp_path: Path) -> None:
    out = tmp_path / ("a-folder-name-long-enough-to-pass-eighty-columns-" * 2) / "seed.parquet"
    out.parent.mkdir()
    result = runner.invoke(app, ["convert", str(seed_thread), "-o", str(out), "--to", "parquet"])
    assert result.exit_code == 0, result.output
    assert "wrote 49 comments" in result.output
    # the written path on one line, whole (rich wraps at 80 columns off a terminal unless told)
    assert str(out) in result.output.replace("\n", "")
    assert str(out) in result.output
    assert len(dyn.load(out)) == 49
    again = runner.invoke(app, ["convert", str(seed_thread), "-o", str(out)])
    assert again.exit_code == 1
    assert "exists" in again.output


def test_convert_and_analyze_name_the_data_problems(tmp_path: Path) -> None:
    """Only info prints the report; convert and analyze still say what reading dropped."""
    table = tmp_path / "orphans.csv"
    table.write_text(
        "id,parent,user,body\n1,,ann,hi\n2,1,bob,no\n3,gone,cy,lost\n4,3,dee,below\n",
        encoding="utf-8",
    )
    out = tmp_path / "kept.parquet"
    result = runner.invoke(app, ["convert", str(table), "-o", str(out), "--orphans", "drop"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 comments" in result.output
    assert (
        "note: orphans.csv: 4 records read, 2 comments kept; "
        "1 orphan (dropped, with 1 reply below them)"
    ) in result.output
    assert f"`dynamics info {table}` lists them" in " ".join(result.output.split())
    clean = tmp_path / "clean.csv"
    clean.write_text("id,parent,user,body\n1,,ann,hi\n2,1,bob,no\n", encoding="utf-8")
    result = runner.invoke(app, ["convert", str(clean), "-o", str(tmp_path / "clean.parquet")])
    assert "note:" not in result.output
    report = runner.invoke(
        app, ["analyze", str(table), "-o", str(tmp_path / "report"), "--no-annotate",
              "--n-null", "5", "--n-boot", "0"],
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    assert "1 orphan (attached to the thread root" in report.output
    # a saved part says that it is one: its counts are the whole input's, not its losses
    with pytest.warns(dyn.DataQualityWarning):
        whole = dyn.load(table)
    whole.filter(authors=["ann", "bob"]).save(tmp_path / "part.parquet")
    again = runner.invoke(
        app, ["convert", str(tmp_path / "part.parquet"), "-o", str(tmp_path / "p2.parquet")]
    )
    said = " ".join(again.output.split())
    assert "2 comments kept (a part of it: authors: 2 given (2 of 4 comments)" in said
    assert "the problems are the whole input's); 1 orphan" in said


def test_note_and_info_say_how_many_records_were_posts(tmp_path: Path) -> None:
    """A dump of posts and comments: the records read that are not comments are the posts."""
    dump = tmp_path / "RC_small.ndjson"
    lines = [
        {"id": "p1", "title": "T", "selftext": "post", "author": "op", "created_utc": 1,
         "subreddit": "r", "num_comments": 3},
        {"id": "c1", "parent_id": "t3_p1", "link_id": "t3_p1", "author": "ann",
         "body": "hi", "created_utc": 2, "subreddit": "r"},
        {"id": "c2", "parent_id": "t1_c1", "link_id": "t3_p1", "author": "bob",
         "body": "no", "created_utc": 3, "subreddit": "r"},
        {"id": "c3", "parent_id": "t1_gone", "link_id": "t3_p1", "author": "cy",
         "body": "lost", "created_utc": 4, "subreddit": "r"},
    ]  # fmt: skip
    dump.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "kept.parquet"
    result = runner.invoke(app, ["convert", str(dump), "-o", str(out), "--orphans", "drop"])
    assert result.exit_code == 0, result.output
    assert "note: RC_small.ndjson: 4 records read (1 post of the threads), 2 comments kept" in (
        result.output
    )
    info = runner.invoke(app, ["info", str(dump)])
    assert info.exit_code == 0, info.output
    assert re.search(r"posts\s+1\s", info.output)
    assert "directed edges (u replied to v)" in info.output


def test_separator_reads_a_semicolon_table(tmp_path: Path) -> None:
    table = tmp_path / "semi.csv"
    table.write_text("id;parent;user;body\n1;;ann;hi, all\n2;1;bob;no\n", encoding="utf-8")
    result = runner.invoke(app, ["info", str(table), "--separator", ";", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["n_comments"], data["user_graph"]["edges"]) == (2, 1)
    # without it the file is one column: the error points at the option
    result = runner.invoke(app, ["info", str(table)])
    assert result.exit_code == 1
    assert "the one column's name holds ';': pass --separator ';'" in " ".join(
        result.output.split()
    )


def test_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    for args in (
        ["info", str(bad)],
        ["info", str(tmp_path / "missing.csv")],
        ["info", str(bad), "--format", "excel"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert result.output.startswith("error:")


def test_strict_fails_with_record_and_field(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    pl.DataFrame({"id": ["a", "b"], "parent": [None, "zz"], "text": ["x", "y"]}).write_csv(f)
    result = runner.invoke(app, ["info", str(f), "--strict"])
    assert result.exit_code == 1
    assert (
        "c.csv: id='b': field 'parent' refers to a comment that is not in the data" in result.output
    )


def test_console_script_runs(seed_thread: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dynamics", "info", str(seed_thread)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Tudor" not in proc.stderr
    assert "plaintext" in proc.stdout


def test_formats_lists_every_reader_in_detection_order() -> None:
    from dynamics.io import READERS

    result = runner.invoke(app, ["formats"], terminal_width=200)
    assert result.exit_code == 0
    out = result.output
    positions = [out.index(f" {name} ") for name in READERS]
    assert positions == sorted(positions)
    assert "Disqus XML comments export" in out


def test_option_the_reader_does_not_take_is_refused(seed_thread: Path, tmp_path: Path) -> None:
    with pytest.raises(ReaderOptionError, match=r"'infer_reply'.*infer_replies"):
        dyn.load(seed_thread, infer_reply="adjacent")
    f = tmp_path / "c.csv"
    pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"], "text": ["x", "y"]}).write_csv(f)
    result = runner.invoke(app, ["info", str(f), "--infer-replies", "adjacent"])
    assert result.exit_code == 1
    assert result.output.startswith("error: the tabular reader takes no option --infer-replies")


def test_a_negative_seed_is_refused_up_front(seed_thread: Path, tmp_path: Path) -> None:
    """numpy takes no negative seed: the CLI and every measure say so before computing."""
    result = runner.invoke(
        app, ["analyze", str(seed_thread), "-o", str(tmp_path / "r"), "--seed", "-1"]
    )
    assert result.exit_code != 0
    assert "--seed" in result.output
    assert not (tmp_path / "r").exists()
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    s = dyn.polarization.sides(d)
    with pytest.raises(
        ValueError, match="'seed' parameter of ei_index must be None, an integer >= 0"
    ):
        dyn.polarization.ei_index(d, sides=s, seed=-1, n_null=3)
    with pytest.raises(ValueError, match="'seed' parameter of random_walk_controversy"):
        dyn.polarization.random_walk_controversy(d, sides=s, seed=-1)
    with pytest.raises(ValueError, match="'seed' parameter must be None"):
        dyn.escalation.contagion(d.annotate(), seed=-1, n_null=3)
    with pytest.raises(ValueError, match="'seed' parameter of bimodality"):
        dyn.polarization.bimodality(d, sides=s, seed=-1)
    with pytest.raises(ValueError, match="'seed' parameter of participation_inequality"):
        dyn.structure.participation_inequality(d, seed=-1)
    with pytest.raises(ValueError, match="'seed' parameter of analyze"):
        dyn.report.analyze(d, tmp_path / "api", seed=-1)
    with pytest.raises(ValueError, match="'seed' parameter of signal_uncertainty"):
        dyn.uncertainty.signal_uncertainty(d, "polarization.frustration", seed=-1)


def test_encoding_is_one_option_for_every_text_format(tmp_path: Path) -> None:
    """--encoding reads a cp1252 table; on a Reddit dump (UTF-8 JSON by specification) a
    codec other than UTF-8 is refused in one line that says why, and UTF-8 is taken."""
    table = tmp_path / "t.csv"
    table.write_bytes("id,parent,user,body\n1,,ann,caf\u00e9\n".encode("cp1252"))
    ok = runner.invoke(app, ["info", str(table), "--encoding", "cp1252", "--json"])
    assert ok.exit_code == 0, ok.output
    assert "non_utf8_text" not in ok.output
    dump = tmp_path / "RC.ndjson"
    record = {"id": "c1", "parent_id": "t3_p1", "link_id": "t3_p1", "author": "ann",
              "body": "hi", "created_utc": 1_600_000_000}  # fmt: skip
    dump.write_text(json.dumps(record) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["info", str(dump), "--encoding", "latin-1"])
    assert refused.exit_code == 1
    assert "reads UTF-8 only" in refused.output
    assert "--encoding latin-1 cannot apply" in refused.output
    taken = runner.invoke(app, ["info", str(dump), "--encoding", "utf-8"])
    assert taken.exit_code == 0, taken.output
