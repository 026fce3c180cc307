"""Echo chambers: do people hear mostly their own side? (DESIGN section 7).

Measures take ``(discussion_or_graph, *, leaning=... | sides=..., ...)``: ``leaning`` maps
authors to a number in [-1, 1], ``sides`` maps authors to a side label (or names a column of the
comments table). Each returns a :class:`~dynamics._results.MetricResult` subclass whose
``.value`` is a float, with per-user or per-side detail tables, and optionally a null-model
z-score and p-value (``null=``) and a bootstrap interval over threads (``n_boot=``).

- :func:`neighbour_leaning`: leaning vs mean leaning of the users replied to / replying
  (Cinelli et al. 2021), with the joint density for plotting;
- :func:`assortativity`: leaning (numeric) or side (nominal) assortativity (Newman 2003);
- :func:`insularity`: share of each side's replies that stay inside, with conductance;
- :func:`conductance`: cut over the smaller volume, per side;
- :func:`exposure_entropy`: entropy of the sides each user interacts with;
- :func:`homogeneity`: share of users whose interactions stay on their own side.
"""

from __future__ import annotations

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
