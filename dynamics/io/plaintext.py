"""Plain-text scrapes of a comment section (e.g. ``southfront-idlib-thread.txt``).

The layout, as copied from a web page: an article header (an optional date line, the title,
the article's paragraphs), then the comments in the site's depth-first order with nesting
lost. A comment is either

* **named**: a bare display-name line, a blank line, then its body; or
* **anonymous**: two or more blank lines, then its body (no name line).

Bodies may have several paragraphs separated by single blank lines. A named comment may have
no text at all (an image or an embed that the copy lost): its name line is followed directly
by the next comment.

Author lines
    A *candidate* is a standalone line of at most six words and 50 characters with no sentence
    punctuation (``. , ! ? ; : …``) and no URL, that is not a date. A candidate is an author
    line when the same line recurs as a candidate elsewhere in the file (a name that recurs is
    an author), or when it is followed by one blank line and a body (a non-candidate line), or
    when it follows a body after a single blank line and is followed by a comment break (a
    named comment without text). The line right after an author line is body unless it is a
    recurring name (the first name then had no text), and a one-line anonymous comment such as "Finally a voice of reason" (two blank lines before it,
    a name line after it) is not an author.

Reply inference (``infer_replies``)
    ``"none"`` (default): every comment is top-level. ``"adjacent"``: comment *i* replies to
    comment *i - 1* when (a) two people take turns: the author of *i* wrote *i - 2*, and *i - 1*,
    by someone else, was itself inferred to reply to *i - 2* (``adjacent:exchange``), (b) it
    opens like a reply ("I agree", "Yes", "No :)", "Exactly", "Do you ...", "Seems you forget", "Finally a voice of
    reason", "LOL", "and ...": ``adjacent:opener``), or (c) it opens by quoting a passage of
    comment *i - 1* (``adjacent:quote``). Never to one's own comment. Inferred edges carry
    ``inferred=True`` and the rule in ``inference``, so results can say how much rests on them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from dynamics._problems import ProblemLog
from dynamics.errors import InputFormatError
from dynamics.io._base import ReadResult, open_binary, peek_text, strip_compression
from dynamics.io._encoding import check_encoding

__all__ = ["detect", "name", "read", "split_comments"]

name = "plaintext"

InferReplies = Literal["none", "adjacent"]

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?(?:\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|{_MONTHS}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}|\d{{4}}-\d\d-\d\d|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})$",
    re.IGNORECASE,
)
_SENTENCE_PUNCT = re.compile(r"[.,!?;:…]|https?://|www\.")
_MAX_NAME_WORDS = 6
_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends bytes.splitlines knows, no others
_MAX_NAME_CHARS = 50

_OPENER = re.compile(
    r"""^(?:
        @\w+
      | i\s+(?:fully\s+|totally\s+|completely\s+)?(?:agree|disagree|support)\b
      | agreed?\b | yes\b | yep\b | yeah\b | yup\b | exactly\b | indeed\b | correct\b
      | true[,.!]  | well\s+said | finally\s+a\s+voice | good\s+(?:point|comment)\b
      | thanks?\b | thank\s+you\b
      | lol\b | lmao\b | h[ah]{3,}
      | no\s*[,.!:;)] | nope\b | nah\b | wrong\b | nonsense\b | rubbish\b
      | that'?s\s+(?:a\s+lie|not\s+true|wrong|right|true|nonsense|rubbish)
      | you\b | your\b | you'?re\b | seems\s+you\b | so\s+you\b
      | (?:do|did|are|have|were)\s+you\b | why\s+(?:do|are|would)\s+you\b
      | i'?m\s+not\s+sure\s+(?:that\s+)?you\b
      | and\s | but\s
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_QUOTE = re.compile(r"^[\"“«](.{20,}?)[\"”»]")


@dataclass
class _Line:
    number: int  # 1-based line number in the file
    text: str
    blanks: int  # blank lines right before it


@dataclass
class _Comment:
    author: str | None
    line: int
    paragraphs: list[str] = field(default_factory=list)


def detect(path: Path) -> bool:
    """True for ``.txt`` (or suffix-less) files that read as prose blocks, not tables."""
    if not path.is_file():
        return False
    suffix = Path(strip_compression(path)).suffix
    if suffix not in {".txt", ".text", ""}:
        return False
    head = peek_text(path, 8192)
    stripped = head.lstrip()
    if not stripped or stripped[0] in "{[<":
        return False
    return "\n\n" in head.replace("\r\n", "\n")


