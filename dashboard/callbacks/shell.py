"""Loading another dataset: upload or local path -> background job -> dataset key."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from dash import Input, Output, State, callback, ctx, no_update

from dashboard import cache, jobs
from dashboard.ids import ID
from dashboard.loading import (
    LoadError,
    decode_upload,
    load_discussion,
    resolve_local_path,
    safe_filename,
)
from dashboard.settings import current

__all__: list[str] = []


def _job(source: Path, label: str, infer: str):
    def run(progress: Any) -> dict[str, str]:
        disc = load_discussion(source, infer_replies=infer, progress=progress, display_name=label)
        progress(1.0, "Keeping the dataset on the server")
        return {"key": cache.put_discussion(disc), "label": label}

    return run


@callback(
    Output(ID.JOB, "data"),
    Output(ID.JOB_POLL, "disabled"),
    Output(ID.LOAD_MESSAGE, "children"),
    Input(ID.UPLOAD, "contents"),
    Input(ID.PATH_BUTTON, "n_clicks"),
    Input(ID.PATH_INPUT, "n_submit"),
    State(ID.UPLOAD, "filename"),
    State(ID.PATH_INPUT, "value"),
    State(ID.INFER_REPLIES, "value"),
    prevent_initial_call=True,
)
def start_load(contents, _clicks, _submit, filename, path_text, infer):
    """Check the upload or path, then start loading it in the background."""
    settings = current()
    try:
        if ctx.triggered_id == ID.UPLOAD:
            if not contents:
                return no_update, no_update, no_update
            name = safe_filename(filename or "upload")
            data = decode_upload(contents, name, settings.max_upload_bytes)
            folder = settings.upload_dir / uuid.uuid4().hex
            folder.mkdir(parents=True)
            source = folder / name
            source.write_bytes(data)
            label = name
        else:
            source = resolve_local_path(path_text or "", settings.data_dirs)
            label = source.name
    except LoadError as error:
        return None, True, html_error(str(error))
    job_id = jobs.start(_job(source, label, infer))
    return {"job": job_id}, False, f"Loading {label}..."


def html_error(message: str):
    """The error line shown under the loader."""
    from dashboard.components import notice

    return notice(message, kind="error")


@callback(
    Output(ID.LOAD_PROGRESS, "value"),
    Output(ID.LOAD_PROGRESS, "style"),
    Output(ID.LOAD_MESSAGE, "children", allow_duplicate=True),
    Output(ID.JOB_POLL, "disabled", allow_duplicate=True),
    Output(ID.DATASET, "data"),
    Output(ID.DATASET_LABEL, "children"),
    Input(ID.JOB_POLL, "n_intervals"),
    State(ID.JOB, "data"),
    prevent_initial_call=True,
)
def poll_load(_n, job):
    """Show the job's progress; when it is done, switch the app to the new dataset."""
    if not job:
        return no_update, {"display": "none"}, no_update, True, no_update, no_update
    state = jobs.status(job["job"])
    shown = {"display": "block"}
    if state["state"] == "running":
        text = f"{state['message']}... ({state['elapsed']:.0f} s)"
        return str(state["fraction"]), shown, text, False, no_update, no_update
    if state["state"] == "error":
        return "0", {"display": "none"}, html_error(state["message"]), True, no_update, no_update
    result = state["result"]
    done = f"Loaded {result['label']} in {state['elapsed']:.1f} s"
    return "1", {"display": "none"}, done, True, result, result["label"]
