"""``create_app``: the Dash app factory (used by ``dynamics dashboard`` and by the tests)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import dash

from dashboard import background, cache, callbacks
from dashboard.loading import BUNDLED_THREAD, DEFAULT_MAX_UPLOAD_BYTES, load_discussion
from dashboard.settings import CONFIG_KEY, Settings
from dashboard.shell import shell

if TYPE_CHECKING:
    from dynamics import Discussion

__all__ = ["create_app"]

_HERE = Path(__file__).resolve().parent


def create_app(
    dataset: Discussion | str | Path | None = None,
    *,
    data_dirs: Sequence[str | Path] = (),
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    infer_replies: str | None = "adjacent",
    score: bool = True,
    label: str | None = None,
) -> dash.Dash:
    """Build the app on ``dataset`` (a Discussion, a file, or None for the bundled thread).

    Parameters
    ----------
    dataset : Discussion, path or None
        What the app opens on. None: the bundled real thread
        (``dynamics/data/southfront-idlib-thread.txt``, replies inferred with ``"adjacent"``).
    data_dirs : sequence of paths
        Directories whose files may be loaded by path from the app (none: path loading off).
    max_upload_bytes : int, default 50 MB
        Upload size limit.
    infer_replies : {"adjacent", "none"} or None
        Reply inference for plain-text scrapes.
    score : bool, default True
        Add toxicity, sentiment and stance to the opening dataset (cached scores are reused).
    label : str, optional
        Name shown for the opening dataset.

    Returns
    -------
    dash.Dash
    """
    source: Discussion | Path = (
        BUNDLED_THREAD
        if dataset is None
        else (Path(dataset) if isinstance(dataset, str | Path) else dataset)
    )
    name = label or (source.name if isinstance(source, Path) else "data frame")
    disc = load_discussion(
        source,
        infer_replies=infer_replies,
        scorers=() if not score else ("toxicity", "sentiment", "stance"),
    )
    key = cache.put_discussion(disc)
    settings = Settings(
        data_dirs=tuple(Path(d).expanduser().resolve() for d in data_dirs),
        max_upload_bytes=int(max_upload_bytes),
        infer_replies=infer_replies,
        upload_dir=Path(tempfile.mkdtemp(prefix="dynamics-uploads-")),
    )
    app = dash.Dash(
        "dashboard",
        use_pages=True,
        pages_folder=str(_HERE / "pages"),
        assets_folder=str(_HERE / "assets"),
        suppress_callback_exceptions=True,
        title="dynamics",
    )
    app.server.config[CONFIG_KEY] = settings
    # an upload travels base64-encoded (4/3 of its size) inside a JSON callback request
    app.server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes * 4 // 3 + 64 * 1024**2
    app.layout = shell({"key": key, "label": name}, settings)
    callbacks.register(app)
    background.code_version()  # taken now, before any job starts: the jobs inherit it
    return app
