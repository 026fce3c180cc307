"""dynamics: reply graphs, polarization, echo chambers and flame escalation in discussions.

>>> import dynamics as dyn
>>> d = dyn.load("thread.txt")                       # doctest: +SKIP
>>> d.report, d.user_graph()                         # doctest: +SKIP
"""

from __future__ import annotations

from dynamics import _allocator

_allocator.configure()  # before polars is loaded: it reads its allocator options once

from dynamics import text
from dynamics._version import __version__
from dynamics.errors import (
    DataQualityWarning,
    DynamicsError,
    EmptyInputError,
    GraphKindError,
    InputFormatError,
    ReaderOptionError,
    UndefinedMetricError,
)
from dynamics.io import READERS, detect, load
from dynamics.model import Discussion, IngestReport, ReplyForest

#: Metric families and other modules reachable as ``dyn.<name>`` (imported on first use).
_LAZY = (
    "structure",
    "polarization",
    "echo_chambers",
    "escalation",
    "windows",
    "uncertainty",
    "report",
)

__all__ = [
    "READERS",
    "DataQualityWarning",
    "Discussion",
    "DynamicsError",
    "EmptyInputError",
    "GraphKindError",
    "IngestReport",
    "InputFormatError",
    "ReaderOptionError",
    "ReplyForest",
    "UndefinedMetricError",
    "__version__",
    "detect",
    "load",
    "text",
]


def __getattr__(name: str) -> object:
    """Import the metric families on first use, so ``import dynamics`` stays fast.

    ``dyn.measures()`` lists every measure with its spec (:func:`dynamics._kernel.measures`).
    """
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"dynamics.{name}")
    if name == "measures":
        from dynamics._kernel import measures

        return measures
    msg = f"module 'dynamics' has no attribute {name!r}"
    raise AttributeError(msg)
