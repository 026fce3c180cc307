"""Spark ingest gives the in-memory load's comments table and IngestReport on the same input."""

from __future__ import annotations

import json
import warnings

import polars as pl
import pytest

import dynamics as dyn
from dynamics import spark as dsp
from dynamics.errors import DataQualityWarning, InputFormatError
from tests.spark.conftest import ingest_both, planted_lines, write_dump


def _both(spark, path, out, **options):
    """(in-memory Discussion, Spark report, Spark dataset pulled back into memory)."""
    memory, report, dataset = ingest_both(spark, path, out, **options)
    return memory, report, dataset.to_discussion()


def _same_report(a, b):
    assert a.counts == b.counts
    assert a.policies == b.policies
    for key in ("n_records", "n_comments", "n_threads", "n_authors", "start", "end", "format"):
        assert getattr(a, key) == getattr(b, key), key


def test_planted_problems_counted_as_in_memory(planted_both):
    memory, report, dataset = planted_both
    pulled = dataset.to_discussion()
    kinds = (
        "duplicate_id",
        "duplicate_post",
        "orphan",
        "cycle",
        "self_reply",
        "reply_before_parent",
        "deleted_author",
        "removed_text",
        "empty_text",
        "thread_mismatch",
        "malformed_record",
        "non_utf8_text",
        "missing_field",
        "unfetched_replies",
    )
    for kind in kinds:
        assert report[kind] > 0, kind  # every planted problem is found...
    _same_report(memory.report, report)  # ...with the in-memory counts and policies
    for kind in (
        "duplicate_id",
        "duplicate_post",
        "orphan",
        "self_reply",
        "reply_before_parent",
        "thread_mismatch",
        "malformed_record",
        "non_utf8_text",
        "missing_field",
        "deleted_author",
    ):
        assert report.samples[kind] == memory.report.samples[kind], kind
    assert pulled.comments.equals(memory.comments)
    assert sorted(report.samples["cycle"]) == ["cyc1", "cyc2"]
    saved = json.loads((dataset.path / "ingest_report.json").read_text())
    assert saved["problems"]["orphan"]["count"] == report["orphan"]


def test_zst_and_gz_months_read_like_one_plain_file(spark, tmp_path):
    """Monthly .zst (2 GiB window, as real dumps) and .gz parts, orphans kept dangling."""
    lines = planted_lines(tmp_path / "syn", n_comments=400, seed=3)
    whole = write_dump(lines, tmp_path / "all.ndjson")
    parts = tmp_path / "parts"
    parts.mkdir()
    zst = write_dump(lines[:200], parts / "RC_2023-01.ndjson.zst")
    write_dump(lines[200:], parts / "RC_2023-02.ndjson.gz")
    import zstandard

    with zst.open("rb") as fh, pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().stream_reader(fh).read(10)  # a default decoder refuses it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        memory = dyn.load(whole, orphans="keep")
        report = dsp.ingest(parts, tmp_path / "ds", spark=spark, progress=False, orphans="keep")
    pulled = dsp.open(tmp_path / "ds", spark=spark).to_discussion()
    assert report.counts == memory.report.counts
    assert report.policies == memory.report.policies
    assert report.n_records == memory.report.n_records
    assert pulled.comments.equals(memory.comments)
    assert pulled.comments.filter(pl.col("comment_id") == "orph1")["parent_id"].item() == "gone99"
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert [p.rsplit("/", 1)[1] for p in manifest["inputs"]] == [
        "RC_2023-01.ndjson.zst",
        "RC_2023-02.ndjson.gz",
    ]


def test_parquet_table_as_in_memory(spark, tmp_path):
    frame = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "b", "e", "f"],
            "parent": [None, "a", "b", "x", "a", "e", "d"],
            "user": ["ann", "bob", "ann", None, "cy", "dee", "fay"],
            "body": ["hi", "no", "yes", "lost", "dup", "me", "below"],
            "timestamp": [1, 2, 3, 4, 5, 6, 7],
            "thread": ["t", "t", "t", "t", "t", "u", "t"],
        }
    )
    path = tmp_path / "table.parquet"
    frame.write_parquet(path)
    memory, report, pulled = _both(spark, path, tmp_path / "ds", orphans="drop")
    _same_report(memory.report, report)
    assert report["duplicate_id"] == 1
    assert report["orphan"] == 1
    assert report["cycle"] == 1
    assert pulled.comments.equals(memory.comments)
    kept = pulled.comments["comment_id"].to_list()
    assert "d" not in kept  # the orphan, dropped
    assert "f" not in kept  # and the reply below it, counted in the policy
    assert report.policy("orphan") == "dropped, with 1 reply below them"


def test_real_reddit_dump_as_in_memory(college_both):
    memory, report, dataset = college_both
    _same_report(memory.report, report)
    assert report.samples == memory.report.samples
    assert dataset.to_discussion().comments.equals(memory.comments)


def test_strict_raises_naming_file(spark, planted, tmp_path):
    with pytest.raises(InputFormatError, match="RC_2023-01"):
        dsp.ingest(planted, tmp_path / "ds", spark=spark, strict=True, progress=False)


