"""The Disqus XML export reader: threads, nested posts, guests, deleted and spam, bad XML."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

import dynamics as dyn
from dynamics.io import disqus

DATA = Path(__file__).resolve().parents[1] / "data"
EXPORT = DATA / "disqus" / "export.xml"
REDDIT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "reddit-college"
    / "CollegeRant-pushshift.ndjson"
)
HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
)


def row(d: dyn.Discussion, comment_id: str) -> dict:
    rows = d.to_polars().filter(pl.col("comment_id") == comment_id)
    assert rows.height == 1, f"no comment {comment_id}"
    return rows.row(0, named=True)


def post(post_id: str | None, thread: str | None, text: str, parent: str | None = None) -> str:
    ident = f' dsq:id="{post_id}"' if post_id else ""
    parts = [
        f"<post{ident}><id/><message><![CDATA[<p>{text}</p>]]></message>",
        "<createdAt>2020-01-01T00:00:00Z</createdAt><isDeleted>false</isDeleted>",
        "<isSpam>false</isSpam><author><name>N</name><username>u</username></author>",
        f'<thread dsq:id="{thread}"/>' if thread else "",
        f'<parent dsq:id="{parent}"/>' if parent else "",
        "</post>\n",
    ]
    return "".join(parts)


@pytest.fixture
def export() -> dyn.Discussion:
    return dyn.load(EXPORT)


# --------------------------------------------------------------------------- detection


def test_detected_as_disqus() -> None:
    assert dyn.detect(EXPORT) == "disqus"


@pytest.mark.parametrize(
    "path",
    [
        DATA / "hackernews" / "items.jsonl",
        DATA / "hackernews" / "algolia_item.json",
        DATA / "twitter" / "conversation.json",
    ],
)
def test_not_detected_on_other_formats(path: Path) -> None:
    assert not disqus.detect(path)


def test_not_detected_on_reddit_dump() -> None:
    if not REDDIT.is_file():
        pytest.skip(f"shared data not available: {REDDIT}")
    assert not disqus.detect(REDDIT)


def test_not_detected_on_other_xml(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n')
    assert not disqus.detect(path)


# --------------------------------------------------------------------------- the export


def test_posts_are_comments_threads_are_threads(export: dyn.Discussion) -> None:
    assert len(export) == 6
    assert export.report.n_records == 9  # 1 category, 2 threads, 6 posts
    assert export.report.format == "disqus"
    assert export.report.ok
    sizes = dict(export.threads.select("thread_id", "n_comments").iter_rows())
    assert sizes == {"7200000001": 4, "7200000002": 2}
    posts = export.posts
    assert posts.get_column("title").to_list() == [
        "The tram plan, explained",
        "Bike lanes on Main Street",
    ]
    first = posts.row(0, named=True)
    assert first["url"] == "https://blog.example.org/2019/05/tram-plan/"
    assert first["identifier"] == "post-118"
    assert first["author"] == "examplecityblog"
    assert first["text"] == "What the council decided & why."
    assert posts.get_column("is_closed").to_list() == [False, True]


def test_nested_replies(export: dyn.Discussion) -> None:
    assert row(export, "4500000001")["parent_id"] is None
    assert row(export, "4500000002")["parent_id"] == "4500000001"
    assert row(export, "4500000003")["parent_id"] == "4500000002"
    assert row(export, "4500000006")["parent_id"] == "4500000005"
    assert row(export, "4500000006")["thread_id"] == "7200000002"
    assert row(export, "4500000003")["created_at"].isoformat() == "2019-05-28T10:45:00+00:00"


def test_authors_username_and_guests_anonymous(export: dyn.Discussion) -> None:
    assert row(export, "4500000001")["author"] == "maria_k"
    assert row(export, "4500000001")["display_name"] == "Maria K."
    guest = row(export, "4500000002")
    assert guest["author"] is None
    assert guest["deleted"] is False
    assert guest["display_name"] == "Guest Reader"
    assert guest["is_anonymous"] is True
    assert row(export, "4500000001")["is_anonymous"] is False
    assert export.report["anonymous_author"] == 1
    assert "display_name" in export.report.policy("anonymous_author")


def test_cdata_html_is_decoded(export: dyn.Discussion) -> None:
    assert row(export, "4500000001")["text"] == (
        "Finally! I've waited ten years for this.\n\nSecond thought: who pays?"
    )
    assert row(export, "4500000002")["text"] == (
        'The ticket surcharge pays, read the "funding" section.'
    )
    assert row(export, "4500000003")["text"] == "Thanks, found it: blog.example.org/funding"
    assert row(export, "4500000005")["text"] == "Main Street needs this now."


def test_deleted_and_spam_flags(export: dyn.Discussion) -> None:
    flags = export.to_polars().select("comment_id", "deleted", "is_spam")
    assert flags.filter(pl.col("deleted")).get_column("comment_id").to_list() == ["4500000004"]
    assert flags.filter(pl.col("is_spam")).get_column("comment_id").to_list() == ["4500000006"]
    assert row(export, "4500000004")["author"] == "angry_al"
    assert export.report["deleted_comment"] == 1
    assert export.report.samples["deleted_comment"] == ["4500000004"]


def test_spam_is_kept_and_counted(export: dyn.Discussion) -> None:
    assert export.report["spam_comment"] == 1
    assert export.report.samples["spam_comment"] == ["4500000006"]
    assert "4500000006" in export.comments.get_column("comment_id").to_list()
    assert export.report.ok  # informational, as deleted_comment is


def guest(post_id: str, name: str, parent: str | None = None) -> str:
    """A guest's post (no username, ``isAnonymous`` true) in thread 1."""
    return (
        f'<post dsq:id="{post_id}"><message>hi</message>'
        "<createdAt>2020-01-01T00:00:00Z</createdAt><isDeleted>false</isDeleted>"
        f"<isSpam>false</isSpam><author><name>{name}</name><isAnonymous>true</isAnonymous>"
        f'</author><thread dsq:id="1"/>'
        + (f'<parent dsq:id="{parent}"/>' if parent else "")
        + "</post>\n"
    )


