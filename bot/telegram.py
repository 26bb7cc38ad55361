"""The Telegram adapter: python-telegram-bot 22 in front of the dialogue engine.

- build_application(token, engine, …) wires one Application: a handler per command, location and text
  messages, buttons, an error handler, a rate limiter that honours RetryAfter, and a 403 (the chat blocked
  the bot) reported to `on_blocked`.
- running(application, …) runs it, by polling or (given a webhook URL) behind the web service's
  WEBHOOK_PATH route, which hands updates to a Webhook.
- serving(application, public_url=…, background=…) is for the web service's lifespan (`carecircle serve`):
  webhook mode when there is a public URL, polling otherwise, with background jobs (the sender) alongside.
- run_polling(application, stop, background) is `carecircle bot`: polling plus background jobs.

Usage, against a real or fake Bot API:

    application = build_application(token, engine, base_url="http://127.0.0.1:8081/bot")
    await run_polling(application, stop_event)
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bilingual import Text, msg
from bot.replies import Message, Turn
from bot.telegram_render import render
from common import ChannelName, Recipient, person_tag

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY)
RETRIES_AFTER_429 = 3
SORRY = ("抱歉，出了点问题，请稍后再试。如遇紧急情况，请拨打 120。\n"
         "Sorry, something went wrong. Please try again later. In an emergency, call 120.")


class DialogueEngine(Protocol):
    """What the adapter needs from bot/engine.py (synchronous: it touches the store)."""

    def handle(self, session: str, message: Message) -> Turn: ...

    def language(self, session: str) -> str: ...


BlockedHook = Callable[[int], None]
BackgroundJob = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
TelegramApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True)
class Command:
    """A command of the bot's menu; its description (setMyCommands) is the catalogue's bot.command.<name>."""

    name: str

    @property
    def description(self) -> Text:
        return msg(f"bot.command.{self.name}")

    @property
    def zh(self) -> str:
        return self.description.zh

    @property
    def en(self) -> str:
        return self.description.en


# The contract's commands, in menu order.
COMMANDS = tuple(Command(name) for name in ("start", "help", "nearby", "leave", "guide", "subscribe", "stop",
                                            "forget", "language"))


def recipient(chat_id: int) -> Recipient:
    return Recipient(ChannelName.telegram, str(chat_id))


def session_key(chat_id: int) -> str:
    return recipient(chat_id).session


def build_application(token: str, engine: DialogueEngine, *, base_url: str = DEFAULT_API_URL,
                      on_blocked: BlockedHook | None = None, max_concurrent_updates: int = 64) -> TelegramApp:
    """One Application, wired: handlers, error handler, rate limiting. `base_url` gets the token appended."""
    application = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .rate_limiter(AIORateLimiter(max_retries=RETRIES_AFTER_429))
        .concurrent_updates(ChatOrderedUpdates(max_concurrent_updates))
        .build()
    )
    adapter = _Adapter(engine, on_blocked)
    new_messages = filters.UpdateType.MESSAGE  # edits (and live-location moves) are not answered again
    for command in COMMANDS:
        application.add_handler(CommandHandler(command.name, adapter.on_command, filters=new_messages))
    application.add_handler(MessageHandler(new_messages & filters.LOCATION, adapter.on_location))
    # Free text, and commands the bot does not know, go to the engine as text.
    application.add_handler(MessageHandler(new_messages & filters.TEXT, adapter.on_text))
    application.add_handler(CallbackQueryHandler(adapter.on_button))
    application.add_error_handler(adapter.on_error)
    return application


async def publish_commands(bot: Bot) -> None:
    """The command menu in Chinese (also the default, for every other language) and in English."""
    for language_code, language in ((None, "zh"), ("zh", "zh"), ("en", "en")):
        menu = [BotCommand(command.name, command.description(language)) for command in COMMANDS]
        await bot.set_my_commands(menu, language_code=language_code)


@asynccontextmanager
async def running(application: TelegramApp, *, webhook_url: str | None = None, secret: str | None = None,
                  poll_timeout: timedelta = timedelta(seconds=10)) -> AsyncIterator[TelegramApp]:
    """Runs the bot for the duration of the block: polling, or (given webhook_url) receiving updates that the
    web service's webhook route puts on application.update_queue. Publishes the command menu first."""
    async with application:  # initialize (getMe) … shutdown
        await publish_commands(application.bot)
        if webhook_url:
            await application.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        elif application.updater:
            await application.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        await application.start()
        try:
            yield application
        finally:
            if application.updater and application.updater.running:
                await application.updater.stop()
            await application.stop()


