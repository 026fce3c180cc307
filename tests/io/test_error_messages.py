"""Errors a person can read (issue 13): every input error we can provoke stays under the limit.

Each message names the file (and record and field where there is one), shows at most a handful
of the available columns, and says which option to try; through the CLI the option is spelled
the CLI's way (``--columns comment_id=COL``), not Python's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import dynamics as dyn
from dynamics.cli import app, cli_syntax
from dynamics.errors import MAX_MESSAGE, DynamicsError

runner = CliRunner()


def _wide_conversations(tmp_path: Path) -> Path:
    # the WikiConv layout read as a plain table: one column per action id (thousands)
    path = tmp_path / "conversations.json"
    conv = {f"{i}.{i * 7}.{i * 13}": {"id": f"{i}", "content": "x"} for i in range(3000)}
    path.write_text(json.dumps([conv]))
    return path


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# (name, files to write, load keyword arguments, words the message must hold)
CASES: list[tuple[str, Callable[[Path], object], dict, tuple[str, ...]]] = [
    ("missing file", lambda t: t / "nope.csv", {}, ("nope.csv", "no such file")),
    (
        "unknown format",
        lambda t: _csv(t, "hello\n", "notes.xyz"),
        {},
        ("notes.xyz", "format="),
    ),
    (
        "thousands of columns, no id",
        _wide_conversations,
        {"format": "tabular"},
        ("conversations.json", "comment_id", "more)", "columns={'comment_id': ...}"),
    ),
    ("empty file", lambda t: _csv(t, "\n \n", "blank.jsonl"), {}, ("blank.jsonl", "empty")),
    ("empty file, format given", lambda t: _csv(t, ""), {"format": "tabular"}, ("t.csv", "empty")),
    (
        "a plain file named .gz",
        lambda t: _csv(t, "id,body\n1,x\n", "t.csv.gz"),
        {},
        ("t.csv.gz", "damaged or not .gz data"),
    ),
    (
        "a folder that is not a corpus",
        lambda t: (_csv(t, "id\n1\n", "a.csv"), t)[1],
        {},
        ("not a ConvoKit corpus", "name one of its files"),
    ),
    (
        "a thread's turns as lists, not mapped",
        lambda t: _csv(t, '{"reddit_thread": [{"text": "a"}, {"text": "b"}]}\n', "tc.jsonl"),
        {},
        ("tc.jsonl", "'reddit_thread' holds lists of objects", "columns={'turns': ...}"),
    ),
    (
        "columns= names a column that is not there",
        _wide_conversations,
        {"format": "tabular", "columns": {"comment_id": "utterance"}},
        ("conversations.json", "'utterance'", "more)"),
    ),
    (
        "column of lists as ids",
        lambda t: _csv(t, '{"id": "1", "turns": ["a", "b"]}\n', "toxichat.jsonl"),
        {"columns": {"comment_id": "turns"}},
        ("toxichat.jsonl", "record 1", "'comment_id'", "columns={'comment_id': ...}"),
    ),
    (
        "broken JSON",
        lambda t: _csv(t, '[{"id": 1,', "t.json"),
        {},
        ("t.json", "JSON"),
    ),
    (
        "unclosed quote",
        lambda t: _csv(t, 'id,author\n1,"ann\n2,bob\n'),
        {},
        ("t.csv", "no comments found", "2 malformed_record"),  # lines 2 and 3
    ),
    (
        "strict orphan",
        lambda t: _csv(t, "id,parent,author,text\na,,x,hi\nb,zz,y,yo\n"),
        {"strict": True},
        ("t.csv", "field 'parent'", "strict"),
    ),
    (
        "strict orphan with a very long id",
        lambda t: _csv(t, f"id,parent,author,text\na,,x,hi\n{'b' * 500},zz,y,yo\n"),
        {"strict": True},
        ("t.csv", "field 'parent'"),
    ),
    (
        "a very long file name",
        lambda t: _csv(t, "x\n", "n" * 200 + ".xyz"),
        {},
        ("format=",),
    ),
    (
        "unknown option",
        lambda t: _csv(t, "id,author\n1,a\n"),
        {"colums": {"author": "a"}},
        ("colums", "columns"),
    ),
    (
        "unknown encoding",
        lambda t: _csv(t, "id,author\n1,a\n"),
        {"encoding": "klingon"},
        ("encoding=",),
    ),
    (
        "a table with a header and no rows",
        lambda t: _csv(t, "id,author,text\n"),
        {},
        ("t.csv", "no comments"),
    ),
    (
        "Hacker News file without items",
        lambda t: _csv(t, '{"foo": 1}\n', "hn.jsonl"),
        {"format": "hackernews"},
        ("hn.jsonl", "'id'"),
    ),
]


@pytest.mark.parametrize(("name", "make", "kwargs", "words"), CASES, ids=[c[0] for c in CASES])
def test_library_errors_are_short_and_say_what_to_try(name, make, kwargs, words, tmp_path):
    source = make(tmp_path)
    with pytest.raises((DynamicsError, ValueError)) as err:
        dyn.load(source, **kwargs)
    text = str(err.value)
    assert len(text) <= MAX_MESSAGE, (name, len(text), text)
    for word in words:
        assert word in text, (name, word, text)
    assert "\n" not in text


def _cli_args(kwargs: dict) -> list[str]:
    args = []
    for key, value in kwargs.items():
        if key == "columns":
            args += ["--columns", ",".join(f"{k}={v}" for k, v in value.items())]
        elif key == "strict":
            args.append("--strict")
        else:
            args += [f"--{key}", value]
    return args


CLI_CASES = [c for c in CASES if "colums" not in c[2]]


@pytest.mark.parametrize(
    ("name", "make", "kwargs", "words"), CLI_CASES, ids=[c[0] for c in CLI_CASES]
)
def test_cli_errors_are_short_and_in_cli_syntax(name, make, kwargs, words, tmp_path):
    source = make(tmp_path)
    result = runner.invoke(app, ["info", str(source), *_cli_args(kwargs)], terminal_width=10_000)
    assert result.exit_code == 1, result.output
    line = result.output.strip()
    assert line.startswith("error: ")
    assert "\n" not in line
    assert len(line) <= MAX_MESSAGE + len("error: ") + 20, (name, len(line), line)
    # Python's spelling of options never reaches the command line
    assert not re.search(r"(?<![-\w])(columns|format|encoding)=", line), line
    assert "strict=True" not in line


def test_cli_suggests_its_own_columns_syntax(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    pl.DataFrame({"key": ["a"], "who": ["ann"]}).write_csv(path)
    result = runner.invoke(app, ["info", str(path)], terminal_width=10_000)
    assert result.exit_code == 1
    assert "--columns comment_id=COL" in result.output
    assert "'key', 'who'" in result.output


def test_cli_report_policies_use_cli_syntax(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # the report table on one line per row
    path = tmp_path / "t.csv"
    path.write_text("id,parent,body\na,,hi\nb,a,yo\n")
    result = runner.invoke(app, ["info", str(path)], terminal_width=10_000)
    assert result.exit_code == 0, result.output
    assert "no author column; pass --columns author=COL" in result.output


@pytest.mark.parametrize(
    ("python", "cli"),
    [
        ("pass columns={'author': ...}", "pass --columns author=COL"),
        ("pass format= one of a, b", "pass --format one of a, b"),
        (
            "pass the file's encoding, e.g. encoding='cp1252'",
            "pass the file's encoding, e.g. --encoding cp1252",
        ),
        ("is missing (strict=True)", "is missing (--strict)"),
        ("try --format x", "try --format x"),
    ],
)
def test_cli_syntax(python: str, cli: str) -> None:
    assert cli_syntax(python) == cli


def test_a_reader_that_keeps_few_records_asks_whether_it_is_the_right_one(
    tmp_path: Path, shared_data: Path
) -> None:
    """Real posts (r/CollegeRant, one JSON object per line) forced through the keyed-JSON
    reader: it keeps one "comment" and counts the rest, so the warning and ``info`` ask
    whether the format is right, and the counts add up to the records read."""
    posts = shared_data / "reddit-college" / "CollegeRant-posts.jsonl"
    if not posts.is_file():
        pytest.skip(f"real posts not available at {posts}")
    head = tmp_path / "posts60.jsonl"
    with posts.open("rb") as fh:
        head.write_bytes(b"".join(next(fh) for _ in range(60)))
    with pytest.warns(
        dyn.DataQualityWarning,
        match="is 'keyed_json' the right format for this file, or is the file damaged",
    ):
        d = dyn.load(head, format="keyed_json")
    report = d.report
    dropped = report["malformed_record"] + report["duplicate_id"] + report["missing_field"]
    assert report.n_records == report.n_comments + dropped
    assert report.n_comments < dropped
    result = CliRunner().invoke(app, ["info", str(head), "--format", "keyed_json"])
    assert result.exit_code == 0
    assert "is 'keyed_json' the right format for this file, or is the file damaged?" in " ".join(
        result.output.split()
    )
    # read as what it is, no doubt is raised
    with pytest.warns(dyn.DataQualityWarning, match="deleted_author") as caught:
        again = dyn.load(head)
    assert again.report.format_doubt() is None
    assert "right format" not in str(caught[0].message)
