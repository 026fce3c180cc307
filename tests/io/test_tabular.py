"""Generic tables: CSV/TSV/JSON/JSONL/Parquet files and frames, column mapping and guessing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import dynamics as dyn
from dynamics.io.tabular import guess_columns

HN_LIKE = pl.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "parent": [None, 1, 2, 1],
        "by": ["ann", "bob", "ann", "cat"],
        "body": ["root", "reply", "back", "other"],
        "timestamp": [1_700_000_000, 1_700_000_060, 1_700_000_120, 1_700_000_180],
        "score": [5, 3, 1, 0],
    }
)


def expected_edges(d: dyn.Discussion) -> list:
    return sorted(d.user_graph().edges(data="count"))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".parquet", ".csv.gz"])
def test_every_table_format_reads_the_same(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"comments{suffix}"
    if suffix == ".csv":
        HN_LIKE.write_csv(path)
    elif suffix == ".tsv":
        HN_LIKE.write_csv(path, separator="\t")
    elif suffix == ".json":
        HN_LIKE.write_json(path)
    elif suffix == ".jsonl":
        HN_LIKE.write_ndjson(path)
    elif suffix == ".parquet":
        HN_LIKE.write_parquet(path)
    else:
        import gzip

        path.write_bytes(gzip.compress(HN_LIKE.write_csv().encode()))
    d = dyn.load(path)
    df = d.to_polars().sort("comment_id")
    assert df["comment_id"].to_list() == ["1", "2", "3", "4"]
    assert df["parent_id"].to_list() == [None, "1", "2", "1"]
    assert df["thread_id"].to_list() == ["1", "1", "1", "1"]
    assert df["author"].to_list() == ["ann", "bob", "ann", "cat"]
    assert df["created_at"][1].timestamp() == 1_700_000_060
    assert df["score"].cast(pl.Int64).to_list() == [5, 3, 1, 0]  # extra columns kept
    assert expected_edges(d) == [("ann", "bob", 1), ("bob", "ann", 1), ("cat", "ann", 1)]


def test_a_parquet_file_is_no_text_to_the_detectors(tmp_path: Path) -> None:
    """The text detectors get nothing from a Parquet file, whatever its name."""
    from dynamics.io._base import peek_text

    path = tmp_path / "comments.parquet"
    HN_LIKE.write_parquet(path)
    assert peek_text(path) == ""
    assert dyn.detect(path) == "tabular"
    renamed = path.rename(tmp_path / "comments.json")  # a table suffix that lies
    assert peek_text(renamed) == ""
    assert dyn.detect(renamed) == "tabular"  # by its suffix, and reading it says why not
    with pytest.raises(dyn.InputFormatError, match=r"^comments\.json: is not valid JSON"):
        dyn.load(renamed)


def test_pandas_frame_with_explicit_mapping() -> None:
    pdf = pd.DataFrame(
        {
            "msg": ["x1", "x2"],
            "reply_of": [None, "x1"],
            "who": ["a", "b"],
            "words": ["hi", "yo"],
            "conv": ["c", "c"],
        }
    )
    d = dyn.load(
        pdf,
        columns={
            "comment_id": "msg",
            "parent_id": "reply_of",
            "author": "who",
            "text": "words",
            "thread_id": "conv",
        },
    )
    assert d.to_polars()["parent_id"].to_list() == [None, "x1"]
    assert d.user_graph().has_edge("b", "a")


def test_guesses_common_names() -> None:
    assert guess_columns(
        ["utterance_id", "reply-to", "speaker", "content", "conversation_id", "created_utc"]
    ) == {
        "comment_id": "utterance_id",
        "parent_id": "reply-to",
        "thread_id": "conversation_id",
        "author": "speaker",
        "text": "content",
        "created_at": "created_utc",
    }
    assert guess_columns(["ID", "In_Reply_To", "User", "Comment"])["parent_id"] == "In_Reply_To"


def test_missing_id_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text("who,words\nann,hi\n", encoding="utf-8")
    with pytest.raises(
        dyn.InputFormatError, match=r"noid\.csv: field 'comment_id' not found: no id column"
    ):
        dyn.load(path)
    with pytest.raises(dyn.InputFormatError, match="column 'nope'"):
        dyn.load(HN_LIKE, columns={"comment_id": "nope"})
    with pytest.raises(ValueError, match="'columns' parameter"):
        dyn.load(HN_LIKE, columns={"identifier": "id"})


def test_malformed_jsonl_lines_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "x"}\n{"id": "b", "text"\n[1, 2]\n{"id": "c", "parent": "a", "text": "caf\xe9"}\n'
    )
    with pytest.warns(dyn.DataQualityWarning, match="malformed_record"):
        d = dyn.load(path)
    assert d.to_polars()["comment_id"].to_list() == ["a", "c"]
    assert d.report["malformed_record"] == 2
    assert d.report.samples["malformed_record"] == ["record 2", "record 3"]
    assert d.report["non_utf8_text"] == 1
    assert d.report.n_records == 4
    with pytest.raises(dyn.InputFormatError, match=r"c\.jsonl: record 2: is not valid JSON"):
        dyn.load(path, strict=True)


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"id": 1,', encoding="utf-8")
    with pytest.raises(dyn.InputFormatError, match=r"bad\.json: is not valid JSON"):
        dyn.load(path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(dyn.InputFormatError, match="format not recognised"):
        dyn.load(path)
    with pytest.raises(ValueError, match="'format' parameter"):
        dyn.load(path, format="excel")


def test_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(dyn.EmptyInputError, match="no comments"):
        dyn.load(path)


def test_a_record_with_extra_fields_is_counted_not_fatal(tmp_path: Path) -> None:
    """One row with two fields too many made the whole CSV unreadable (polars: "found more
    fields than defined in 'Schema'", no line); it is now skipped and counted with its line,
    as a bad JSON line is."""
    path = tmp_path / "ragged.csv"
    path.write_text(
        'id,parent,user,body\n1,,ann,"hi, all"\n2,1,bob,no,extra,fields\n3,1,cy,"two\nlines"\n'
        "4,3,dee,ok\n",
        encoding="utf-8",
    )
    with pytest.warns(dyn.DataQualityWarning, match="1 malformed_record"):
        d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1", "3", "4"]
    assert d.comments.get_column("text").to_list()[1] == "two\nlines"
    assert d.report.samples["malformed_record"] == ["record 3"]
    assert d.report.n_records == 4
    with pytest.raises(dyn.InputFormatError, match=r"ragged\.csv.*has 6 fields where the header"):
        dyn.load(path, strict=True)


def test_parent_ids_written_as_floats_by_pandas_are_read_as_ids(tmp_path: Path) -> None:
    """Integer ids with gaps become floats in pandas; its CSV says "1.0" and every reply was
    an orphan. They are read as the ids they are, and counted (float_ids)."""
    frame = pd.DataFrame({"id": [1, 2, 3], "parent": [None, 1, 2], "user": ["a", "b", "a"],
                          "body": ["x", "y", "z"]})  # fmt: skip
    path = tmp_path / "round_trip.csv"
    frame.to_csv(path, index=False)
    assert "1.0" in path.read_text(encoding="utf-8")
    d = dyn.load(path)
    assert d.comments.get_column("parent_id").to_list() == [None, "1", "2"]
    assert d.report["orphan"] == 0
    assert d.report["float_ids"] == 2
    assert d.user_edges().height == 2
    # 0 for "no parent", written 0.0, is read as no parent, not as an orphan's parent
    zero = tmp_path / "zero.csv"
    zero.write_text("id,parent,user,body\n1,0.0,a,x\n2,1.0,b,y\n3,2.0,a,z\n", encoding="utf-8")
    z = dyn.load(zero)
    assert z.comments.get_column("parent_id").to_list() == [None, "1", "2"]
    assert (z.report["orphan"], z.report["float_ids"]) == (0, 3)
    # ids that are not whole numbers are left as they are
    words = pd.DataFrame({"id": ["a", "b"], "parent": [None, "1.0"], "user": ["u", "v"],
                          "body": ["x", "y"]})  # fmt: skip
    with pytest.warns(dyn.DataQualityWarning, match="1 orphan"):
        kept = dyn.load(words)
    assert kept.report["float_ids"] == 0


def test_the_record_by_record_reading_keeps_what_polars_keeps(tmp_path: Path) -> None:
    """Once one record has too many fields: a stray quote after a closed one ('"q"z') does not
    drop the rest of the file, a short record keeps its nulls as polars gives them, a byte
    order mark does not stick to the first column, and repeated names stay apart."""
    path = tmp_path / "messy.csv"
    path.write_bytes(
        '\ufeffid,parent,user,body,body\n1,,a,hi,x\n2,1,b\n3,1,c,"q"z,y\n4,1,d,no,w,extra\n'
        "5,1,e,fine,v\n".encode()
    )
    with pytest.warns(dyn.DataQualityWarning, match="1 malformed_record"):
        d = dyn.load(path, columns={"text": "body"})
    assert d.comments.get_column("comment_id").to_list() == ["1", "2", "3", "5"]
    assert d.comments.get_column("text").to_list()[2] == "qz"
    assert d.report.samples["malformed_record"] == ["record 5"]
    assert d.report.n_records == 5
    assert "body_duplicated_0" in d.comments.columns


@pytest.mark.parametrize(
    ("name", "separator", "options"),
    [("short.csv", ",", {}), ("short.tsv", "\t", {}), ("semi.csv", ";", {"separator": ";"})],
)
def test_a_short_record_is_kept_and_counted(
    tmp_path: Path, name: str, separator: str, options: dict
) -> None:
    """A row with fewer fields than the header, which polars' reader pads with nulls
    without a word, is kept (missing fields null) and counted as short_record with the
    line it starts on; strict=True raises on it."""
    rows = [["id", "parent", "user", "body"], ["1", "", "ann", "hi"], ["2", "1", "bob"],
            ["3", "1", "cat", "a\nb"], ["4", "3"]]  # fmt: skip
    text = "\n".join(separator.join(f'"{v}"' if "\n" in v else v for v in r) for r in rows)
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.warns(dyn.DataQualityWarning, match="2 short_record"):
        d = dyn.load(path, **options)
    assert d.comments.get_column("comment_id").to_list() == ["1", "2", "3", "4"]
    assert d.comments.get_column("text").to_list() == ["hi", "", "a\nb", ""]
    assert d.comments.get_column("author").to_list() == ["ann", "bob", "cat", None]
    assert d.report["short_record"] == 2
    assert d.report.samples["short_record"] == ["record 3", "record 6"]  # after a 2-line text
    assert d.report.policy("short_record") == "kept, the missing fields null"
    with pytest.raises(dyn.InputFormatError, match=rf"{name}: record 3: has 3 fields where"):
        dyn.load(path, strict=True, **options)


def test_short_records_count_alike_where_polars_refuses_the_file(tmp_path: Path) -> None:
    """A record with too many fields sends the file to the record-by-record reading; its
    short records are counted there as polars' reading counts them."""
    fast, slow = tmp_path / "fast.csv", tmp_path / "slow.csv"
    fast.write_text("id,user,body\n1,ann,hi\n2,bob\n3,cat,yo\n", encoding="utf-8")
    slow.write_text("id,user,body\n1,ann,hi\n2,bob\n3,cat,yo,extra\n", encoding="utf-8")
    with pytest.warns(dyn.DataQualityWarning):
        a, b = dyn.load(fast), dyn.load(slow)
    assert a.report["short_record"] == b.report["short_record"] == 1
    assert a.report.samples["short_record"] == b.report.samples["short_record"] == ["record 3"]
    assert b.report["malformed_record"] == 1
    # an empty last field in a full record is not a short record
    full = tmp_path / "full.csv"
    full.write_text('id,user,body\n1,ann,\n2,bob,""\n', encoding="utf-8")
    with pytest.warns(dyn.DataQualityWarning, match="empty_text"):
        assert "short_record" not in dyn.load(full).report.counts


# --------------------------------------------------------------------------- what is lost, where


UNCLOSED = 'id,parent,user,body\n1,,ann,hi\n2,1,bob,"oops\n3,1,cat,hey\n4,1,dan,yo\n5,1,eve,last\n'


def test_a_quote_never_closed_says_which_lines_were_lost(tmp_path: Path) -> None:
    """The quote of line 3 swallowed lines 3 to 6: the report said "1 malformed_record
    (record 3)" and "records read 2" while 4 of 5 records were lost, and raised no doubt."""
    path = tmp_path / "u.csv"
    path.write_text(UNCLOSED)
    with pytest.warns(dyn.DataQualityWarning, match=r"4 malformed_record.*the right format"):
        d = dyn.load(path)
    assert len(d) == 1
    assert d.report.n_records == 5
    assert d.report["malformed_record"] == 4
    assert d.report.samples["malformed_record"] == ["lines 3 to 6 (the end)"]
    assert "lines 3 to 6 (the end)" in d.report.summary()
    doubt = d.report.format_doubt()
    assert doubt is not None
    assert "only 1 of 5 records" in doubt
    with pytest.raises(dyn.InputFormatError, match=r"u\.csv: record 3: .*lines 3 to 6 \(the end\)"):
        dyn.load(path, strict=True)


def test_a_quote_opened_near_the_end_loses_only_its_lines(tmp_path: Path) -> None:
    lines = UNCLOSED.splitlines()
    path = tmp_path / "late.csv"
    path.write_text("\n".join([*lines[:2], lines[3], lines[4], lines[2], lines[5]]) + "\n")
    with pytest.warns(dyn.DataQualityWarning, match="2 malformed_record"):
        d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1", "3", "4"]
    assert d.report.samples["malformed_record"] == ["lines 5 to 6 (the end)"]
    assert d.report.format_doubt() is None  # 3 kept, 2 lost: no doubt about the format


def test_a_quote_never_closed_in_a_record_with_extra_fields_keeps_the_record_before(
    tmp_path: Path,
) -> None:
    """The open quote sits in a record with more fields than the header: the record before
    it was dropped in its place (and named as the one that opened the quote)."""
    path = tmp_path / "wide.csv"
    path.write_text('id,body\n1,x\n2,y,z,"open\n3,w\n')
    with pytest.warns(dyn.DataQualityWarning, match="2 malformed_record"):
        d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1"]
    assert d.report.samples["malformed_record"] == ["lines 3 to 4 (the end)"]


def test_a_blank_line_is_no_record_without_an_id(tmp_path: Path) -> None:
    """polars reads a blank line of a CSV as a row of nulls, which was counted as a
    ``missing_field`` ("row 2")."""
    path = tmp_path / "blank.csv"
    path.write_text("id,parent,user,body\n1,,ann,hi\n\n2,1,bob,yo\n\n")
    d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1", "2"]
    assert d.report.ok
    assert d.report.n_records == 2


def test_a_json_line_without_id_is_named_by_its_line(tmp_path: Path) -> None:
    """The label counted the rows read ("row 2"), not the file's lines, and a strict error
    showed it as an id (``id='row 2'``)."""
    path = tmp_path / "noid2.jsonl"
    path.write_text('{"id": "1", "user": "ann", "text": "a"}\n\n{"user": "bob", "text": "b"}\n')
    with pytest.warns(dyn.DataQualityWarning, match="1 missing_field"):
        d = dyn.load(path)
    assert len(d) == 1
    assert d.report.n_records == 2
    assert d.report.samples["missing_field"] == ["record 3"]
    with pytest.raises(
        dyn.InputFormatError, match=r"^noid2\.jsonl: record 3: field 'id' is missing"
    ):
        dyn.load(path, strict=True)


def test_a_csv_row_without_id_is_named_by_the_line_it_starts_on(tmp_path: Path) -> None:
    """A text over two lines and a blank line come before it: row 2 of the table, line 5."""
    path = tmp_path / "noid.csv"
    path.write_text('id,parent,user,body\n1,,ann,"two\nlines"\n\n,1,bob,no id\n3,1,cat,hey\n')
    with pytest.warns(dyn.DataQualityWarning, match="1 missing_field"):
        d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1", "3"]
    assert d.report.samples["missing_field"] == ["record 5"]
    assert d.report.n_records == 3
    with pytest.raises(dyn.InputFormatError, match=r"^noid\.csv: record 5: field 'id' is missing"):
        dyn.load(path, strict=True)
