"""CLI start-up: each command imports only what it needs (issue 16, item 1).

`python -X importtime` lists every module a process imports; the leave, guidance and tokens commands must not
pull in the web framework, the server, the Telegram library, scipy or networkx. Timings are for the benchmarks:
this test asserts only what is imported.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("telegram", "fastapi", "uvicorn", "scipy", "networkx", "starlette")
# The store's migrations read the bot's table definitions (bot.store, plain SQLAlchemy); nothing else of bot/.
BOT_SCHEMA = {"bot", "bot.store"}
RUN = "from api.cli import main; main()"


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a `carecircle ARGS` process imports (it must succeed); bot's modules by full name.
    A command that opens the store gets one of its own, never the checkout's ./var (other tests' processes)."""
    env = env or {**os.environ, "CARECIRCLE_DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/cli.db"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", RUN, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+([\w.]+)$", done.stderr, re.M)
    assert names, "python -X importtime printed nothing"
    return {name if name.startswith("bot.") else name.split(".")[0] for name in names} - BOT_SCHEMA


def test_leave_imports_no_web_bot_telegram_or_scipy():
    modules = imported("leave", "--region", "150000", "--birth-date", "2025-03-01", "--json")
    assert "content" in modules  # the leave rules were loaded: the check is not vacuous
    assert sorted(m for m in modules if m in FORBIDDEN or m.startswith("bot.")) == []


def test_guidance_imports_no_web_bot_telegram_or_scipy():
    modules = imported("guidance", "list", "--json")
    assert sorted(m for m in modules if m in FORBIDDEN or m.startswith("bot.")) == []


def test_help_imports_no_command_module():
    modules = imported("--help")
    assert sorted(m for m in modules if m in {*FORBIDDEN, "content", "geodata", "sqlalchemy", "pydantic_settings"}
                  or m.startswith("bot.")) == []


def test_tokens_imports_no_web_bot_telegram_or_scipy(tmp_path):
    env = {**os.environ, "CARECIRCLE_DATABASE_URL": f"sqlite:///{tmp_path / 'tokens.db'}"}
    modules = imported("tokens", "list", "--json", env=env)
    assert "sqlalchemy" in modules
    assert sorted(m for m in modules if m in FORBIDDEN or m.startswith("bot.")) == []


@pytest.mark.parametrize("command", ["centres", "leave", "guidance", "tokens", "chat", "bot", "serve", "demo"])
def test_every_command_still_loads(command: str):
    from api.cli import load_command

    assert load_command(command).name == command
