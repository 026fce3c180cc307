"""Progress display for long reads and computations (rich, on standard error)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["AUTO_BYTES", "progress_bar"]

#: Reads of files at least this large show a progress bar when ``progress=None`` (auto).
AUTO_BYTES = 32 * 2**20

_SHARED_LOCK = threading.Lock()
_SHARED: dict = {"progress": None, "users": 0}


class _Bar:
    def __init__(self, progress, task) -> None:
        self._progress = progress
        self._task = task

    def advance(self, amount: float = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, amount)


@contextmanager
def progress_bar(
    description: str, total: float | None, *, enabled: bool | None = None, size: int = 0
) -> Iterator[_Bar]:
    """Show a rich progress bar while the block runs.

    Parameters
    ----------
    description : str
        Shown left of the bar.
    total : float or None
        Units of work (bytes, records); None shows a spinner.
    enabled : bool or None, default None
        True always shows, False never; None shows when ``size >= AUTO_BYTES`` and standard
        error is a terminal.
    size : int, default 0
        Input size in bytes, for the automatic choice.
    """
    show = enabled if enabled is not None else size >= AUTO_BYTES and sys.stderr.isatty()
    if not show:
        yield _Bar(None, None)
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
    if size:
        columns.insert(3, DownloadColumn())
    with _SHARED_LOCK:
        if _SHARED["users"] == 0:
            # rich allows one live display at a time: bars opened while another is shown
            # (scorers running in threads) join it as further lines
            _SHARED["progress"] = Progress(*columns, transient=True)
            _SHARED["progress"].start()
        _SHARED["users"] += 1
        progress = _SHARED["progress"]
    try:
        task = progress.add_task(description, total=total)
        yield _Bar(progress, task)
    finally:
        with _SHARED_LOCK:
            _SHARED["users"] -= 1
            if _SHARED["users"] == 0:
                progress.stop()
                _SHARED["progress"] = None
