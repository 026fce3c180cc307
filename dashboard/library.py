"""Find library functions that may not exist yet (metric families land independently)."""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable
from typing import Any

__all__ = ["function", "missing_message"]


def function(family: str, name: str) -> Callable[..., Any] | None:
    """``dynamics.<family>.<name>`` (also when only its submodule exists), or None."""
    try:
        module = importlib.import_module(f"dynamics.{family}")
    except ImportError:
        return None
    found = getattr(module, name, None)
    if isinstance(found, types.ModuleType):  # the package does not re-export it yet
        found = getattr(found, name, None)
    if found is None:
        try:
            sub = importlib.import_module(f"dynamics.{family}.{name}")
        except ImportError:
            return None
        found = getattr(sub, name, None)
    return found if callable(found) else None


def missing_message(family: str, names: list[str]) -> str:
    """The "not available" line for a page whose library functions are missing."""
    return (
        f"Not available: this version of dynamics has no dynamics.{family}."
        f"{', '.join(names)}. The page works as soon as the library provides it."
    )
