"""Polarization: who is on which side, and how separated the sides are (DESIGN section 7).

Sides come from given labels or are found (:func:`sides`); the measures take
``(discussion_or_graph, *, sides=..., ...)`` and return a :class:`~dynamics._results.MetricResult`
whose ``.value`` is a float.
"""

from __future__ import annotations

import importlib

# The measures register in the order their modules are imported, which is the report's
# order (dynamics._kernel.measures); the imports below then find them loaded.
for _module in ('walks', 'boundary', 'partition', 'signed', 'distribution', 'hostility'):
    importlib.import_module(f"dynamics.polarization.{_module}")

from dynamics.polarization._sides import Sides, sides
from dynamics.polarization.boundary import BoundaryResult, boundary_polarization
from dynamics.polarization.distribution import (
    BimodalityResult,
    PolarizationIndexResult,
    bimodality,
    polarization_index,
)
from dynamics.polarization.hostility import HostilityResult, cross_side_hostility
from dynamics.polarization.partition import EIResult, ei_index, modularity
from dynamics.polarization.signed import FrustrationResult, frustration
from dynamics.polarization.walks import RandomWalkControversyResult, random_walk_controversy

__all__: list[str] = [
    "BimodalityResult",
    "BoundaryResult",
    "EIResult",
    "FrustrationResult",
    "HostilityResult",
    "PolarizationIndexResult",
    "RandomWalkControversyResult",
    "Sides",
    "bimodality",
    "boundary_polarization",
    "cross_side_hostility",
    "ei_index",
    "frustration",
    "modularity",
    "polarization_index",
    "random_walk_controversy",
    "sides",
]
