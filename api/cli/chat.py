"""`carecircle chat`: a console conversation with the dialogue engine the bot uses."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from api.cli.common import print_json, services
from bot.replies import typed

DEFAULT_SESSION = "console"


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)


def chat(as_json: Annotated[bool, typer.Option("--json", help="one JSON reply per line")] = False) -> None:
    """Each line of standard input is one message: plain text, or {"session": "…", "text": "…"}."""
    engine = services().dialogue
    for line in sys.stdin:
        line = line.rstrip("\n")
        session, text = _parse(line)
        turn = engine.handle(session, typed(text))
        if as_json:
            print_json({"session": session, "intent": turn.intent, "text": turn.text})
        else:
            sys.stdout.write(turn.text + "\n\n")
            sys.stdout.flush()


def _parse(line: str) -> tuple[str, str]:
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return DEFAULT_SESSION, line
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            session = data.get("session")
            return (str(session) if session not in (None, "") else DEFAULT_SESSION), data["text"]
    return DEFAULT_SESSION, line
