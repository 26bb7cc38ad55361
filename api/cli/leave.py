"""`carecircle leave` (being built)."""

import typer


def register(app: typer.Typer) -> None:
    """Adds the leave command(s) to the app."""
