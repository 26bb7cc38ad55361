"""`carecircle demo`, `serve` and `bot`: run the service."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Filled in with the web service."""
