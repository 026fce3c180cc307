"""Loading another dataset: upload or local path -> checked -> loaded in the background.

``start_load`` runs in the request (it needs the app's settings): it checks the upload or
path and files a ticket. ``run_load`` is a Dash background callback (see
:mod:`dashboard.background`): it redeems the ticket, reads and scores the file with progress,
keeps the Discussion on the server and hands the page only its key.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from dash import Input, Output, State, ctx, no_update

from dashboard import cache
from dashboard.background import file_ticket, job_with_progress, redeem_ticket
from dashboard.callbacks import on
from dashboard.components import notice
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


@on(
    Output(ID.JOB, "data"),
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
    """Check the upload or path, then hand it to the background load."""
    settings = current()
    try:
        if ctx.triggered_id == ID.UPLOAD:
            if not contents:
                return no_update, no_update
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
        return no_update, notice(str(error), kind="error")
    return {"ticket": file_ticket(source, label, infer)}, f"Loading {label}..."


@on(Output(ID.DATASET_LABEL, "children"), Input(ID.DATASET, "data"))
def dataset_label(dataset):
    """The header names the dataset shown: the one loaded last in this browser tab, which a
    reload keeps (the dataset store lives in the tab's session storage)."""
    return dataset["label"]


@on(
    Output(ID.DATASET, "data"),
    Output(ID.LOAD_MESSAGE, "children", allow_duplicate=True),
    Input(ID.JOB, "data"),
    **job_with_progress(ID.LOAD_PROGRESS, ID.LOAD_STATUS, counted=False),
    prevent_initial_call=True,
)
def run_load(set_progress, job):
    """Read and score the ticket's file, then switch the app to it (in a background process)."""
    if not job:  # the store's first value, when a page (re)draws it: no load asked for
        return no_update, no_update
    ticket = redeem_ticket(job.get("ticket"))
    if ticket is None:
        return no_update, notice("This load was lost; start it again.", kind="error")
    started = time.monotonic()
    label = ticket["label"]

    def progress(fraction: float, message: str) -> None:
        elapsed = time.monotonic() - started
        set_progress((str(fraction), f"{message}... ({elapsed:.0f} s)"))

    try:
        disc = load_discussion(
            Path(ticket["source"]),
            infer_replies=ticket["infer"],
            progress=progress,
            display_name=label,
        )
    except LoadError as error:
        return no_update, notice(str(error), kind="error")
    progress(1.0, "Keeping the dataset on the server")
    key = cache.put_discussion(disc)  # on disk too: the app's process reopens it by key
    done = f"Loaded {label} in {time.monotonic() - started:.1f} s"
    return {"key": key, "label": label}, done
