"""Every app gets its callbacks through Dash's public ``app.callback`` API."""

from __future__ import annotations

from dash import _callback

from dashboard import create_app


def test_each_app_gets_its_own_callbacks() -> None:
    """Two apps in one process both answer every callback; Dash's global list stays empty."""
    first, second = create_app(score=False), create_app(score=False)
    assert len(first.callback_map) >= 20
    assert set(first.callback_map) == set(second.callback_map)
    assert not _callback.GLOBAL_CALLBACK_LIST  # nothing registered or patched globally
