"""``python -m dashboard [FILE] [--port N] [--host H] [--data-dir DIR]...``."""

from dashboard.server import main

main()
