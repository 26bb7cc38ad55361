"""`carecircle bot`: the Telegram bot and the broadcast sender alone, polling, on the configured store."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

import typer
from telegram.error import InvalidToken, NetworkError

from api.cli.common import fail, say, services, settings
from api.i18n import msg
from api.services import Services
from bot.telegram import BackgroundJob, BlockedHook, TelegramApp, build_application, run_polling

logger = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    """Adds the bot command to the app."""
    app.command("bot")(bot)


def bot() -> None:
    """Run the Telegram bot (polling) and the broadcast sender, until Ctrl+C or SIGTERM."""
    current = settings()
    if current.telegram_token is None:
        fail(msg("cli.no_bot_token").lines())
    wired = services()
    application = build_application(current.telegram_token.get_secret_value(), wired.dialogue,
                                    base_url=current.telegram_api_url, on_blocked=blocked_hook(wired))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    say(msg("cli.bot_polling").both())
    try:
        asyncio.run(_until_signalled(application, background_jobs(wired)))
    except InvalidToken:
        fail(msg("cli.bot_token_refused").both())
    except NetworkError as exc:
        fail(msg("cli.bot_unreachable", url=current.telegram_api_url, problem=exc).both(), code=1)
    except ExceptionGroup as group:  # a background job failed: logged, and a supervisor should restart us
        logger.error("the bot stopped", exc_info=group)
        fail(msg("cli.bot_failed", problem=repr(group.exceptions[0])).both(), code=1)
    say(msg("cli.bot_stopped").both())


def blocked_hook(wired: Services) -> BlockedHook:
    """What marks a chat blocked when Telegram answers 403."""
    return wired.subscriptions.mark_blocked


def background_jobs(wired: Services) -> Sequence[BackgroundJob]:
    """What runs alongside polling, each given the stop event: the broadcast sender, and the registry's watcher
    (the bot sees registry changes within a second, without asking the store on every answer)."""
    return (wired.run_sender, wired.watch_registry)


async def _until_signalled(application: TelegramApp, background: Sequence[BackgroundJob]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_polling(application, stop, background)
