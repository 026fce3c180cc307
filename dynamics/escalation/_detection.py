"""Detection of escalation episodes: windows, merging, branches and the episode tables.

The machinery shared by :func:`~dynamics.escalation.episodes`,
:func:`~dynamics.escalation.instigators` and :func:`~dynamics.escalation.reply_heat`; the rule
it implements is described in the module docstring of :mod:`dynamics.escalation.episodes`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics.escalation._signal import check_signal_params
from dynamics.model.exchanges import dyadic_exchanges, link_heights, link_heirs, pointer_roots
from dynamics.model.forest import depths, parent_index

__all__ = [
    "FLAT_RISE",
    "KINDS",
    "RULES",
    "check_params",
    "detect",
    "episode_params",
    "rank_episodes",
]

#: An episode whose signal climbs by less than this from a low to a later high is ``"flat"``:
#: hostile throughout (e.g. 0.95, 1.0, 1.0), not an escalation. Flat episodes rank after the
#: rising ones.
FLAT_RISE = 0.1

KINDS: tuple[str, ...] = ("both", "chains", "exchanges")
RULES: tuple[str, ...] = ("slope", "steps")
_EPS = 1e-12
_NEVER = np.iinfo(np.int64).max


def check_params(
    signal: Any, threshold: Any, min_turns: Any, kind: Any, rule: Any, func: str
) -> None:
    """Validate the episode parameters shared by the escalation functions."""
    check_signal_params(signal, threshold, func)
    check_param(
        isinstance(min_turns, int | np.integer)
        and not isinstance(min_turns, bool)
        and min_turns >= 2,
        "min_turns",
        func,
        "an integer >= 2",
        min_turns,
    )
    check_param(kind in KINDS, "kind", func, f"one of {KINDS}", kind)
    check_param(rule in RULES, "rule", func, f"one of {RULES}", rule)


def episode_params(
    signal: str, threshold: float, min_turns: int, kind: str, rule: str
) -> dict[str, Any]:
    """The episode parameters as a result's ``params`` hold them (checked ones)."""
    return {
        "signal": signal,
        "threshold": float(threshold),
        "min_turns": int(min_turns),
        "kind": kind,
        "rule": rule,
    }


