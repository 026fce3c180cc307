"""Docstring blocks written once: a docstring line that holds only ``{name}`` gets the block.

The numpydoc entries that many functions share (the significance parameters of every measure,
the ``texts`` parameter of the text functions) are written once in a mapping of blocks and put
into each docstring where it names them, indented like the naming line, the way SciPy's
``doccer`` and pandas' ``@doc`` do. Doctests run on the filled docstrings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

__all__ = ["doc_blocks", "fill_doc"]

F = TypeVar("F", bound=Callable[..., object])


def fill_doc(doc: str | None, blocks: Mapping[str, str]) -> str | None:
    """``doc`` with every line that holds only ``{name}`` of ``blocks`` replaced by that block.

    Parameters
    ----------
    doc : str or None
        A docstring.
    blocks : mapping of str to str
        Block name -> text (unindented; the naming line's indent is put before each line).

    Returns
    -------
    str or None
        The filled docstring (``doc`` itself when it is empty or None).

    Examples
    --------
    >>> print(fill_doc("Parameters\\n    {x}", {"x": "x : int\\n    A number."}))
    Parameters
        x : int
            A number.
    """
    if not doc:
        return doc
    out = []
    for line in doc.splitlines():
        token = line.strip()
        if token.startswith("{") and token.endswith("}") and token[1:-1] in blocks:
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + part if part else part for part in blocks[token[1:-1]].splitlines())
        else:
            out.append(line)
    return "\n".join(out)


def doc_blocks(blocks: Mapping[str, str]) -> Callable[[F], F]:
    """Decorator: fill the function's docstring with ``blocks`` (see :func:`fill_doc`)."""

    def fill(func: F) -> F:
        func.__doc__ = fill_doc(func.__doc__, blocks)
        return func

    return fill
