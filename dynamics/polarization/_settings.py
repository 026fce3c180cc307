"""Registering a polarization measure: :func:`polarization_measure`.

A measure's ``def`` states the data and its own options and ends with
``**settings: Unpack[Settings]``; :func:`~dynamics._kernel.measure` gives it the full
signature (the six settings as keyword-only parameters with the shared defaults) and passes
it every setting in ``settings``; :func:`~dynamics._kernel.run_sided` reads them from the
measure's ``locals()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dynamics._kernel import SETTINGS, SIDE_NULLS, measure
from dynamics._results import MetricResult

__all__ = ["polarization_measure"]


def polarization_measure(
    *,
    needs: Iterable[str] = ("sides",),
    nulls: Iterable[str] = SIDE_NULLS,
    alternative: str | None = None,
    result: type = MetricResult,
    tables: Iterable[str] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a polarization measure (:func:`dynamics._kernel.measure`).

    By default a side-based graph measure: it needs ``sides`` and takes every null model of
    :data:`~dynamics._kernel.SIDE_NULLS`; ``alternative``, ``result`` and ``tables`` are its own.
    Every polarization measure takes the six settings (:data:`~dynamics._kernel.SETTINGS`; the
    leaning distributions, which have no null model, refuse ``null`` with a clear error).
    """
    return measure(
        "polarization",
        needs=needs,
        nulls=nulls,
        alternative=alternative,
        result=result,
        tables=tables,
        settings=SETTINGS,
    )
