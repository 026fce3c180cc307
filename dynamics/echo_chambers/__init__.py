"""Echo chambers: do people hear mostly their own side? (DESIGN section 7).

Measures take ``(discussion_or_graph, *, leaning=... | sides=..., ...)``, exactly one of the two:
``leaning`` maps authors to a number in [-1, 1] (or names a column of the comments table: each
author's mean), ``sides`` maps authors to a side label (a :class:`~dynamics.polarization.Sides`,
a mapping, or a column name). A measure of sides reads a leaning as two sides (negative: side
-1, positive: side +1, 0: no side); a measure of leanings reads two sides as -1 and +1 in natural
label order (as ``Sides.leaning`` does: ``{0, 1}`` and ``{-1, 1}`` alike).

The measures of sides (:func:`assortativity` with ``sides``, :func:`insularity`,
:func:`conductance`, :func:`exposure_entropy`, :func:`homogeneity`) are defined for any number
of sides and use every label with users: three Leiden communities are three sides. The
measure of leanings, :func:`neighbour_leaning`, needs two: given sides with more labels it
raises :class:`~dynamics.errors.UndefinedMetricError` (a ``ValueError``) unless ``pair`` names
the two to compare; it never compares two of many sides silently. Each returns a :class:`~dynamics._results.MetricResult` subclass whose ``.value``
is a float, with per-user or per-side detail tables, and optionally a null-model z-score and
p-value (``null=``) and a bootstrap interval over threads (``n_boot=``). Each is registered in
the metric kernel (:func:`dynamics._kernel.measures`), with what it needs and the nulls it takes.

- :func:`neighbour_leaning`: leaning vs mean leaning of the users replied to / replying
  (Cinelli et al. 2021), with the joint density for plotting;
- :func:`assortativity`: leaning (numeric) or side (nominal) assortativity (Newman 2003);
- :func:`insularity`: share of each side's replies that stay inside, with conductance;
- :func:`conductance`: cut over the smaller volume, per side;
- :func:`exposure_entropy`: entropy of the sides each user interacts with;
- :func:`homogeneity`: share of users whose interactions stay on their own side.

Significance
------------
Every measure takes the same settings, with the defaults of every family
(:data:`dynamics._kernel.DEFAULTS`):

- ``null`` (default None): the null model behind ``z`` and ``p_value``: ``"label-shuffle"``
  (the sides or leanings shuffled over the users), ``"degree-preserving"`` (the edges rewired
  keeping degrees), ``"rewire-refit"`` or ``"rewire-refit-weights"`` (rewired, then the sides
  found again), or ``"auto"``. With ``n_null`` and no ``null`` (or ``"auto"``), the sides choose:
  sides found in the graph (a :class:`~dynamics.polarization.Sides` from ``"leiden"``,
  ``"multilevel"``, ``"signed"`` or ``"propagation"``) get ``"rewire-refit"``, which rewires the
  graph keeping degrees and finds the sides again on every null graph (Garimella et al. 2018;
  Guimera et al. 2004); given sides or a leaning get ``"label-shuffle"``. A continuous leaning
  found in the graph (``Sides.leaning`` of ``"signed"`` or ``"propagation"``) gets none, with
  a warning: no null gives it again, and a shuffle would be beaten by construction. The test
  is one-sided; each measure says in which direction. See :mod:`dynamics._significance`.
- ``n_null`` (default None): null samples; 200 when ``null`` is named without it, no test when
  neither is given.
- ``n_boot`` (default 0): bootstrap samples over threads for ``ci``. Discussion input only (a
  graph has no threads); below ten threads there is no interval, and the result says why.
- ``ci`` (default 0.95): the interval level; ``seed`` (default 0): the seed of the null model
  and the bootstrap; ``progress`` (default None): a progress bar for both.
"""

from __future__ import annotations

import importlib

# The measures register in the order their modules are imported, which is the report's
# order (dynamics._kernel.measures); the imports below then find them loaded.
for _module in ("leaning", "assortativity", "insularity", "exposure", "homogeneity"):
    importlib.import_module(f"dynamics.echo_chambers.{_module}")

from dynamics.echo_chambers.assortativity import AssortativityResult, assortativity
from dynamics.echo_chambers.exposure import ExposureResult, exposure_entropy
from dynamics.echo_chambers.homogeneity import homogeneity
from dynamics.echo_chambers.insularity import InsularityResult, conductance, insularity
from dynamics.echo_chambers.leaning import NeighbourLeaningResult, neighbour_leaning

__all__ = [
    "AssortativityResult",
    "ExposureResult",
    "InsularityResult",
    "NeighbourLeaningResult",
    "assortativity",
    "conductance",
    "exposure_entropy",
    "homogeneity",
    "insularity",
    "neighbour_leaning",
]
