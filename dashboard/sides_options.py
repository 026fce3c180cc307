"""The side-finding choices offered by the Polarization and Echo chambers pages."""

from __future__ import annotations

from typing import Any

from dashboard import cache
from dynamics import polarization

__all__ = ["ECHO_NOTE", "REPORT_SIDES_NOTE", "SIDE_METHODS", "find_sides"]

#: value -> (label, keyword arguments of dynamics.polarization.sides)
SIDE_METHODS: dict[str, tuple[str, dict[str, Any]]] = {
    "signed": ("signed graph, spectral (Bonchi et al. 2019)", {"method": "signed"}),
    "leiden": (
        "Leiden communities, merged into two",
        {"method": "leiden", "n_sides": 2, "others": "merge"},
    ),
    "multilevel": (
        "multilevel (Louvain), merged into two",
        {"method": "multilevel", "n_sides": 2, "others": "merge"},
    ),
    "leiden-two": (
        "Leiden, the two largest communities (as dynamics analyze)",
        {"method": "leiden", "n_sides": 2, "others": "drop"},
    ),
}

#: Said under the side choices: how to get the report's numbers here.
REPORT_SIDES_NOTE = (
    "dynamics analyze finds its sides as 'Leiden, the two largest communities' with its --seed "
    "(every other user has no side): choose that here, with the same seed, to compare numbers "
    "with a report. The seed seeds the side search (Leiden, Louvain; the spectral split does "
    "not depend on it) and the measures' null draws, resamples and random walks, as --seed does."
)


#: Said under the Echo chambers page's side choice.
ECHO_NOTE = (
    "Values only, on sides found with seed 0: no interval or null model here. The sides are "
    "found in the same graph the measures read, so a random graph would score high too: "
    "dynamics analyze gives each measure's null mean and interval ('Leiden, the two largest "
    "communities' is its side choice)."
)


def find_sides(key: str, method: str, seed: int) -> Any:
    """``dynamics.polarization.sides`` for the dataset ``key`` (cached)."""
    params = {**SIDE_METHODS[method][1], "seed": int(seed)}
    return cache.memo(
        key, "sides_full", params, lambda: polarization.sides(cache.get_discussion(key), **params)
    )