@asynccontextmanager
async def serving(application: TelegramApp, *, public_url: str | None = None, secret: str | None = None,
                  background: Sequence[BackgroundJob] = ()) -> AsyncIterator[Webhook | None]:
    """For the web service's lifespan: the bot and its background jobs, while the block runs.

    With `public_url` the bot takes updates through the webhook route: the Webhook yielded belongs on
    app.state.telegram_webhook (the secret is `secret`, or one derived from the token). Without, it polls and
    None is yielded. A background job that fails is logged; the web service goes on."""
    webhook_url = public_url.rstrip("/") + WEBHOOK_PATH if public_url else None
    secret_token = webhook_secret(application.bot.token, secret)
    stop = asyncio.Event()
    async with running(application, webhook_url=webhook_url, secret=secret_token if webhook_url else None):
        jobs = [asyncio.create_task(job(stop)) for job in background]
        for task in jobs:
            task.add_done_callback(_log_failure)
        try:
            yield Webhook(application, secret_token) if webhook_url else None
        finally:
            stop.set()
            await asyncio.gather(*jobs, return_exceptions=True)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception():
        logger.error("background job %s failed", task.get_name(), exc_info=task.exception())


async def run_polling(application: TelegramApp, stop: asyncio.Event, background: Sequence[BackgroundJob] = (),
                      *, poll_timeout: timedelta = timedelta(seconds=10)) -> None:
    """Polls until `stop` is set, with the background jobs (each given `stop`) alongside.

    A job that fails stops everything and its error propagates: a supervisor should restart the process
    rather than leave the bot running without its sender."""
    async with running(application, poll_timeout=poll_timeout), asyncio.TaskGroup() as jobs:
        for job in background:
            jobs.create_task(job(stop))
        await stop.wait()


def webhook_secret(token: str, configured: str | None = None) -> str:
    """The secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token: the configured one, or else one derived
    from the token, so that every replica agrees and the webhook is never open."""
    if configured:
        return configured
    return hmac.new(token.encode(), b"carecircle telegram webhook", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Webhook:
    """What the webhook route needs: the running Application and the secret to check."""

    application: TelegramApp
    secret: str

    def accepts(self, header: str | None) -> bool:
        return header is not None and hmac.compare_digest(header.encode(), self.secret.encode())

    async def receive(self, payload: Any) -> None:
        """Queues one update for the running Application. Raises ValueError when it is not an update."""
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            raise ValueError("not a Telegram update: update_id is missing")
        try:
            update = Update.de_json(payload, self.application.bot)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a Telegram update: {exc}") from exc
        await self.application.update_queue.put(update)


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Updates from different chats are handled concurrently; one chat's updates one at a time, in order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._chats.setdefault(chat.id, asyncio.Lock()):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class _Adapter:
    """The handlers: each update becomes a Message, the engine answers in a worker thread, Replies are sent."""

    def __init__(self, engine: DialogueEngine, on_blocked: BlockedHook | None) -> None:
        self.engine = engine
        self.on_blocked = on_blocked

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        name = message.text.split(maxsplit=1)[0][1:].split("@")[0].lower()
        argument = " ".join(context.args or ())
        await self._answer(context.bot, message.chat_id, Message(
            text=message.text, command=name, argument=argument, recipient=recipient(message.chat_id)))

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.location is None:
            return
        location = (message.location.latitude, message.location.longitude)
        await self._answer(context.bot, message.chat_id, Message(location=location,
                                                                 recipient=recipient(message.chat_id)))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        await self._answer(context.bot, message.chat_id, Message(text=message.text,
                                                                 recipient=recipient(message.chat_id)))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        with suppress(BadRequest):  # a tap on a days-old message can no longer be answered; still act on it
            await query.answer()  # stops the button's spinner
        chat = update.effective_chat
        chat_id = chat.id if chat else query.from_user.id  # the message may be too old to carry its chat
        await self._answer(context.bot, chat_id, Message(button=query.data or "", recipient=recipient(chat_id)))

    async def _answer(self, bot: Bot, chat_id: int, message: Message) -> None:
        session = session_key(chat_id)
        turn = await asyncio.to_thread(self.engine.handle, session, message)
        language = "zh"
        if any(reply.request_location for reply in turn.replies):
            language = await asyncio.to_thread(self.engine.language, session)
        try:
            for reply in turn.replies:
                for outgoing in render(reply, language):
                    await bot.send_message(chat_id, outgoing.text, parse_mode=ParseMode.HTML,
                                           reply_markup=outgoing.markup,
                                           link_preview_options=LinkPreviewOptions(is_disabled=True))
        except Forbidden:
            logger.info("chat %s blocked the bot; no more messages to it", person_tag(str(chat_id)))
            if self.on_blocked:
                await asyncio.to_thread(self.on_blocked, chat_id)

    async def on_error(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Logs the failure and, where there is a chat, says sorry rather than falling silent."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("update %s failed", update_id, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and not isinstance(context.error, Forbidden):
            with suppress(TelegramError):
                await context.bot.send_message(chat.id, SORRY)
