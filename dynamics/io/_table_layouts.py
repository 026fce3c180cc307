"""Table layouts that the generic reader rewrites before mapping columns.

:func:`~dynamics.io._chains.read_turns` (threads as ordered lists of turns) and
:func:`~dynamics.io._fullnames.read_fullnames` (Reddit ``t1_``/``t3_`` fullnames), in the order
:func:`dynamics.io.tabular.read_frame` applies them.
"""

from __future__ import annotations

from dynamics.io._chains import read_turns
from dynamics.io._fullnames import read_fullnames

__all__ = ["read_fullnames", "read_turns"]
