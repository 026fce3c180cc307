"""Every component id of the app, in one place (STYLE section 6).

Single components use the :class:`ID` string enum; repeated widgets use pattern ids built by
the helpers below (``{"type": ..., "name": ...}``) and matched with ``MATCH`` or ``ALL``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ID", "Pattern", "download_id", "export_button", "figure_id", "table_id"]


class ID(StrEnum):
    """Ids of single components."""

    # shell: dataset, loading, navigation
    DATASET = "dataset-store"
    URL = "url"
    DATASET_LABEL = "dataset-label"
    UPLOAD = "upload"
    UPLOAD_BOX = "upload-box"
    PATH_INPUT = "path-input"
    PATH_BUTTON = "path-load"
    INFER_REPLIES = "infer-replies"
    SCORE_TEXT = "score-text"
    JOB = "job-store"
    LOAD_MESSAGE = "load-message"
    LOAD_PROGRESS = "load-progress"
    LOAD_STATUS = "load-status"
    # overview
    OVERVIEW_CARDS = "overview-cards"
    OVERVIEW_BODY = "overview-body"
    # graph
    GRAPH_WINDOW = "graph-window"
    GRAPH_THREADS = "graph-threads"
    GRAPH_MIN_DEGREE = "graph-min-degree"
    GRAPH_COLOR = "graph-color"
    GRAPH_MAX_EDGES = "graph-max-edges"
    GRAPH_NOTE = "graph-note"
    # polarization
    POL_METHOD = "pol-method"
    POL_SEED = "pol-seed"
    POL_N_BOOT = "pol-n-boot"
    POL_TREND_METRIC = "pol-trend-metric"
    POL_BY = "pol-by"
    POL_BODY = "pol-body"
    POL_ESTIMATES = "pol-estimates"
    POL_PROGRESS = "pol-progress"
    POL_STATUS = "pol-status"
    POL_TREND = "pol-trend"
    POL_DRAWS = "pol-draws"
    POL_DRAWS_BODY = "pol-draws-body"
    POL_DRAWS_CALIBRATION = "pol-draws-calibration"
    POL_DRAWS_LABELS = "pol-draws-labels"
    POL_DRAWS_LABELS_STATUS = "pol-draws-labels-status"
    POL_DRAWS_PROGRESS = "pol-draws-progress"
    POL_DRAWS_STATUS = "pol-draws-status"
    # echo chambers
    ECHO_METHOD = "echo-method"
    ECHO_SEED = "echo-seed"
    ECHO_N = "echo-n"
    ECHO_PROGRESS = "echo-progress"
    ECHO_STATUS = "echo-status"
    ECHO_BODY = "echo-body"
    # escalation
    ESC_THRESHOLD = "esc-threshold"
    ESC_MIN_TURNS = "esc-min-turns"
    ESC_SETTINGS = "esc-settings"  # the episode parameters last chosen, for the User page
    ESC_BODY = "esc-body"
    ESC_EPISODES = "esc-episodes"
    ESC_EPISODE_VIEW = "esc-episode-view"
    ESC_DRAWS = "esc-draws"
    ESC_DRAWS_BODY = "esc-draws-body"
    ESC_DRAWS_CALIBRATION = "esc-draws-calibration"
    ESC_DRAWS_LABELS = "esc-draws-labels"
    ESC_DRAWS_LABELS_STATUS = "esc-draws-labels-status"
    ESC_DRAWS_PROGRESS = "esc-draws-progress"
    ESC_DRAWS_STATUS = "esc-draws-status"
    ESC_SWEEP = "esc-sweep"
    ESC_SWEEP_BODY = "esc-sweep-body"
    ESC_SWEEP_PROGRESS = "esc-sweep-progress"
    ESC_SWEEP_STATUS = "esc-sweep-status"
    # thread
    THREAD_SELECT = "thread-select"
    THREAD_BODY = "thread-body"
    THREAD_COMMENT = "thread-comment"
    # user
    USER_SELECT = "user-select"
    USER_BODY = "user-body"


class Pattern(StrEnum):
    """``type`` values of pattern ids."""

    FIGURE = "figure"
    EXPORT = "export"
    DOWNLOAD = "download"
    TABLE = "table"
    CSV = "csv"
    CSV_DOWNLOAD = "csv-download"
    CHOSEN_ROW = "chosen-row"


def figure_id(name: str) -> dict[str, str]:
    """Id of the ``dcc.Graph`` called ``name``."""
    return {"type": Pattern.FIGURE.value, "name": name}


def export_button(name: str, fmt: str) -> dict[str, str]:
    """Id of the button exporting figure ``name`` as ``fmt`` (png, svg or html)."""
    return {"type": Pattern.EXPORT.value, "name": name, "format": fmt}


def download_id(name: str) -> dict[str, str]:
    """Id of the ``dcc.Download`` that serves figure ``name``'s HTML export."""
    return {"type": Pattern.DOWNLOAD.value, "name": name}


def table_id(name: str) -> dict[str, str]:
    """Id of the ``DataTable`` called ``name``."""
    return {"type": Pattern.TABLE.value, "name": name}


def csv_button(name: str) -> dict[str, str]:
    """Id of the button downloading table ``name`` as CSV."""
    return {"type": Pattern.CSV.value, "name": name}


def csv_download(name: str) -> dict[str, str]:
    """Id of the ``dcc.Download`` serving table ``name``'s CSV."""
    return {"type": Pattern.CSV_DOWNLOAD.value, "name": name}


def chosen_row(table: str) -> dict[str, str]:
    """Id of the ``dcc.Store`` that holds the row of table ``table`` last clicked:
    ``{"row": <the row's id>, "at": <click time, ms>}`` (set in the browser, ``app.js``)."""
    return {"type": Pattern.CHOSEN_ROW.value, "table": table}
