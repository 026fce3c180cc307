"""The plain-text scrape reader, on the bundled real thread and on edge-case files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import plaintext

RECURRING = {
    "Tudor Miron",
    "Brother Ma",
    "Willing Conscience (The Truths",
    "Zionism = EVIL",
    "Saddam Hussein",
    "Xoli Xoli",
    "Concrete Mike",
    "Assad must stay (gr8rambino)",
}


@pytest.fixture
def thread(seed_thread: Path) -> dyn.Discussion:
    with pytest.warns(dyn.DataQualityWarning, match="2 empty_text"):
        return dyn.load(seed_thread)


def by_line(d: dyn.Discussion, line: int) -> dict:
    rows = d.to_polars().filter(pl.col("line") == line)
    assert rows.height == 1, f"no comment starts on line {line}"
    return rows.row(0, named=True)


def test_detected_as_plaintext(seed_thread: Path) -> None:
    assert dyn.detect(seed_thread) == "plaintext"


def test_article_header_is_the_post_not_a_comment(thread: dyn.Discussion) -> None:
    post = thread.posts.row(0, named=True)
    assert post["title"].startswith("Turkey Is Negotiating With Russia")
    assert post["date"] == "JULY 2022"
    assert post["text"].startswith("Turkey is negotiating with Russia in order to declare")
    assert post["text"].endswith("will hold their attacks this time.")
    first = thread.to_polars().row(0, named=True)
    assert first["author"] == "Rafik Chauhan"
    assert first["text"].startswith("Turkey cant do anything")


def test_real_commenters_found(thread: dyn.Discussion) -> None:
    authors = set(thread.authors)
    assert authors >= RECURRING
    assert {
        "Rafik Chauhan",
        "Oscar Silva Martinez",
        "klove and light",
        "Prince Teutonic",
        "Dick Von Dast'Ard",
        "S Melanson",
    } <= authors
    for not_author in (
        "Waste of time.",
        "Finally a voice of reason",
        "JULY 2022",
        "just f#cking burn them an be done with it",
        "WITHOUT any VETO….WITHOUT any withhold",
    ):
        assert not_author not in authors
    assert len(thread) == 49
    assert thread.report["anonymous_author"] == 18


def test_short_comments_are_bodies_of_anonymous_comments(thread: dyn.Discussion) -> None:
    texts = dict(zip(thread.to_polars()["text"], thread.to_polars()["author"], strict=True))
    assert texts["Waste of time."] is None
    assert texts["Finally a voice of reason"] is None


def test_bodies_attributed_to_the_right_author(thread: dyn.Discussion) -> None:
    tudor = by_line(thread, 188)
    assert tudor["author"] == "Tudor Miron"
    assert tudor["text"].startswith("Do you think your fantasies can fool anyone?")
    assert "Try harder trolly! You got to work harder for those sheckels" in tudor["text"]
    # a name, an embed the copy lost (extra blank line), then the body
    embed = by_line(thread, 171)
    assert embed["author"] == "Tudor Miron"
    assert embed["text"].startswith("I’m not sure that you “see the larger picture”")
    # a name line whose comment had no text: the next name starts the next comment
    assert by_line(thread, 30)["author"] == "Oscar Silva Martinez"
    assert by_line(thread, 30)["text"] == ""
    assert by_line(thread, 33)["author"] == "Xoli Xoli"
    assert by_line(thread, 33)["text"] == "I support fully."
    # multi-paragraph bodies stay together
    willing = by_line(thread, 192)
    assert willing["author"] == "Willing Conscience (The Truths"
    assert willing["text"].count("\n\n") == 1
    assert willing["text"].startswith("“For every attack on Russian forces")
    assert willing["text"].endswith("just the opposite.")
    klove = by_line(thread, 111)
    assert klove["author"] == "klove and light"
    assert klove["text"].count("\n\n") == 9  # ten paragraphs
    assert thread.report["empty_text"] == 2


def test_no_inference_by_default(thread: dyn.Discussion) -> None:
    df = thread.to_polars()
    assert df["parent_id"].null_count() == len(thread)
    assert not df["inferred"].any()
    assert thread.user_graph().number_of_edges() == 0


def test_adjacent_inference_flags_every_edge(seed_thread: Path) -> None:
    with pytest.warns(dyn.DataQualityWarning):
        d = dyn.load(seed_thread, infer_replies="adjacent")
    df = d.to_polars()
    replies = df.filter(pl.col("parent_id").is_not_null())
    assert replies.height == d.report["inferred_reply"] == 15
    assert replies["inferred"].all()
    assert set(replies["inference"]) == {"adjacent:opener", "adjacent:exchange"}
    # the Tudor Miron / Willing Conscience exchange is a reply chain
    tudor, willing = by_line(d, 188), by_line(d, 192)
    assert willing["parent_id"] == tudor["comment_id"]
    assert tudor["parent_id"] == by_line(d, 184)["comment_id"]
    # never a reply to one's own comment
    assert d.report["self_reply"] == 0
    g = d.user_graph()
    assert g.has_edge("Tudor Miron", "Willing Conscience (The Truths")
    assert g.has_edge("Willing Conscience (The Truths", "Tudor Miron")
    assert g["Saddam Hussein"]["Tudor Miron"]["count"] == 1


def test_quote_rule(tmp_path: Path) -> None:
    f = tmp_path / "q.txt"
    f.write_text(
        "A title\n\nThe article.\n\nAnn Lee\n\nThe ceasefire will never hold in the north.\n\n"
        "Bob Ray\n\n“The ceasefire will never hold in the north” is what you said last week too.\n\n"
        "Ann Lee\n\nok\n",
        encoding="utf-8",
    )
    d = dyn.load(f, infer_replies="adjacent")
    df = d.to_polars()
    assert df["inference"].to_list() == [None, "adjacent:quote", "adjacent:exchange"]


def test_anonymous_comment_after_double_blank_and_non_utf8(tmp_path: Path) -> None:
    f = tmp_path / "scrape.txt"
    f.write_bytes(
        b"Title line\n\nArticle paragraph one.\n\nMary Major\n\nFirst body.\n\nSecond paragraph.\n\n\n"
        b"An anonymous remark.\n\nMary Major\n\nCaf\xe9 is bad \xff.\n"
    )
    with pytest.warns(dyn.DataQualityWarning, match="non_utf8_text"):
        d = dyn.load(f)
    df = d.to_polars()
    assert df["author"].to_list() == ["Mary Major", None, "Mary Major"]
    assert df["text"][0] == "First body.\n\nSecond paragraph."
    assert df["text"][2] == "Caf\ufffd is bad \ufffd."
    assert d.report["non_utf8_text"] == 1
    assert d.report.samples["non_utf8_text"] == ["scrape#3"]  # the comment, from line 14
    with pytest.raises(
        dyn.InputFormatError, match=r"scrape\.txt: record 14 \(id='scrape#3'\).*line 16"
    ):
        dyn.load(f, strict=True)


def test_non_utf8_text_counts_comments_not_lines(tmp_path: Path) -> None:
    """A comment with three lines holding bad bytes is one record with bytes that are not
    UTF-8, not three; a bad byte in the article is counted once, as the article."""
    f = tmp_path / "scrape.txt"
    f.write_bytes(
        b"Title line\n\nArticle paragraph, caf\xe9.\n\n"
        b"Mary Major\n\nBad \xff one.\nBad \xfe two.\n\nBad \xfd three.\n\n"
        b"John Doe\n\nA clean reply.\n\n"
        b"Mary Major\n\nOne more \xff.\n"
    )
    with pytest.warns(dyn.DataQualityWarning, match="3 non_utf8_text"):
        d = dyn.load(f)
    assert d.comments.get_column("author").to_list() == ["Mary Major", "John Doe", "Mary Major"]
    assert d.comments.get_column("text")[0].count("\ufffd") == 3
    assert d.report["non_utf8_text"] == 3  # the article, comment 1 (three lines), comment 3
    assert d.report.samples["non_utf8_text"] == ["the article", "scrape#1", "scrape#3"]
    assert "once per comment" in d.report.policy("non_utf8_text")


def test_empty_file_and_bad_option(tmp_path: Path, seed_thread: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(dyn.EmptyInputError, match=r"empty\.txt: the file is empty"):
        dyn.load(empty, format="plaintext")
    with pytest.raises(ValueError, match="'infer_replies' parameter"):
        dyn.load(seed_thread, infer_replies="nearest")


def test_detect_rejects_json_and_tables(tmp_path: Path) -> None:
    j = tmp_path / "x.txt"
    j.write_text('{"id": 1}\n\n{"id": 2}\n', encoding="utf-8")
    assert not plaintext.detect(j)
    c = tmp_path / "x.csv"
    c.write_text("id,text\n1,hi\n", encoding="utf-8")
    assert not plaintext.detect(c)
