"""Docstring blocks the readers share: parameters several ``read`` functions document alike.

A reader's docstring names a block by a line holding only ``{name}``; :func:`reader_doc` puts
the block there, indented like that line (:func:`dynamics._docs.fill_doc`, which the metric
families use too).
"""

from __future__ import annotations

from dynamics._docs import doc_blocks

__all__ = ["READER_DOC_BLOCKS", "reader_doc"]

#: Blocks a reader's docstring may name (``{strict}``, ``{progress}``, ``{encoding_utf8}``).
READER_DOC_BLOCKS: dict[str, str] = {
    "strict": """\
strict : bool, default False
    Raise on the first data problem instead of counting it.""",
    "progress": """\
progress : bool or None, default None
    Show a progress bar (None: only for large files on a terminal).""",
    "encoding_utf8": """\
encoding : str, default "utf-8"
    Taken as every text reader takes it; this format is UTF-8 by its specification, so
    any other codec raises :class:`~dynamics.errors.ReaderOptionError` saying why.""",
}

#: Decorator: a reader's docstring with its ``{strict}`` / ``{progress}`` lines filled.
reader_doc = doc_blocks(READER_DOC_BLOCKS)
