"""Background load jobs report progress, results and errors."""

from __future__ import annotations

import threading

from dash.testing.wait import until

from dashboard import jobs


def test_job_reports_progress_then_result() -> None:
    release = threading.Event()

    def work(progress) -> dict:
        progress(0.5, "halfway")
        release.wait(5)
        return {"key": "k"}

    job = jobs.start(work)
    until(lambda: jobs.status(job)["message"] == "halfway", timeout=5)
    assert jobs.status(job)["state"] == "running"
    release.set()
    until(lambda: jobs.status(job)["state"] == "done", timeout=5)
    assert jobs.status(job)["result"] == {"key": "k"}


def test_job_error_message() -> None:
    def work(_progress) -> dict:
        msg = "Could not read x.json: bad"
        raise ValueError(msg)

    job = jobs.start(work)
    until(lambda: jobs.status(job)["state"] == "error", timeout=5)
    assert jobs.status(job)["message"] == "Could not read x.json: bad"


def test_unknown_job() -> None:
    assert jobs.status("nope")["state"] == "error"
