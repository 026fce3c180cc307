"""Doctest namespace for ``pytest --doctest-modules dynamics`` (as networkx does with ``nx``)."""

from __future__ import annotations

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict) -> None:
    doctest_namespace.update(dyn=dyn, nx=nx, pl=pl)
