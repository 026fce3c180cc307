"""Fixtures for every test and doctest: the doctest namespace (as networkx does with ``nx``)
and a private cache directory."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import networkx as nx
import polars as pl
import pytest

import dynamics as dyn

# The dashboard's background jobs keep tickets and finished results in a disk cache whose
# directory is fixed when dashboard.background is first imported (jobs inherit it): a fresh
# one per test session, so no session finds what an earlier one computed.
os.environ["DYNAMICS_BACKGROUND_DIR"] = tempfile.mkdtemp(prefix="dynamics-background-")
atexit.register(shutil.rmtree, os.environ["DYNAMICS_BACKGROUND_DIR"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict) -> None:
    doctest_namespace.update(dyn=dyn, nx=nx, pl=pl)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the Parquet and score caches of tests and doctests out of the user's ~/.cache.

    Session-wide, so fixtures of any scope (an app built once per module) and the dashboard's
    background job processes, which inherit the environment, share one cache directory.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
        yield
