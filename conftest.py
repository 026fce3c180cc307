"""Fixtures for every test and doctest: the doctest namespace (as networkx does with ``nx``)
and a private cache directory."""

from __future__ import annotations

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict) -> None:
    doctest_namespace.update(dyn=dyn, nx=nx, pl=pl)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the Parquet and score caches of tests and doctests out of the user's ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
