"""Minimum sample sizes below which a number is shown with a warning (README "Minimum sample sizes").

A measure computed on a handful of users or threads still returns a number, and readers quote
numbers. The checks here turn each thin spot into one plain sentence that the result carries in
``MetricResult.warnings`` and that the report and the dashboard show next to the value. Every
threshold is a named constant of this module and nowhere else.

Warning texts never contain ``"; "``, the separator of ``MetricResult.to_frame()``.

The thresholds are rules of thumb, not significance levels: below them a value can flip with one
user or one thread, so it should be read as anecdote.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dynamics._words import counted

__all__ = [
    "MIN_BOOTSTRAP_THREADS",
    "MIN_CALIBRATION_CLASS",
    "MIN_CROSS_SIDE_EDGES",
    "MIN_ESCALATION_EVENTS",
    "MIN_ESCALATION_REPLIES",
    "MIN_ESCALATION_THREADS",
    "MIN_SIDE_EDGE_SHARE",
    "MIN_SIDE_USER_SHARE",
    "MIN_USERS_PER_SIDE",
    "Coverage",
    "bootstrap_threads_warning",
    "coverage",
    "escalation_warnings",
    "event_warnings",
    "interval_warning",
    "side_warnings",
]

#: Users a compared side needs; a smaller side gives a warning.
MIN_USERS_PER_SIDE = 10
#: Distinct user pairs linked across the two sides; fewer gives a warning (none: its own warning).
MIN_CROSS_SIDE_EDGES = 10
#: Share of the graph's users (with at least one reply edge) that the compared sides must hold.
MIN_SIDE_USER_SHARE = 0.5
#: Share of the graph's reply edges (distinct user pairs) with both ends on a compared side.
MIN_SIDE_EDGE_SHARE = 0.5
#: Threads the thread bootstrap needs; with fewer it returns no interval (``ci=None``).
MIN_BOOTSTRAP_THREADS = 10
#: Threads an escalation measure pooled over threads needs; fewer gives a warning.
MIN_ESCALATION_THREADS = 10
#: Scored replies (comments with a parent) an escalation measure needs; fewer gives a warning.
MIN_ESCALATION_REPLIES = 50
#: The rare events a ratio rests on (replies to a toxic comment, toxic replies, replies
#: inside flame wars); fewer gives a warning: one event more or less moves the ratio a lot.
MIN_ESCALATION_EVENTS = 10
#: Labelled comments a calibration needs on each side of a label (toxic and not; agree and
#: not, ...); fewer is said in the calibration's source: its map moves with every label.
MIN_CALIBRATION_CLASS = 10


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def side_warnings(
    side_sizes: Mapping[Any, int],
    *,
    n_cross: int | None = None,
    user_share: float | None = None,
    edge_share: float | None = None,
    n_on_sides: int | None = None,
) -> tuple[str, ...]:
    """Warnings about the sides a measure compares.

    Parameters
    ----------
    side_sizes : mapping
        Users per compared side label.
    n_cross : int or None
        Distinct user pairs with a reply edge across two different sides (None: not checked).
    user_share, edge_share : float or None
        Share of the graph's users, and of its reply edges, covered by the compared sides.
    n_on_sides : int or None
        The users ``user_share`` counts (default: the sum of ``side_sizes``).

    Returns
    -------
    tuple of str
        One sentence per thin spot, empty when none.

    Examples
    --------
    >>> side_warnings({"L": 43, "R": 37}, n_cross=0, user_share=80 / 1560, edge_share=0.04)[0]
    'the sides hold 5% of the users (80 of them), under the minimum of 50%'
    >>> side_warnings({"L": 12, "R": 15}, n_cross=30, user_share=0.9, edge_share=0.8)
    ()
    """
    out: list[str] = []
    if user_share is not None and user_share < MIN_SIDE_USER_SHARE:
        total = sum(side_sizes.values()) if n_on_sides is None else n_on_sides
        out.append(
            f"the sides hold {_pct(user_share)} of the users ({total} of them), "
            f"under the minimum of {_pct(MIN_SIDE_USER_SHARE)}"
        )
    if edge_share is not None and edge_share < MIN_SIDE_EDGE_SHARE:
        out.append(
            f"the sides cover {_pct(edge_share)} of the reply edges, "
            f"under the minimum of {_pct(MIN_SIDE_EDGE_SHARE)}"
        )
    small = [f"side {label!r} has {n}" for label, n in side_sizes.items() if n < MIN_USERS_PER_SIDE]
    if small:
        out.append(f"sides under the minimum of {MIN_USERS_PER_SIDE} users: {', '.join(small)}")
    if n_cross is not None:
        if n_cross == 0:
            out.append("the sides share no edge: no reply links users of different sides")
        elif n_cross < MIN_CROSS_SIDE_EDGES:
            noun = "pair" if n_cross == 1 else "pairs"
            out.append(
                f"only {n_cross} cross-side user {noun}, under the minimum of "
                f"{MIN_CROSS_SIDE_EDGES}"
            )
    return tuple(out)


def bootstrap_threads_warning(n_threads: int) -> str | None:
    """Why the thread bootstrap gives no interval on ``n_threads`` threads (None: it may).

    Examples
    --------
    >>> bootstrap_threads_warning(1)
    'no bootstrap interval: 1 thread, under the minimum of 10'
    >>> bootstrap_threads_warning(25) is None
    True
    """
    if n_threads >= MIN_BOOTSTRAP_THREADS:
        return None
    noun = "thread" if n_threads == 1 else "threads"
    return (
        f"no bootstrap interval: {n_threads} {noun}, under the minimum of {MIN_BOOTSTRAP_THREADS}"
    )


def interval_warning(value: float, ci: tuple[float, float] | None) -> str | None:
    """Why ``ci`` should not be quoted as a range around ``value`` (None: nothing to say).

    A thread bootstrap resamples threads, so a sample repeats some threads and drops others;
    measures that depend on how many distinct users there are (the bimodality coefficient,
    the Gini of participation, ...) then shift in every sample, and the percentile interval
    can miss the estimate altogether. It still shows how much the value moves with the
    threads drawn, but it is not a confidence interval around the estimate.

    Examples
    --------
    >>> interval_warning(0.9868, (0.9821, 0.9847)).split(":")[0]
    'the estimate 0.9868 lies outside its interval [0.9821, 0.9847]'
    >>> interval_warning(0.5, (0.4, 0.6)) is None
    True
    >>> interval_warning(0.01964285714285726, (0.019642857142857195,) * 2) is None  # rounding
    True
    """
    if ci is None or not all(math.isfinite(x) for x in (value, *ci)):
        return None
    low, high = ci
    tol = 1e-9 * max(1.0, abs(value), high - low)  # a resample that repeats the estimate
    if low - tol <= value <= high + tol:  # can differ from it by rounding alone
        return None
    return (
        f"the estimate {value:.4g} lies outside its interval [{low:.4g}, {high:.4g}]: the "
        "resamples are biased for this measure, so the interval shows how much the value moves "
        "with the threads drawn, not a range around the estimate"
    )


def escalation_warnings(*, n_threads: int, n_replies: int | None = None) -> tuple[str, ...]:
    """Warnings for an escalation measure pooled over ``n_threads`` threads and ``n_replies``.

    ``n_replies=None``: a per-thread measure, only the threads are checked.

    Examples
    --------
    >>> escalation_warnings(n_threads=1, n_replies=12)
    ('only 1 thread, under the minimum of 10', 'only 12 replies, under the minimum of 50')
    """
    out: list[str] = []
    if n_threads < MIN_ESCALATION_THREADS:
        noun = "thread" if n_threads == 1 else "threads"
        out.append(f"only {n_threads} {noun}, under the minimum of {MIN_ESCALATION_THREADS}")
    if n_replies is not None and n_replies < MIN_ESCALATION_REPLIES:
        noun = "reply" if n_replies == 1 else "replies"
        out.append(f"only {n_replies} {noun}, under the minimum of {MIN_ESCALATION_REPLIES}")
    return tuple(out)


def event_warnings(counts: Mapping[tuple[str, str], int]) -> tuple[str, ...]:
    """Warnings for the rare events an escalation ratio rests on: ``(one, many) -> count``,
    with the event named in the singular and the plural.

    Examples
    --------
    >>> event_warnings({("toxic reply", "toxic replies"): 1, ("flame war", "flame wars"): 40})
    ('only 1 toxic reply, under the minimum of 10',)
    """
    return tuple(
        f"only {counted(n, one, many)}, under the minimum of {MIN_ESCALATION_EVENTS}"
        for (one, many), n in counts.items()
        if n < MIN_ESCALATION_EVENTS
    )


@dataclass(frozen=True)
class Coverage:
    """How much of a graph the compared sides cover, and how they are linked.

    Attributes
    ----------
    side_sizes : dict
        Users per compared side label.
    n_users, n_users_on_sides : int
        Users with at least one reply edge, and those of them on a compared side.
    n_edges, n_edges_on_sides : int
        Reply edges (distinct user pairs, loops left out), and those with both ends on a
        compared side.
    n_cross : int
        Reply edges between users of two different compared sides.
    """

    side_sizes: dict[Any, int]
    n_users: int
    n_users_on_sides: int
    n_edges: int
    n_edges_on_sides: int
    n_cross: int

    @property
    def user_share(self) -> float:
        """Share of the users with a reply edge who are on a compared side (NaN: no edge)."""
        return self.n_users_on_sides / self.n_users if self.n_users else math.nan

    @property
    def edge_share(self) -> float:
        """Share of the reply edges with both ends on a compared side (NaN: no edge)."""
        return self.n_edges_on_sides / self.n_edges if self.n_edges else math.nan

    @property
    def warnings(self) -> tuple[str, ...]:
        """:func:`side_warnings` for these facts."""
        has_edges = self.n_edges > 0
        return side_warnings(
            self.side_sizes,
            n_cross=self.n_cross if len(self.side_sizes) >= 2 and has_edges else None,
            user_share=self.user_share if has_edges else None,
            edge_share=self.edge_share if has_edges else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The facts as plain numbers (shares included), for JSON and tables."""
        return {
            "side_sizes": {str(k): v for k, v in self.side_sizes.items()},
            "n_users": self.n_users,
            "n_users_on_sides": self.n_users_on_sides,
            "user_share": self.user_share,
            "n_edges": self.n_edges,
            "n_edges_on_sides": self.n_edges_on_sides,
            "edge_share": self.edge_share,
            "n_cross": self.n_cross,
        }


