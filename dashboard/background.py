"""Dash's background callbacks for long work: a disk cache manager, load tickets, results.

A load, or the null models and intervals of the Polarization page, runs in a process that
:class:`dash.DiskcacheManager` starts; Dash itself polls it and shows its progress, and the
server stays free for every other callback (a page switch never waits for it). The browser
never holds a server path: the callback that checks an upload or a path files a *ticket*
(source, label, reply inference) here under a random token, and the background callback
redeems the token. Tickets and finished results live in the same disk cache, so the app's
process reads what a job's process wrote.
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import diskcache
import multiprocess
from dash import DiskcacheManager, Output

from dashboard import cache
from dashboard.cache import cache_dir

__all__ = [
    "FAILED_SECONDS",
    "MANAGER",
    "RESULT_SECONDS",
    "TICKET_SECONDS",
    "file_ticket",
    "job_with_progress",
    "keep_table",
    "kept_table",
    "measures_progress",
    "redeem_ticket",
    "shared_attempt",
    "shared_ready",
    "store_result",
    "stored_result",
]

T = TypeVar("T")

#: A ticket not redeemed within this many seconds is forgotten.
TICKET_SECONDS = 3600
#: A result a job stored is kept this many seconds (a day).
RESULT_SECONDS = 86_400
#: That a job's computation failed is kept this many seconds.
FAILED_SECONDS = 600

# Dash starts each job with ``multiprocess.Process``; a forked child of the server (threads,
# polars' thread pool) can hang for good, so jobs start in a fresh interpreter instead. Only
# the ``multiprocess`` package is set: ``multiprocessing`` and joblib keep their defaults.
multiprocess.set_start_method("spawn", force=True)
# A job's process imports this module afresh: the directory goes to it through the
# environment it inherits, so both ends use one store even when the cache directory
# setting changed after the server started (as the tests do).
_DIRECTORY = os.environ.setdefault("DYNAMICS_BACKGROUND_DIR", str(cache_dir() / "background"))
_store = diskcache.Cache(_DIRECTORY)
#: The manager every background callback of the app runs under.
MANAGER = DiskcacheManager(_store)

_SHOWN, _HIDDEN = {"display": "block"}, {"display": "none"}


def job_with_progress(progress: str, status: str, *, counted: bool = True) -> dict[str, Any]:
    """The keyword arguments of a background callback under :data:`MANAGER` whose job sets
    the ``html.Progress`` with id ``progress`` (``value`` and, when ``counted``, ``max``) and
    the text of ``status``, both shown only while it runs."""
    bar = (
        [Output(progress, "value"), Output(progress, "max")]
        if counted
        else [Output(progress, "value")]
    )
    return {
        "background": True,
        "manager": MANAGER,
        "progress": [*bar, Output(status, "children")],
        "running": [
            (Output(progress, "style"), _SHOWN, _HIDDEN),
            (Output(status, "style"), _SHOWN, _HIDDEN),
        ],
    }


def measures_progress(
    set_progress: Callable[[tuple[str, str, str]], None],
) -> Callable[[int, int, str], None]:
    """A ``progress(done, total, next_measure)`` that a background job of null models and
    intervals gives its page through ``set_progress`` (:func:`job_with_progress`): the bar's
    value and maximum, and a line naming the measure it is on and the seconds spent.

    >>> shown = []
    >>> progress = measures_progress(shown.append)
    >>> progress(1, 6, "assortativity"); shown[-1][:2], shown[-1][2][:42]
    (('1', '6'), 'Null models and intervals: 1 of 6 measures')
    """
    started = time.monotonic()

    def progress(done: int, total: int, name: str) -> None:
        elapsed = time.monotonic() - started
        doing = f"computing {name}..." if name else "done"
        line = f"Null models and intervals: {done} of {total} measures ({elapsed:.0f} s), {doing}"
        set_progress((str(done), str(total), line))

    return progress


def _in_job() -> bool:
    """Whether this process is a background job's (Dash starts them with ``multiprocess``)."""
    return multiprocess.parent_process() is not None


def keep_table(token: str, frame: Any) -> None:
    """Keep a table card's whole table under ``token`` for its CSV button.

    In the app's process it stays in memory. A table that a background job shows (the
    Polarization and Echo chambers estimates) is made in the job's process, whose memory
    the button's callback never sees: it goes to the disk store as well.
    """
    cache.results.put(("csv", token), frame)
    if _in_job():
        _store.set(("csv", token), frame, expire=RESULT_SECONDS)


def kept_table(token: str) -> Any:
    """The table :func:`keep_table` kept under ``token``, or None."""
    frame = cache.results.get(("csv", token))
    return frame if frame is not None else _store.get(("csv", token), default=None)


