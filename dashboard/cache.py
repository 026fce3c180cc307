"""Server-side cache of loaded Discussions and of heavy results (STYLE section 6).

Datasets are keyed by a hash of their comments table, results by ``(dataset key, name,
params)``. The browser only ever holds the dataset key and the chosen parameters
(``dcc.Store``); graphs, tables and metric results stay here. Every loaded dataset is also
written to Parquet under the cache directory, so another worker process (or this one after
eviction) reopens it by key instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import cachetools

if TYPE_CHECKING:
    from dynamics import Discussion

__all__ = [
    "Failed",
    "ResultCache",
    "attempt",
    "cache_dir",
    "dataset_key",
    "get_discussion",
    "memo",
    "params_key",
    "put_discussion",
    "results",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    """Where datasets are persisted: ``$XDG_CACHE_HOME/dynamics/dashboard``."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "dynamics" / "dashboard"


def dataset_key(discussion: Discussion) -> str:
    """A short content hash of the comments table (columns, types and every value).

    Examples
    --------
    >>> import dynamics as dyn, polars as pl
    >>> frame = pl.DataFrame({"id": ["a", "b"], "parent": [None, "a"], "user": ["x", "y"],
    ...                       "body": ["hi", "ho"]})
    >>> dataset_key(dyn.load(frame)) == dataset_key(dyn.load(frame))
    True
    """
    comments = discussion.comments
    digest = hashlib.sha256()
    digest.update(json.dumps([[c, str(t)] for c, t in comments.schema.items()]).encode())
    digest.update(comments.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()[:20]


def params_key(params: Mapping[str, Any]) -> str:
    """A canonical string for a parameter dict (order-independent)."""
    return json.dumps(params, sort_keys=True, default=str)


class ResultCache:
    """A thread-safe LRU mapping with at most ``maxsize`` entries (a ``cachetools.LRUCache``).

    ``get_or_compute(key, fn)`` runs ``fn`` once per key even when several requests ask at
    the same time (the others wait for the first).
    """

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._data: cachetools.LRUCache[Hashable, Any] = cachetools.LRUCache(maxsize)
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The cached value (now the most recently used), or ``default``."""
        with self._lock:
            return self._data.get(key, default)

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value``, evicting the least recently used entry when full."""
        with self._lock:
            self._data[key] = value

    def get_or_compute(self, key: Hashable, fn: Callable[[], T]) -> T:
        """The cached value for ``key``, computing and storing it with ``fn()`` on a miss."""
        missing = object()
        value = self.get(key, missing)
        if value is not missing:
            return value
        with self._lock:
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            value = self.get(key, missing)
            if value is missing:
                value = fn()
                self.put(key, value)
        with self._lock:
            self._pending.pop(key, None)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()


_datasets = ResultCache(maxsize=4)
results = ResultCache(maxsize=256)


def put_discussion(discussion: Discussion, *, persist: bool = True) -> str:
    """Keep ``discussion`` on the server and return its key."""
    key = dataset_key(discussion)
    _datasets.put(key, discussion)
    if persist:
        path = cache_dir() / f"{key}.parquet"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            discussion.save(tmp)
            threads = tmp.with_name(f"{tmp.stem}.threads.parquet")
            if threads.exists():  # the posts first, so the comments file is never without them
                threads.replace(path.with_name(f"{path.stem}.threads.parquet"))
            tmp.replace(path)
    return key


def get_discussion(key: str) -> Discussion:
    """The dataset stored under ``key`` (from memory, else from its Parquet copy).

    Raises
    ------
    KeyError
        When the key is unknown here and on disk (the dataset must be loaded again).
    """
    from dynamics import Discussion

    def reopen() -> Discussion:
        path = cache_dir() / f"{key}.parquet"
        if not path.exists():
            msg = f"dataset {key!r} is no longer loaded; load the file again"
            raise KeyError(msg)
        return Discussion.read_parquet(path)

    return _datasets.get_or_compute(key, reopen)


def memo(key: str, name: str, params: Mapping[str, Any], fn: Callable[[], T]) -> T:
    """``fn()``, cached under ``(dataset key, name, params)``; an exception is not cached."""
    return results.get_or_compute((key, name, params_key(params)), fn)


@dataclass(frozen=True)
class Failed:
    """The library refused a computation (bad parameters for this data, say): shown as an error.

    Never cached: the same request computes again, so a fixed input or a changed setting is
    never answered with an old error.
    """

    name: str
    error: Exception
    bug: bool = False

    @property
    def message(self) -> str:
        """``"<ErrorType>: <message>"``, the way the page shows it."""
        text = f"{type(self.error).__name__}: {self.error}"
        return f"{text} (an error in the app: its log has the traceback)" if self.bug else text


def attempt(key: str, name: str, params: Mapping[str, Any], fn: Callable[[], T]) -> T | Failed:
    """:func:`memo`, with the library's errors for this input returned as :class:`Failed`.

    ``DynamicsError``, ``ValueError`` and ``TypeError`` (a measure's parameters do not suit
    the data) become a :class:`Failed` that the page shows as an error. Anything else is a
    bug: it is logged with its traceback and shown as an error too (a page left blank by a
    failed callback tells the user nothing).

    >>> attempt("k", "broken", {}, lambda: {}["missing"]).message
    "KeyError: 'missing' (an error in the app: its log has the traceback)"
    """
    from dynamics.errors import DynamicsError

    try:
        return memo(key, name, params, fn)
    except (DynamicsError, ValueError, TypeError) as error:
        logger.info("%s failed on %s: %s", name, key, error)
        return Failed(name, error)
    except Exception as error:  # a bug: said on the page, logged in full
        logger.exception("%s raised on %s", name, key)
        return Failed(name, error, bug=True)
