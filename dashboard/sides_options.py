"""The side-finding choices offered by the Polarization and Echo chambers pages."""

from __future__ import annotations

import math
from typing import Any

from dash import dcc, html

from dashboard import cache
from dashboard.components import KEPT, control, metric_card
from dynamics import polarization

__all__ = [
    "ECHO_NOTE",
    "REPORT_SIDES_NOTE",
    "SIDE_METHODS",
    "coverage_cards",
    "find_sides",
    "page_settings",
    "sides_control",
]

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
    "The sides are found in the same graph the measures read, so a random graph split the "
    "same way would score high too: read each value beside its null mean and excess. The "
    "leaning measures (neighbour leaning, assortativity) read the sides' leaning: continuous "
    "for the spectral split, -1/+1 for the others. " + REPORT_SIDES_NOTE
)


def sides_control(dropdown_id: str, label: str) -> html.Div:
    """A page's choice of :data:`SIDE_METHODS` (the spectral signed split first)."""
    options = [{"label": v[0], "value": k} for k, v in SIDE_METHODS.items()]
    dropdown = dcc.Dropdown(
        id=dropdown_id, **KEPT, clearable=False, value="signed", options=options
    )
    return control(label, dropdown, 340)


def page_settings(method: str, seed: int, n: int) -> dict[str, object]:
    """What a page's estimates were computed with, for their CSV: the side choice (its
    label and its arguments of ``dynamics.polarization.sides``), the seed and the draws.

    >>> page_settings("leiden-two", 3, 100)["sides_method"]
    'leiden-two'
    """
    label, kwargs = SIDE_METHODS[method]
    return {
        "sides_method": method,
        "sides": f"{label}: {kwargs}",
        "seed": seed,
        "bootstrap_and_null_draws": n,
    }


def coverage_cards(sides: Any) -> list:
    """Share of the users and of the reply edges on a side, and the cross-side edges."""
    found = (getattr(sides, "details", None) or {}).get("coverage")
    if not found:
        return []

    def percent(share) -> str:
        return "n/a" if share is None or math.isnan(share) else f"{100 * share:.0f}%"

    return [
        metric_card(
            "users on a side",
            percent(found["user_share"]),
            f"{found['n_users_on_sides']:,} of {found['n_users']:,} with a reply",
        ),
        metric_card(
            "reply edges on a side",
            percent(found["edge_share"]),
            f"{found['n_edges_on_sides']:,} of {found['n_edges']:,} user pairs with a reply "
            "(either way)",
        ),
        metric_card("cross-side edges", f"{found['n_cross']:,}", "user pairs (either way)"),
    ]


def find_sides(key: str, method: str, seed: int) -> Any:
    """``dynamics.polarization.sides`` for the dataset ``key`` (cached)."""
    params = {**SIDE_METHODS[method][1], "seed": int(seed)}
    return cache.memo(
        key, "sides_full", params, lambda: polarization.sides(cache.get_discussion(key), **params)
    )