def _candidate(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= _MAX_NAME_WORDS
        and len(text) <= _MAX_NAME_CHARS
        and not _SENTENCE_PUNCT.search(text)
        and not _DATE.match(text)
    )


def _lines(path: Path, encoding: str = "utf-8") -> tuple[list[_Line], list[int]]:
    """The file's non-blank lines, and the numbers of the lines that held bytes not valid in
    ``encoding`` (read with U+FFFD; :func:`_count_lossy` counts them per comment)."""
    codec = check_encoding(encoding)
    with open_binary(path) as fh:
        raw = fh.read()
    try:
        whole, lossy = raw.decode(codec), False
    except UnicodeDecodeError:
        whole, lossy = raw.decode(codec, errors="replace"), True
    del raw
    out: list[_Line] = []
    bad: list[int] = []
    blanks = 0
    for number, line in enumerate(_NEWLINE.split(whole), start=1):
        if lossy and "\ufffd" in line:
            bad.append(number)
        text = line.lstrip("\ufeff").strip()
        if not text:
            blanks += 1
            continue
        out.append(_Line(number, text, blanks))
        blanks = 0
    return out, bad


def _count_lossy(
    bad_lines: list[int], comments: list[_Comment], ids: list[str], problems: ProblemLog, codec: str
) -> None:
    """Count ``non_utf8_text`` once per comment (and once for the article) holding a line
    with undecodable bytes, however many of its lines do; samples are comment ids.

    >>> log = ProblemLog()
    >>> cs = [_Comment("ann", 5), _Comment(None, 9), _Comment("bob", 14)]
    >>> _count_lossy([2, 6, 7, 8, 15], cs, ["t#1", "t#2", "t#3"], log, "utf-8")
    >>> log.counts, log.samples
    ({'non_utf8_text': 3}, {'non_utf8_text': ['the article', 't#1', 't#3']})
    """
    if not bad_lines:
        return
    problems.policies["non_utf8_text"] = (
        f"bytes not valid {codec} decoded as U+FFFD (counted once per comment, whatever its "
        "number of such lines); pass the file's encoding, e.g. encoding='cp1252'"
    )
    starts = [c.line for c in comments]
    seen: set[int] = set()
    for number in bad_lines:
        at = bisect_right(starts, number) - 1  # the comment the line belongs to; -1: article
        if at in seen:
            continue
        seen.add(at)
        message = f"holds bytes that are not {codec} (line {number:,})"
        if at < 0:
            problems.add("non_utf8_text", record=1, record_id="the article", message=message)
        else:
            problems.add(
                "non_utf8_text", record=comments[at].line, record_id=ids[at], message=message
            )


def _author_lines(lines: list[_Line], start: int) -> set[int]:
    """Indexes (into ``lines``) of author lines, from ``start`` on."""
    cand = [_candidate(ln.text) for ln in lines]
    recurring = Counter(ln.text for i, ln in enumerate(lines) if cand[i] and i >= start)
    authors: set[int] = set()
    for i in range(start, len(lines)):
        if not cand[i]:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if recurring[lines[i].text] >= 2:
            authors.add(i)  # a name that recurs, even right after a name without text
        elif i - 1 in authors:
            continue  # otherwise the line right after a name line is body
        elif nxt is not None and nxt.blanks == 1 and not cand[i + 1]:
            authors.add(i)  # name, blank, body
        elif lines[i].blanks == 1 and (nxt is None or nxt.blanks >= 2):
            authors.add(i)  # a named comment without text, after a body
    return authors


def split_comments(
    lines: list[_Line],
) -> tuple[dict[str, Any], list[_Comment]]:
    """Split the file's lines into the article header and the comments."""
    header: dict[str, Any] = {"date": None, "title": None, "paragraphs": []}
    i = 0
    if lines and _DATE.match(lines[0].text):
        header["date"] = lines[0].text
        i = 1
    if i < len(lines):
        header["title"] = lines[i].text
        i += 1
    # the article runs until the first author line or the first double blank
    first_author = min(_author_lines(lines, i), default=len(lines))
    while i < first_author and lines[i].blanks < 2:
        header["paragraphs"].append(lines[i].text)
        i += 1
    authors = _author_lines(lines, i)
    comments: list[_Comment] = []
    for j in range(i, len(lines)):
        ln = lines[j]
        current = comments[-1] if comments else None
        if j in authors:
            comments.append(_Comment(ln.text, ln.number))
        elif current is None or (ln.blanks >= 2 and current.paragraphs):
            comments.append(_Comment(None, ln.number, [ln.text]))
        else:
            current.paragraphs.append(ln.text)
    return header, comments


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def _normalise(text: str) -> str:
    return text.translate(_APOSTROPHES).strip()


