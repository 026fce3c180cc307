"""The dynamics Dash app: ``create_app(dataset=None) -> Dash`` (see :mod:`dashboard.app`)."""

from __future__ import annotations

from typing import Any

import dynamics  # noqa: F401  (first: it sets polars' allocator options before polars loads)

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    # Dash is imported only when the app is built
    if name == "create_app":
        from dashboard.app import create_app

        return create_app
    if name == "serve":
        from dashboard.server import serve

        return serve
    msg = f"module 'dashboard' has no attribute {name!r}"
    raise AttributeError(msg)
