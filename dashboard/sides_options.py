"""The side-finding choices offered by the Polarization and Echo chambers pages."""

from __future__ import annotations

from typing import Any

from dashboard import cache
from dynamics import polarization

__all__ = ["SIDE_METHODS", "find_sides"]

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
}


def find_sides(key: str, method: str, seed: int) -> Any:
    """``dynamics.polarization.sides`` for the dataset ``key`` (cached)."""
    params = {**SIDE_METHODS[method][1], "seed": int(seed)}
    return cache.memo(
        key, "sides_full", params, lambda: polarization.sides(cache.get_discussion(key), **params)
    )