def file_ticket(source: Path, label: str, infer: str | None) -> str:
    """Keep what to load under a new random token, and return the token.

    Examples
    --------
    >>> token = file_ticket(Path("/data/a.csv"), "a.csv", "adjacent")
    >>> redeem_ticket(token)
    {'source': '/data/a.csv', 'label': 'a.csv', 'infer': 'adjacent'}
    >>> redeem_ticket("forged") is None
    True
    """
    token = secrets.token_hex(16)
    ticket = {"source": str(source), "label": label, "infer": infer}
    _store.set(("ticket", token), ticket, expire=TICKET_SECONDS)
    return token


def redeem_ticket(token: Any) -> dict[str, Any] | None:
    """The ticket filed under ``token``, or None when there is none (or it expired).

    A ticket stays until it expires: Dash may start a job again (it cancels the first
    when the same callback fires while it runs), and the second start needs it too.
    """
    if not isinstance(token, str):
        return None
    return _store.get(("ticket", token), default=None)


def store_result(name: tuple[str, ...], value: Any, *, versioned: bool = True) -> None:
    """Keep a job's finished result (a small table) under ``name`` for the app's process.

    A result is kept under the code's version (:func:`code_version`): after an update it is
    computed again. ``versioned=False`` keeps what no code computed (a user's upload).

    Examples
    --------
    >>> store_result(("dataset", "measure", "{}"), [1, 2])
    >>> stored_result(("dataset", "measure", "{}"))
    [1, 2]
    >>> stored_result(("dataset", "other", "{}")) is None
    True
    """
    version = code_version() if versioned else ""
    _store.set(("result", version, *name), value, expire=RESULT_SECONDS)


def stored_result(name: tuple[str, ...], *, versioned: bool = True) -> Any:
    """The result stored under ``name`` by this code (:func:`code_version`: what other code
    stored, before an update, is not read), or None; ``versioned`` as for
    :func:`store_result`."""
    version = code_version() if versioned else ""
    return _store.get(("result", version, *name), default=None)


@functools.cache
def code_version() -> str:
    """The library's and the dashboard's code, as two hashes
    (:func:`dynamics.report.source_hash`): a result stored by other code is not read.

    Taken once, by the app's process, and handed to its jobs through the environment
    (``DYNAMICS_CODE_VERSION``): a job started after the code on disk changed stores its
    results where the app looks for them.
    """
    version = os.environ.get("DYNAMICS_CODE_VERSION")
    if not version:
        from dynamics.report import source_hash

        here = Path(__file__).resolve().parent
        version = os.environ["DYNAMICS_CODE_VERSION"] = f"{source_hash()}-{source_hash(here)}"
    return version


def _shared_name(key: str, name: str, params: Mapping[str, Any]) -> tuple[str, ...]:
    return (key, name, cache.params_key(params))


def shared_attempt(
    key: str, name: str, params: Mapping[str, Any], fn: Callable[[], T], *, share: bool
) -> T | cache.Failed:
    """:func:`dashboard.cache.attempt` that, when ``share``, first looks for what a job
    stored under the same name and parameters and stores what it computes.

    A page computes its point estimates in the app's process and its null models and
    intervals in a background job (``share=True``): the job's results reach the app's
    process through the store (:func:`store_result`). A :class:`~dashboard.cache.Failed` is
    never stored; that one failed is kept for :data:`FAILED_SECONDS`, so that
    :func:`shared_ready` does not wait for it.

    >>> shared_attempt("k", "doc.measure", {"n": 5}, lambda: 41, share=True)
    41
    >>> shared_ready("k", "doc.measure", {"n": 5}), shared_ready("k", "doc.measure", {"n": 6})
    (True, False)
    """
    full = _shared_name(key, name, params)
    if share:
        stored = stored_result(full)
        if stored is not None:
            return stored
    got = cache.attempt(key, name, params, fn)
    if share and not isinstance(got, cache.Failed):
        store_result(full, got)
    elif share:  # said for a while, so that the page does not wait for it forever
        _store.set(("failed", code_version(), *full), True, expire=FAILED_SECONDS)
    return got


def shared_ready(key: str, name: str, params: Mapping[str, Any]) -> bool:
    """Whether :func:`shared_attempt` has the result at hand (nothing to wait for): in this
    process's cache, or stored by the job that computed it."""
    full = _shared_name(key, name, params)  # cache.memo's key too
    if full in cache.results or stored_result(full) is not None:
        return True
    # a measure the library refused is not kept, but there is nothing to wait for: the page
    # computes it again (and shows the error) rather than saying "being computed" for good
    return _store.get(("failed", code_version(), *full), default=False)
