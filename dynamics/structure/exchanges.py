"""Dyadic exchanges: the metric over :func:`dynamics.model.exchanges.dyadic_exchanges`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from dynamics._results import MetricResult
from dynamics.model.exchanges import dyadic_exchanges as _exchange_table
from dynamics.structure._common import _NAN, _discussion, _per_thread, _structure_measure

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = [
    "ExchangeResult",
    "dyadic_exchanges",
]

# --------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False)
class ExchangeResult(MetricResult):
    """Dyadic exchanges: ``value`` is their number; ``mean_turns`` and ``max_turns`` their length.

    Tables: ``exchanges`` (one row per exchange) and ``per_thread``.
    """

    mean_turns: float = _NAN
    max_turns: float = _NAN


# --------------------------------------------------------------------------- exchanges


@_structure_measure(needs={"discussion"}, result=ExchangeResult)
def dyadic_exchanges(discussion: Discussion, *, min_turns: int = 2) -> ExchangeResult:
    """Dyadic exchanges: maximal back-and-forth runs between two users.

    An exchange is a chain of comments ``c_1 <- c_2 <- ... <- c_k`` of one thread (each
    replying to the one before) whose known authors alternate between exactly two people,
    ``u, v, u, v, ...``, and that no comment before or after extends; its length is its
    number of turns ``k``. Where the chain branches, the exchange follows the reply with the
    longest continuation (ties: earliest) and each other branch opens its own exchange from
    the branch comment, so every reply between two distinct known authors belongs to exactly
    one exchange (:func:`dynamics.model.exchanges.dyadic_exchanges`).

    Parameters
    ----------
    discussion : Discussion
    min_turns : int, default 2
        Count exchanges with at least this many comments (2 = one reply).

    Returns
    -------
    ExchangeResult
        ``value`` >= 0: the number of exchanges; ``mean_turns`` and ``max_turns`` (NaN when
        there is none). Tables ``exchanges`` (``exchange_id``, ``thread_id``, ``user_a``,
        ``user_b``, ``comment_ids``, ``turns``, ``start``, ``end``) and ``per_thread``
        (``thread_id``, ``n_exchanges``, ``mean_turns``, ``max_turns``).

    {discussion_errors}
    ValueError
        If ``min_turns`` is not an integer >= 2.

    See Also
    --------
    reciprocity
    dynamics.model.exchanges.dyadic_exchanges : the table itself, and the branching rule.

    Notes
    -----
    Self-replies and comments without an author (deleted, anonymous) break a run; a third
    author ends one exchange and starts the next at the comment they answer. O(n log depth)
    for n comments.

    References
    ----------
    {kumar2010}

    Examples
    --------
    ann, bob, ann, bob in one chain, then cy answers: one 4-turn exchange and one 2-turn.

    >>> d = dyn.load(pl.DataFrame({
    ...     "id": ["1", "2", "3", "4", "5"], "parent": [None, "1", "2", "3", "4"],
    ...     "user": ["ann", "bob", "ann", "bob", "cy"], "body": ["x"] * 5}))
    >>> r = dyn.structure.dyadic_exchanges(d)
    >>> r.value, r.mean_turns, r.max_turns
    (2.0, 3.0, 4.0)
    """
    d = _discussion(discussion, "dyadic_exchanges")
    table = _exchange_table(d.comments, min_turns=min_turns)
    stats = table.group_by("thread_id").agg(
        pl.len().cast(pl.Int64).alias("n_exchanges"),
        pl.col("turns").mean().alias("mean_turns"),
        pl.col("turns").max().cast(pl.Int64).alias("max_turns"),
    )
    per_thread = _per_thread(d, stats, {"n_exchanges": 0})
    turns = table.get_column("turns")
    return exchange_result(
        table.height,
        int(turns.sum()),
        _NAN if table.height == 0 else float(turns.max()),  # type: ignore[arg-type]
        min_turns,
        {"exchanges": table, "per_thread": per_thread},
    )


def exchange_result(
    n: int, total_turns: int, max_turns: float, min_turns: int, tables: dict[str, pl.DataFrame]
) -> ExchangeResult:
    """The result of :func:`dyadic_exchanges` from the number of exchanges and their turns."""
    return ExchangeResult(
        "dyadic_exchanges",
        n,
        params={"min_turns": min_turns},
        tables=tables,
        mean_turns=_NAN if n == 0 else total_turns / n,
        max_turns=max_turns,
    )
