"""The README stays true: every setting, bot command and CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from api.cli import app
from api.settings import Settings
from bot.telegram import COMMANDS

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`CARECIRCLE_{name.upper()}`" in README


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_bot_command_is_documented(command: str) -> None:
    assert f"`/{command}" in README


def cli_commands() -> list[str]:
    command = typer.main.get_command(app)
    names = []
    for name in command.list_commands(None):  # type: ignore[attr-defined,arg-type]
        sub = command.get_command(None, name)  # type: ignore[attr-defined,arg-type]
        children = getattr(sub, "commands", None)
        names += [f"carecircle {name} {child}" for child in children] if children else [f"carecircle {name}"]
    return names


@pytest.mark.parametrize("command", cli_commands())
def test_every_cli_command_is_documented(command: str) -> None:
    assert command in README


def test_first_screen_gives_the_two_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "carecircle demo" in first_screen and "python -m pytest" in first_screen
