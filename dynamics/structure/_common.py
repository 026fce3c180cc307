"""Shared plumbing of the structure measures: registration, Discussion check, per-thread tables.

The measures register with :data:`_structure_measure`: a line of a docstring that holds only
``{name}`` of :data:`BLOCKS` is replaced by that text, indented like the line
(:func:`dynamics._kernel.fill_doc`).
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

import polars as pl

from dynamics._kernel import measure
from dynamics.errors import GraphKindError

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

_NAN = math.nan

BLOCKS: dict[str, str] = {
    "thread_stat_params": """\
Parameters
----------
discussion : Discussion

Returns
-------
ThreadStatResult""",
    "discussion_errors": """\
Raises
------
GraphKindError
    If given a graph instead of a Discussion.""",
    "gomez2008": """\
Gómez, V., Kaltenbrunner, A. & López, V. (2008). Statistical analysis of the social
network and discussion threads in Slashdot. WWW '08, 645-654.
https://doi.org/10.1145/1367497.1367585""",
    "goel2016": """\
Goel, S., Anderson, A., Hofman, J. & Watts, D. J. (2016). The structural virality of
online diffusion. Management Science 62(1), 180-196.
https://doi.org/10.1287/mnsc.2015.2158""",
    "kumar2010": """\
Kumar, R., Mahdian, M. & McGlohon, M. (2010). Dynamics of conversations. KDD '10,
553-562. https://doi.org/10.1145/1835804.1835875""",
}


#: :func:`dynamics._kernel.measure` of the structure family, :data:`BLOCKS` filled in.
_structure_measure = partial(measure, "structure", blocks=BLOCKS)


# --------------------------------------------------------------------------- helpers


def _discussion(obj: Any, func: str) -> Discussion:
    from dynamics.model.discussion import Discussion

    if not isinstance(obj, Discussion):
        msg = f"{func} takes a Discussion (it needs the reply trees); got {type(obj).__name__}"
        raise GraphKindError(msg)
    return obj


def _all_threads(d: Discussion) -> pl.DataFrame:
    """Every thread id (posts without comments included), in order of first appearance."""
    return pl.DataFrame({"thread_id": d.thread_ids}, schema={"thread_id": pl.String})


def _per_thread(d: Discussion, stats: pl.DataFrame, fill: dict[str, Any]) -> pl.DataFrame:
    """Left-join per-thread stats onto every thread; threads without comments get ``fill``."""
    out = _all_threads(d).join(stats, on="thread_id", how="left", maintain_order="left")
    return out.with_columns(pl.col(k).fill_null(v) for k, v in fill.items())
