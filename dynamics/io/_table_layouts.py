"""Table layouts that the generic reader rewrites before mapping columns.

:func:`~dynamics.io._chains.read_turns` (threads as ordered lists of turns) and
:func:`~dynamics.io._fullnames.read_fullnames` (Reddit ``t1_``/``t3_`` fullnames), in the order
:func:`dynamics.io.tabular.read_frame` applies them.
"""

from __future__ import annotations

from dynamics.io._chains import read_turns
from dynamics.io._fullnames import read_fullnames

__all__ = ["TABLE_LAYOUTS", "read_fullnames", "read_turns"]

#: Layouts read inside the generic table readers (csv, tsv, json, jsonl, parquet, frames):
#: name, how it is chosen, and what it reads. ``dynamics formats`` lists them.
TABLE_LAYOUTS: tuple[tuple[str, str], ...] = (
    (
        "  + reddit fullnames",
        "any table whose parent_id (or id) holds Reddit t1_/t3_ fullnames (automatic)",
    ),
    (
        "  + turns",
        "threads as ordered lists of turns (--columns turns=reddit_thread)",
    ),
)
