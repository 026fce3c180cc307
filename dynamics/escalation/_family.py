"""The escalation family's measure decorator and the docstring text its measures share.

A line of a measure's docstring that holds only ``{name}`` of :data:`BLOCKS` is replaced by
that text, indented like the line (:func:`dynamics._kernel.fill_doc`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dynamics._kernel import fill_doc, measure
from dynamics._results import MetricResult

__all__ = ["BLOCKS", "escalation_measure"]

BLOCKS: dict[str, str] = {
    "detection_params": """\
signal, threshold, min_turns, kind, rule
    As in :func:`~dynamics.escalation.episodes`.""",
    "signal_errors": """\
Raises
------
ValueError, TypeError
    For bad parameters or a missing / non-numeric signal column.""",
    "profile_errors": """\
Raises
------
ValueError, TypeError
    For a missing or non-numeric signal column, or bad parameters.""",
    "kumar2018": """\
Kumar, S., Hamilton, W. L., Leskovec, J. & Jurafsky, D. (2018). Community interaction and
conflict on the web. WWW '18. https://doi.org/10.1145/3178876.3186141""",
}


def escalation_measure(
    *, needs: Iterable[str] = (), result: type = MetricResult, tables: Iterable[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """:func:`dynamics._kernel.measure` of the escalation family, :data:`BLOCKS` filled in."""
    register = measure("escalation", needs=needs, result=result, tables=tables)

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__doc__ = fill_doc(func.__doc__, BLOCKS)
        return register(func)

    return wrap
