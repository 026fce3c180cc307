"""Twitter / X API v2 JSON: search and conversation responses, as saved or as twarc2 writes them.

Format (https://developer.x.com/en/docs/x-api/data-dictionary/object-model/tweet)
    A response is ``{"data": [tweet, ...], "includes": {"users": [...], "tweets": [...]},
    "meta": {...}}``; a file holds one response (pretty-printed or not), a JSON array of them,
    or one per line (twarc2 ``search``/``conversation`` output). Lines holding a single tweet
    object (twarc2 ``flatten`` output, where ``author`` is the expanded user) are read too. A
    tweet has ``id``, ``text``, ``author_id``, ``conversation_id``, ``created_at`` (ISO 8601,
    ``Z``), ``in_reply_to_user_id``, ``referenced_tweets`` (``[{"type": "replied_to" |
    "quoted" | "retweeted", "id": ...}]``) and ``public_metrics``.

Mapping
    ``comment_id`` is the tweet id, ``parent_id`` the ``replied_to`` id (null for a tweet that
    replies to nothing, and for the conversation root itself), ``thread_id`` the
    ``conversation_id``. ``author`` is the ``username`` from ``includes.users`` (from any
    response in the file), or the ``author_id`` when that user is not included; ``author_id``
    is kept as a column. ``text`` is ``note_tweet.text`` for long tweets, else ``text``, with
    the HTML entities the API leaves in it (``&amp;``, ``&lt;``, ``&gt;``) decoded.

What is left out, on purpose
    Retweets (``referenced_tweets`` of type ``retweeted``) repeat another tweet and reply to
    nothing: they are not comments and are not read, but each retweet among the input's
    tweets is counted in the report as ``retweet`` (informational: no warning, not an error
    under ``strict=True``), with its id as the sample, so that the tweets read add up to the
    comments kept plus the counts of the report. Quote tweets are comments of their own
    conversation (a quote starts a new one), with the quoted id in ``quoted_id``. Tweets in
    ``includes.tweets`` are read only when they are the ``replied_to`` parent of a tweet read
    (transitively) and in the same conversation; those carry ``included=True``. A tweet read
    both in ``data`` and in ``includes`` is read once. The responses' ``errors`` (tweets the API
    could not return) are not comments and are not counted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from dynamics._problems import ProblemLog
from dynamics._progress import progress_bar
from dynamics.errors import InputFormatError
from dynamics.io._base import ReadResult, peek_text
from dynamics.io._docs import reader_doc
from dynamics.io._encoding import require_utf8
from dynamics.io._json_documents import iter_json_records

__all__ = ["detect", "name", "read"]

name = "twitter"

#: Why the reader refuses ``encoding=`` other than UTF-8 (:func:`require_utf8`).
_UTF8_WHY = "the Twitter/X API sends JSON, UTF-8 by RFC 8259"

_MARKERS = (
    '"author_id"',
    '"conversation_id"',
    '"edit_history_tweet_ids"',
    '"referenced_tweets"',
    '"in_reply_to_user_id"',
    '"public_metrics"',
    '"__twarc"',
)
_RESPONSE_KEYS = frozenset({"data", "includes", "meta", "errors"})
_METRICS = ("retweet_count", "reply_count", "like_count", "quote_count")


def detect(path: Path) -> bool:
    """True for JSON that holds API v2 tweets.

    The first 64 KiB must begin like JSON, hold ``"text"`` and at least two of the v2 tweet
    fields ``author_id``, ``conversation_id``, ``edit_history_tweet_ids``,
    ``referenced_tweets``, ``in_reply_to_user_id``, ``public_metrics`` (or twarc's
    ``__twarc``).
    """
    if not path.is_file():
        return False
    head = peek_text(path)
    if not head.lstrip().startswith(("{", "[")) or '"text"' not in head:
        return False
    return sum(marker in head for marker in _MARKERS) >= 2


@reader_doc
def read(
    path: Path,
    *,
    strict: bool = False,
    progress: bool | None = None,
    encoding: str = "utf-8",
    **_: Any,
) -> ReadResult:
    """Read API v2 responses (or tweets) into a comments table.

    Parameters
    ----------
    path : Path
        One response, a JSON array of responses, or JSON Lines of responses or tweets
        (``.gz``/``.zst`` too).
    {strict}
    {progress}
    {encoding_utf8}

    Returns
    -------
    ReadResult
        Comments with the extra columns ``author_id``, ``in_reply_to_user_id``, ``quoted_id``,
        ``lang``, ``retweet_count``, ``reply_count``, ``like_count``, ``quote_count`` and
        ``included``; no threads table (the conversation root, when present, is a comment).

    Raises
    ------
    InputFormatError
        The file is not JSON, or holds neither v2 responses nor tweets.

    Notes
    -----
    A tweet without ``id`` is counted as ``missing_field`` and skipped; a line that does not
    parse, or a response whose ``data`` is not a list of objects, as ``malformed_record``.
    ``n_records`` counts the tweets in ``data`` (and tweet lines). Retweets are counted in
    ``n_records`` but give no comment: the report counts them as ``retweet``.
    """
    require_utf8(encoding, name, _UTF8_WHY)
    problems = ProblemLog(path=path, strict=strict)
    tweets: list[tuple[int, str, dict[str, Any]]] = []  # (record, where, tweet)
    includes: dict[str, dict[str, Any]] = {}
    users: dict[str, str] = {}
    seen_shape = False
    with progress_bar(
        f"reading {path.name}", None, enabled=progress, size=path.stat().st_size
    ) as bar:
        for number, obj in iter_json_records(path, problems):
            bar.advance()
            if obj.keys() & _RESPONSE_KEYS:
                seen_shape = True
                _read_response(obj, number, tweets, includes, users, problems)
            elif "text" in obj or "conversation_id" in obj:
                seen_shape = True
                tweets.append((number, "tweet", obj))
                _add_user(obj.get("author"), users)
            else:
                problems.add(
                    "malformed_record",
                    record=number,
                    message="is neither a v2 response nor a tweet",
                )
    if not seen_shape:
        msg = "holds no Twitter API v2 responses ({'data': [...]}) or tweets"
        raise InputFormatError(msg, path=path, field="data")
    rows = _comment_rows(tweets, includes, users, problems)
    frame = pl.from_dicts(rows, infer_schema_length=None) if rows else pl.DataFrame()
    return ReadResult(frame, None, problems, name, len(tweets))


def _read_response(
    obj: dict[str, Any],
    number: int,
    tweets: list[tuple[int, str, dict[str, Any]]],
    includes: dict[str, dict[str, Any]],
    users: dict[str, str],
    problems: ProblemLog,
) -> None:
    data = obj.get("data")
    if isinstance(data, dict):  # GET /2/tweets/:id answers with one tweet
        data = [data]
    if data is not None and not isinstance(data, list):
        problems.add("malformed_record", record=number, field="data", message="is not a list")
        data = None
    for position, tweet in enumerate(data or []):
        if isinstance(tweet, dict):
            tweets.append((number, f"data[{position}]", tweet))
        else:
            problems.add(
                "malformed_record",
                record=number,
                field="data",
                message=f"[{position}] is not an object",
            )
    extra = obj.get("includes")
    if isinstance(extra, dict):
        for user in _objects(extra.get("users")):
            _add_user(user, users)
        for tweet in _objects(extra.get("tweets")):
            if tweet.get("id") is not None:
                includes.setdefault(str(tweet["id"]), tweet)


def _objects(value: Any) -> Iterable[dict[str, Any]]:
    return (v for v in value if isinstance(v, dict)) if isinstance(value, list) else ()


def _add_user(user: Any, users: dict[str, str]) -> None:
    if isinstance(user, dict) and user.get("id") is not None and user.get("username"):
        users[str(user["id"])] = str(user["username"])


def _refs(tweet: dict[str, Any]) -> dict[str, str]:
    """``referenced_tweets`` as {type: id} (the first of each type)."""
    refs: dict[str, str] = {}
    for ref in _objects(tweet.get("referenced_tweets")):
        if ref.get("type") and ref.get("id") is not None:
            refs.setdefault(str(ref["type"]), str(ref["id"]))
    return refs


def _comment_rows(
    tweets: list[tuple[int, str, dict[str, Any]]],
    includes: dict[str, dict[str, Any]],
    users: dict[str, str],
    problems: ProblemLog,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    read_ids: set[str] = set()

    def add(
        tweet: dict[str, Any], *, included: bool, record: int | None = None
    ) -> dict[str, Any] | None:
        """Add the row of ``tweet`` and return it (None for a retweet: no comment, counted
        when it is one of the input's tweets)."""
        refs = _refs(tweet)
        if "retweeted" in refs:
            if not included:
                problems.add(
                    "retweet",
                    record=record,
                    record_id=str(tweet["id"]),
                    field="referenced_tweets",
                    message=f"is a retweet of {refs['retweeted']}",
                )
            return None
        rows.append(_row(tweet, refs, users, included=included))
        read_ids.add(rows[-1]["comment_id"])
        return rows[-1]

    for number, where, tweet in tweets:
        if tweet.get("id") in (None, ""):
            problems.add(
                "missing_field", record=number, field="id", message=f"is missing ({where})"
            )
            continue
        add(tweet, included=False, record=number)
    # replied-to parents that the API expanded into includes.tweets, up the chain
    pending = list(rows)
    while pending:
        row = pending.pop()
        parent = includes.get(row["parent_id"] or "")
        if parent is None or row["parent_id"] in read_ids:
            continue
        if str(parent.get("conversation_id")) != row["thread_id"]:
            continue
        added = add(parent, included=True)
        if added is not None:
            pending.append(added)
    return rows


def _row(
    tweet: dict[str, Any], refs: dict[str, str], users: dict[str, str], *, included: bool
) -> dict[str, Any]:
    tweet_id = str(tweet["id"])
    conversation = tweet.get("conversation_id")
    conversation = None if conversation is None else str(conversation)
    author_id = tweet.get("author_id")
    if author_id is None and isinstance(tweet.get("author"), dict):
        author_id = tweet["author"].get("id")
    author_id = None if author_id is None else str(author_id)
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, dict) and note.get("text") else tweet.get("text")
    metrics = tweet.get("public_metrics") if isinstance(tweet.get("public_metrics"), dict) else {}
    reply_to = tweet.get("in_reply_to_user_id")
    return {
        "comment_id": tweet_id,
        "parent_id": None if tweet_id == conversation else refs.get("replied_to"),
        "thread_id": conversation,
        "author": users.get(author_id or "", author_id),
        "text": html.unescape(text) if isinstance(text, str) else "",
        "created_at": tweet.get("created_at"),
        "author_id": author_id,
        "in_reply_to_user_id": None if reply_to is None else str(reply_to),
        "quoted_id": refs.get("quoted"),
        "lang": tweet.get("lang"),
        **{key: metrics.get(key) for key in _METRICS},
        "included": included,
    }
