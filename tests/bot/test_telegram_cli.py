"""`carecircle bot`: refuses to start without a token; with one, it polls the (fake) Bot API with the real engine
and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from api.cli import bot as bot_command
from api.cli.common import reset
from tests.fakes.telegram import FakeBotApi, message_update

ROOT = Path(__file__).resolve().parents[2]
# The command on its own (api/cli/__init__.py lists the modules; this checks the module itself).
RUN_BOT = ("import typer; from api.cli import bot; app = typer.Typer(); app.callback()(lambda: None); "
           "bot.register(app); app(['bot'])")


def command_app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    bot_command.register(app)
    return app


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


def test_without_a_token_it_exits_2_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARECIRCLE_TELEGRAM_TOKEN", raising=False)
    reset()
    try:
        result = CliRunner(env={"CARECIRCLE_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}).invoke(
            command_app(), ["bot"], catch_exceptions=False)
    finally:
        reset()
    assert result.exit_code == 2
    assert "CARECIRCLE_TELEGRAM_TOKEN" in result.stderr


def test_it_polls_answers_with_the_engine_and_stops_on_sigterm(fake: FakeBotApi, tmp_path: Path) -> None:
    env = os.environ | {
        "CARECIRCLE_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "CARECIRCLE_TELEGRAM_TOKEN": fake.token,
        "CARECIRCLE_TELEGRAM_API_URL": fake.base_url,
    }
    process = subprocess.Popen([sys.executable, "-c", RUN_BOT], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        fake.wait_for(lambda: "getUpdates" in fake.methods() or process.poll() is not None, timeout=60)
        assert process.poll() is None, process.communicate()[1]
        fake.push_update(message_update(42, "/help"))
        fake.wait_for(lambda: fake.delivered(42), timeout=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "stopped" in stderr
    assert fake.delivered(42) and fake.delivered(42)[0].strip()
    assert {c.params.get("language_code") for c in fake.calls_to("setMyCommands")} == {None, "zh", "en"}
