"""Score every comment of a Discussion with text scorers, batched and cached (DESIGN section 5).

Scores are kept in Parquet under ``<cache root>/scores/<scorer>-<hash of name and version>/``,
one row per (comment_id, text hash) with the scorer's columns, so that a second run, or the
dashboard, scores only comments it has not seen (or whose text changed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from dynamics._progress import progress_bar
from dynamics.model.discussion import register_method
from dynamics.model.schema import COMMENT_COLUMNS, DELETED_MARKERS
from dynamics.text.base import Scorer, as_scorer, check_output

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["AUTO_COMMENTS", "DEFAULT_SCORERS", "SHARED_WORDS_MAX", "annotate", "scores_dir"]

logger = logging.getLogger(__name__)

#: The scorers :func:`annotate` runs when none are named.
DEFAULT_SCORERS: tuple[str, ...] = ("toxicity", "sentiment", "stance")
#: With ``progress=None``, a progress bar is shown when at least this many texts need scoring.
AUTO_COMMENTS = 50_000
#: New scores are written to the cache at least every this many rows (so a long run that is
#: interrupted keeps what it scored).
_FLUSH_ROWS = 200_000
#: Part files per scorer directory above which they are merged into one.
_MAX_PARTS = 32
_KEY = ("comment_id", "text_hash")
#: The GIL switch interval (seconds) while scorers run in threads.
_SWITCH_INTERVAL = 0.001
_SWITCH_LOCK = threading.Lock()
_SWITCH: dict[str, Any] = {"users": 0, "saved": None}
_RESERVED = frozenset(COMMENT_COLUMNS) | {"parent_author", "parent_deleted", "orphan_of"}

ScorerLike = str | Scorer | Callable[[Sequence[str]], Any]


def annotate(
    discussion: Discussion,
    scorers: ScorerLike | Iterable[ScorerLike] = DEFAULT_SCORERS,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    batch_size: int = 16_384,
    progress: bool | None = None,
    existing: str = "error",
    prefix: str = "",
    threads: int | None = None,
) -> Discussion:
    """A new Discussion whose comments table has the scorers' columns added.

    Each scorer's columns (``toxicity``; ``sentiment``; ``agreement``, ``disagreement``,
    ``p_agree``, ``p_disagree``, ``p_neutral``, ``stance``; or one column per user function)
    are computed for every comment and added to the comments table. A column the input
    already has is never silently overwritten (see ``existing``). The input is not changed.
    Identical texts are scored once. Comments whose text is a deletion marker (``[deleted]``,
    ``[removed]``, ...) get null scores, since there is nothing to score, and columns a scorer
    lists in ``reply_columns`` (the stance probabilities and label) are null for top-level
    comments, which reply to no comment. A scorer with ``needs_parent = True`` (the stance
    model) is given each comment's parent text as well (``score(texts, parents)``), and its
    cache key includes the parent's text.

    Parameters
    ----------
    discussion : Discussion
        The comments to score.
    scorers : str, Scorer, callable, or an iterable of them
        Registered names (see :func:`~dynamics.text.available_scorers`), :class:`Scorer`
        objects, or functions ``f(texts) -> array`` (one column named after the function).
        Default :data:`DEFAULT_SCORERS`: ``("toxicity", "sentiment", "stance")``.
    cache : bool, default True
        Read and write scores in the Parquet cache, keyed by (scorer name, scorer version,
        comment_id, hash of the text): a second run scores nothing, and a changed text or a
        new scorer version is scored again.
    cache_dir : str or Path, optional
        Cache root; default ``$XDG_CACHE_HOME/dynamics`` (``~/.cache/dynamics``), the root
        :func:`dynamics.load` uses. Scores go to its ``scores/`` folder.
    batch_size : int, default 16384
        Texts passed to a scorer per call.
    progress : bool or None, default None
        Show a progress bar (on standard error); None shows one when at least
        ``AUTO_COMMENTS`` texts need scoring and standard error is a terminal.
    existing : {"error", "replace"}, default "error"
        What to do when the comments table already has a column of a score's name (a gold
        ``stance`` label column, say): ``"error"`` raises a ``ValueError`` naming the column
        and the way out; ``"replace"`` overwrites it (for re-annotating an annotated
        Discussion with other scorers or versions).
    prefix : str, default ""
        Put before every score column's name (``prefix="pred_"`` gives ``pred_stance``), so
        that scores can sit beside columns of the same name.
    threads : int or None, default None
        How many scorers run at once, each in its own thread; None runs them all at once,
        1 one after the other. The scores do not depend on it. The shipped scorers do their
        work in polars, numpy and scipy, which release the GIL, so on two cores the three
        default scorers take about two thirds of the time they take one after the other. A
        scorer of your own must then be safe to call from a thread (pure functions are);
        pass ``threads=1`` if it is not.

    Returns
    -------
    Discussion
        Same report and threads, comments table with the score columns.

    Raises
    ------
    ValueError
        Unknown scorer name, two scorers with the same column, a column that would overwrite
        the comments table's own columns, a score column already in the input (with
        ``existing="error"``), or a scorer returning the wrong number of values.

    Examples
    --------
    >>> d = dyn.load(pl.DataFrame({"id": ["a", "b", "c"], "parent": [None, "a", "a"],
    ...     "user": ["ann", "bob", "cy"], "body": ["Great news!", "I agree.", "Nonsense."]}))
    >>> a = dyn.text.annotate(d, ["sentiment", "stance-markers"], cache=False)
    >>> a.comments.select("sentiment", "agreement", "disagreement", "stance").rows()
    [(0.6588, 0, 0, None), (0.3612, 1, 0, 'agree'), (-0.4019, 0, 1, 'disagree')]
    >>> try:
    ...     a.annotate(["stance"], cache=False)
    ... except ValueError as error:
    ...     print(str(error)[:66])
    annotate: the comments table already has a column 'agreement', whi
    >>> a.annotate(["stance"], cache=False, prefix="model_").comments["model_stance"].to_list()
    [None, 'agree', 'neutral']
    >>> def n_words(texts):
    ...     return [len(t.split()) for t in texts]
    >>> d.annotate([n_words], cache=False).comments["n_words"].to_list()
    [2, 2, 1]
    """
    resolved = _resolve(scorers)
    _check_existing(discussion.comments.columns, resolved, existing, prefix)
    if not isinstance(batch_size, int) or batch_size < 1:
        msg = (
            "The 'batch_size' parameter of annotate must be a positive int. "
            f"Got {batch_size!r} instead."
        )
        raise ValueError(msg)
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        msg = f"The 'threads' parameter of annotate must be a positive int or None. Got {threads!r} instead."
        raise ValueError(msg)
    comments = discussion.comments
    texts = comments.get_column("text").fill_null("")
    root = _cache_root(cache_dir) if cache else None
    words = _SharedWords(comments, texts) if len(texts) <= SHARED_WORDS_MAX else None
    if (
        words is not None
        and (threads is None or threads > 1)
        and _words_surely_needed(resolved, root)
    ):
        # tokenising (polars, the GIL released) overlaps the hashing below (Python)
        threading.Thread(target=words.words, name="dynamics-annotate-words", daemon=True).start()
    keys = pl.DataFrame(
        {
            "comment_id": comments.get_column("comment_id"),
            "text_hash": _text_hashes(texts),
        }
    )
    removed = texts.is_in(list(DELETED_MARKERS)).to_numpy()
    is_root = comments.get_column("parent_id").is_null().to_numpy()
    pair_keys: pl.DataFrame | None = None
    parents: pl.Series | None = None
    if any(getattr(s, "needs_parent", False) for s in resolved):
        parents = _parent_values(comments, texts, "")
        parent_hashes = _parent_values(comments, keys["text_hash"], _EMPTY_HASH)
        pair_keys = keys.with_columns(_pair_hashes(parent_hashes, keys["text_hash"]))

    def scores(scorer: Scorer) -> pl.DataFrame:
        shared = words if getattr(scorer, "uses_words", False) else None  # None: they tokenise
        if getattr(scorer, "needs_parent", False):
            return _scores_for(
                scorer, pair_keys, texts, root, batch_size, progress, parents, shared
            )
        return _scores_for(scorer, keys, texts, root, batch_size, progress, words=shared)

    workers = len(resolved) if threads is None else min(threads, len(resolved))
    if workers > 1:
        # polars, numpy and scipy release the GIL, so scorers overlap well on two cores. A
        # pure-Python scorer (VADER) holds the GIL between their calls, each of which then
        # waits up to the switch interval for it: 1 ms instead of Python's 5 ms took the
        # default scorers from 5.9 to 5.1 s on 100,000 comments. It is restored afterwards.
        with (
            _short_switch_interval(),
            ThreadPoolExecutor(workers, thread_name_prefix="dynamics-annotate") as pool,
        ):
            tables = list(pool.map(scores, resolved))
    else:
        tables = [scores(scorer) for scorer in resolved]
    new_columns: list[pl.Series] = []
    for scorer, table in zip(resolved, tables, strict=True):
        for col in scorer.columns:
            values = table.get_column(col)
            nulls = removed | is_root if col in getattr(scorer, "reply_columns", ()) else removed
            if nulls.any():
                values = (
                    pl.DataFrame({"v": values, "null": nulls})
                    .select(pl.when(~pl.col("null")).then(pl.col("v")))
                    .to_series()
                )
            new_columns.append(values.alias(prefix + col))

    from dynamics.model.discussion import Discussion

    return Discussion(
        comments.with_columns(new_columns),
        discussion.report,
        discussion.posts,
        holds_parents=discussion.holds_parents,
    )


def scores_dir(scorer: Scorer, cache_dir: str | Path | None = None) -> Path:
    """The folder that caches ``scorer``'s scores (one per scorer name and version).

    Examples
    --------
    >>> s = dyn.text.get_scorer("sentiment")
    >>> scores_dir(s, "/tmp/c").parent.as_posix()
    '/tmp/c/scores'
    """
    digest = hashlib.blake2b(f"{scorer.name}\0{scorer.version}".encode(), digest_size=8).hexdigest()
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", scorer.name)[:64]
    return _cache_root(cache_dir) / "scores" / f"{safe}-{digest}"


# ---------------------------------------------------------------------- helpers
def _resolve(scorers: ScorerLike | Iterable[ScorerLike]) -> list[Scorer]:
    if isinstance(scorers, (str, Scorer)) or not isinstance(scorers, Iterable):
        scorers = [scorers]  # type: ignore[list-item]
    resolved = [as_scorer(s) for s in scorers]  # type: ignore[union-attr]
    seen: dict[str, str] = {}
    for s in resolved:
        for col in s.columns:
            if col in _RESERVED or col in _KEY:
                msg = (
                    f"scorer {s.name!r}: column {col!r} would overwrite a column of the "
                    "comments table; rename it"
                )
                raise ValueError(msg)
            if col in seen:
                msg = f"scorers {seen[col]!r} and {s.name!r} both produce column {col!r}"
                raise ValueError(msg)
            seen[col] = s.name
    return resolved


def _check_existing(columns: list[str], scorers: list[Scorer], existing: str, prefix: str) -> None:
    if existing not in ("error", "replace"):
        msg = (
            "The 'existing' parameter of annotate must be 'error' or 'replace'. "
            f"Got {existing!r} instead."
        )
        raise ValueError(msg)
    if not isinstance(prefix, str):
        msg = f"The 'prefix' parameter of annotate must be a str. Got {prefix!r} instead."
        raise TypeError(msg)
    for s in scorers:
        for col in s.columns:
            name = prefix + col
            if name in _RESERVED or name in _KEY:
                msg = f"annotate: prefix {prefix!r} makes score column {name!r} clash with a "
                msg += "column of the comments table; choose another prefix"
                raise ValueError(msg)
            if existing == "error" and name in columns:
                msg = (
                    f"annotate: the comments table already has a column {name!r}, which "
                    f"scorer {s.name!r} would overwrite. Rename that column, pass "
                    "prefix='pred_' (or any prefix) to name the score columns differently, or "
                    "existing='replace' to overwrite it."
                )
                raise ValueError(msg)


@contextmanager
def _short_switch_interval() -> Iterator[None]:
    """The GIL switch interval at most ``_SWITCH_INTERVAL`` inside the block; the previous one
    is restored when the last of any concurrent blocks (two annotate calls) ends."""
    with _SWITCH_LOCK:
        if _SWITCH["users"] == 0:
            _SWITCH["saved"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_SWITCH["saved"], _SWITCH_INTERVAL))
        _SWITCH["users"] += 1
    try:
        yield
    finally:
        with _SWITCH_LOCK:
            _SWITCH["users"] -= 1
            if _SWITCH["users"] == 0:
                sys.setswitchinterval(_SWITCH["saved"])


def _words_surely_needed(scorers: list[Scorer], root: Path | None) -> bool:
    """Whether a scorer that uses words will score texts: one has no cache folder yet (or
    the cache is off). With a cache folder, every text may be cached, so the words are only
    made when a scorer asks."""
    return any(
        getattr(s, "uses_words", False) and (root is None or not scores_dir(s, root).exists())
        for s in scorers
    )


#: Up to this many comments, :func:`annotate` tokenises all of them once and shares the words
#: between the scorers that use words (about 1 KB of memory per comment); above, each scorer
#: tokenises its own batches, so memory stays bounded by the batch size.
SHARED_WORDS_MAX = 250_000


class _SharedWords:
    """The lower-cased words of every comment (:func:`~dynamics.text._linear.word_lists`),
    tokenised once by the first scorer thread that asks (the others wait on the lock) and
    handed out by batch, with the words of each comment's parent, to every scorer with
    ``uses_words``."""

    def __init__(self, comments: pl.DataFrame, texts: pl.Series) -> None:
        self._comments = comments
        self._texts = texts
        self._lock = threading.Lock()
        self._words: pl.Series | None = None
        self._parent_rows: pl.Series | None = None

    def words(self) -> pl.Series:
        from dynamics.text._linear import word_lists

        with self._lock:
            if self._words is None:
                self._words = word_lists(self._texts)
            return self._words

    def of(self, rows: pl.Series) -> pl.Series:
        """The words of the comments at ``rows``."""
        return self.words().gather(rows)

    def of_parents(self, rows: pl.Series) -> pl.Series:
        """The words of the parents of the comments at ``rows`` (empty for top-level comments
        and missing parents)."""
        words = self.words()
        with self._lock:
            if self._parent_rows is None:
                index = pl.Series("row", np.arange(len(self._texts), dtype=np.uint32))
                self._parent_rows = _parent_values(self._comments, index, None)
        return words.gather(self._parent_rows.gather(rows)).fill_null([])


def _parent_values(comments: pl.DataFrame, values: pl.Series, missing: Any) -> pl.Series:
    """Each comment's parent's value (``missing`` for top-level comments and missing parents;
    ``None`` leaves them null)."""
    lookup = pl.DataFrame({"parent_id": comments.get_column("comment_id"), "value": values})
    found = (
        comments.select("parent_id")
        .join(
            lookup.unique("parent_id", keep="first"),
            on="parent_id",
            how="left",
            maintain_order="left",
        )
        .get_column("value")
        .alias(values.name)
    )
    return found if missing is None else found.fill_null(missing)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection that spreads every bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _pair_hashes(parents: pl.Series, texts: pl.Series) -> pl.Series:
    """A stable 64-bit key of each (parent text, text) pair from the two texts' hashes.

    Ordered (a pair and its reverse differ) and computed with numpy in one pass, where hashing
    the concatenated texts again took a Python call per pair.
    """
    p = parents.to_numpy().astype(np.uint64)
    t = texts.to_numpy().astype(np.uint64)
    return pl.Series("text_hash", _mix64(_mix64(p) ^ t), dtype=pl.UInt64)


def _cache_root(cache_dir: str | Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dynamics"


def _text_hashes(texts: pl.Series) -> pl.Series:
    """A stable 64-bit hash of each text (BLAKE2b), the same in every session and version."""
    blake = hashlib.blake2b
    # the UTF-8 bytes straight from polars, the digests joined and read as big-endian
    # integers in one go (int.from_bytes per text took 40 % longer at 100,000 texts)
    digests = b"".join([blake(b, digest_size=8).digest() for b in texts.cast(pl.Binary).to_list()])
    values = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
    return pl.Series("text_hash", values, dtype=pl.UInt64)


#: The hash of the empty text: the parent of a top-level comment.
_EMPTY_HASH = int.from_bytes(hashlib.blake2b(b"", digest_size=8).digest())


def _scores_for(
    scorer: Scorer,
    keys: pl.DataFrame,
    texts: pl.Series,
    root: Path | None,
    batch_size: int,
    progress: bool | None,
    parents: pl.Series | None = None,
    words: _SharedWords | None = None,
) -> pl.DataFrame:
    """The scorer's columns for every row of ``keys``, from the cache or freshly scored."""
    folder = scores_dir(scorer, root) if root is not None else None
    unique_keys = keys.unique(maintain_order=True)
    cached = _read_cache(folder, unique_keys) if folder is not None else None
    missing = unique_keys if cached is None else unique_keys.join(cached, on=_KEY, how="anti")
    logger.info(
        "scorer %s: %d comments cached, %d to score",
        scorer.name,
        unique_keys.height - missing.height,
        missing.height,
    )
    parts = [cached] if cached is not None and cached.height else []
    if missing.height or not parts:  # (an empty discussion is "scored" to learn the dtypes)
        parts.append(
            _score_missing(
                scorer, keys, texts, missing, folder, batch_size, progress, parents, words
            )
        )
    found = pl.concat(parts, how="vertical_relaxed") if len(parts) > 1 else parts[0]
    return keys.join(found, on=list(_KEY), how="left", maintain_order="left")


