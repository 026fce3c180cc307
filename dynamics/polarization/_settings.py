"""The settings every polarization measure takes (null, n_null, n_boot, ci, seed, progress),
declared once.

A measure's ``def`` states the data and its own options and ends with
``**settings: Unpack[Settings]``; :func:`polarization_measure` registers it with
:func:`~dynamics._kernel.measure` and gives it the full signature: the settings appended as
keyword-only parameters with the defaults of :data:`~dynamics._kernel.DEFAULTS`, so that
``inspect.signature``, ``help`` and the registry (``Measure.params``, ``Measure.takes``) see
every parameter. A call is checked against that signature (an unknown, missing or extra
positional argument raises ``TypeError``, as for a plain function) and the measure gets every
setting, with the defaults filled in.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ForwardRef, TypedDict

from dynamics._kernel import DEFAULTS, SETTINGS, SIDE_NULLS, measure, run_sided
from dynamics._results import MetricResult


class Settings(TypedDict, total=False):
    """The significance and reproducibility settings (see ``{significance}`` in the docstrings)."""

    null: str | None
    n_null: int | None
    n_boot: int
    ci: float
    seed: int | None
    progress: bool | None


def _annotation(ann: Any) -> Any:
    """The annotation as the measure modules write it (a string: postponed annotations)."""
    return ann.__forward_arg__ if isinstance(ann, ForwardRef) else ann


_SETTING_PARAMS = tuple(
    inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=DEFAULTS[name], annotation=_annotation(ann)
    )
    for name, ann in Settings.__annotations__.items()
)
_DEFAULTS = {p.name: p.default for p in _SETTING_PARAMS}
assert tuple(p.name for p in _SETTING_PARAMS) == SETTINGS


def _with_settings(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (ending with ``**settings``) with the settings spelled out in its signature."""
    sig = inspect.signature(func)
    own = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    known = {p.name for p in own} | set(SETTINGS)

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        unknown = [k for k in kwargs if k not in known]
        if unknown:  # the plain function's error (a missing or extra argument: func says it)
            msg = f"{func.__name__}() got an unexpected keyword argument {unknown[0]!r}"
            raise TypeError(msg)
        return func(*args, **(_DEFAULTS | kwargs))

    call.__signature__ = sig.replace(parameters=[*own, *_SETTING_PARAMS])  # type: ignore[attr-defined]
    return call


def polarization_measure(
    *,
    needs: Iterable[str] = ("sides",),
    nulls: Iterable[str] = SIDE_NULLS,
    alternative: str | None = None,
    result: type = MetricResult,
    tables: Iterable[str] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as a polarization measure (by default a side-based graph
    measure: needs ``sides``, takes the side nulls), its settings appended to its signature."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        spec = {"alternative": alternative, "result": result, "tables": tables}
        return measure("polarization", needs=needs, nulls=nulls, **spec)(_with_settings(func))

    return register


def run_measure(func: Callable[..., Any], args: Mapping[str, Any], **how: Any) -> Any:
    """:func:`~dynamics._kernel.run_sided` on a measure's ``locals()``, its settings spread out
    (``how``: ``compute``, ``statistic`` and the other options of ``run_sided``)."""
    return run_sided(func, {**args, **args["settings"]}, **how)
