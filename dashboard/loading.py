"""Getting a dataset into the app: local paths (confined to ``--data-dir``), uploads, scoring.

Everything here is plain Python (no Dash), so it is unit-tested directly. Errors are
:class:`LoadError` with a message meant for the person using the app.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dynamics import Discussion

__all__ = [
    "BUNDLED_THREAD",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "SCORERS",
    "LoadError",
    "decode_upload",
    "load_discussion",
    "resolve_local_path",
    "safe_filename",
]

#: The bundled real thread the app opens when no file is given.
BUNDLED_THREAD = (
    Path(__file__).resolve().parents[1] / "dynamics" / "data" / ("southfront-idlib-thread.txt")
)
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Text scorers run on every loaded dataset, in this order (one progress step each).
SCORERS = ("toxicity", "sentiment", "stance")

Progress = Callable[[float, str], None]


class LoadError(ValueError):
    """A dataset could not be loaded; the message says why, for the app's user."""


def resolve_local_path(text: str, allowed: Sequence[str | Path]) -> Path:
    """The real path of ``text`` when it lies inside one of the ``allowed`` directories.

    Symbolic links and ``..`` are resolved first, so neither can lead outside.

    Raises
    ------
    LoadError
        No directory is allowed, the path does not exist, or it resolves outside them.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_text("id,body")
    >>> resolve_local_path(str(root / "a.csv"), [root]).name
    'a.csv'
    >>> resolve_local_path(str(root / ".." / root.name / "a.csv"), [root]).name
    'a.csv'
    """
    if not allowed:
        msg = (
            "Loading from a local path is off: start the app with --data-dir DIR to allow "
            "the files under DIR"
        )
        raise LoadError(msg)
    raw = text.strip()
    if not raw:
        msg = "Enter the path of a file or ConvoKit directory"
        raise LoadError(msg)
    roots = [Path(a).expanduser().resolve() for a in allowed]
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    # the allowed directories are checked before the path's existence, so the box never
    # says which files exist elsewhere on the server
    try:
        real = candidate.resolve(strict=False)
    except (OSError, RuntimeError):
        real = None
    if real is None or not any(real == root or real.is_relative_to(root) for root in roots):
        msg = f"{raw} is outside the allowed data directories ({', '.join(str(r) for r in roots)})"
        raise LoadError(msg)
    if not real.exists():
        msg = f"No such file or directory: {raw}"
        raise LoadError(msg)
    return real


def safe_filename(name: str) -> str:
    """``name`` reduced to a harmless base name (letters, digits, ``._-``), suffixes kept.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("my dump <1>.jsonl.gz")
    'my_dump__1_.jsonl.gz'
    """
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return cleaned or "upload"


def decode_upload(contents: str, filename: str, max_bytes: int) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL, refused when over ``max_bytes``.

    Raises
    ------
    LoadError
        The upload is too large or not a base64 data URL.

    Examples
    --------
    >>> decode_upload("data:text/plain;base64,aGk=", "a.txt", 10)
    b'hi'
    """
    header, sep, payload = (contents or "").partition(",")
    if not sep or ";base64" not in header:
        msg = f"{filename}: the upload arrived damaged; try again"
        raise LoadError(msg)
    # base64 needs 4 characters per 3 bytes: refuse before decoding a huge payload
    if len(payload) * 3 // 4 > max_bytes + 2:
        msg = _too_large(filename, max_bytes)
        raise LoadError(msg)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        msg = f"{filename}: the upload arrived damaged; try again"
        raise LoadError(msg) from None
    if len(data) > max_bytes:
        raise LoadError(_too_large(filename, max_bytes))
    return data


def _too_large(filename: str, max_bytes: int) -> str:
    return (
        f"{filename} is larger than the upload limit of {max_bytes / 2**20:.1f} MB; "
        "put it in a --data-dir directory and load it by path instead"
    )


def load_discussion(
    source: Path | Discussion,
    *,
    infer_replies: str | None = "adjacent",
    scorers: Iterable[str] = SCORERS,
    progress: Progress | None = None,
    display_name: str | None = None,
) -> Discussion:
    """Read ``source`` (unless it is a Discussion already) and add the text signals.

    ``infer_replies`` is passed only to the plain-text reader (the only one that takes it).
    ``progress(fraction, message)`` is called before each step.

    Raises
    ------
    LoadError
        The file cannot be read: the message names it and says what was wrong.
    """
    import dynamics as dyn
    from dynamics.errors import DataQualityWarning, DynamicsError

    report = progress or (lambda _f, _m: None)
    scorers = list(scorers)
    steps = 1 + len(scorers)
    name = display_name or (source.name if isinstance(source, Path) else "data")
    if isinstance(source, Path):
        report(0.0, f"Reading {name}")
        try:
            options = {}
            if infer_replies and dyn.detect(source) == "plaintext":
                options["infer_replies"] = infer_replies
            with warnings.catch_warnings():
                # data problems are shown on the Overview page (IngestReport), not as warnings
                warnings.simplefilter("ignore", DataQualityWarning)
                disc = dyn.load(source, **options)
        except (DynamicsError, OSError, UnicodeError, ValueError) as error:
            msg = f"Could not read {name}: {_plain(error, source)}"
            raise LoadError(msg) from error
    else:
        disc = source
    todo = [s for s in scorers if s not in _scored_columns(disc)]
    for i, scorer in enumerate(todo, start=1):
        report(i / steps, f"Scoring {scorer} of {len(disc):,} comments")
        disc = disc.annotate([scorer], progress=False)
    report(1.0, "Ready")
    return disc


def _scored_columns(disc: Discussion) -> set[str]:
    columns = set(disc.comments.columns)
    out = set()
    if "toxicity" in columns:
        out.add("toxicity")
    if "sentiment" in columns:
        out.add("sentiment")
    if "stance" in columns:
        out.add("stance")
    return out


def _plain(error: Exception, source: Path) -> str:
    """The error message without the server-side directory of an upload, and, where it
    advises a reader option the app has no control for, how to set it.

    >>> _plain(ValueError("/up/x.csv: has no id column; pass columns={'comment_id': ...}"),
    ...        Path("/up/x.csv"))  # doctest: +ELLIPSIS
    "x.csv: has no id column; pass columns={'comment_id': ...}. The app reads files as they are: set these options with `dynamics convert x.csv -o x.parquet --columns ...` (or --format) and load x.parquet"
    """
    text = str(error).replace(str(source.parent) + "/", "")
    if re.search(r"(?<![-\w])(columns|format)=", text):
        text += (
            ". The app reads files as they are: set these options with "
            f"`dynamics convert {source.name} -o {source.stem}.parquet --columns ...` "
            f"(or --format) and load {source.stem}.parquet"
        )
    return text
