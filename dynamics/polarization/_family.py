"""Registering a polarization measure: :data:`polarization_measure`.

A measure's ``def`` states the data and its own options and ends with
``**settings: Unpack[Settings]``; :func:`~dynamics._kernel.measure` gives it the full
signature (the six settings as keyword-only parameters with the shared defaults) and passes
it every setting in ``settings``; :func:`~dynamics._kernel.run_sided` reads them from the
measure's ``locals()``.
"""

from __future__ import annotations

from functools import partial

from dynamics._kernel import SETTINGS, SIDE_NULLS, measure

__all__ = ["polarization_measure"]

#: :func:`dynamics._kernel.measure` of the polarization family. By default a side-based graph
#: measure: it needs ``sides`` and takes every null model of :data:`SIDE_NULLS` (a measure
#: passes its own ``needs`` and ``nulls`` otherwise). Every polarization measure takes the six
#: :data:`SETTINGS` but the leaning distributions, which have no null model and take no
#: ``null`` or ``n_null`` (a ``TypeError`` says why).
polarization_measure = partial(
    measure, "polarization", needs=("sides",), nulls=SIDE_NULLS, settings=SETTINGS
)
