"""Escalation episodes (flame wars): reply chains and dyadic exchanges whose hostility rises.

Rule
----
With ``k = min_turns`` and ``y`` the hostility signal of each comment:

1. **Windows.** Every comment ``c`` with at least ``k - 1`` ancestors in its thread ends one
   window: ``c`` and its ``k - 1`` nearest ancestors, oldest first (turns ``0 .. k-1``). A
   window is identified by its last comment, so root-to-leaf chains that share a prefix share
   its windows: the shared part is examined, and reported, once.
2. **Escalating window** (``rule="slope"``, the default): every comment is scored, the OLS slope
   of ``y`` on the turn index is positive (``> 1e-12``, above rounding) and the window's peak is
   at or above ``threshold``. ``rule="steps"``: every step is non-decreasing
   (``y[i+1] >= y[i]``), the last comment is above the first and at or above ``threshold``.
3. **Merging.** Escalating windows that share a comment merge: an episode is a maximal run of
   consecutive comments joined by reply links that lie inside some escalating window. Windows
   that are only adjacent (no comment in common) stay separate episodes. So every episode has
   at least ``k`` comments and its last ``k`` comments form an escalating window: it ends at
   the top of a rise.
4. **Branches.** Where merged windows branch (several replies to one comment continue the
   escalation) the episode follows the reply with the longest continuation (ties: earliest
   ``created_at``, then table order), and every other branch becomes its own chain starting at
   the branch comment (as :func:`dynamics.model.exchanges.dyadic_exchanges` does). A chain is
   an episode when it contains at least one whole escalating window (for a side branch: when
   it has at least ``k`` comments); so a shared prefix is reported once, with its longest
   continuation, and no reply link is in two chain episodes.
5. **Exchanges** (``kind="exchanges"``): the same windows and merging along each dyadic
   exchange (maximal ``u, v, u, v`` run, see ``dyadic_exchanges``); each maximal run of merged
   windows is an episode. ``kind="both"`` reports the chain episodes plus the exchange episodes
   that no chain episode contains.

Score
-----
``score`` = the sum of the signal over the episode's toxic comments (``y >= threshold``): how
much hostility the flame war holds, so a long exchange of insults outranks a short one and mild
comments add nothing. Episodes are ranked by score, then peak, then turns (all descending), then
the table position of the first comment, kind and id (ascending).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any, Literal

import numpy as np
import polars as pl

from dynamics._results import MetricResult
from dynamics._validation import check_param
from dynamics.escalation._signal import check_signal_params, comments_of, signal_values
from dynamics.model.forest import depths, parent_index

__all__ = ["KINDS", "RULES", "Episode", "EpisodesResult", "episodes"]

KINDS: tuple[str, ...] = ("both", "chains", "exchanges")
RULES: tuple[str, ...] = ("slope", "steps")
_EPS = 1e-12
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Episode:
    """One escalation episode: a reply chain (or dyadic exchange) whose hostility rises.

    Attributes
    ----------
    episode_id : str
        ``"chain:<id>"`` or ``"exchange:<id>"`` where ``<id>`` is the episode's first reply
        (its second comment), unique within a result.
    thread_id : str
    kind : {"chain", "exchange"}
    participants : tuple of str
        Distinct known authors in order of first appearance.
    comment_ids : tuple of str
        The comments in chain order (each replies to the one before).
    start_comment, peak_comment : str
        First comment, and the first comment with the highest signal.
    turns : int
        Number of comments.
    duration : datetime.timedelta or None
        Time from the first to the last comment (None when a time is missing).
    peak_toxicity, mean_toxicity, slope, score : float
        Highest and mean signal, OLS slope of the signal per turn, and the ranking score
        (sum of the signal over the toxic comments).
    """

    episode_id: str
    thread_id: str
    kind: str
    participants: tuple[str, ...]
    comment_ids: tuple[str, ...]
    start_comment: str
    peak_comment: str
    turns: int
    duration: timedelta | None
    peak_toxicity: float
    mean_toxicity: float
    slope: float
    score: float
    _members: pl.DataFrame | None = field(default=None, repr=False, compare=False, hash=False)

    def comments(self) -> pl.DataFrame:
        """The episode's comments in order, to read the flame war.

        Returns
        -------
        polars.DataFrame
            ``turn`` (0-based), ``comment_id``, ``parent_id``, ``author``, ``text``,
            ``created_at``, ``signal`` (the hostility signal) and ``depth`` (0 = top-level).
        """
        if self._members is None:
            msg = "this Episode was built without its comments"
            raise ValueError(msg)
        return (
            self._members.filter(pl.col("episode_id") == self.episode_id)
            .sort("turn")
            .drop("episode_id")
        )


@dataclass(frozen=True, repr=False)
class EpisodesResult(MetricResult):
    """Result of :func:`episodes`: ``value`` is the number of episodes.

    ``table("episodes")`` has one ranked row per episode, ``table("comments")`` one row per
    (episode, comment); :attr:`episodes` gives them as :class:`Episode` records.
    """

    @cached_property
    def episodes(self) -> list[Episode]:
        """The episodes as :class:`Episode` records, best-ranked first."""
        if "episodes" not in self.tables:
            return []
        members = self.tables["comments"]
        cols = [f for f in Episode.__dataclass_fields__ if not f.startswith("_")]
        out = []
        for row in self.tables["episodes"].select(cols).iter_rows():
            values = dict(zip(cols, row, strict=True))
            values["participants"] = tuple(values["participants"])
            values["comment_ids"] = tuple(values["comment_ids"])
            out.append(Episode(**values, _members=members))
        return out


def episodes(
    discussion: Any,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: Literal["both", "chains", "exchanges"] = "both",
    rule: Literal["slope", "steps"] = "slope",
    seed: int | None = 0,
) -> EpisodesResult:
    """Escalation episodes (flame wars), ranked: reply chains whose hostility rises.

    An episode is a maximal run of at least ``min_turns`` consecutive comments along a reply
    chain (or a dyadic exchange) made of merged *escalating windows*: windows of ``k =
    min_turns`` consecutive comments ``y_0 .. y_{k-1}`` with

    .. math:: \\hat\\beta = \\frac{\\sum_t (t - \\bar t)(y_t - \\bar y)}{\\sum_t (t - \\bar t)^2}
              > 0 \\quad\\text{and}\\quad \\max_t y_t \\ge \\text{threshold}

    (module docstring: merging, branches, deduplication of shared prefixes). The score is
    :math:`\\sum_{t:\\, y_t \\ge \\text{threshold}} y_t` over the episode.

    Parameters
    ----------
    discussion : Discussion or polars.DataFrame
        A scored discussion (``d.annotate()``) or its comments table.
    signal : str, default "toxicity"
        Numeric hostility column.
    threshold : float, default 0.5
        A comment is toxic when ``signal >= threshold``; an escalating window peaks there.
    min_turns : int, default 3
        Window length k and smallest episode (an integer >= 2).
    kind : {"both", "chains", "exchanges"}, default "both"
        Look along reply chains, along dyadic exchanges, or both (exchange episodes contained in
        a chain episode are then dropped).
    rule : {"slope", "steps"}, default "slope"
        Escalating window: positive OLS slope and peak >= threshold, or non-decreasing steps
        ending at or above threshold and above the first comment.
    seed : int or None, default 0
        Unused (the detection is deterministic); accepted for a uniform signature.

    Returns
    -------
    EpisodesResult
        ``value`` = number of episodes (0 when nothing escalates; NaN with a reason when no
        comment is scored); ``episodes`` the ranked :class:`Episode` list; tables ``"episodes"`` (rank,
        episode_id, thread_id, kind, participants, comment_ids, start_comment, peak_comment,
        turns, duration, peak_toxicity, mean_toxicity, slope, score) and ``"comments"``.

    Raises
    ------
    ValueError, TypeError
        For bad parameters or a missing / non-numeric signal column.
    GraphKindError
        When ``discussion`` is neither a Discussion nor a polars DataFrame.

    See Also
    --------
    derailment, instigators, reply_heat, dynamics.model.exchanges.dyadic_exchanges

    Notes
    -----
    Unscored comments (null signal) cannot be in an escalating window, so they cut chains.
    ``peak_toxicity`` etc. keep their names whatever ``signal`` is. Everything is vectorised
    (numpy gathers over the parent array, one scatter per depth level, polars group-bys):
    O(n (k + log depth)) for n comments.

    References
    ----------
    Kumar, S., Hamilton, W. L., Leskovec, J. & Jurafsky, D. (2018). Community interaction and
    conflict on the web. WWW '18. https://doi.org/10.1145/3178876.3186141
    Avalle, M. et al. (2024). Persistent interaction patterns across social media platforms
    and over time. Nature 628, 582-589. https://doi.org/10.1038/s41586-024-07229-y

    Examples
    --------
    ``ann`` and ``bob`` trade replies of rising toxicity; ``cat`` stays calm elsewhere:

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["1", "2", "3", "4", "5", "6", "7"],
    ...     "parent": [None, "1", "2", "3", "4", None, "6"],
    ...     "user": ["ann", "bob", "ann", "bob", "ann", "cat", "dan"],
    ...     "body": ["a", "b", "c", "d", "e", "f", "g"],
    ...     "toxicity": [0.1, 0.3, 0.5, 0.7, 0.9, 0.1, 0.1]}))
    >>> r = dyn.escalation.episodes(d)
    >>> r.value
    1.0
    >>> e = r.episodes[0]
    >>> e.participants, e.comment_ids, e.peak_comment, round(e.score, 2)
    (('ann', 'bob'), ('1', '2', '3', '4', '5'), '5', 2.1)
    >>> e.comments()["author"].to_list()
    ['ann', 'bob', 'ann', 'bob', 'ann']
    """
    func = "episodes"
    check_params(signal, threshold, min_turns, kind, rule, func)
    comments = comments_of(discussion, func)
    y = signal_values(comments, signal, func)
    params = {
        "signal": signal,
        "threshold": float(threshold),
        "min_turns": int(min_turns),
        "kind": kind,
        "rule": rule,
        "seed": seed,
    }
    if comments.height == 0 or y.null_count() == comments.height:
        why = "no comments" if comments.height == 0 else f"no comment has a {signal!r} score"
        return EpisodesResult(func, math.nan, params=params, reason=why)
    table, members = detect(comments, y, float(threshold), int(min_turns), kind, rule)
    return EpisodesResult(
        func,
        float(table.height),
        params=params,
        tables={"episodes": table, "comments": members},
    )


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


def _roots(up: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pointer doubling on an acyclic pointer array: (root of each slot, steps to it)."""
    n = up.shape[0]
    root = np.where(up >= 0, up, np.arange(n))
    dist = (up >= 0).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(max(n, 2)))) + 2):
        nxt = root[root]
        if (nxt == root).all():
            return root, dist
        dist = dist + dist[root]
        root = nxt
    msg = "the replies form a cycle; load the comments with dynamics.load, which breaks cycles"
    raise ValueError(msg)


