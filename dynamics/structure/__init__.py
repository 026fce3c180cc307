"""Structure of discussions: thread shape, reciprocity, exchanges, inequality, response times.

Thread-shape measures (:func:`thread_size`, :func:`depth`, :func:`width`,
:func:`structural_virality`, :func:`h_index`) work on each thread's *reply tree*: the thread's
post is the root, top-level comments are its children (level 1), and each reply hangs under the
comment it answers. They return a :class:`ThreadStatResult` whose ``value`` is the mean over
threads, with the median, maximum and a ``per_thread`` table. Threads whose post is known but
drew no comment count, with zero comments.

Everything is computed for all threads at once from :meth:`Discussion.tree_table` with polars
group-bys and numpy, never with a Python loop per thread or per comment.
"""

from __future__ import annotations

import importlib

# The measures register in the order their modules are imported, which is the report's
# order (dynamics._kernel.measures); the imports below then find them loaded.
for _module in ('trees', 'users', 'exchanges', 'timing'):
    importlib.import_module(f"dynamics.structure.{_module}")

from dynamics.structure.exchanges import ExchangeResult, dyadic_exchanges
from dynamics.structure.timing import ResponseTimeResult, response_times
from dynamics.structure.trees import (
    ThreadStatResult,
    depth,
    h_index,
    structural_virality,
    thread_size,
    width,
)
from dynamics.structure.users import participation_inequality, reciprocity

__all__ = [
    "ExchangeResult",
    "ResponseTimeResult",
    "ThreadStatResult",
    "depth",
    "dyadic_exchanges",
    "h_index",
    "participation_inequality",
    "reciprocity",
    "response_times",
    "structural_virality",
    "thread_size",
    "width",
]