def _infer(comments: list[_Comment]) -> list[tuple[int | None, str | None]]:
    """(parent position, rule) for each comment under the "adjacent" strategy."""
    out: list[tuple[int | None, str | None]] = [(None, None)]
    for i in range(1, len(comments)):
        cur, prev = comments[i], comments[i - 1]
        if cur.author is not None and cur.author == prev.author:
            out.append((None, None))
            continue
        body = _normalise("\n\n".join(cur.paragraphs))
        before = comments[i - 2] if i >= 2 else None
        quote = _QUOTE.match(body)
        if (
            cur.author is not None
            and prev.author is not None
            and before is not None
            and before.author == cur.author
            and out[i - 1][0] == i - 2
        ):
            out.append((i - 1, "adjacent:exchange"))
        elif _OPENER.match(body):
            out.append((i - 1, "adjacent:opener"))
        elif quote and _normalise(quote.group(1)) in _normalise("\n\n".join(prev.paragraphs)):
            out.append((i - 1, "adjacent:quote"))
        else:
            out.append((None, None))
    return out


def read(
    path: Path,
    *,
    strict: bool = False,
    infer_replies: InferReplies = "none",
    thread_id: str | None = None,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read a plain-text scrape of a comment section.

    Parameters
    ----------
    path : Path
    strict : bool, default False
        Raise on undecodable bytes instead of counting them.
    infer_replies : {"none", "adjacent"}, default "none"
        How to recover reply edges the copy lost (see the module docstring).
    thread_id : str, optional
        Id of the thread (default: the file name without extension).
    encoding : str, default "utf-8"
        Text encoding of the file (e.g. ``"cp1252"``); bytes it cannot decode are read as
        U+FFFD, and each comment holding some is counted once as ``non_utf8_text`` (however
        many of its lines do; the article header counts as one record too).

    Returns
    -------
    ReadResult
        Comments with ids ``"<thread>#<n>"`` in page order, extra columns ``position`` (1-based
        order on the page) and ``line`` (line where the comment starts); the article as the
        thread's post (title, date, text).
    """
    if infer_replies not in ("none", "adjacent"):
        msg = f"The 'infer_replies' parameter of load must be 'none' or 'adjacent'. Got {infer_replies!r} instead."
        raise ValueError(msg)
    problems = ProblemLog(path=path, strict=strict)
    lines, bad_lines = _lines(path, encoding)
    if not lines:
        msg = "is empty"
        raise InputFormatError(msg, path=path)
    header, comments = split_comments(lines)
    tid = thread_id or Path(strip_compression(path)).stem
    ids = [f"{tid}#{k}" for k in range(1, len(comments) + 1)]
    _count_lossy(bad_lines, comments, ids, problems, check_encoding(encoding))
    links = _infer(comments) if infer_replies == "adjacent" else [(None, None)] * len(comments)
    frame = pl.DataFrame(
        {
            "comment_id": ids,
            "parent_id": [None if p is None else ids[p] for p, _ in links],
            "thread_id": [tid] * len(comments),
            "author": [c.author for c in comments],
            "text": ["\n\n".join(c.paragraphs) for c in comments],
            "inferred": [p is not None for p, _ in links],
            "inference": [rule for _, rule in links],
            "position": list(range(1, len(comments) + 1)),
            "line": [c.line for c in comments],
        },
        schema_overrides={"parent_id": pl.String, "author": pl.String, "inference": pl.String},
    )
    threads = pl.DataFrame(
        {
            "thread_id": [tid],
            "title": [header["title"]],
            "text": ["\n\n".join(header["paragraphs"])],
            "date": [header["date"]],
        },
        schema_overrides={"title": pl.String, "date": pl.String},
    )
    return ReadResult(frame, threads, problems, name, n_records=len(comments))
