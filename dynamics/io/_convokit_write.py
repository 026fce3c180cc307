"""Writing a Discussion as a ConvoKit corpus (public as ``dynamics.io.convokit.write_corpus``).

The layout is described in :mod:`dynamics.io.convokit`. Utterances are built column-wise in
polars (one frame of fields, one of metadata, for the posts and for the comments), then written
one JSON line each.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics.errors import DataQualityWarning
from dynamics.io import _convokit_layout as layout
from dynamics.io._base import COMMENT_COLUMNS, THREAD_COLUMNS
from dynamics.io._json_columns import index_type, json_ready, type_name

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["write_corpus", "write_files"]


def write_files(discussion: Discussion, path: Path) -> None:
    """Write the five corpus files of ``discussion`` into the existing directory ``path``."""
    from dynamics._version import __version__

    comments = discussion.to_polars()
    posts = discussion.posts
    ids = comments.get_column("comment_id")
    taken = set(ids.to_list())
    roots: dict[str, str] = {}  # thread -> id of its post's utterance
    for thread in [] if posts is None else posts.get_column("thread_id").to_list():
        root = thread
        while root in taken:  # a post id must not clash with a comment id
            root = f"dynamics_post:{root}"
        taken.add(root)
        roots[thread] = root
    authors = set(comments.get_column("author").drop_nulls().to_list())
    if posts is not None:
        authors |= set(posts.get_column("author").drop_nulls().to_list())
    anonymous, n = layout.ANONYMOUS_SPEAKER, 0
    while anonymous in authors:  # a real author called "[anonymous]" keeps that name
        n += 1
        anonymous = f"[anonymous-{n}]"

    post_rows, post_meta = _post_utterances(posts, roots, anonymous)
    comment_rows, comment_meta = _comment_utterances(discussion, comments, roots, anonymous)
    _warn_outside_parents(discussion.comments, path)
    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, dict[str, Any]] = {}
    index: dict[str, list[str]] = {}
    with (path / "utterances.jsonl").open("w", encoding="ascii") as fh:
        for rows, meta in ((post_rows, post_meta), (comment_rows, comment_meta)):
            for key in meta.columns:
                types = index.setdefault(key, [])
                types.extend(t for t in index_type(meta.get_column(key)) if t not in types)
            keys = meta.columns
            for (uid, speaker, convo, thread, reply, micros, text), values in zip(
                rows.iter_rows(), meta.iter_rows(), strict=True
            ):
                speakers.setdefault(speaker, {"meta": {}, "vectors": []})
                if convo not in conversations:
                    conversations[convo] = {"meta": {layout.THREAD_KEY: thread}, "vectors": []}
                utterance = {
                    "id": uid,
                    "speaker": speaker,
                    "conversation_id": convo,
                    "reply_to": reply,
                    "timestamp": _seconds(micros),
                    "text": text,
                    "meta": dict(zip(keys, values, strict=True)),
                }
                fh.write(_dumps(utterance) + "\n")
    if anonymous in speakers:
        speakers[anonymous]["meta"][layout.ANON_KEY] = True
    schema = {
        "comments": [[c, type_name(comments.schema[c])] for c in _comment_extras(comments)],
        "threads": None
        if posts is None
        else [[c, type_name(posts.schema[c])] for c in posts.columns if c not in THREAD_COLUMNS],
    }
    corpus: dict[str, Any] = {
        "dynamics_version": __version__,
        "dynamics_format": discussion.report.format,
        layout.SCHEMA_KEY: schema,
    }
    str_type, bool_type = ["<class 'str'>"], ["<class 'bool'>"]
    files = {
        "speakers.json": speakers,
        "conversations.json": conversations,
        "corpus.json": corpus,
        "index.json": {
            "utterances-index": index,
            "speakers-index": {layout.ANON_KEY: bool_type} if anonymous in speakers else {},
            "conversations-index": {layout.THREAD_KEY: str_type} if conversations else {},
            "overall-index": {
                "dynamics_version": str_type,
                "dynamics_format": str_type,
                layout.SCHEMA_KEY: ["<class 'dict'>"],
            },
            "version": 1,
            "vectors": [],
        },
    }
    for file_name, content in files.items():
        (path / file_name).write_text(_dumps(content), encoding="ascii")


_UTTERANCE = ("id", "speaker", "conversation_id", "thread", "reply_to", "micros", "text")


def _comment_extras(comments: pl.DataFrame) -> list[str]:
    return [c for c in comments.columns if c not in COMMENT_COLUMNS and c != "orphan_of"]


def _speaker(anonymous: str, deleted: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("author").is_not_null())
        .then(pl.col("author"))
        .when(deleted)
        .then(pl.lit(layout.DELETED_SPEAKER))
        .otherwise(pl.lit(anonymous))
    )


def _roots_frame(roots: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"thread_id": list(roots), "_post": list(roots.values())},
        schema={"thread_id": pl.String, "_post": pl.String},
    )


def _post_utterances(
    posts: pl.DataFrame | None, roots: dict[str, str], anonymous: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    if posts is None:
        return pl.DataFrame(schema=dict.fromkeys(_UTTERANCE, pl.String)), pl.DataFrame()
    deleted = (
        pl.col("deleted").fill_null(value=False)
        if posts.schema.get("deleted") == pl.Boolean
        else pl.lit(value=False)
    )
    p = posts.join(_roots_frame(roots), on="thread_id", how="left", maintain_order="left")
    rows = p.select(
        pl.col("_post").alias("id"),
        _speaker(anonymous, deleted).alias("speaker"),
        pl.col("_post").alias("conversation_id"),
        pl.col("thread_id").alias("thread"),
        pl.lit(None, pl.String).alias("reply_to"),
        pl.col("created_at").dt.epoch("us").alias("micros"),
        pl.col("text").fill_null(""),
    )
    meta = p.select(
        pl.lit(value=True).alias(layout.POST_KEY),
        "title",
        "url",
        pl.col("source").alias(layout.FLAG_KEYS["source"]),
        pl.col("text").is_null().alias(layout.NULL_TEXT_KEY),
        pl.col("created_at").is_null().alias(layout.NO_TIME_KEY),
    )
    extras = [json_ready(p.get_column(c)) for c in posts.columns if c not in THREAD_COLUMNS]
    return rows, meta.with_columns(extras)


def _comment_utterances(
    discussion: Discussion, comments: pl.DataFrame, roots: dict[str, str], anonymous: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    tops = discussion.tree_table().select("comment_id", "root_id")
    c = comments.join(tops, on="comment_id", how="left", maintain_order="left").join(
        _roots_frame(roots), on="thread_id", how="left", maintain_order="left"
    )
    present = pl.col("parent_id").is_in(c.get_column("comment_id").implode()).fill_null(False)
    orphan_of = pl.col("orphan_of") if "orphan_of" in c.columns else pl.lit(None, pl.String)
    rows = c.select(
        pl.col("comment_id").alias("id"),
        _speaker(anonymous, pl.col("deleted")).alias("speaker"),
        pl.coalesce("_post", "root_id").alias("conversation_id"),
        pl.col("thread_id").alias("thread"),
        pl.when(present).then(pl.col("parent_id")).otherwise(pl.col("_post")).alias("reply_to"),
        pl.col("created_at").dt.epoch("us").alias("micros"),
        "text",
    )
    meta = c.select(
        pl.lit(value=False).alias(layout.POST_KEY),
        *(pl.col(col).alias(key) for col, key in layout.FLAG_KEYS.items() if col != "orphan_of"),
        pl.coalesce(orphan_of, pl.when(~present).then(pl.col("parent_id"))).alias(
            layout.FLAG_KEYS["orphan_of"]
        ),
        pl.col("created_at").is_null().alias(layout.NO_TIME_KEY),
    )
    return rows, meta.with_columns([json_ready(c.get_column(x)) for x in _comment_extras(comments)])


def _warn_outside_parents(comments: pl.DataFrame, path: Path) -> None:
    """Say when replies answer comments outside the part written (a filtered Discussion).

    The Discussion knows who such a reply answered (its ``parent_author``); a corpus can only
    name the parent utterance, which is not in it, so the reply is written as dangling
    (``dynamics_orphan_of``) and its user-graph edge is not in a Discussion read back.
    """
    outside = comments.filter(
        pl.col("parent_deleted").is_not_null()
        & ~pl.col("parent_id").is_in(comments.get_column("comment_id").implode())
    )
    if outside.height == 0:
        return
    noun = "reply answers a comment" if outside.height == 1 else "replies answer comments"
    msg = (
        f"{path}: {outside.height:,} {noun} outside this Discussion (a filtered part); a "
        "ConvoKit corpus cannot say whom they answered, so they are written as dangling "
        "replies (meta dynamics_orphan_of) and a Discussion read back from it lacks their "
        f"reply edges (e.g. {outside.get_column('comment_id')[0]!r}). Write the whole "
        "Discussion and filter after reading it to keep them."
    )
    warnings.warn(msg, DataQualityWarning, stacklevel=4)


def _dumps(obj: Any) -> str:
    """ASCII JSON, as ``Corpus.dump`` writes: ConvoKit opens files in the locale's encoding."""
    return json.dumps(obj, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def _seconds(micros: int | None) -> int | float:
    """Unix seconds; 0 stands in for a missing time (ConvoKit sorts replies by timestamp)."""
    if micros is None:
        return 0
    whole, rest = divmod(micros, 1_000_000)
    return whole if rest == 0 else micros / 1_000_000


def write_corpus(discussion: Discussion, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``discussion`` as a ConvoKit corpus directory.

    Parameters
    ----------
    discussion : Discussion
        What to write: its comments table and, when present, its posts.
    path : str or Path
        The corpus directory; created when absent.
    overwrite : bool, default False
        Write into a directory that already holds files (the five corpus files are replaced,
        other files are left alone).

    Returns
    -------
    Path
        ``path``, ready for ``dynamics.load(path)`` and ConvoKit's ``Corpus(filename=path)``.

    Raises
    ------
    FileExistsError
        ``path`` is a file, or a directory that is not empty and ``overwrite`` is False.

    Notes
    -----
    The layout (one conversation per post, or per top-level comment when the post is absent;
    ``[deleted]`` and ``[anonymous]`` speakers; ``dynamics_`` meta keys) is described in the
    module docstring. Timestamps are Unix seconds: integers when whole, floats otherwise.
    NaN and infinite floats in extra columns are written as null. A filtered Discussion
    (:meth:`~dynamics.Discussion.filter`) may hold replies to comments outside it; they are
    written as dangling replies and a ``DataQualityWarning`` counts them, since a corpus read
    back has no way to know whom they answered (:meth:`~dynamics.Discussion.save` keeps it).

    Examples
    --------
    >>> import dynamics as dyn
    >>> d = dyn.load(pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"],
    ...                            "user": ["ann", "bob"], "body": ["hi", "hello"]}))
    >>> out = write_corpus(d, getfixture("tmp_path") / "corpus")
    >>> sorted(p.name for p in out.iterdir())
    ['conversations.json', 'corpus.json', 'index.json', 'speakers.json', 'utterances.jsonl']
    >>> dyn.load(out).to_polars().equals(d.to_polars())
    True
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        msg = f"{path}: exists and is not a directory"
        raise FileExistsError(msg)
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        msg = f"{path}: directory is not empty; pass overwrite=True to write the corpus into it"
        raise FileExistsError(msg)
    path.mkdir(parents=True, exist_ok=True)
    write_files(discussion, path)
    return path