def test_guests_of_one_name_are_anonymous_not_one_user(tmp_path: Path) -> None:
    """Two guests both called "Guest" were one node of the user graph, whatever
    ``anonymous=`` said: as anonymous authors, "separate" tells them apart."""
    path = tmp_path / "guests.xml"
    path.write_text(
        HEAD
        + '<thread dsq:id="1"><id>a</id><title>T</title></thread>\n'
        + post("10", "1", "registered")
        + guest("11", "Guest", parent="10")
        + guest("12", "Guest", parent="10")
        + "</disqus>\n"
    )
    d = dyn.load(path, strict=True)  # anonymous authors are no defect
    assert d.report["anonymous_author"] == 2
    assert d.report.samples["anonymous_author"] == ["11", "12"]
    assert d.comments.get_column("display_name").to_list() == ["N", "Guest", "Guest"]
    assert d.user_graph().number_of_nodes() == 1  # "exclude": only the registered author
    separate = d.user_graph(anonymous="separate")
    assert separate.number_of_nodes() == 3
    assert separate.in_degree("u") == 2


def test_gzipped_export(tmp_path: Path) -> None:
    path = tmp_path / "export.xml.gz"
    path.write_bytes(gzip.compress(EXPORT.read_bytes()))
    assert disqus.detect(path)
    result = disqus.read(path)
    assert result.comments.height == 6
    assert result.threads is not None
    assert result.threads.height == 2


# --------------------------------------------------------------------------- bad input


def test_truncated_xml_keeps_what_came_before(tmp_path: Path) -> None:
    text = EXPORT.read_text()
    cut = text.index('<post dsq:id="4500000005">') + 60
    path = tmp_path / "truncated.xml"
    path.write_text(text[:cut])
    result = disqus.read(path)
    assert result.problems.counts == {"malformed_record": 1}
    assert result.comments.height == 4
    with pytest.warns(dyn.DataQualityWarning, match="1 malformed_record"):
        d = dyn.load(path)
    assert len(d) == 4
    with pytest.raises(dyn.InputFormatError, match=r"truncated\.xml: record \d+: XML breaks off"):
        dyn.load(path, strict=True)


def test_post_without_id_or_thread_is_a_missing_field(tmp_path: Path) -> None:
    path = tmp_path / "partial.xml"
    path.write_text(
        HEAD
        + '<thread dsq:id="1"><id>a</id><title>T</title></thread>\n'
        + post("10", "1", "kept")
        + post(None, "1", "no id")
        + post("12", None, "no thread")
        + "</disqus>\n"
    )
    result = disqus.read(path)
    assert result.problems.counts == {"missing_field": 2}
    assert result.comments.get_column("comment_id").to_list() == ["10"]
    with pytest.raises(dyn.InputFormatError, match=r"partial\.xml: record 5: field 'dsq:id'"):
        dyn.load(path, strict=True)


def test_file_that_is_not_xml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "comments.xml"
    path.write_text("these are not comments\n")
    with pytest.raises(dyn.InputFormatError, match=r"comments\.xml: is not XML"):
        dyn.load(path, format="disqus")


def test_other_xml_names_the_file_and_root(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n')
    with pytest.raises(
        dyn.InputFormatError, match=r"feed\.xml: record 2: the root element is <rss>"
    ):
        disqus.read(path)