# ---------------------------------------------------------------------- chains
def _chain_members(
    par: np.ndarray, y: np.ndarray, threshold: float, k: int, rule: str, t: np.ndarray
) -> pl.DataFrame:
    n = par.shape[0]
    ends, link = _windows(par, y, threshold, k, rule)
    up = np.where(link, par, -1)
    # longest continuation below each linked comment, one scatter per depth level
    height = np.zeros(n, dtype=np.int64)
    kids = np.flatnonzero(link)
    if kids.size:
        level = depths(up)
        order = kids[np.argsort(-level[kids], kind="stable")]
        for chunk in np.split(order, np.flatnonzero(np.diff(level[order])) + 1):
            np.maximum.at(height, up[chunk], height[chunk] + 1)
    heir = np.full(n, -1, dtype=np.int64)
    if kids.size:
        srt = kids[np.lexsort((kids, t[kids], -height[kids], up[kids]))]
        first = np.ones(srt.size, dtype=bool)
        first[1:] = up[srt][1:] != up[srt][:-1]
        heir[up[srt][first]] = srt[first]
    cont = link & (heir[np.maximum(up, 0)] == np.arange(n))
    head, pos = _roots(np.where(cont, par, -1))
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
    from dynamics.model.exchanges import dyadic_exchanges

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
            pl.col("comment_id").alias("comment_ids"),
            pl.col("comment_id").first().alias("start_comment"),
            pl.col("comment_id").get(s.arg_max()).alias("peak_comment"),
            pl.len().cast(pl.Int64).alias("turns"),
            (pl.col("created_at").last() - pl.col("created_at").first()).alias("duration"),
            s.max().alias("peak_toxicity"),
            s.mean().alias("mean_toxicity"),
            (((x - x.mean()) * (s - s.mean())).sum() / ((x - x.mean()) ** 2).sum()).alias("slope"),
            s.filter(s >= threshold).sum().alias("score"),
            pl.col("_first").first(),
        )
        .sort(
            ["score", "peak_toxicity", "turns", "_first", "kind", "episode_id"],
            descending=[True, True, True, False, False, False],
        )
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
        .drop("_first")
    )
    return agg, members
