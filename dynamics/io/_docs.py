"""Docstring blocks the readers share: parameters several ``read`` functions document alike.

A reader's docstring names a block by a line holding only ``{name}``; :func:`reader_doc` puts
the block there, indented like that line. (The metric families have the same mechanism in
:mod:`dynamics._kernel`, a floor above the readers.)
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["READER_DOC_BLOCKS", "reader_doc"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: Blocks a reader's docstring may name (``{strict}``, ``{progress}``).
READER_DOC_BLOCKS: dict[str, str] = {
    "strict": """\
strict : bool, default False
    Raise on the first data problem instead of counting it.""",
    "progress": """\
progress : bool or None, default None
    Show a progress bar (None: only for large files on a terminal).""",
}

_BLOCK_LINE = re.compile(r"^([ \t]*)\{(\w+)\}$", re.MULTILINE)


def reader_doc(func: _F) -> _F:
    """``func`` with each ``{name}`` line of its docstring replaced by that block.

    >>> @reader_doc
    ... def read(path, *, strict=False):
    ...     '''Read.
    ...
    ...     Parameters
    ...     ----------
    ...     {strict}
    ...     '''
    >>> print(read.__doc__.splitlines()[5])
            Raise on the first data problem instead of counting it.
    """
    if func.__doc__:
        func.__doc__ = _BLOCK_LINE.sub(
            lambda m: textwrap.indent(READER_DOC_BLOCKS[m[2]], m[1]), func.__doc__
        )
    return func
