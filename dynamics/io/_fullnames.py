"""Reddit fullnames in any table: ``t1_``/``t3_`` prefixes joined the way Reddit means them.

A Reddit thing's *fullname* is its type prefix and its id (https://www.reddit.com/dev/api,
"fullnames"): ``t1_<id>`` is a comment, ``t3_<id>`` a post. Exports written with PRAW or
Pushshift keep them in ``parent_id`` (``t1_`` for a reply to a comment, ``t3_`` for a reply to
the post), ``link_id`` (the post) and ``name`` (the comment's own fullname), while ``id`` is
bare. Read as a plain table, no ``parent_id`` would match an ``id``: every reply would be an
orphan. :func:`read_fullnames` recognises the layout in any table (CSV, JSON Lines, Parquet,
data frames) and rewrites the mapped columns:

* ``comment_id``: bare (``t1_k3x9`` -> ``k3x9``), so that ``columns={"comment_id": "name"}``
  and the bare ``id`` give the same ids;
* ``parent_id``: ``t1_<id>`` -> ``<id>``; ``t3_<post>`` -> null (a top-level comment);
* ``thread_id``: the bare post id, from the thread column (``link_id``) where it has a value,
  else from a ``t3_`` parent, else from the ``permalink`` (``/r/<sub>/comments/<post>/...``).

Reddit's "continue this thread" stubs (PRAW ``MoreComments`` rows, id ``_``) are not comments:
they are dropped and counted as ``unfetched_replies``. The guess and the thread source used are
stated in the report (``reddit_fullnames``).
"""

from __future__ import annotations

import polars as pl

from dynamics._problems import ProblemLog

__all__ = ["is_fullname_table", "read_fullnames"]

_FULLNAME = r"^t[1-6]_[0-9A-Za-z]+$"
_PERMALINK = r"/comments/([0-9A-Za-z]+)/"
_STUB_ID = "_"
_SAMPLE = 100_000  # values looked at to recognise the layout


def is_fullname_table(df: pl.DataFrame, mapping: dict[str, str]) -> bool:
    """True when the mapped parent (or id) column holds Reddit fullnames.

    At least half of the non-null parent values must be fullnames (``t1_...`` or ``t3_...``),
    or, without parents, half of the ids must be ``t1_`` fullnames (among the first 100,000
    non-null values).

    Examples
    --------
    >>> df = pl.DataFrame({"id": ["a", "b"], "parent_id": ["t3_p", "t1_a"]})
    >>> is_fullname_table(df, {"comment_id": "id", "parent_id": "parent_id"})
    True
    >>> is_fullname_table(df.with_columns(parent_id=pl.lit("a")), {"comment_id": "id"})
    False
    """
    for target in ("parent_id", "comment_id"):
        col = mapping.get(target)
        if col is None or df.schema[col] != pl.String:
            continue
        values = df.get_column(col).drop_nulls().head(_SAMPLE)
        values = values.filter(values != _STUB_ID)
        if values.len() == 0:
            continue
        share = values.str.contains(_FULLNAME).mean()
        if share is not None and share >= 0.5:  # type: ignore[operator]
            return True
    return False


def _bare(col: str) -> pl.Expr:
    return pl.col(col).str.replace(r"^t[1-6]_", "")


def read_fullnames(
    df: pl.DataFrame,
    mapping: dict[str, str],
    problems: ProblemLog,
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Rewrite a table's Reddit fullnames into bare ids, parents and threads.

    Parameters
    ----------
    df : polars.DataFrame
        The source table, columns not yet renamed.
    mapping : dict
        Contract column -> source column (from :func:`dynamics.io.tabular.guess_columns`).
    problems : ProblemLog
        Receives ``reddit_fullnames`` (every row, with the rule applied as its policy) and
        ``unfetched_replies`` (one per "continue this thread" stub).

    Returns
    -------
    (polars.DataFrame, dict)
        The table with rewritten columns and the mapping to use (a ``thread_id`` column is
        added when the table had no thread column).

    Examples
    --------
    >>> df = pl.DataFrame({"id": ["a", "b", "c"], "parent_id": ["t3_p", "t1_a", "t1_zz"]})
    >>> out, cols = read_fullnames(df, {"comment_id": "id", "parent_id": "parent_id"},
    ...                            ProblemLog())
    >>> out.get_column("parent_id").to_list(), out.get_column("thread_id").to_list()
    ([None, 'a', 'zz'], ['p', None, None])
    """
    if "comment_id" not in mapping or not is_fullname_table(df, mapping):
        return df, mapping
    mapping = dict(mapping)
    id_col = mapping["comment_id"]
    stub_cols = [c for c in {id_col, "id"} if c in df.columns and df.schema[c] == pl.String]
    if stub_cols:
        stub = df.select(
            pl.any_horizontal(pl.col(c) == _STUB_ID for c in stub_cols).fill_null(value=False)
        ).to_series()
        if stub.any():
            problems.add(
                "unfetched_replies",
                message="'continue this thread' stubs",
                count=int(stub.sum()),
            )
            problems.policies["unfetched_replies"] = (
                "counted; 'continue this thread' stubs (id '_') dropped, one reply each"
            )
            df = df.filter(~stub)
    if df.schema[id_col] == pl.String:
        df = df.with_columns(_bare(id_col).alias(id_col))

    post_from_parent: pl.Expr = pl.lit(None, dtype=pl.String)
    parent_col = mapping.get("parent_id")
    if parent_col is not None and df.schema[parent_col] == pl.String:
        is_post = pl.col(parent_col).str.starts_with("t3_").fill_null(value=False)
        post_from_parent = pl.when(is_post).then(_bare(parent_col))
        df = df.with_columns(
            post_from_parent.alias("__post"),
            pl.when(is_post).then(None).otherwise(_bare(parent_col)).alias(parent_col),
        )
        post_from_parent = pl.col("__post")

    sources = []
    thread_col = mapping.get("thread_id")
    candidates: list[pl.Expr] = []
    if thread_col is not None:
        as_text = df.schema[thread_col] == pl.String
        candidates.append(_bare(thread_col) if as_text else pl.col(thread_col).cast(pl.String))
        sources.append(f"'{thread_col}'")
    if parent_col is not None:
        candidates.append(post_from_parent)
        sources.append("the t3_ parent")
    permalink = next((c for c in df.columns if c.lower() == "permalink"), None)
    if permalink is not None and df.schema[permalink] == pl.String:
        candidates.append(pl.col(permalink).str.extract(_PERMALINK, 1))
        sources.append(f"'{permalink}'")
    target = thread_col or ("thread_id" if "thread_id" not in df.columns else "__thread_id")
    df = df.with_columns(pl.coalesce(candidates).alias(target)).drop("__post", strict=False)
    mapping["thread_id"] = target

    problems.add_many("reddit_fullnames", [], total=df.height)
    problems.policies["reddit_fullnames"] = (
        "read as Reddit fullnames: ids bare; a t1_ parent is a reply to that comment, a t3_ "
        f"parent is top-level; threads from {' or '.join(sources) or 'the reply tree'}"
    )
    return df, mapping
