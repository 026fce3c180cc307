"""Disqus XML comments export (Admin -> Moderation -> Export).

Format (https://help.disqus.com/en/articles/1717164-comments-export; schema
http://disqus.com/api/schemas/1.0/disqus.xsd)
    The root ``<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">``
    holds ``<category>`` elements, then ``<thread dsq:id="...">`` elements (``<id>`` the site's
    ``disqus_identifier``, ``<forum>``, ``<link>``, ``<title>``, ``<message>``,
    ``<createdAt>``, ``<author>``, ``<isClosed>``, ``<isDeleted>``), then ``<post dsq:id="...">``
    elements: ``<message>`` (HTML, usually in CDATA), ``<createdAt>`` (ISO 8601),
    ``<isDeleted>``, ``<isSpam>``, ``<author>`` with ``<name>``, ``<isAnonymous>`` and, for
    registered users, ``<username>``; ``<thread dsq:id="..."/>`` and, for replies,
    ``<parent dsq:id="..."/>``.

Mapping
    ``comment_id``, ``thread_id`` and ``parent_id`` are the ``dsq:id`` attributes (one id space
    per element kind, as Disqus numbers them). ``author`` is the ``username`` when present,
    else the display ``name``; the display name is kept as ``display_name``. ``text`` is the
    message decoded from HTML by :func:`dynamics.io._html.html_to_text`. Threads go to the
    threads table with the thread's ``identifier`` (``<id>``) and ``forum``.

Guests, deleted posts and spam
    A guest (``<isAnonymous>true</isAnonymous>``: no account, only a display name such as
    "Guest") is an anonymous author: ``author`` is null, as for anonymous comments in every
    other format, so that a user graph's ``anonymous=`` policy applies ("exclude" leaves
    them out, "separate" makes each comment its own node, "pool" one node for all), never
    one node per display name that merged every "Guest" into one user. Their name stays in
    ``display_name``, ``isAnonymous`` in ``is_anonymous``, and the checks count them as
    ``anonymous_author`` (informational), the policy naming the guests. Posts marked
    ``isDeleted`` are kept with ``deleted=True`` (their author and text survive in the
    export) and counted as ``deleted_comment``; posts marked ``isSpam`` are kept the same
    way, flagged ``is_spam`` and counted as ``spam_comment`` (informational, the post ids as
    samples): filter on ``is_spam`` to leave them out of a measure. A deleted guest post has
    a null author with ``deleted=True``, which the checks count as ``deleted_author``.

The file is parsed as a stream (:func:`lxml.etree.iterparse`), each top-level element freed
once read, so memory grows with the comments table, not with the XML tree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError
from dynamics.io._base import ReadResult, open_binary, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io._html import html_to_text

__all__ = ["detect", "name", "read"]

name = "disqus"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "a Disqus export is UTF-8 XML, and an XML file declares its own encoding"

_NS = "{http://disqus.com}"
_DSQ_ID = "{http://disqus.com/disqus-internals}id"
_ROOT = re.compile(r"<disqus\b[^>]*\bxmlns\s*=\s*[\"']http://disqus\.com/?[\"']")


def detect(path: Path) -> bool:
    """True when the file's root element is ``<disqus xmlns="http://disqus.com">``."""
    if not path.is_file():
        return False
    return bool(_ROOT.search(peek_text(path, 8192)))


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read a Disqus XML export into comments and threads.

    Parameters
    ----------
    path : Path
        The export (``.xml``, or ``.xml.gz`` as Disqus mails it).
    {strict}
    {progress}
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments with the extra columns ``display_name``, ``is_spam`` and ``is_anonymous``;
        threads with
        ``identifier``, ``forum``, ``is_closed`` and ``is_deleted``. Record numbers in problems
        are the line of the element in the file.

    Raises
    ------
    InputFormatError
        The file is not XML, or its root is not a Disqus ``<disqus>`` element.

    Notes
    -----
    A ``<post>`` without a ``dsq:id`` or without ``<thread dsq:id>`` is counted as
    ``missing_field`` and skipped. XML that breaks off after some elements (a truncated
    download) keeps what was read before the break and counts one ``malformed_record``.
    Spam posts are kept and counted as ``spam_comment``; guests have a null author (see the
    module's docstring).
    """
    require_utf8(encoding, name, _UTF8_WHY)
    from lxml import etree

    problems = ProblemLog(path=path, strict=strict)
    posts: list[dict[str, Any]] = []
    threads: list[dict[str, Any]] = []
    n_records = 0
    root_seen = False
    size = path.stat().st_size
    with (
        open_binary(path) as fh,
        progress_bar(f"reading {path.name}", None, enabled=progress, size=size) as bar,
    ):
        events = etree.iterparse(
            fh,
            events=("start", "end"),
            remove_comments=True,
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        )
        depth = 0
        try:
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        _check_root(elem, path)
                        root_seen = True
                    continue
                depth -= 1
                if depth != 1:
                    continue
                n_records += 1
                bar.advance()
                if elem.tag == f"{_NS}post":
                    row = _post(elem, problems)
                    if row is not None:
                        posts.append(row)
                elif elem.tag == f"{_NS}thread":
                    threads.append(_thread(elem))
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            if not root_seen:
                msg = f"is not XML ({exc})"
                raise InputFormatError(msg, path=path) from exc
            problems.add(
                "malformed_record",
                record=exc.lineno,
                message=f"XML breaks off here; kept the {n_records:,} elements before ({exc})",
            )
    if not root_seen:
        msg = "is empty, not a Disqus export"
        raise InputFormatError(msg, path=path)
    if any(post["is_anonymous"] for post in posts):
        problems.policies["anonymous_author"] = (
            "kept; author null (Disqus guests, isAnonymous: their display name is in "
            "`display_name`)"
        )
    comments = pl.from_dicts(posts, infer_schema_length=None) if posts else pl.DataFrame()
    thread_frame = pl.from_dicts(threads, infer_schema_length=None) if threads else None
    return ReadResult(comments, thread_frame, problems, name, n_records)


def _check_root(elem: Any, path: Path) -> None:
    if elem.tag != f"{_NS}disqus":
        msg = f'the root element is <{elem.tag}>, not a Disqus export\'s <disqus xmlns="http://disqus.com">'
        raise InputFormatError(msg, path=path, record=elem.sourceline)


def _child(elem: Any, tag: str) -> Any:
    return elem.find(f"{_NS}{tag}")


def _text(elem: Any, tag: str) -> str | None:
    child = elem.find(f"{_NS}{tag}")
    if child is None or child.text is None:
        return None
    value = child.text.strip()
    return value or None


def _flag(elem: Any, tag: str) -> bool:
    return (_text(elem, tag) or "").lower() == "true"


def _ref(elem: Any, tag: str) -> str | None:
    child = elem.find(f"{_NS}{tag}")
    return None if child is None else child.get(_DSQ_ID)


def _author(elem: Any) -> tuple[str | None, str | None, bool]:
    """The author (username, else display name; None for a guest), the display name, and
    whether Disqus marks the author anonymous (a guest)."""
    author = _child(elem, "author")
    if author is None:
        return None, None, False
    shown, anonymous = _text(author, "name"), _flag(author, "isAnonymous")
    return None if anonymous else _text(author, "username") or shown, shown, anonymous


def _post(elem: Any, problems: ProblemLog) -> dict[str, Any] | None:
    post_id = elem.get(_DSQ_ID)
    line = elem.sourceline
    if not post_id:
        problems.add("missing_field", record=line, field="dsq:id", message="is missing (<post>)")
        return None
    thread_id = _ref(elem, "thread")
    if not thread_id:
        problems.add(
            "missing_field", record=line, record_id=post_id, field="thread", message="is missing"
        )
        return None
    author, shown, anonymous = _author(elem)
    spam = _flag(elem, "isSpam")
    if spam:
        problems.add(
            "spam_comment", record=line, record_id=post_id, field="isSpam", message="is spam"
        )
    message = _child(elem, "message")
    return {
        "comment_id": post_id,
        "parent_id": _ref(elem, "parent"),
        "thread_id": thread_id,
        "author": author,
        "text": html_to_text(message.text if message is not None else None) or "",
        "created_at": _text(elem, "createdAt"),
        "deleted": _flag(elem, "isDeleted"),
        "display_name": shown,
        "is_spam": spam,
        "is_anonymous": anonymous,
    }


def _thread(elem: Any) -> dict[str, Any]:
    author, _, _ = _author(elem)
    message = _child(elem, "message")
    return {
        "thread_id": elem.get(_DSQ_ID) or _text(elem, "id"),
        "title": _text(elem, "title"),
        "author": author,
        "text": html_to_text(message.text if message is not None else None),
        "created_at": _text(elem, "createdAt"),
        "url": _text(elem, "link"),
        "identifier": _text(elem, "id"),
        "forum": _text(elem, "forum"),
        "is_closed": _flag(elem, "isClosed"),
        "is_deleted": _flag(elem, "isDeleted"),
    }
