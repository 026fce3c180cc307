"""The escalation family's measure decorator and the docstring text its measures share.

A line of a measure's docstring that holds only ``{name}`` of :data:`BLOCKS` is replaced by
that text, indented like the line (:func:`dynamics._kernel.fill_doc`), when the measure is
registered with :data:`escalation_measure`.
"""

from __future__ import annotations

from functools import partial

from dynamics._kernel import measure

__all__ = ["BLOCKS", "BOOTSTRAP", "escalation_measure"]

BLOCKS: dict[str, str] = {
    "detection_params": """\
signal, threshold, min_turns, kind, rule
    As in :func:`~dynamics.escalation.episodes`.""",
    "signal_errors": """\
Raises
------
ValueError, TypeError
    For bad parameters or a missing / non-numeric signal column.""",
    "profile_data": """\
discussion : Discussion
    A scored discussion (or its comments table).""",
    "profile_errors": """\
Raises
------
ValueError, TypeError
    For a missing or non-numeric signal column, or bad parameters.""",
    "kumar2018": """\
Kumar, S., Hamilton, W. L., Leskovec, J. & Jurafsky, D. (2018). Community interaction and
conflict on the web. WWW '18. https://doi.org/10.1145/3178876.3186141""",
}


#: The settings of the measures with a thread bootstrap (``settings=`` of
#: :func:`dynamics._kernel.measure`; they come to the measure in ``**settings``).
BOOTSTRAP: tuple[str, ...] = ("n_boot", "ci", "seed")

#: :func:`dynamics._kernel.measure` of the escalation family, :data:`BLOCKS` filled in.
escalation_measure = partial(measure, "escalation", blocks=BLOCKS)
