"""A log of data problems shared by the readers and the integrity checks.

Readers record what they meet while parsing (malformed lines, missing fields, undecodable
bytes); the checks in :mod:`dynamics.model.checks` add what they find in the comments table
(orphans, duplicates, cycles, ...). Everything ends up in the :class:`~dynamics.IngestReport`.
With ``strict=True`` the first problem raises :class:`~dynamics.errors.InputFormatError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dynamics.errors import InputFormatError

__all__ = ["PROBLEM_KINDS", "STRICT_MESSAGES", "ProblemLog", "file_sample"]

#: Every kind of problem: what the report prints, the default policy, and for ``strict=True``
#: errors the field concerned and what is wrong with it.
PROBLEM_KINDS: dict[str, tuple[str, str]] = {
    "malformed_record": ("records that could not be parsed", "skipped"),
    "short_record": (
        "records with fewer fields than the header (CSV / TSV)",
        "kept, the missing fields null",
    ),
    "missing_field": ("records missing a required field", "skipped"),
    "non_utf8_text": ("records with bytes that are not UTF-8", "decoded with U+FFFD"),
    "bad_timestamp": ("timestamps that could not be parsed", "set to null"),
    "float_ids": (
        "parent or thread ids written as floats ('3.0', a pandas round trip)",
        "read as the whole numbers the comment ids are",
    ),
    "missing_time": (
        "comments whose record gives no time (a null or absent time field)",
        "kept, time null: in no time window",
    ),
    "epoch_zero_time": (
        "times of 0 or before 1970 (an export's placeholder for no time)",
        "set to null",
    ),
    "no_author_column": (
        "comments read from a table with no author column",
        "0 authors: no author column; pass columns={'author': ...}",
    ),
    "duplicate_id": ("comments whose id occurs more than once", "first kept, later dropped"),
    "duplicate_post": ("posts whose id occurs more than once", "first kept, later dropped"),
    "file_overlap": (
        "comments whose id an earlier file of the list holds (the files overlap)",
        "first kept, later dropped",
    ),
    "orphan": ("replies whose parent is not in the data", "attached to the thread root"),
    "cycle": ("comments on a reply cycle", "cycle broken: attached to the thread root"),
    "self_reply": ("replies to the author's own comment", "kept; no self-loop in user graph"),
    "reply_before_parent": ("replies timestamped before their parent", "kept"),
    "deleted_author": ("comments by deleted or removed authors", "author set to null"),
    "anonymous_author": ("comments without an author", "kept; author null"),
    "removed_text": ("comments whose text was deleted or removed", "kept; flagged `deleted`"),
    "empty_text": ("comments with empty text", "kept"),
    "deleted_comment": (
        "comments the source marks deleted whose author and text survive",
        "kept; flagged `deleted`",
    ),
    "thread_mismatch": ("replies whose thread differs from their parent's", "parent's thread used"),
    "unfetched_replies": (
        "replies the source lists but the input does not hold (not fetched)",
        "counted",
    ),
    "retweet": (
        "retweets, which repeat another tweet and reply to nothing",
        "left out (not comments)",
    ),
    "dead_item": (
        "items the source marks dead (Hacker News: flagged or killed)",
        "kept; `dead` column True",
    ),
    "spam_comment": (
        "comments the source marks as spam (Disqus `isSpam`)",
        "kept; flagged `is_spam`",
    ),
    "inferred_reply": ("reply edges inferred, not given by the source", "flagged `inferred`"),
    "reddit_fullnames": (
        "rows whose ids are Reddit fullnames (t1_/t3_ prefixes)",
        "t1_ parent = reply to that comment; t3_ parent = top-level",
    ),
    "comment_versions": (
        "later text versions of a comment (edits, restorations)",
        "latest text kept; versions counted in `versions`",
    ),
}

#: For ``strict=True`` errors raised by the checks: the field concerned and what is wrong.
STRICT_MESSAGES: dict[str, tuple[str, str]] = {
    "missing_field": ("comment_id", "is missing"),
    "non_utf8_text": ("text", "holds bytes that are not UTF-8"),
    "bad_timestamp": ("created_at", "cannot be parsed as a time"),
    "epoch_zero_time": ("created_at", "is 0 or before 1970 (a placeholder for no time)"),
    "no_author_column": ("author", "has no column: pass columns={'author': ...}"),
    "duplicate_id": ("comment_id", "occurs more than once"),
    "duplicate_post": ("thread_id", "names a post that occurs more than once"),
    "file_overlap": ("comment_id", "is already in an earlier file of the list (the files overlap)"),
    "orphan": ("parent_id", "refers to a comment that is not in the data"),
    "cycle": ("parent_id", "closes a reply cycle"),
    "self_reply": ("parent_id", "refers to a comment by the same author"),
    "reply_before_parent": ("created_at", "is earlier than the parent's"),
    "deleted_author": ("author", "is deleted or removed"),
    "removed_text": ("text", "is deleted or removed"),
    "empty_text": ("text", "is empty"),
    "thread_mismatch": ("thread_id", "differs from the parent's thread"),
}

_MAX_SAMPLES = 10

#: How a sample that is a place in a file, not a comment id, begins.
_PLACES = ("record ", "records ", "line ", "lines ", "row ")


def file_sample(file: str, sample: str) -> str:
    """``sample`` named after the ``file`` it came from (several files read as one).

    >>> file_sample("b.csv", "record 12"), file_sample("b.csv", "k3x9")
    ('b.csv record 12', 'b.csv id k3x9')
    """
    return f"{file} {sample}" if sample.startswith(_PLACES) else f"{file} id {sample}"


@dataclass
class ProblemLog:
    """Counts and sample ids of data problems, per kind.

    Parameters
    ----------
    path : str or Path, optional
        The file being read, used in error messages.
    strict : bool, default False
        Raise :class:`~dynamics.errors.InputFormatError` on the first problem instead of
        counting it. Kinds in ``informational`` never raise.
    """

    path: str | Path | None = None
    strict: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)
    #: The file's name of each contract column the reader mapped (``created_at`` read from
    #: ``created_utc``): strict errors name the field as the file does.
    source_fields: dict[str, str] = field(default_factory=dict)
    #: For a log of several files (:func:`~dynamics.io._many.read_many`): given a problem kind
    #: and a sample (a comment id, or ``"row N"`` of the rows of all files), the file it came
    #: from, that file's ``source_fields`` and the sample as that file numbers it; None when
    #: not found. Strict errors then name that file and its own field names.
    locate: Callable[[str, str], tuple[str | Path, dict[str, str], str] | None] | None = field(
        default=None, repr=False, compare=False
    )

    #: Kinds that describe the data rather than a defect; ``strict`` does not raise on them.
    informational = frozenset(
        {
            "inferred_reply",
            "anonymous_author",
            "unfetched_replies",
            "deleted_comment",
            "reddit_fullnames",
            "comment_versions",
            "missing_time",
            "float_ids",
            "duplicate_post",
            "retweet",
            "dead_item",
            "spam_comment",
        }
    )

    def add(
        self,
        kind: str,
        *,
        record: int | None = None,
        record_id: str | None = None,
        field: str | None = None,
        message: str | None = None,
        count: int = 1,
        sample: str | None = None,
    ) -> None:
        """Record ``count`` occurrences of ``kind`` (raise instead when ``strict``).

        The sample kept is ``sample`` when given (``"lines 3 to 6 (the end)"``), else the
        record's id, else ``"record N"``.
        """
        if kind not in PROBLEM_KINDS:
            msg = f"unknown problem kind {kind!r}"
            raise KeyError(msg)
        if self.strict and kind not in self.informational:
            text = message or PROBLEM_KINDS[kind][0].removeprefix("records ")
            msg_0 = f"{text} (strict=True)"
            path, fields, shown = self._where(kind, record_id)
            raise InputFormatError(
                msg_0,
                path=path,
                record=record,
                field=fields.get(field, field) if field else field,
                record_id=shown,
            )
        self.counts[kind] = self.counts.get(kind, 0) + count
        samples = self.samples.setdefault(kind, [])
        if len(samples) < _MAX_SAMPLES:
            if sample is not None:
                samples.append(sample)
            elif record_id is not None:
                samples.append(str(record_id))
            elif record is not None:
                samples.append(f"record {record}")

    def add_many(self, kind: str, ids: list[str], *, total: int | None = None) -> None:
        """Record a vectorised finding: ``total`` occurrences (default ``len(ids)``)."""
        n = len(ids) if total is None else total
        if n == 0:
            return
        if self.strict and kind not in self.informational:
            field, problem = STRICT_MESSAGES.get(kind, (None, PROBLEM_KINDS[kind][0]))
            first = ids[0] if ids else None
            rec = first if first is not None and first.startswith("record ") else None
            msg = f"{problem} (strict=True; {n:,} such)"
            path, fields, shown = self._where(kind, None if rec else first)
            raise InputFormatError(
                msg,
                path=path,
                record=int(rec.split()[1]) if rec else None,
                record_id=shown,
                field=fields.get(field, field) if field else field,
            )
        self.counts[kind] = self.counts.get(kind, 0) + n
        samples = self.samples.setdefault(kind, [])
        samples.extend(str(i) for i in ids[: max(0, _MAX_SAMPLES - len(samples))])

    def _where(
        self, kind: str, sample: str | None
    ) -> tuple[str | Path | None, dict[str, str], str | None]:
        """The file, its field names and the sample as that file names it, for an error
        about ``sample`` (see ``locate``); this log's own where it cannot tell."""
        if self.locate is not None and sample is not None:
            found = self.locate(kind, sample)
            if found is not None:
                return found
        return self.path, self.source_fields, sample

    def merge(self, other: ProblemLog, *, label: str | None = None) -> None:
        """Add the counts and samples of ``other`` to this log.

        With ``label`` (a file's name, when several files are read as one) each sample of
        ``other`` is named after it: ``"b.csv record 12"``, ``"b.csv id k3x9"``
        (:func:`file_sample`).

        A contract column that ``other`` maps from another source field than this log does
        (``created_utc`` in one file, ``timestamp`` in the next) is named by its contract name
        in errors, never by one file's name for it (``locate`` finds the file's own).

        >>> a = ProblemLog(source_fields={"created_at": "created_utc", "author": "user"})
        >>> a.merge(ProblemLog(source_fields={"created_at": "timestamp", "author": "user"}))
        >>> a.source_fields
        {'created_at': 'created_at', 'author': 'user'}
        """
        for kind, n in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + n
            samples = self.samples.setdefault(kind, [])
            theirs = other.samples.get(kind, [])[: max(0, _MAX_SAMPLES - len(samples))]
            samples.extend(theirs if label is None else [file_sample(label, s) for s in theirs])
        self.policies.update(other.policies)
        for column, source in other.source_fields.items():
            if self.source_fields.setdefault(column, source) != source:
                self.source_fields[column] = column  # the files disagree
