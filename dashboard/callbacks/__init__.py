"""Callbacks, one module per page plus the shell (loading) and figure export.

A page module declares its callbacks with :func:`on` (and browser-side ones with
:func:`on_client`), which take the arguments of Dash's ``app.callback``; nothing is registered
when a module is imported. :func:`register` gives them all to one app, so every app that
:func:`dashboard.create_app` builds (the tests build several in one process) gets its own
callbacks through Dash's public ``app.callback`` API. The functions stay plain functions:
tests call them directly.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import dash

__all__ = ["MODULES", "on", "on_client", "register"]

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

#: (arguments of ``app.callback``, function) of every declared callback, in import order.
_DECLARED: list[tuple[tuple[Any, ...], dict[str, Any], Callable[..., Any]]] = []
#: arguments of ``app.clientside_callback`` of every declared browser-side callback.
_CLIENTSIDE: list[tuple[tuple[Any, ...], dict[str, Any]]] = []


def on(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a callback: ``@on(Output(...), Input(...), ...)`` as with ``app.callback``."""

    def declare(func: Callable[..., Any]) -> Callable[..., Any]:
        _DECLARED.append((args, kwargs, func))
        return func

    return declare


def on_client(*args: Any, **kwargs: Any) -> None:
    """Declare a browser-side callback (the arguments of ``app.clientside_callback``)."""
    _CLIENTSIDE.append((args, kwargs))


def register(app: dash.Dash) -> None:
    """Register every callback of the dashboard on ``app``."""
    for name in MODULES:
        importlib.import_module(f"dashboard.callbacks.{name}")
    for args, kwargs, func in _DECLARED:
        app.callback(*args, **kwargs)(func)
    for args, kwargs in _CLIENTSIDE:
        app.clientside_callback(*args, **kwargs)
