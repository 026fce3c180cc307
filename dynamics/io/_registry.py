"""The readers' registry: format names in detection order, detection, and reader options.

Both :func:`dynamics.load` (``dynamics/io/__init__.py``) and the reader of several files
(:mod:`dynamics.io._many`) use it.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

from dynamics.errors import EmptyInputError, InputFormatError, ReaderOptionError
from dynamics.model.discussion import _metadata

__all__ = ["READERS", "check_not_blank", "check_options", "detect", "get_reader"]

#: Format names in detection order: specific formats first, generic tables last.
READERS: tuple[str, ...] = (
    "parquet_cache",
    "convokit",
    "reddit",
    "reddit_api",
    "hackernews",
    "twitter",
    "disqus",
    "wikiconv",
    "nested",
    "keyed_json",
    "plaintext",
    "tabular",
)

_MODULES = {
    "parquet_cache": None,
    "convokit": "dynamics.io.convokit",
    "reddit": "dynamics.io.reddit",
    "reddit_api": "dynamics.io.reddit_api",
    "hackernews": "dynamics.io.hackernews",
    "twitter": "dynamics.io.twitter",
    "disqus": "dynamics.io.disqus",
    "wikiconv": "dynamics.io.wikiconv",
    "nested": "dynamics.io.nested",
    "keyed_json": "dynamics.io.keyed_json",
    "plaintext": "dynamics.io.plaintext",
    "tabular": "dynamics.io.tabular",
}


def get_reader(name: str) -> ModuleType:
    """Import and return the reader module for format ``name``."""
    if name not in _MODULES or _MODULES[name] is None:
        msg = f"The 'format' parameter of load must be one of {['auto', *READERS]}. Got {name!r} instead."
        raise ValueError(msg)
    return importlib.import_module(_MODULES[name])  # type: ignore[arg-type]


def detect(path: str | Path) -> str:
    """Name of the format ``load`` would use for ``path``.

    Raises
    ------
    InputFormatError
        When no reader recognises the file.
    """
    path = Path(path)
    if not path.exists():
        msg = "no such file or directory"
        raise InputFormatError(msg, path=path)
    if path.is_file() and path.suffix.lower() == ".parquet" and _metadata(path) is not None:
        return "parquet_cache"
    check_not_blank(path)
    for name in READERS[1:]:
        if get_reader(name).detect(path):
            return name
    if path.is_dir():
        msg = (
            "is a folder but not a ConvoKit corpus (no utterances.jsonl); name one of its "
            "files, or read them together with dynamics.load([file, ...])"
        )
        raise InputFormatError(msg, path=path)
    msg = (
        "format not recognised; pass format= one of "
        f"{', '.join(READERS[1:])} (and columns= for a generic table)"
    )
    raise InputFormatError(msg, path=path)


def check_not_blank(path: Path) -> None:
    """Raise :class:`EmptyInputError` for a file with nothing but whitespace in it
    (decompressed; read in small parts, so a file with data costs one read of its head).

    Raises
    ------
    EmptyInputError
        "the file is empty", naming it.
    InputFormatError
        For compressed data that is damaged or cut short.
    """
    from dynamics.io._base import PARQUET_MAGIC, open_binary

    if not path.is_file():
        return
    blank = path.stat().st_size == 0
    if not blank:
        with open_binary(path) as fh:
            head = fh.read(1 << 16)
            if head.startswith(PARQUET_MAGIC) or head.strip():
                return
            blank = not any(block.strip() for block in iter(lambda: fh.read(1 << 16), b""))
    if blank:
        msg = f"{path.name}: the file is empty (or holds only blank lines)"
        raise EmptyInputError(msg)


#: Keyword parameters of the readers that ``load`` sets itself (the frame reader's bookkeeping).
_INTERNAL_OPTIONS = frozenset({"strict", "progress", "path", "fmt", "problems", "n_records"})


def check_options(fmt: str, read: Any, options: dict[str, Any]) -> None:
    """Refuse options the reader does not take, so a misspelt option is never ignored."""
    accepted = {
        name
        for name, param in inspect.signature(read).parameters.items()
        if param.kind is inspect.Parameter.KEYWORD_ONLY and name not in _INTERNAL_OPTIONS
    }
    unknown = sorted(set(options) - accepted)
    if unknown:
        msg = (
            f"the {fmt} reader takes no option {', '.join(map(repr, unknown))}; "
            f"its options are: {', '.join(sorted(accepted)) or 'none'}"
        )
        raise ReaderOptionError(msg)