def _score_missing(
    scorer: Scorer,
    keys: pl.DataFrame,
    texts: pl.Series,
    missing: pl.DataFrame,
    folder: Path | None,
    batch_size: int,
    progress: bool | None,
    parents: pl.Series | None = None,
    words: _SharedWords | None = None,
) -> pl.DataFrame:
    # one text per distinct hash among the missing comments: identical texts are scored once
    # (for a scorer that needs parents, the hash covers the parent's text too)
    rows = (
        keys.with_row_index("_row")
        .join(missing, on=list(_KEY), how="semi", maintain_order="left")
        .unique("text_hash", keep="first", maintain_order=True)
    )
    todo = texts.gather(rows.get_column("_row")).to_list()
    todo_parents = None if parents is None else parents.gather(rows.get_column("_row")).to_list()
    hashes = rows.get_column("text_hash")
    n = len(todo)
    show = progress if progress is not None else n >= AUTO_COMMENTS and sys.stderr.isatty()
    at = rows.get_column("_row")

    def run(start: int, stop: int) -> Any:
        given: dict[str, pl.Series] = {}
        if words is not None and stop > start:  # the batch's words (and its parents')
            given["words"] = words.of(at.slice(start, stop - start))
            if todo_parents is not None:
                given["parent_words"] = words.of_parents(at.slice(start, stop - start))
        if todo_parents is None:
            return scorer.score(todo[start:stop], **given)
        return scorer.score(todo[start:stop], todo_parents[start:stop], **given)  # type: ignore[call-arg]

    if n == 0:  # nothing to score (empty discussion): one empty call gives the dtypes
        empty = check_output(scorer, run(0, 0), 0)
        return missing.join(
            pl.DataFrame([hashes] + [pl.Series(c, v) for c, v in empty.items()]),
            on="text_hash",
            how="left",
        )
    pieces: list[pl.DataFrame] = []
    pending: list[pl.DataFrame] = []
    pending_rows = 0
    with progress_bar(f"scoring {scorer.name}", n, enabled=show) as bar:
        for start in range(0, n, batch_size):
            batch = todo[start : start + batch_size]
            cols = check_output(scorer, run(start, start + batch_size), len(batch))
            frame = pl.DataFrame(
                [hashes.slice(start, len(batch))] + [pl.Series(c, cols[c]) for c in scorer.columns]
            )
            pieces.append(frame)
            if folder is not None:
                pending.append(frame)
                pending_rows += frame.height
                if pending_rows >= _FLUSH_ROWS:
                    _write_part(folder, scorer, missing, pl.concat(pending))
                    pending, pending_rows = [], 0
            bar.advance(len(batch))
    if folder is not None and pending:
        _write_part(folder, scorer, missing, pl.concat(pending))
    by_hash = pl.concat(pieces, how="vertical_relaxed")
    return missing.join(by_hash, on="text_hash", how="left", maintain_order="left")


