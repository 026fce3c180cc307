"""Run the app: ``python -m dashboard [FILE]`` and ``dynamics dashboard [FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "serve"]


def serve(
    file: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8050,
    data_dirs: Sequence[Path] = (),
    infer_replies: str | None = "adjacent",
    max_upload_mb: float = 50,
    debug: bool = False,
) -> None:
    """Build the app on ``file`` (the bundled thread when None), print its address, serve it.

    Binds to 127.0.0.1 (this machine only) unless ``host`` says otherwise.
    """
    from dashboard.app import create_app

    print(f"dynamics dashboard: reading {file or 'the bundled thread'}...", file=sys.stderr)  # noqa: T201
    app = create_app(
        file,
        data_dirs=data_dirs,
        infer_replies=infer_replies,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"dynamics dashboard running at http://{shown}:{port}/ (Ctrl+C stops it)", flush=True)  # noqa: T201
    if host not in {"127.0.0.1", "localhost", "::1"}:
        print(  # noqa: T201
            f"warning: listening on {host}: anyone who can reach this address can use the app",
            file=sys.stderr,
        )
    app.run(host=host, port=port, debug=debug)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line of ``python -m dashboard``."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=serve.__doc__)
    parser.add_argument("file", nargs="?", type=Path, help="file or ConvoKit directory to open")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument(
        "--data-dir",
        action="append",
        type=Path,
        default=[],
        help="directory whose files may be loaded by path from the app",
    )
    parser.add_argument("--infer-replies", default="adjacent", choices=["adjacent", "none"])
    parser.add_argument("--max-upload-mb", type=float, default=50)
    args = parser.parse_args(argv)
    serve(
        args.file,
        host=args.host,
        port=args.port,
        data_dirs=args.data_dir,
        infer_replies=args.infer_replies,
        max_upload_mb=args.max_upload_mb,
    )
