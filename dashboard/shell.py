"""The frame around every page: navigation, the dataset loader and the shared stores."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.settings import EPISODE_DEFAULTS, Settings

__all__ = ["NAV", "shell"]

#: (path, label) of the navigation links, in page order.
NAV = (
    ("/", "Overview"),
    ("/graph", "Graph"),
    ("/polarization", "Polarization"),
    ("/echo-chambers", "Echo chambers"),
    ("/escalation", "Escalation"),
    ("/thread", "Thread"),
    ("/user", "User"),
)


def _loader(settings: Settings) -> html.Details:
    mb = settings.max_upload_bytes / 2**20  # the --max-upload-mb (MiB) given
    path_help = (
        f"Files under: {', '.join(str(d) for d in settings.data_dirs)}"
        if settings.data_dirs
        else "Off: start the app with --data-dir DIR to load files from DIR"
    )
    return html.Details(
        [
            html.Summary("Load another dataset"),
            html.Div(
                [
                    html.Div(
                        dcc.Upload(
                            id=ids.ID.UPLOAD,
                            children=html.Div(
                                [f"Drop a file here or click to choose one (up to {mb:.0f} MB)"]
                            ),
                            max_size=settings.max_upload_bytes,
                            multiple=False,
                            className="upload",
                        ),
                        id=ids.ID.UPLOAD_BOX,
                        **{"data-max-bytes": str(settings.max_upload_bytes)},
                    ),
                    html.Div(
                        [
                            dcc.Input(
                                id=ids.ID.PATH_INPUT,
                                type="text",
                                placeholder="path/to/file or corpus directory",
                                disabled=not settings.data_dirs,
                                debounce=True,
                                className="path-input",
                            ),
                            html.Button(
                                "Load path",
                                id=ids.ID.PATH_BUTTON,
                                n_clicks=0,
                                disabled=not settings.data_dirs,
                            ),
                            html.Div(path_help, className="note"),
                        ],
                        className="path-row",
                    ),
                    html.Div(
                        [
                            html.Label("Plain-text scrapes: reply inference "),
                            dcc.RadioItems(
                                id=ids.ID.INFER_REPLIES,
                                options=["adjacent", "none"],
                                value=settings.infer_replies or "none",
                                inline=True,
                            ),
                        ],
                        className="options-row",
                    ),
                    html.Progress(
                        id=ids.ID.LOAD_PROGRESS, value="0", max="1", style={"display": "none"}
                    ),
                    html.Div(
                        id=ids.ID.LOAD_STATUS, className="load-message", style={"display": "none"}
                    ),
                    html.Div(id=ids.ID.LOAD_MESSAGE, className="load-message"),
                ],
                className="loader-body",
            ),
        ],
        className="loader",
    )


def shell(dataset: dict[str, Any], settings: Settings) -> html.Div:
    """The app layout: header, loader, stores and the page container."""
    links = [dcc.Link(label, href=path, className="nav-link") for path, label in NAV]
    return html.Div(
        [
            dcc.Location(id=ids.ID.URL, refresh="callback-nav"),
            # the tab's session storage: a reload keeps the dataset loaded last
            dcc.Store(id=ids.ID.DATASET, data=dataset, storage_type="session"),
            dcc.Store(id=ids.ID.JOB, data=None, storage_type="memory"),
            # the Escalation page's episode parameters, which the User page's episodes follow
            dcc.Store(id=ids.ID.ESC_SETTINGS, data=EPISODE_DEFAULTS, storage_type="session"),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span("dynamics", className="brand"),
                            html.Span(
                                dataset["label"], id=ids.ID.DATASET_LABEL, className="dataset-label"
                            ),
                        ]
                    ),
                    html.Nav(links),
                ],
                className="header",
            ),
            _loader(settings),
            dcc.Loading(dash.page_container, type="circle", delay_show=300),
        ],
        className="app",
    )
