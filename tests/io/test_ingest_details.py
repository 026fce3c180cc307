"""Reader details that real files trip over (issues 13 and 15): times, authors, encodings, lists.

Every case is a small hand-made file (or frame) in the layout of the real export.
"""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import dynamics as dyn
from dynamics.errors import InputFormatError, ReaderOptionError

T = datetime(2006, 3, 10, 14, 50, 43, tzinfo=UTC)


def quiet_load(source, **kw) -> dyn.Discussion:
    """Load, keeping the DataQualityWarning out of the way (the report is asserted instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dyn.DataQualityWarning)
        return dyn.load(source, **kw)


# ------------------------------------------------------------------ 15.2 timestamps
SPELLINGS = [
    "2006-03-10 14:50:43 UTC",
    "2006-03-10T14:50:43Z",
    "2006-03-10 14:50:43+00:00",
    "2006-03-10T14:50:43 +0000",
    "2006-03-10 16:50:43 +02:00",
    "2006-03-10 14:50:43 GMT",
    "1142002243",
    "1142002243000",
    # RFC 2822 (e-mail, RSS, Disqus exports): an offset or a zone word, with or without the day
    "Fri, 10 Mar 2006 14:50:43 +0000",
    "Fri, 10 Mar 2006 16:50:43 +0200",
    "Fri, 10 Mar 2006 14:50:43 GMT",
    "Fri, 10 Mar 2006 14:50:43 UT",
    "10 Mar 2006 14:50:43 +0000",
    "Fri, 10 Mar 2006 09:50:43 EST",
    "Fri, 10 Mar 2006 14:50:43 +0000 (UTC)",
    "Mon, 10 Mar 2006 14:50:43 GMT",  # a weekday that does not match is not the date's
    # Twitter's created_at
    "Fri Mar 10 14:50:43 +0000 2006",
]


@pytest.mark.parametrize("value", SPELLINGS)
@pytest.mark.parametrize("kind", ["pandas", "polars", "csv", "jsonl"])
def test_time_spellings_parse_in_every_path(value: str, kind: str, tmp_path: Path) -> None:
    rows = {"id": ["a"], "author": ["ann"], "text": ["hi"], "timestamp": [value]}
    if kind == "pandas":
        source: object = pd.DataFrame(rows)
    elif kind == "polars":
        source = pl.DataFrame(rows)
    elif kind == "csv":
        source = tmp_path / "t.csv"
        pl.DataFrame(rows).write_csv(source)
    else:
        source = tmp_path / "t.jsonl"
        source.write_text(json.dumps({k: v[0] for k, v in rows.items()}) + "\n")
    d = dyn.load(source)  # no warning: nothing is wrong
    assert d.comments.get_column("created_at").to_list() == [T]
    assert d.report["bad_timestamp"] == 0


@pytest.mark.parametrize("seconds", [1_142_002_243, 1_142_002_243_000])
def test_epoch_numbers_seconds_and_milliseconds(seconds: int) -> None:
    frame = pl.DataFrame({"id": ["a"], "author": ["ann"], "text": ["x"], "created_utc": [seconds]})
    d = dyn.load(frame)
    assert d.comments.get_column("created_at").to_list() == [T]


def test_unparseable_time_column_is_reported_with_a_sample() -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b"], "author": ["ann", "bob"], "date": ["last Tuesday", "2006-03-10"]}
    )
    with pytest.warns(dyn.DataQualityWarning, match="1 bad_timestamp"):
        d = dyn.load(frame)
    assert d.report["bad_timestamp"] == 1
    assert d.report.samples["bad_timestamp"] == ["a"]
    assert "'last Tuesday'" in d.report.policy("bad_timestamp")
    assert "'last Tuesday'" in d.report.summary()


def test_strict_errors_name_the_field_as_the_file_does(tmp_path: Path) -> None:
    """The file's column ('date', 'created_utc'), not the contract's ('created_at')."""
    frame = pd.DataFrame({"id": ["a"], "author": ["ann"], "text": ["x"], "date": ["soon"]})
    with pytest.raises(InputFormatError, match="field 'date' cannot be parsed as a time"):
        dyn.load(frame, strict=True)
    dump = tmp_path / "RC.ndjson"
    dump.write_text(
        '{"id": "c1", "parent_id": "t3_p", "link_id": "t3_p", "author": "ann", "body": "x", '
        '"created_utc": "yesterday"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError, match="field 'created_utc' cannot be parsed"):
        dyn.load(dump, strict=True)


def test_comments_without_a_time_are_counted_apart_from_bad_ones() -> None:
    """A null time is counted (missing_time, kept: in no time window), apart from a value
    that does not parse (bad_timestamp); a null time went uncounted."""
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "author": ["ann", "bob", "cy"], "text": ["x", "y", "z"],
         "date": ["last Tuesday", None, "2006-03-10"]}
    )  # fmt: skip
    with pytest.warns(dyn.DataQualityWarning, match="1 bad_timestamp"):
        d = dyn.load(frame)
    assert (d.report["bad_timestamp"], d.report["missing_time"]) == (1, 1)
    assert d.report.samples["missing_time"] == ["b"]
    assert d.comments.get_column("created_at").null_count() == 2
    # a table without a time column has no time to miss
    assert "missing_time" not in dyn.load(frame.drop(columns="date")).report.counts


# ------------------------------------------------------------------ 13: epoch zero
def _reddit_thread(times: list[float]) -> list[dict]:
    comments = [
        {
            "kind": "t1",
            "data": {
                "id": f"c{i}",
                "parent_id": "t3_p1",
                "link_id": "t3_p1",
                "author": f"user{i}",
                "body": "text",
                "created_utc": t,
                "replies": "",
            },
        }
        for i, t in enumerate(times)
    ]
    post = {"kind": "t3", "data": {"id": "p1", "title": "T", "author": "op", "created_utc": 1.7e9}}
    return [
        {"kind": "Listing", "data": {"children": [post]}},
        {"kind": "Listing", "data": {"children": comments}},
    ]


def test_reddit_created_utc_zero_is_a_missing_time(tmp_path: Path) -> None:
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(_reddit_thread([1_700_000_000.0, 0, -3600.0, 1_700_000_100.0])))
    with pytest.warns(dyn.DataQualityWarning, match="2 epoch_zero_time"):
        d = dyn.load(path)
    assert d.report.format == "reddit_api"
    assert d.comments.get_column("created_at").null_count() == 2
    assert d.report["epoch_zero_time"] == 2
    assert d.report.samples["epoch_zero_time"] == ["c1", "c2"]
    assert d.report.start == datetime.fromtimestamp(1_700_000_000, tz=UTC)


def test_pushshift_created_utc_zero_number_or_string(tmp_path: Path) -> None:
    path = tmp_path / "RC_2023-11.ndjson"
    times = [1_700_000_000, 0, "0", 1_700_000_100]
    path.write_text(
        "".join(
            json.dumps(
                {"id": f"c{i}", "parent_id": "t3_p", "link_id": "t3_p", "author": f"u{i}",
                 "body": "x", "created_utc": t, "subreddit": "s"}
            )
            + "\n"
            for i, t in enumerate(times)
        )
    )  # fmt: skip
    with pytest.warns(dyn.DataQualityWarning, match="2 epoch_zero_time"):
        d = dyn.load(path)
    assert d.report.format == "reddit"
    assert d.comments.get_column("created_at").is_null().to_list() == [False, True, True, False]
    with pytest.raises(InputFormatError, match=r"field 'created_utc' is 0 or before 1970"):
        dyn.load(path, strict=True)


def test_relative_seconds_near_1970_are_kept() -> None:
    # a simulation's clock: 0, 60, 120 seconds from the start is not a placeholder
    d = dyn.load(
        pl.DataFrame(
            {"id": list("abc"), "author": list("xyz"), "text": list("uvw"), "time": [0, 60, 120]}
        )
    )
    assert d.comments.get_column("created_at").null_count() == 0
    assert d.report["epoch_zero_time"] == 0


# ------------------------------------------------------------------ 15.3 authors
@pytest.mark.parametrize(
    "column", ["user_text", "username", "user_name", "screen_name", "author_name", "speaker"]
)
def test_common_author_names_are_guessed(column: str) -> None:
    d = dyn.load(
        pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"], column: ["x", "y"], "text": "t"})
    )
    assert d.comments.get_column("author").to_list() == ["x", "y"]
    assert d.report.n_authors == 2


def test_no_author_column_is_said_plainly(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,parent,body\na,,hi\nb,a,hello\n")
    with pytest.warns(dyn.DataQualityWarning) as caught:
        d = dyn.load(path)
    warning = str(caught[0].message)
    assert "0 authors: no author column; pass columns={'author': ...}" in warning
    assert d.report.n_authors == 0
    assert d.report["no_author_column"] == 2
    assert d.report["anonymous_author"] == 0  # not counted twice
    assert "0 authors: no author column" in d.report.summary()
    # strict=True still reads it: a table may lack authors by design
    with pytest.warns(dyn.DataQualityWarning, match="no author column"):
        assert dyn.load(path, strict=True).report.n_authors == 0


# ------------------------------------------------------------------ 15.4 Hacker News
BIGQUERY_ROWS = [
    {"id": 1, "by": "pg", "time": 1160418111, "text": None, "parent": None, "title": "YC"},
    {"id": 2, "by": "sama", "time": 1160418200, "text": "It&#x27;s <i>good</i>", "parent": 1},
    {"id": 3, "by": "pg", "time": 1160418300, "text": "<p>thanks</p>", "parent": 2},
]


def test_hn_items_without_type_are_hacker_news(tmp_path: Path) -> None:
    path = tmp_path / "bq.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in BIGQUERY_ROWS))
    assert dyn.detect(path) == "hackernews"
    d = dyn.load(path)
    c = d.comments
    assert c.get_column("text").to_list() == ["It's good", "thanks"]
    assert c.get_column("parent_id").to_list() == [None, "2"]
    assert set(c.get_column("thread_id")) == {"1"}
    assert d.threads is not None
    assert d.threads.get_column("title").to_list() == ["YC"]


def test_hn_bigquery_csv_is_hacker_news(tmp_path: Path) -> None:
    path = tmp_path / "bq.csv"
    path.write_text(
        "id,by,time,text,parent,deleted\n"
        '2,sama,1160418200,"It&#x27;s <i>good</i>",1,\n'
        "3,pg,1160418300,<p>thanks</p>,2,false\n"
        "4,,1160418400,,2,true\n"
    )
    assert dyn.detect(path) == "hackernews"
    d = quiet_load(path)
    c = d.comments
    assert c.get_column("text").to_list() == ["It's good", "thanks", ""]
    assert c.get_column("deleted").to_list() == [False, False, True]
    assert c.get_column("author").to_list() == ["sama", "pg", None]


def test_hn_bigquery_csv_counts_bad_bytes_and_short_rows(tmp_path: Path) -> None:
    """A BigQuery CSV export is read as the tables reader reads a CSV: bytes that are not
    UTF-8 and rows cut short are counted, not passed over."""
    path = tmp_path / "bq.csv"
    path.write_bytes(
        b"id,by,time,text,parent,deleted\n"
        b"2,sama,1160418200,caf\xe9 au lait,1,\n"
        b"3,pg,1160418300,fine,2,false\n"
        b"4,pg,1160418400,cut\n"
    )
    d = quiet_load(path)
    assert d.report["non_utf8_text"] == 1
    assert d.report.samples["non_utf8_text"] == ["2"]
    assert d.report["short_record"] == 1
    assert len(d) == 3  # the short row is kept, its missing fields null


def test_table_without_hn_fields_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": 1, "parent": null, "user": "x", "time": 5, "text": "<p>hi"}\n')
    assert dyn.detect(path) == "tabular"


# ------------------------------------------------------------------ 15.5 empty author
def test_empty_author_is_missing_in_frames_as_in_csv(tmp_path: Path) -> None:
    rows = {"id": ["a", "b", "c"], "parent": [None, "a", "a"], "author": ["x", "", "  "]}
    path = tmp_path / "t.csv"
    pl.DataFrame(rows).write_csv(path)
    got = [
        quiet_load(src).comments.get_column("author").to_list()
        for src in (pd.DataFrame(rows), pl.DataFrame(rows), path)
    ]
    assert got == [["x", None, None]] * 3
    assert quiet_load(pl.DataFrame(rows)).report["anonymous_author"] == 2


# ------------------------------------------------------------------ 15.6 errors and lists
def test_column_of_lists_as_id_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "toxichat.jsonl"
    path.write_text('{"id": "1", "reddit_thread": ["a", "b"], "author": "u"}\n')
    with pytest.raises(InputFormatError) as err:
        dyn.load(path, columns={"comment_id": "reddit_thread"})
    text = str(err.value)
    assert text.startswith("toxichat.jsonl: record 1: field 'comment_id'")
    assert "'reddit_thread'" in text
    assert "columns={'comment_id': ...}" in text


def test_list_of_paths_is_one_discussion(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.jsonl"
    a.write_text("id,parent,author,text\n1,,ann,hi\n2,1,bob,yo\n")
    b.write_text('{"id": "3", "parent": "1", "author": "cat", "text": "hey"}\n')
    d = dyn.load([a, str(b)])
    c = d.comments
    assert c.get_column("comment_id").to_list() == ["1", "2", "3"]
    assert c.get_column("source_file").to_list() == ["a.csv", "a.csv", "b.jsonl"]
    assert c.get_column("parent_id").to_list() == [None, "1", "1"]
    assert d.report.n_threads == 1
    assert d.report.format == "csv+jsonl"
    assert d.report.path == "a.csv (+1 file)"


def test_same_id_in_two_files_is_a_file_overlap(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("id,author\n1,ann\n")
    b.write_text("id,author\n1,bob\n")
    with pytest.warns(dyn.DataQualityWarning, match="1 file_overlap"):
        d = dyn.load([a, b])
    assert d.comments.get_column("author").to_list() == ["ann"]
    assert d.report["duplicate_id"] == 0
    assert d.report.samples["file_overlap"] == ["b.csv id 1"]


def test_samples_of_several_files_name_their_file(tmp_path: Path) -> None:
    """Two files with a bad line 3 each gave "record 3, record 3": which file?"""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("id,parent,user,body\n1,,ann,hi\n2,1,bob,yo,extra\n")
    b.write_text("id,parent,user,body\n3,1,cat,hey\n4,1,dan,yo,extra\n5,zz,eve,lost\n")
    d = quiet_load([a, b])
    assert d.report.samples["malformed_record"] == ["a.csv record 3", "b.csv record 3"]
    assert d.report.samples["orphan"] == ["b.csv id 5"]  # found by the checks, after reading
    assert "a.csv record 3, b.csv record 3" in d.report.summary()
    one = quiet_load([b])  # one file: the samples as before
    assert one.report.samples["malformed_record"] == ["record 3"]


def test_overlapping_files_are_no_doubt_about_the_format(tmp_path: Path) -> None:
    """Three copies of one export: 6 of 9 records repeat an id. As ``duplicate_id`` they made
    the report ask whether 'csv' was the right format or the file damaged."""
    files = [tmp_path / f"{name}.csv" for name in ("a", "b", "c")]
    for path in files:
        path.write_text("id,parent,user,body\n1,,ann,hi\n2,1,bob,yo\n3,1,cat,hey\n")
    with pytest.warns(dyn.DataQualityWarning, match="6 file_overlap") as caught:
        d = dyn.load(files)
    assert "right format" not in str(caught[0].message)
    assert d.report.format_doubt() is None
    assert len(d) == 3
    assert d.report["file_overlap"] == 6
    assert d.report["duplicate_id"] == 0
    assert d.report.samples["file_overlap"][:3] == ["b.csv id 1", "b.csv id 2", "b.csv id 3"]
    assert d.comments.get_column("source_file").unique().to_list() == ["a.csv"]
    assert d.report.n_records == len(d) + d.report["file_overlap"]


def test_ids_repeated_within_a_file_of_several_stay_duplicates(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("id,user\n1,ann\n")
    b.write_text("id,user\n2,bob\n2,bob again\n1,ann\n")
    d = quiet_load([a, b])
    assert (d.report["duplicate_id"], d.report["file_overlap"]) == (1, 1)
    assert d.report.samples["duplicate_id"] == ["b.csv id 2"]
    assert d.report.samples["file_overlap"] == ["b.csv id 1"]


def test_empty_list_and_cache_with_a_list_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="list of paths"):
        dyn.load([])
    a = tmp_path / "a.csv"
    a.write_text("id,author\n1,ann\n")
    with pytest.raises(ReaderOptionError, match="cache="):
        dyn.load([a], cache=tmp_path / "cache")


def test_a_quote_never_closed_keeps_the_records_before_it(tmp_path: Path) -> None:
    """A CSV cut short inside a quoted text: polars refused the whole file; the records
    before the open quote are kept, the rest is malformed, one record per line lost."""
    path = tmp_path / "t.csv"
    path.write_text('id,author,text\n1,ann,hi\n2,bob,"cut sho\n')
    with pytest.warns(dyn.DataQualityWarning, match="1 malformed_record"):
        d = dyn.load(path)
    assert d.comments.get_column("comment_id").to_list() == ["1"]
    assert d.report.samples["malformed_record"] == ["record 3"]
    with pytest.raises(InputFormatError, match=r"t\.csv: record 3: opens a quote that is never"):
        dyn.load(path, strict=True)
    only = tmp_path / "only.csv"
    only.write_text('id,author\n1,"ann\n2,bob\n')  # nothing before the open quote
    with pytest.raises(dyn.EmptyInputError, match=r"only\.csv: no comments found \(2 malformed"):
        dyn.load(only)


# ------------------------------------------------------------------ 15.7 encodings
CP1252 = "id,author,text\n1,ann,caf\u00e9 \u201cquoted\u201d\n2,bob,plain\n".encode("cp1252")


def test_cp1252_csv_without_encoding_is_counted_with_the_option_to_pass(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(CP1252)
    with pytest.warns(dyn.DataQualityWarning, match="1 non_utf8_text"):
        d = dyn.load(path)
    assert d.report.samples["non_utf8_text"] == ["1"]
    assert "encoding='cp1252'" in d.report.policy("non_utf8_text")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_encoding_option_decodes_exactly(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        path.write_bytes(CP1252)
    else:
        line = json.dumps({"id": "1", "author": "ann", "text": "caf\u00e9"}, ensure_ascii=False)
        path.write_bytes((line + "\n").encode("cp1252"))
    d = dyn.load(path, encoding="cp1252")
    assert d.comments.get_column("text")[0].startswith("caf\u00e9")
    assert d.report["non_utf8_text"] == 0


def test_valid_utf8_holding_the_replacement_character_is_not_counted(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,author,text\n1,ann,broken \ufffd glyph\n", encoding="utf-8")
    d = dyn.load(path)
    assert d.report["non_utf8_text"] == 0
    assert "\ufffd" in d.comments.get_column("text")[0]


def test_unknown_encoding_and_parquet_encoding_are_refused(tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text("id,author\n1,ann\n")
    with pytest.raises(ReaderOptionError, match="encoding='klingon'"):
        dyn.load(csv, encoding="klingon")
    pq = tmp_path / "t.parquet"
    pl.DataFrame({"id": ["1"], "author": ["ann"]}).write_parquet(pq)
    with pytest.raises(ReaderOptionError, match="Parquet"):
        dyn.load(pq, encoding="cp1252")


SCRAPE = "Title line\n\nArticle paragraph.\n\nMary Major\n\nCaf\u00e9 \u201cnoir\u201d.\n\nJohn Roe\n\nYes.\n"


def test_plaintext_scrape_in_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_bytes(SCRAPE.encode("cp1252"))
    with pytest.warns(dyn.DataQualityWarning, match="1 non_utf8_text"):
        lossy = dyn.load(path)
    assert "encoding='cp1252'" in lossy.report.policy("non_utf8_text")
    exact = dyn.load(path, encoding="cp1252")
    assert exact.report["non_utf8_text"] == 0
    assert exact.comments.get_column("text").to_list() == ["Caf\u00e9 \u201cnoir\u201d.", "Yes."]
    assert exact.comments.get_column("author").to_list() == ["Mary Major", "John Roe"]


def test_plaintext_utf8_with_a_replacement_character_is_not_counted(tmp_path: Path) -> None:
    path = tmp_path / "scrape.txt"
    path.write_text(SCRAPE.replace("noir", "\ufffd"), encoding="utf-8")
    assert dyn.load(path).report["non_utf8_text"] == 0


def test_strict_error_of_several_files_names_the_file_and_its_own_field(tmp_path: Path) -> None:
    """Files that map a contract column from different fields keep their own names: an error
    about a record of b.csv names b.csv and b's field, whatever file comes first or last."""
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("id,parent,user,body,created_utc\n1,,ann,hi,2020-01-01\n", encoding="utf-8")
    b.write_text("id,in_reply_to,user,body,timestamp\n2,1,bob,yo,not a time\n", encoding="utf-8")
    c.write_text("id,parent_id,user,body,date\n3,zz,cat,hey,2020-01-02\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"^b\.csv: id='2': field 'timestamp' cannot"):
        dyn.load([a, b, c], strict=True)
    with pytest.raises(InputFormatError, match=r"^c\.csv: id='3': field 'parent_id' refers"):
        dyn.load([c, a], strict=True)
    with pytest.raises(InputFormatError, match=r"^c\.csv: id='3': field 'parent_id' refers"):
        dyn.load([a, c], strict=True)
    # the same id in two files: the second file's row is the one dropped
    d = tmp_path / "d.csv"
    d.write_text("ID,author\n1,dan\n", encoding="utf-8")
    with pytest.raises(
        InputFormatError, match=r"^d\.csv: id='1': field 'ID' is already in an earlier file"
    ):
        dyn.load([a, d], strict=True)


@pytest.mark.parametrize("fmt", [f for f in dyn.io.READERS if f != "parquet_cache"])
def test_every_reader_takes_the_encoding_option(fmt: str) -> None:
    """--encoding is one option for every format: no reader answers that it takes no such
    option (those whose format is UTF-8 by specification refuse another codec, saying why)."""
    from dynamics.io._registry import check_options

    check_options(fmt, dyn.io.get_reader(fmt).read, {"encoding": "utf-8"})


def test_xml_export_refuses_another_encoding(tmp_path: Path) -> None:
    src = Path(__file__).parents[1] / "data" / "disqus" / "export.xml"
    with pytest.raises(ReaderOptionError, match="an XML file declares its own encoding"):
        dyn.load(src, encoding="cp1252")
    assert dyn.load(src, encoding="utf-8").report.n_comments > 0
