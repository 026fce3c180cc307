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

Score and trend
---------------
``score`` = the sum of the signal over the episode's toxic comments (``y >= threshold``): how
much hostility the flame war holds, so a long exchange of insults outranks a short one and mild
comments add nothing. ``rise`` = the largest climb of the signal from a comment to a later one
in the episode; ``trend`` is ``"rising"`` when it is at least ``FLAT_RISE`` (0.1 on the 0-1
toxicity scale) and ``"flat"`` otherwise: a chain that opens already hostile and stays so
(0.95, 1.0, 1.0) passes the window rule by a hair but is not an escalation, and is labelled so.
Episodes are ranked rising before flat, then by score, peak and turns (all descending), then
the table position of the first comment, kind and id (ascending).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any, Literal

import polars as pl

from dynamics._results import MetricResult
from dynamics._words import counted
from dynamics.escalation._detection import KINDS, RULES, check_params, detect, episode_params
from dynamics.escalation._family import escalation_measure
from dynamics.escalation._signal import comments_of, signal_values, unscored

__all__ = ["KINDS", "RULES", "Episode", "EpisodesResult", "episodes"]


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
    rise : float
        Largest climb of the signal from a comment to a later one.
    trend : {"rising", "flat"}
        ``"flat"`` when ``rise`` is under ``FLAT_RISE`` (0.1): not escalating, whether it is
        hostile throughout or mild throughout (the window rule needs only one comment at the
        threshold).
    unnamed_turns : int
        Turns whose author is deleted or unknown (not in ``participants``): an episode of
        four turns by deleted accounts has no participant and 4 unnamed turns.
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
    rise: float = math.nan
    trend: str = "rising"
    unnamed_turns: int = 0
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
    """Result of :func:`episodes`: ``value`` is the number of episodes, rising or flat.

    ``n_rising`` counts those whose signal climbs by at least ``FLAT_RISE`` (trend
    ``"rising"``: escalations), ``n_flat`` the others (trend ``"flat"``: no climb of 0.1).
    ``table("episodes")`` has one ranked row per episode, ``table("comments")`` one row per
    (episode, comment); :attr:`episodes` gives them as :class:`Episode` records.
    """

    n_rising: int = 0
    n_flat: int = 0

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


@escalation_measure(
    needs={"discussion", "signal"},
    result=EpisodesResult,
    instead=(
        "Its value counts the episodes found in these threads and has no interval: for how "
        "the count moves with the toxicity scores use dyn.uncertainty.signal_uncertainty(d, "
        "'escalation.episodes', signals='toxicity') or "
        "dyn.uncertainty.threshold_sensitivity(d, 'escalation.episodes'); for escalation "
        "measures with a thread-bootstrap interval, contagion, derailment, reply_heat or "
        "toxicity_by_depth (n_boot=...)."
    ),
)
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
        a chain episode are then dropped; one that shares only part of a chain episode is
        kept, and the result's warnings count the comments in more than one episode).
    rule : {"slope", "steps"}, default "slope"
        Escalating window: positive OLS slope and peak >= threshold, or non-decreasing steps
        ending at or above threshold and above the first comment.
    seed : int or None, default 0
        Unused (the detection is deterministic); accepted for a uniform signature. The
        measure has no thread bootstrap or null model: ``n_boot``, ``ci``, ``null`` and
        ``n_null`` raise a ``TypeError`` that says what to use instead.

    Returns
    -------
    EpisodesResult
        ``value`` = number of episodes (0 when nothing escalates; NaN with a reason when no
        comment is scored); ``episodes`` the ranked :class:`Episode` list; tables ``"episodes"`` (rank,
        episode_id, thread_id, kind, participants (the named authors), unnamed_turns (turns
        by a deleted or unknown author), comment_ids, start_comment, peak_comment, turns,
        duration, peak_toxicity, mean_toxicity, slope, score, rise, trend) and
        ``"comments"``.

    {signal_errors}
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
    {kumar2018}
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
    params = episode_params(signal, threshold, min_turns, kind, rule) | {"seed": seed}
    why = unscored(comments, y, signal)
    if why is not None:
        return EpisodesResult(func, math.nan, params=params, reason=why)
    table, members = detect(comments, y, float(threshold), int(min_turns), kind, rule)
    return EpisodesResult(
        func,
        float(table.height),
        params=params,
        tables={"episodes": table, "comments": members},
        warnings=shared_comments(members),
        **trend_counts(table),
    )


def trend_counts(table: pl.DataFrame) -> dict[str, int]:
    """``n_rising`` and ``n_flat``: the episodes of each trend in an episodes table.

    >>> trend_counts(pl.DataFrame({"trend": ["rising", "flat", "rising"]}))
    {'n_rising': 2, 'n_flat': 1}
    """
    trend = table.get_column("trend")
    return {"n_rising": int((trend == "rising").sum()), "n_flat": int((trend == "flat").sum())}


def shared_comments(members: pl.DataFrame) -> tuple[str, ...]:
    """A warning when some comments are in more than one episode: a dyadic exchange that
    shares part of a reply chain episode (one contained in a chain is dropped), or branches
    of one chain that share their first comments. The episodes are then not disjoint events.

    >>> shared_comments(pl.DataFrame({"episode_id": ["a", "a", "b", "b"],
    ...                                "comment_id": ["1", "2", "2", "3"]}))
    ('1 comment is in more than one episode (of 3 in episodes): the episodes overlap in part, so their number counts overlapping runs, not disjoint events',)
    """
    if members.height == 0:
        return ()
    per_comment = members.group_by("comment_id").agg(pl.col("episode_id").n_unique())
    shared = int((per_comment.get_column("episode_id") > 1).sum())
    if not shared:
        return ()
    verb = "is" if shared == 1 else "are"
    said = (
        f"{counted(shared, 'comment')} {verb} in more than one episode (of "
        f"{per_comment.height:,} in episodes): the episodes overlap in part, so their number "
        "counts overlapping runs, not disjoint events"
    )
    return (said,)
