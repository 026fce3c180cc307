"""Callbacks, one module per page plus the shell (loading) and figure export.

Callbacks use Dash's global ``@callback``. Dash hands the global callbacks to the first app
that starts and then forgets them, so :func:`register` keeps a copy and gives it to every
app that :func:`dashboard.create_app` builds (the tests build several in one process).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["MODULES", "register"]

MODULES = (
    "shell",
    "export",
    "overview",
    "graph",
    "polarization",
    "echo_chambers",
    "escalation",
    "thread",
    "user",
)
_saved: tuple[dict[str, Any], list[Any]] | None = None


def register() -> None:
    """Make every callback of the app known to the next Dash app that starts."""
    global _saved  # noqa: PLW0603 - one registry per process, filled once
    from dash import _callback

    if _saved is None:
        # everything registered so far, not only what these imports add: a module imported
        # earlier (by a test, say) has put its callbacks there already
        for name in MODULES:
            importlib.import_module(f"dashboard.callbacks.{name}")
        _saved = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST))
        return
    callback_map, callback_list = _saved
    for key, value in callback_map.items():
        _callback.GLOBAL_CALLBACK_MAP.setdefault(key, value)
    present = {c["output"] for c in _callback.GLOBAL_CALLBACK_LIST}
    _callback.GLOBAL_CALLBACK_LIST.extend(c for c in callback_list if c["output"] not in present)
