"""Who starts, suffers and ends flame wars: instigators, targets and de-escalators of episodes.

Rules
-----
- **Instigator** of an episode (:func:`~dynamics.escalation.episodes`): the author of its first
  comment. **Target**: the author replied to by a toxic comment inside an episode (the author of
  the previous turn; self-replies do not count). **De-escalator**: the author of the earliest
  *calm* reply (``signal < calm``, by default ``threshold / 2``) to an episode's last comment:
  the reply that ends it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from dynamics._params import check_param
from dynamics._results import MetricResult
from dynamics.escalation._detection import check_params, detect, episode_params
from dynamics.escalation._family import escalation_measure
from dynamics.escalation._signal import check_signal_params, comments_of, signal_values, unscored

__all__ = ["InstigatorsResult", "instigators", "saturation_warning"]


@dataclass(frozen=True, repr=False)
class InstigatorsResult(MetricResult):
    """Result of :func:`instigators`: ``value`` is the share of episodes the top authors start.

    Extra fields: ``n_episodes``, ``n_authors`` (known authors in the discussion), ``n_top``
    (how many authors the top share holds) and ``n_instigators`` (known authors who started
    at least one episode). With ``n_top >= n_instigators`` the share is saturated (see
    :func:`instigators`, Notes) and a warning says so.
    """

    n_episodes: int = 0
    n_authors: int = 0
    n_top: int = 0
    n_instigators: int = 0


@escalation_measure(
    needs={"discussion", "signal"},
    result=InstigatorsResult,
    instead=(
        "Its value, the top authors' share of the episodes, has no interval here: for how "
        "it moves with the toxicity scores use dyn.uncertainty.signal_uncertainty(d, "
        "'escalation.instigators', signals='toxicity') or "
        "dyn.uncertainty.threshold_sensitivity(d, 'escalation.instigators'); for escalation "
        "measures with a thread-bootstrap interval, contagion, derailment, reply_heat or "
        "toxicity_by_depth (n_boot=...)."
    ),
)
def instigators(
    discussion: Any,
    *,
    signal: str = "toxicity",
    threshold: float = 0.5,
    min_turns: int = 3,
    kind: Literal["both", "chains", "exchanges"] = "both",
    rule: Literal["slope", "steps"] = "slope",
    calm: float | None = None,
    top: float = 0.1,
    seed: int | None = 0,
) -> InstigatorsResult:
    """Who starts escalation episodes, who is targeted in them, and who calms them down.

    Per author: ``started`` (episodes whose first comment is theirs), ``targeted`` (toxic
    replies to them inside episodes), ``deescalated`` (episodes ended by their calm reply) and
    ``participated`` (episodes with a comment of theirs); see the module docstring. The value is
    the share of episodes started by the ``n_top = max(1, ceil(top * A))`` most instigating of
    the ``A`` known authors of the discussion (``top * A`` within 1e-9 of a whole number is
    that number: 0.28 * 25 is 7, not the 7.000000000000001 of floating point; ties broken by
    name),

    .. math:: S = \\frac{\\sum_{a \\in \\text{top}} \\text{started}_a}{\\#\\text{episodes}}.

    Parameters
    ----------
    discussion : Discussion or polars.DataFrame
        A scored discussion or its comments table.
    {detection_params}
    calm : float or None, default None
        A reply is calm when ``signal < calm``; None means ``threshold / 2``.
    top : float, default 0.1
        Share of authors, in (0, 1], counted as the top instigators.
    seed : int or None, default 0
        Unused (deterministic); accepted for a uniform signature. The measure has no thread
        bootstrap or null model: ``n_boot``, ``ci``, ``null`` and ``n_null`` raise a
        ``TypeError`` that says what to use instead.

    Returns
    -------
    InstigatorsResult
        ``value`` in [0, 1] (about ``top`` when every author starts episodes alike; 1 when the
        top authors start them all; NaN with a reason when there is no episode or no known
        author; a warning counts the episodes opened by comments without an author, and
        another says when the share is saturated, see Notes); table ``"authors"``: author,
        started, targeted, deescalated, participated, ranked by started, targeted,
        deescalated (descending) then name.

    {signal_errors}

    See Also
    --------
    episodes, derailment

    Notes
    -----
    Comments without an author are never credited (episodes they start still count in the
    denominator). Vectorised: one episode detection plus polars joins.

    **Saturation.** With ``K`` known authors who started an episode (``n_instigators``) and
    ``n_top >= K``, the top authors hold every instigator, so ``S`` is the share of episodes
    opened by a known author (1 without author-less openers) whatever ``top`` is: the value
    is pinned at its maximum by construction and says nothing about how concentrated
    instigation is. The result then carries a warning, which gives the largest ``top`` that
    keeps fewer top authors than instigators (``top <= (K - 1) / A``; none when ``K = 1``).
    Few episodes among many authors saturate the default ``top=0.1``: on r/CollegeRant 226
    authors start the 310 episodes and the top 10 % are 571 of 5,709 authors, so ``S`` is
    0.961 (298 / 310) for every ``top``.

    References
    ----------
    {kumar2018}

    Examples
    --------
    ``ann`` opens a rising exchange with ``bob``; ``cat`` answers its last comment calmly:

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": list("abcd"), "parent": [None, "a", "b", "c"],
    ...     "user": ["ann", "bob", "ann", "cat"], "body": list("abcd"),
    ...     "toxicity": [0.2, 0.6, 0.9, 0.1]}))
    >>> r = dyn.escalation.instigators(d)
    >>> r.value
    1.0
    >>> r.table("authors", backend="polars").rows()
    [('ann', 1, 1, 0, 1), ('bob', 0, 1, 0, 1), ('cat', 0, 0, 1, 0)]

    One episode has one instigator, who is always in the top: the 1.0 is saturated.

    >>> r.warnings  # doctest: +ELLIPSIS
    ('saturated: the top 1 of 3 authors include all 1 who started an episode, ...',)
    """
    func = "instigators"
    params = checked_params(signal, threshold, min_turns, kind, rule, calm, top, seed)
    comments = comments_of(discussion, func)
    y = signal_values(comments, signal, func)
    authors = comments.get_column("author").cast(pl.String).drop_nulls().unique()
    n_authors = authors.len()
    why = unscored(comments, y, signal)
    if why is not None:
        return InstigatorsResult(func, math.nan, params=params, reason=why, n_authors=n_authors)
    table, members = detect(comments, y, float(threshold), int(min_turns), kind, rule)
    per_author = _per_author(comments, y, table, members, float(threshold), params["calm"])
    return from_authors(per_author, table.height, n_authors, params)


def checked_params(
    signal: str,
    threshold: float,
    min_turns: int,
    kind: str,
    rule: str,
    calm: float | None,
    top: float,
    seed: int | None,
) -> dict[str, Any]:
    """Check the parameters of :func:`instigators` (any engine); its ``params``, with ``calm``
    resolved (``threshold / 2`` when None)."""
    func = "instigators"
    check_params(signal, threshold, min_turns, kind, rule, func)
    if calm is not None:
        check_signal_params(signal, calm, func)
    check_param(
        isinstance(top, int | float) and not isinstance(top, bool) and 0 < top <= 1,
        "top",
        func,
        "in (0, 1]",
        top,
    )
    calm_at = float(threshold) / 2 if calm is None else float(calm)
    params = episode_params(signal, threshold, min_turns, kind, rule)
    return params | {"calm": calm_at, "top": top, "seed": seed}


def from_authors(
    per_author: pl.DataFrame, n_episodes: int, n_authors: int, params: dict[str, Any]
) -> InstigatorsResult:
    """The result of :func:`instigators` from its per-author counts (``author``, ``started``,
    ``targeted``, ``deescalated``, ``participated``, in any order), the number of episodes and
    of known authors, so that any engine that counts per thread gives the same result."""
    func = "instigators"
    counts = ["started", "targeted", "deescalated", "participated"]
    ranked = (
        per_author.filter(pl.col("author").is_not_null())
        .select("author", *counts)
        .sort(
            ["started", "targeted", "deescalated", "author"], descending=[True, True, True, False]
        )
    )
    # less a hair: top = 7/25 of 25 authors is 7.000000000000001 in floating point, not 8
    n_top = max(1, math.ceil(params["top"] * n_authors - 1e-9))
    sizes = {"n_authors": n_authors, "n_top": n_top}
    tables = {"authors": ranked}
    why = None
    if n_episodes == 0:
        why = "no escalation episodes"
    elif n_authors == 0:
        why = "no comment has a known author (deleted or anonymous), so no one can be ranked"
    if why is not None:
        return InstigatorsResult(func, math.nan, params=params, reason=why, tables=tables, **sizes)
    started = ranked.get_column("started")
    sizes["n_instigators"] = int((started > 0).sum())
    share = float(started.head(sizes["n_top"]).sum()) / n_episodes
    # episodes opened by a comment without an author count in the share's denominator only
    unknown = n_episodes - int(started.sum())
    said = []
    if unknown:
        opened = f"{unknown} of {n_episodes} episodes were opened by a comment without an author"
        said.append(f"{opened}: they count as not opened by the top authors")
    saturated = saturation_warning(sizes["n_top"], sizes["n_instigators"], n_authors)
    if saturated is not None:
        said.append(saturated)
    return InstigatorsResult(
        func,
        share,
        params=params,
        tables=tables,
        n_episodes=n_episodes,
        warnings=tuple(said),
        **sizes,
    )


def saturation_warning(n_top: int, n_instigators: int, n_authors: int) -> str | None:
    """The warning of a saturated top share (None when it is not saturated).

    The share is saturated when the ``n_top`` top authors include every one of the
    ``n_instigators`` known authors who started an episode: it is then the share of episodes
    with a known opener whatever ``top`` is, its maximum by construction. With no known
    instigator (every episode opened without an author) the share is 0 and the warning on
    author-less openers says why.

    >>> saturation_warning(571, 226, 5709)  # doctest: +ELLIPSIS
    'saturated: the top 571 of 5,709 authors include all 226 who started an episode, ... top <= 225/5709)'
    >>> saturation_warning(1, 2, 5) is None, saturation_warning(3, 0, 5) is None
    (True, True)
    """
    if n_instigators == 0 or n_top < n_instigators:
        return None
    head = (
        f"saturated: the top {n_top:,} of {n_authors:,} authors include all "
        f"{n_instigators:,} who started an episode, so the share is at its maximum by "
        "construction and does not measure how concentrated instigation is"
    )
    if n_instigators == 1:
        return f"{head} (one instigator: no top share can say more)"
    return f"{head} (fewer top authors than instigators: top <= {n_instigators - 1}/{n_authors})"


def _per_author(
    comments: pl.DataFrame,
    y: pl.Series,
    table: pl.DataFrame,
    members: pl.DataFrame,
    threshold: float,
    calm: float,
) -> pl.DataFrame:
    m = members.sort("episode_id", "turn").with_columns(
        pl.col("author").shift(1).over("episode_id").alias("_to")
    )
    started = m.filter(pl.col("turn") == 0).group_by("author").agg(pl.len().alias("started"))
    hostile = pl.col("signal") >= threshold
    targeted = (
        m.filter((pl.col("turn") > 0) & hostile & (pl.col("_to") != pl.col("author")))
        .group_by(pl.col("_to").alias("author"))
        .agg(pl.len().alias("targeted"))
    )
    part = (
        m.select("episode_id", "author")
        .unique()
        .group_by("author")
        .agg(pl.len().alias("participated"))
    )
    # calm replies to each episode's last comment; the earliest one ends the episode
    last = m.group_by("episode_id").agg(pl.col("comment_id").last().alias("parent_id"))
    n = comments.height
    replies = pl.DataFrame(
        {
            "parent_id": comments.get_column("parent_id").cast(pl.String),
            "thread_id": comments.get_column("thread_id").cast(pl.String),
            "author": comments.get_column("author").cast(pl.String),
            "created_at": comments.get_column("created_at")
            if "created_at" in comments.columns
            else pl.Series([None] * n, dtype=pl.Datetime("us", "UTC")),
            "_s": y,
            "_row": np.arange(n),
        }
    ).filter(pl.col("_s") < calm)
    ended = (
        last.join(table.select("episode_id", "thread_id"), on="episode_id")
        .join(replies, on=["parent_id", "thread_id"])
        .sort("created_at", "_row", nulls_last=True)
        .group_by("episode_id")
        .agg(pl.col("author").first())
        .group_by("author")
        .agg(pl.len().alias("deescalated"))
    )
    everyone = pl.concat([f.select("author") for f in (started, targeted, ended, part)]).unique()
    counts = ["started", "targeted", "deescalated", "participated"]
    out = everyone.drop_nulls()
    for f in (started, targeted, ended, part):
        out = out.join(f, on="author", how="left")
    return out.with_columns(pl.col(counts).fill_null(0).cast(pl.Int64)).select("author", *counts)