def test_strict_names_the_field_as_the_file_does_and_separator_passes(spark, tmp_path):
    """As in memory: the orphan's field is the file's 'parent', not 'parent_id'; a
    semicolon table reads with separator=."""
    table = tmp_path / "semi.csv"
    table.write_text("id;parent;user;body\na;;ann;hi\nb;zz;bob;yo\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="field 'parent' refers to a comment"):
        dyn.load(table, separator=";", strict=True)
    with pytest.raises(InputFormatError, match="field 'parent' refers to a comment"):
        dsp.ingest(table, tmp_path / "ds", spark=spark, strict=True, separator=";", progress=False)
    with pytest.warns(DataQualityWarning, match="1 orphan"):
        report = dsp.ingest(table, tmp_path / "ok", spark=spark, separator=";", progress=False)
    assert (report.n_comments, report["orphan"]) == (2, 1)


def test_refuses_to_overwrite(spark, planted, tmp_path):
    (tmp_path / "ds").mkdir()
    with pytest.raises(FileExistsError, match="overwrite"):
        dsp.ingest(planted, tmp_path / "ds", spark=spark, progress=False)


def test_short_records_counted_as_in_memory(spark, tmp_path):
    """A CSV row with fewer fields than the header: kept and counted as short_record, with
    its line, by the ingest as by load."""
    table = tmp_path / "short.csv"
    table.write_text("id,parent,user,body\na,,ann,hi\nb,a,bob\nc,a\n", encoding="utf-8")
    memory, report, _ = _both(spark, table, tmp_path / "ds")
    _same_report(memory.report, report)
    assert report["short_record"] == memory.report["short_record"] == 2
    assert report.samples["short_record"] == ["record 3", "record 4"]


def test_strict_error_of_several_files_names_the_file_and_its_field(spark, tmp_path):
    """As in memory: the orphan of c.csv is named by c.csv and c's 'in_reply_to', not by the
    first file or the last file's name for the parent field."""
    a, c = tmp_path / "a.csv", tmp_path / "c.csv"
    a.write_text("id,parent,user,body\n1,,ann,hi\n", encoding="utf-8")
    c.write_text("id,in_reply_to,user,body\n3,zz,cat,hey\n", encoding="utf-8")
    pattern = r"c\.csv: id='3': field 'in_reply_to' refers to a comment"
    with pytest.raises(InputFormatError, match=pattern):
        dyn.load([c, a], strict=True)
    with pytest.raises(InputFormatError, match=pattern):
        dsp.ingest([c, a], tmp_path / "ds", spark=spark, strict=True, progress=False)


def test_reddit_encoding_refused_as_in_memory(spark, tmp_path):
    dump = tmp_path / "RC.ndjson"
    record = {"id": "c1", "parent_id": "t3_p", "link_id": "t3_p", "author": "a", "body": "x"}
    dump.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(dyn.errors.ReaderOptionError, match="reads UTF-8 only"):
        dyn.load(dump, encoding="latin-1")
    with pytest.raises(dyn.errors.ReaderOptionError, match="reads UTF-8 only"):
        dsp.ingest(dump, tmp_path / "ds", spark=spark, encoding="latin-1", progress=False)


def test_overlapping_files_counted_and_named_as_in_memory(spark, tmp_path):
    """Ids an earlier file holds are ``file_overlap``, a file's own repeats ``duplicate_id``,
    and the samples name their file, as :func:`dynamics.load` of the same list says."""
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("id,parent,user,body,time\n1,,ann,hi,\n2,1,bob,yo,\n2,1,bob,again,\n")
    b.write_text("id,parent,user,body,time\n2,1,bob,yo,\n3,2,cat,hey,\n4,zz,dan,lost,\n")
    c.write_text("id,parent,user,body,time\n3,2,cat,hey,\n1,,ann,hi,\n5,3,eve,end,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        memory = dyn.load([a, b, c])
        report = dsp.ingest([a, b, c], tmp_path / "ds", spark=spark, progress=False)
    _same_report(memory.report, report)
    # every row read is checked (the times of the overlapping rows too), as Spark checks it
    assert (report["file_overlap"], report["duplicate_id"], report["orphan"]) == (3, 1, 1)
    assert report["missing_time"] == 9
    assert report.samples["file_overlap"] == memory.report.samples["file_overlap"]
    assert report.samples["file_overlap"] == ["b.csv id 2", "c.csv id 3", "c.csv id 1"]
    assert report.samples["orphan"] == memory.report.samples["orphan"] == ["b.csv id 4"]
    # a strict error names the file of the repeat and its own field names, in both
    pattern = r"b\.csv: id='2': field 'id' is already in an earlier file"
    with pytest.raises(InputFormatError, match=pattern):
        dyn.load([a, b], strict=True)
    with pytest.raises(InputFormatError, match=pattern):
        dsp.ingest([a, b], tmp_path / "strict", spark=spark, strict=True, progress=False)
