"""The examples in the dashboard's docstrings run (pytest's --doctest-modules covers dynamics/
only; the pages cannot be imported without an app, so the modules are listed here)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dashboard.background",
    "dashboard.cache",
    "dashboard.callbacks.escalation",
    "dashboard.callbacks.export",
    "dashboard.callbacks.graph",
    "dashboard.callbacks.thread",
    "dashboard.callbacks.user",
    "dashboard.components",
    "dashboard.estimates_table",
    "dashboard.graph_layout",
    "dashboard.label_draws",
    "dashboard.loading",
    "dashboard.sides_options",
    "dashboard.thread_tables",
    "dashboard.figures.base",
    "dashboard.figures.graph",
    "dashboard.figures.graph_edges",
    "dashboard.figures.graph_labels",
    "dashboard.figures.metrics",
    "dashboard.figures.overview",
    "dashboard.figures.thread",
    "dashboard.figures.user",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
