"""The Telegram channel: python-telegram-bot's Bot.send_message behind the channel protocol.

Stage items go as Telegram HTML (messaging/telegram_format.py), broadcasts as plain text with Telegram's footer.
Telegram's errors become the protocol's: 429 → RateLimited (retry_after), 403 → Blocked, 400 → Refused,
network faults → Transient, a wrong token or address → Misconfigured.

    async with TelegramTransport(token, base_url) as transport:
        sender = Sender(engine, TelegramChannel(transport, TelegramArticles(library, link_for)), rate=25)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol

os.environ.setdefault("PTB_TIMEDELTA", "1")  # python-telegram-bot's durations as timedelta (as bot/ sets it too)

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from common import ChannelName
from content.guidance.library import Library
from messaging.channel import Blocked, Delivered, Item, Misconfigured, RateLimited, Refused, Transient
from messaging.outbox import compose_broadcast
from messaging.telegram_format import render_telegram

PER_CHAT_INTERVAL = 1.0  # Telegram: about one message a second to the same chat


class Transport(Protocol):
    async def send(self, chat_id: int, text: str, *, html: bool) -> None: ...


class Renderer(Protocol):
    def render(self, slug: str, language: str) -> list[str]:
        """The article as Telegram HTML messages (each within Telegram's 4,096 characters)."""
        ...


class TelegramTransport:
    """python-telegram-bot's Bot.send_message; use as `async with TelegramTransport(token, base_url) as t`.

    A send that times out (`timeout` seconds to connect, write or read) is retried later, and may then arrive twice:
    Telegram has no idempotency key, and a timed-out message may have been delivered."""

    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot", pool_size: int = 64,
                 timeout: float = 5.0) -> None:
        # A send that waits for a free connection is not a network fault: it may wait as long as it may read.
        request = HTTPXRequest(connection_pool_size=pool_size, read_timeout=timeout, write_timeout=timeout,
                               connect_timeout=timeout, pool_timeout=timeout)
        self.bot = Bot(token, base_url=base_url, request=request)

    async def __aenter__(self) -> TelegramTransport:
        await self.bot.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.bot.shutdown()

    async def send(self, chat_id: int, text: str, *, html: bool) -> None:
        await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML if html else None,
                                    link_preview_options=LinkPreviewOptions(is_disabled=True))


class TelegramArticles:
    """Guidance articles as Telegram HTML messages, with links to their web pages where there is a public URL."""

    def __init__(self, library: Library, link_for: Callable[[str, str], str] | None = None) -> None:
        self.library = library
        self.link_for = link_for

    def render(self, slug: str, language: str) -> list[str]:
        locale = language if language in self.library.locales_of(slug) else "zh"
        return render_telegram(self.library.get(slug, locale), self.link_for)


class TelegramChannel:
    name = ChannelName.telegram.value

    def __init__(self, transport: Transport, articles: Renderer, rate: float | None = 25.0,
                 per_user_interval: float = PER_CHAT_INTERVAL) -> None:
        self.transport = transport
        self.articles = articles
        self.rate = rate
        self.per_user_interval = per_user_interval

    def parts(self, item: Item) -> list[str]:
        if item.slug is not None:
            return self.articles.render(item.slug, item.language)
        if item.broadcast_text is not None:
            return [compose_broadcast(item.broadcast_text, item.language)]
        raise ValueError(f"unknown outbox item {item.key!r}")

    async def send(self, user_id: str, item: Item, part: str) -> Delivered:
        try:
            await self.transport.send(int(user_id), part, html=item.slug is not None)
        except RetryAfter as exc:
            seconds = exc.retry_after.total_seconds()  # type: ignore[union-attr]
            raise RateLimited(seconds, f"429: {exc}") from exc
        except (InvalidToken, EndPointNotFound) as exc:
            raise Misconfigured(f"{type(exc).__name__}: {exc}") from exc
        except Forbidden as exc:
            raise Blocked(f"Forbidden: {exc}") from exc
        except BadRequest as exc:  # chat not found, bad HTML: trying again will not help
            raise Refused(f"BadRequest: {exc}") from exc
        except NetworkError as exc:  # timeouts, dropped connections, 5xx
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        except TelegramError as exc:
            raise Refused(f"{type(exc).__name__}: {exc}") from exc
        return Delivered.part
