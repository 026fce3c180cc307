"""Shared fixtures: paths to the bundled demo thread and to the public data in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SEED_THREAD = REPO / "dynamics" / "data" / "southfront-idlib-thread.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data folder, read in place (skip when this checkout has none)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not available at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def seed_thread() -> Path:
    """The bundled real thread (copied from ../shared/data as demo data)."""
    return SEED_THREAD
