"""``python -m dynamics`` runs the CLI."""

from dynamics.cli import app

app(prog_name="dynamics")
