"""How soon polars' memory allocator gives freed memory back to the system.

polars allocates with its own jemalloc and configures it, when it is imported, to keep freed
pages for 500 ms ("dirty") and then to hand them back lazily for another 1,000 ms ("muzzy":
``madvise(MADV_FREE)``, which the kernel takes back only under memory pressure, and which
count in the process's resident memory until it does). Loading a discussion frees hundreds of
MB of intermediate columns within a second or two, so those pages pile up: at 1M Reddit
comments the process peaked at 700-760 MB of resident memory where the columns alive at any
moment need far less. :data:`SETTING` gives freed pages back after 100 ms and for good
(``MADV_DONTNEED``): the same load peaks near 550 MB at the same speed (README, speed
section; ``benchmarks/bench_load.py``).

polars appends the ``_RJEM_MALLOC_CONF`` environment variable to its own options (the later
option wins), and jemalloc reads them once, when polars is imported. So :func:`configure`
acts only when polars is not imported yet, and only when the variable is unset or holds
nothing but polars' own options (which polars writes into it, so that every child process of
a process that imported polars inherits them): it then appends :data:`SETTING`. Any other
value you set always wins (an empty ``_RJEM_MALLOC_CONF=`` keeps polars' options in this
process). In a session that imported polars before dynamics the setting does not apply
(import dynamics first, or export the variable). Child processes (joblib workers, Spark's
Python workers) inherit it.
"""

from __future__ import annotations

import os
import sys

__all__ = ["POLARS_OPTIONS", "SETTING", "VARIABLE", "configure"]

#: The environment variable polars' jemalloc reads its options from.
VARIABLE = "_RJEM_MALLOC_CONF"
#: What dynamics sets: freed pages go back to the system after 100 ms, for good.
SETTING = "dirty_decay_ms:100,muzzy_decay_ms:0"
#: The options polars itself writes into the variable (``polars/__init__.py`` in polars 2.1).
POLARS_OPTIONS = frozenset(
    {"dirty_decay_ms:500", "muzzy_decay_ms:1000", "thp:always", "metadata_thp:always"}
)


def configure() -> bool:
    """Append :data:`SETTING` to :data:`VARIABLE` when polars is not loaded yet and the
    variable is unset or holds only :data:`POLARS_OPTIONS`.

    Returns
    -------
    bool
        True when this call changed the variable.
    """
    if "polars" in sys.modules:
        return False
    value = os.environ.get(VARIABLE)
    if value is None:
        os.environ[VARIABLE] = SETTING
        return True
    if value and set(value.split(",")) <= POLARS_OPTIONS:
        os.environ[VARIABLE] = f"{value},{SETTING}"
        return True
    return False