def _write_part(folder: Path, scorer: Scorer, missing: pl.DataFrame, by_hash: pl.DataFrame) -> None:
    """Append the scores of the missing comments whose texts are in ``by_hash``."""
    rows = missing.join(by_hash, on="text_hash", how="inner", maintain_order="left")
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scorer.txt"
    if not info.exists():
        info.write_text(f"name: {scorer.name}\nversion: {scorer.version}\n", encoding="utf-8")
    tmp = folder / f".{uuid.uuid4().hex}.tmp"
    rows.write_parquet(tmp, compression="zstd")
    tmp.replace(folder / f"part-{uuid.uuid4().hex}.parquet")
    parts = sorted(folder.glob("part-*.parquet"))
    if len(parts) > _MAX_PARTS:
        _compact(folder, parts)


def _compact(folder: Path, parts: list[Path]) -> None:
    """Merge part files into one (other processes may add parts meanwhile: only the files
    read here are removed)."""
    merged = pl.concat([pl.read_parquet(p) for p in parts], how="vertical_relaxed").unique(
        list(_KEY), keep="last", maintain_order=True
    )
    tmp = folder / f".{uuid.uuid4().hex}.tmp"
    merged.write_parquet(tmp, compression="zstd")
    tmp.replace(folder / f"part-{uuid.uuid4().hex}.parquet")
    for p in parts:
        p.unlink(missing_ok=True)


def _read_cache(folder: Path, unique_keys: pl.DataFrame) -> pl.DataFrame | None:
    """Cached rows for ``unique_keys`` (one per key), or None when nothing is cached."""
    for _ in range(3):  # a concurrent compaction may remove a part between listing and reading
        parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
        if not parts:
            return None
        try:
            found = [pl.read_parquet(p).join(unique_keys, on=list(_KEY), how="semi") for p in parts]
        except FileNotFoundError:
            continue
        return pl.concat(found, how="vertical_relaxed").unique(
            list(_KEY), keep="last", maintain_order=True
        )
    return None


# ``Discussion.annotate`` reaches this function through the model's registry (the model never
# imports the text layer).
register_method("annotate", annotate)
