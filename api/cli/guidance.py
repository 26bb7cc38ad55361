"""`carecircle guidance` (being built)."""

import typer


def register(app: typer.Typer) -> None:
    """Adds the guidance command(s) to the app."""