def detect(
    comments: pl.DataFrame, y: pl.Series, threshold: float, k: int, kind: str, rule: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ranked episodes table and the (episode, comment) table (see the module docstring)."""
    n = comments.height
    ids = comments.get_column("comment_id").cast(pl.String)
    par = parent_index(ids, comments.get_column("parent_id").cast(pl.String))
    thread = comments.get_column("thread_id").cast(pl.String)
    tcode = thread.cast(pl.Categorical).to_physical().fill_null(-1).to_numpy().astype(np.int64)
    p = np.where(par >= 0, par, 0)
    par = np.where((par >= 0) & (tcode == tcode[p]), par, -1)
    yv = y.fill_null(np.nan).to_numpy().astype(np.float64)
    if "created_at" in comments.columns:
        t = comments.get_column("created_at").to_physical().fill_null(_NEVER).to_numpy()
    else:
        t = np.full(n, _NEVER, dtype=np.int64)

    parts = []
    chain_rows = None
    if kind in ("both", "chains"):
        chain_rows = _chain_members(par, yv, threshold, k, rule, t)
        parts.append(chain_rows)
    if kind in ("both", "exchanges"):
        ex_rows = _exchange_members(comments, yv, threshold, k, rule)
        if chain_rows is not None:
            ex_rows = _drop_contained(ex_rows, chain_rows)
        parts.append(ex_rows)
    rows = pl.concat(parts)  # _key (row of the episode's 2nd comment), kind, turn, _row
    return _tables(comments, ids, par, yv, rows, threshold)


# ---------------------------------------------------------------------- windows
def _windows(
    prev: np.ndarray, y: np.ndarray, threshold: float, k: int, rule: str
) -> tuple[np.ndarray, np.ndarray]:
    """Escalating window ends and links over slots with a ``prev`` pointer (-1 = none).

    Returns ``(ends, link)``: the slots that end an escalating window, and per slot whether its
    link to ``prev`` lies inside an escalating window.
    """
    n = prev.shape[0]
    anc = np.empty((k, n), dtype=np.int64)
    anc[0] = np.arange(n)
    for j in range(1, k):
        a = anc[j - 1]
        anc[j] = np.where(a >= 0, prev[np.maximum(a, 0)], -1)
    rows = np.flatnonzero(anc[k - 1] >= 0)
    win = y[anc[:, rows]]  # row j = j-th ancestor: turn k-1-j of the window
    finite = np.isfinite(win).all(axis=0)
    with np.errstate(invalid="ignore"):
        if rule == "slope":
            x = (k - 1 - np.arange(k)).astype(np.float64)
            xc = x - x.mean()
            slope = (xc[:, None] * win).sum(axis=0) / (xc**2).sum()
            ok = finite & (slope > _EPS) & (win.max(axis=0) >= threshold)
        else:
            ok = (
                finite
                & (win[:-1] >= win[1:]).all(axis=0)
                & (win[0] > win[k - 1])
                & (win[0] >= threshold)
            )
    ends = rows[ok]
    link = np.zeros(n, dtype=bool)
    for j in range(k - 1):
        link[anc[j, ends]] = True
    return ends, link


# ---------------------------------------------------------------------- chains
def _chain_members(
    par: np.ndarray, y: np.ndarray, threshold: float, k: int, rule: str, t: np.ndarray
) -> pl.DataFrame:
    n = par.shape[0]
    ends, link = _windows(par, y, threshold, k, rule)
    up = np.where(link, par, -1)
    # the branching rule of the exchanges: each linked comment goes on along its reply with the
    # longest continuation (ties: earliest, then table order)
    heir = link_heirs(up, link_heights(up), t)
    cont = link & (heir[np.maximum(up, 0)] == np.arange(n))
    head, pos = pointer_roots(np.where(cont, par, -1))
    # a comment is in the chain it continues (linked) or starts (unlinked, with an heir)
    rows = np.flatnonzero(link | (heir >= 0))
    side_heads = np.flatnonzero(link & ~cont)
    hd = head[rows]
    # key: row of the chain's second comment; a main chain starts at its unlinked head
    # (turn 0), a side chain at its head's parent, so its head has turn 1
    key = np.concatenate([np.where(link[hd], hd, heir[hd]), side_heads])
    turn = np.concatenate([np.where(link[hd], pos[rows] + 1, pos[rows]), np.zeros_like(side_heads)])
    slot = np.concatenate([rows, par[side_heads]])
    is_end = np.zeros(n, dtype=bool)
    is_end[ends] = True
    frame = pl.DataFrame({"_key": key, "turn": turn, "_row": slot})
    keep = (
        frame.with_columns((pl.Series(is_end[slot]) & (pl.col("turn") >= k - 1)).alias("_full"))
        .group_by("_key")
        .agg(pl.col("_full").any())
        .filter(pl.col("_full"))
        .get_column("_key")
    )
    return frame.filter(pl.col("_key").is_in(keep.implode())).select(
        "_key", pl.lit("chain").alias("kind"), "turn", "_row"
    )


# ---------------------------------------------------------------------- exchanges
def _exchange_members(
    comments: pl.DataFrame, y: np.ndarray, threshold: float, k: int, rule: str
) -> pl.DataFrame:
    empty = pl.DataFrame(
        schema={"_key": pl.Int64, "kind": pl.String, "turn": pl.Int64, "_row": pl.Int64}
    )
    ex = dyadic_exchanges(comments, min_turns=k)
    if ex.height == 0:
        return empty
    lookup = comments.select(
        pl.col("comment_id").cast(pl.String), pl.int_range(pl.len(), dtype=pl.Int64).alias("_row")
    )
    flat = (
        ex.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("_ex"), "comment_ids")
        .explode("comment_ids")
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("_ex").alias("_pos"))
        .join(
            lookup, left_on="comment_ids", right_on="comment_id", how="left", maintain_order="left"
        )
    )
    pos = flat.get_column("_pos").to_numpy()
    slot_row = flat.get_column("_row").to_numpy()
    m = pos.shape[0]
    prev = np.where(pos > 0, np.arange(m) - 1, -1)
    _, link = _windows(prev, y[slot_row], threshold, k, rule)
    nxt = np.zeros(m, dtype=bool)
    nxt[:-1] = link[1:]
    inside = link | nxt
    start = inside & ~link
    seg = np.cumsum(start) - 1
    sel = np.flatnonzero(inside)
    seg_start = np.flatnonzero(start)
    key = slot_row[seg_start + 1][seg[sel]]  # row of the episode's first reply
    turn = sel - seg_start[seg[sel]]
    if sel.size == 0:
        return empty
    return pl.DataFrame(
        {"_key": key, "kind": "exchange", "turn": turn, "_row": slot_row[sel]},
        schema=empty.schema,
    )


def _drop_contained(ex_rows: pl.DataFrame, chain_rows: pl.DataFrame) -> pl.DataFrame:
    """Exchange episodes whose replies all lie in one chain episode (as replies) go."""
    replies = chain_rows.filter(pl.col("turn") > 0).select("_row", pl.col("_key").alias("_ck"))
    covered = (
        ex_rows.filter(pl.col("turn") > 0)
        .join(replies, on="_row", how="left")
        .group_by("_key")
        .agg((pl.col("_ck").null_count() == 0) & (pl.col("_ck").n_unique() == 1))
        .filter(pl.col("_ck"))
        .get_column("_key")
    )
    return ex_rows.filter(~pl.col("_key").is_in(covered.implode()))


# ---------------------------------------------------------------------- tables
def _tables(
    comments: pl.DataFrame,
    ids: pl.Series,
    par: np.ndarray,
    y: np.ndarray,
    rows: pl.DataFrame,
    threshold: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = rows.with_columns(
        (pl.col("kind") + ":" + ids.gather(rows.get_column("_key")).alias("_id")).alias(
            "episode_id"
        )
    ).sort("_key", "kind", "turn")
    r = rows.get_column("_row").to_numpy()
    n = comments.height
    created = (
        comments.get_column("created_at")
        if "created_at" in comments.columns
        else pl.Series([None] * n, dtype=pl.Datetime("us", "UTC"))
    )
    texts = comments.get_column("text") if "text" in comments.columns else pl.Series([None] * n)
    author = comments.get_column("author").cast(pl.String)
    depth = depths(par)
    sig = pl.Series(y).fill_nan(None)
    members = pl.DataFrame(
        {
            "episode_id": rows.get_column("episode_id"),
            "turn": rows.get_column("turn"),
            "comment_id": ids.gather(r),
            "parent_id": comments.get_column("parent_id").cast(pl.String).gather(r),
            "author": author.gather(r),
            "text": texts.gather(r),
            "created_at": created.gather(r),
            "signal": sig.gather(r),
            "depth": depth[r],
        }
    )
    x = pl.col("turn").cast(pl.Float64)
    s = pl.col("signal")
    agg = (
        members.with_columns(
            pl.Series("thread_id", comments.get_column("thread_id").cast(pl.String).gather(r)),
            pl.Series("kind", rows.get_column("kind")),
            pl.Series("_first", r),
        )
        .group_by("episode_id")
        .agg(
            pl.col("thread_id").first(),
            pl.col("kind").first(),
            pl.col("author").drop_nulls().unique(maintain_order=True).alias("participants"),
            # turns whose author is deleted or unknown: not among the participants
            pl.col("author").null_count().cast(pl.Int64).alias("unnamed_turns"),
            pl.col("comment_id").alias("comment_ids"),
            pl.col("comment_id").first().alias("start_comment"),
            pl.col("comment_id").get(s.arg_max()).alias("peak_comment"),
            pl.len().cast(pl.Int64).alias("turns"),
            (pl.col("created_at").last() - pl.col("created_at").first()).alias("duration"),
            s.max().alias("peak_toxicity"),
            s.mean().alias("mean_toxicity"),
            (((x - x.mean()) * (s - s.mean())).sum() / ((x - x.mean()) ** 2).sum()).alias("slope"),
            s.filter(s >= threshold).sum().alias("score"),
            (s - s.cum_min()).max().alias("rise"),
            pl.col("_first").first(),
        )
        .with_columns(
            pl.when(pl.col("rise") >= FLAT_RISE - _EPS)
            .then(pl.lit("rising"))
            .otherwise(pl.lit("flat"))
            .alias("trend")
        )
    )
    return rank_episodes(agg), members


def rank_episodes(table: pl.DataFrame) -> pl.DataFrame:
    """The episodes ranked: rising before flat, then score, peak and turns (descending), then
    ``_first`` (the table position of the first comment), kind and id; column ``rank`` added
    first, ``_first`` dropped."""
    return (
        table.with_columns((pl.col("trend") == "rising").alias("_rising"))
        .sort(
            ["_rising", "score", "peak_toxicity", "turns", "_first", "kind", "episode_id"],
            descending=[True, True, True, True, False, False, False],
        )
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
        .drop("_first", "_rising")
    )