def coverage(
    src: np.ndarray, dst: np.ndarray, codes: np.ndarray, labels: Sequence[Any]
) -> Coverage:
    """Coverage facts of sides ``labels`` given edge ends and a side code per vertex.

    Parameters
    ----------
    src, dst : numpy.ndarray of int
        Edge ends as vertex indices (direction, repeats and loops are ignored).
    codes : numpy.ndarray of int
        Side code per vertex: an index into ``labels``, or -1 for no compared side.
    labels : sequence
        The compared side labels.

    Examples
    --------
    Two sides of two users each, one edge between them, one user without a side:

    >>> import numpy as np
    >>> c = coverage(np.array([0, 1, 2, 0]), np.array([1, 0, 3, 4]),
    ...              np.array([0, 0, 1, 1, -1]), ["L", "R"])
    >>> c.side_sizes, c.n_users_on_sides, c.n_users, c.n_edges_on_sides, c.n_edges, c.n_cross
    ({'L': 2, 'R': 2}, 4, 5, 2, 3, 0)
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    keep = src != dst
    lo, hi = np.minimum(src[keep], dst[keep]), np.maximum(src[keep], dst[keep])
    n = max(codes.size, 1)
    key = np.sort(lo * n + hi)  # one int64 per pair; sort and mask beat np.unique's hashing
    if key.size:
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    first, second = key // n, key % n
    a, b = codes[first], codes[second]
    both = (a >= 0) & (b >= 0)
    active = np.zeros(codes.size, dtype=bool)
    active[first] = True
    active[second] = True
    sizes = np.bincount(codes[codes >= 0], minlength=len(labels))
    return Coverage(
        side_sizes={label: int(sizes[i]) for i, label in enumerate(labels)},
        n_users=int(active.sum()),
        n_users_on_sides=int((active & (codes >= 0)).sum()),
        n_edges=int(key.size),
        n_edges_on_sides=int(both.sum()),
        n_cross=int((both & (a != b)).sum()),
    )
