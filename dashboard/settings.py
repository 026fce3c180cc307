"""Per-app settings (allowed data directories, upload limit), kept in the Flask config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CONFIG_KEY",
    "EPISODE_COLUMNS",
    "EPISODE_DEFAULTS",
    "EPISODE_PROMPT",
    "N_DRAWS",
    "Settings",
    "current",
]

CONFIG_KEY = "DYNAMICS_DASHBOARD"

#: The Escalation page's first episode parameters (toxicity threshold, minimum turns), which
#: the User page's episodes follow until the page's controls change them.
EPISODE_DEFAULTS = {"threshold": 0.5, "min_turns": 3}

#: The columns an episodes table shows (Escalation and User pages; the CSV has them all).
EPISODE_COLUMNS = [
    "rank",
    "trend",
    "kind",
    "participants",
    "turns",
    "peak_toxicity",
    "mean_toxicity",
    "score",
    "thread_id",
]

#: What the Escalation page's episode view says before a click.
EPISODE_PROMPT = "Click an episode in the table."

#: The Escalation page's bootstrap resamples and null draws.
N_DRAWS = 200


@dataclass(frozen=True)
class Settings:
    """What the person starting the app allowed.

    Attributes
    ----------
    data_dirs : tuple of Path
        Local paths may be loaded only from inside these directories (none: path loading off).
    max_upload_bytes : int
        Larger uploads are refused with a message.
    infer_replies : str or None
        Reply inference for plain-text scrapes (``"adjacent"`` or ``"none"``).
    upload_dir : Path
        Where uploads are written before they are read.
    """

    data_dirs: tuple[Path, ...] = ()
    max_upload_bytes: int = 50 * 1024 * 1024
    infer_replies: str | None = "adjacent"
    upload_dir: Path = field(default_factory=lambda: Path("uploads"))


def current() -> Settings:
    """The settings of the app serving the current request."""
    from flask import current_app

    return current_app.config[CONFIG_KEY]
