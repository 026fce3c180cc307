"""Long loads run as server-side jobs in a thread; the page polls their progress.

A job's state is small JSON (``state``, ``fraction``, ``message``, ``key``), which the
browser fetches with a ``dcc.Interval``; the loaded Discussion itself goes to
:mod:`dashboard.cache` and only its key comes back.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["Job", "start", "status"]


class Job:
    """One background task: ``fn(progress)`` returns a result dict or raises."""

    def __init__(self, fn: Callable[[Callable[[float, str], None]], dict[str, Any]]) -> None:
        self.id = uuid.uuid4().hex
        self.started = time.monotonic()
        self._state: dict[str, Any] = {"state": "running", "fraction": 0.0, "message": "Starting"}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)

    def _progress(self, fraction: float, message: str) -> None:
        with self._lock:
            self._state.update(fraction=float(fraction), message=message)

    def _run(self, fn: Callable[[Callable[[float, str], None]], dict[str, Any]]) -> None:
        try:
            result = fn(self._progress)
        except Exception as error:  # noqa: BLE001 - any failure is reported to the page
            with self._lock:
                self._state.update(state="error", message=str(error))
            return
        with self._lock:
            self._state.update(state="done", fraction=1.0, result=result)

    def status(self) -> dict[str, Any]:
        """A copy of the job's state, with ``elapsed`` seconds."""
        with self._lock:
            out = dict(self._state)
        out["elapsed"] = round(time.monotonic() - self.started, 1)
        return out


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start(fn: Callable[[Callable[[float, str], None]], dict[str, Any]]) -> str:
    """Run ``fn(progress)`` in a thread and return the job id."""
    job = Job(fn)
    with _lock:
        # forget finished jobs older than an hour
        now = time.monotonic()
        for old in [k for k, j in _jobs.items() if now - j.started > 3600]:
            _jobs.pop(old)
        _jobs[job.id] = job
    job._thread.start()
    return job.id


def status(job_id: str) -> dict[str, Any]:
    """The state of job ``job_id`` (``state="error"`` when unknown)."""
    with _lock:
        job = _jobs.get(job_id)
    if job is None:
        return {"state": "error", "fraction": 0.0, "message": "This load was lost; start it again"}
    return job.status()
