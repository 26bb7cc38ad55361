"""The one wiring place: settings in, services out. Every process (web, bot, CLI) builds them here.

Heavier services (the gazetteer, the guidance library, the dialogue engine) are built on first use, so a command
that does not need them does not pay for them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import Engine

from api.db import open_store
from api.privacy import Scrubber
from api.reviews import reviewed_library
from api.settings import Settings
from api.sharelinks import LinkKind, code_of_payload, count_bot_started
from bot.conversations import ConversationStore
from bot.engine import Engine as DialogueEngine
from bot.engine import Preset, default_deep_links
from bot.wechat import InboundLog, WeChatEndpoint
from common import Recipient
from content.guidance.library import Library, load_library
from content.guidance.render import web_link
from geodata.gazetteer import Gazetteer, default_gazetteer
from geodata.geocode import ChainGeocoder, GazetteerGeocoder, Geocoder, GeopyGeocoder
from geodata.index import StraightLineWalker, Walker
from geodata.planning import Planner
from geodata.registry import Registry
from messaging.channel import Channel
from messaging.sender import Sender
from messaging.subscriptions import GuidanceStagePlan, Subscriptions
from messaging.telegram import TelegramArticles, TelegramChannel, TelegramTransport
from messaging.wechat import Templates, WeChatApi, WeChatArticles, WeChatChannel, WeChatUsers


def build_walker(settings: Settings) -> Walker:
    if settings.streets_file:
        from geodata.streets import NetworkWalker, StreetNetwork

        return NetworkWalker(StreetNetwork.open(settings.streets_file), settings.walk_model)
    return StraightLineWalker(settings.walk_model)


T = TypeVar("T")
# Dialogue turns run on threads of their own, at most this many at once: a turn is mostly CPU (the model, fuzzy
# name matching) and holds the interpreter lock, so more threads only wait longer for it and keep the event loop
# (which answers the in-memory searches) waiting too. A burst of messages queues here, not on the other routes.
DIALOGUE_THREADS = 8
_dialogue_pool: ThreadPoolExecutor | None = None
_dialogue_pool_lock = threading.Lock()


def dialogue_pool() -> ThreadPoolExecutor:
    """The process's dialogue threads (one pool, whatever the number of Services a test suite builds)."""
    global _dialogue_pool
    with _dialogue_pool_lock:
        if _dialogue_pool is None:
            _dialogue_pool = ThreadPoolExecutor(max_workers=DIALOGUE_THREADS, thread_name_prefix="dialogue")
        return _dialogue_pool


class Services:
    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.engine = engine
        self.registry = Registry(engine, build_walker(settings), short_forms=self._short_forms)

    def _short_forms(self) -> dict[str, str]:
        return {alias: place.name for place in self.gazetteer.places for alias in place.aliases if len(alias) <= 3}

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return default_gazetteer()

    @cached_property
    def geocoder(self) -> Geocoder:
        offline = GazetteerGeocoder(self.gazetteer)
        if not self.settings.geocoder_domain:
            return offline
        return ChainGeocoder(offline, GeopyGeocoder(domain=self.settings.geocoder_domain))

    @cached_property
    def planner(self) -> Planner:
        """Population, coverage and targets for health staff (geodata/planning.py)."""
        return Planner(self.engine, self.registry, self.gazetteer)

    @cached_property
    def library(self) -> Library:
        """The bundled articles with the sign-offs recorded when first used (the bot's messages read this; the
        pages and the CLI read the store's sign-offs afresh on every request)."""
        return reviewed_library(load_library(), self.engine)

    @cached_property
    def scrubber(self) -> Scrubber:
        """Makes a forget reach the disk (api/privacy.py)."""
        return Scrubber(self.engine)

    @cached_property
    def conversations(self) -> ConversationStore:
        return ScrubbedConversations(self.engine, scrubber=self.scrubber)

    @cached_property
    def stage_plan(self) -> GuidanceStagePlan:
        return GuidanceStagePlan(self.library)

    def article_link(self, slug: str, locale: str) -> str | None:
        """The public address of an article page, where the service has a public URL."""
        public = (self.settings.public_url or "").rstrip("/")
        return public + web_link(slug, locale) if public else None

    @cached_property
    def telegram_articles(self) -> TelegramArticles:
        link_for = (lambda slug, locale: self.article_link(slug, locale) or "") if self.settings.public_url else None
        return TelegramArticles(self.library, link_for)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.engine, self.stage_plan, forgetters=[self._forget_conversation])

    def _forget_conversation(self, recipient: Recipient) -> None:
        self.conversations.delete(recipient.session)

    @cached_property
    def dialogue(self) -> DialogueEngine:
        return DialogueEngine(
            registry=self.registry, conversations=self.conversations, gazetteer=self.gazetteer,
            geocoder=self.geocoder, library=self.library, subscriptions=self.subscriptions,
            deep_links=self.resolve_deep_link, web_url=self.settings.public_url or "",
            bot_username=self.settings.telegram_bot_username, wechat=bool(self.settings.wechat_token),
        )

    async def watch_registry(self, stop: asyncio.Event) -> None:
        """Keep the registry's snapshot current from a background thread until `stop` is set."""
        await asyncio.to_thread(self.registry.snapshot)  # the first build, off the event loop
        stop_watching = self.registry.watch()
        try:
            await stop.wait()
        finally:
            stop_watching()

    async def in_dialogue_pool(self, call: Callable[..., T], *args: object) -> T:
        """Runs a synchronous dialogue turn (engine and conversation store) off the event loop, on the dialogue
        threads."""
        return await asyncio.get_running_loop().run_in_executor(dialogue_pool(), call, *args)

    async def run_sender(self, stop: asyncio.Event) -> None:
        """The Telegram broadcast sender until `stop` is set (one per SQLite store; several may share PostgreSQL)."""
        token = self.settings.telegram_token
        if token is None:
            return

        @asynccontextmanager
        async def telegram() -> AsyncIterator[Channel]:
            async with TelegramTransport(token.get_secret_value(), self.settings.telegram_api_url) as transport:
                yield TelegramChannel(transport, self.telegram_articles, rate=self.settings.send_rate)

        await self._send_in_thread(telegram, stop)

    async def run_wechat_sender(self, stop: asyncio.Event) -> None:
        """The WeChat sender until `stop` is set; it needs the AppID and AppSecret."""
        if self.wechat_channel is None:
            return

        @asynccontextmanager
        async def wechat() -> AsyncIterator[Channel]:
            assert self.wechat_channel is not None
            yield self.wechat_channel

        await self._send_in_thread(wechat, stop)

    def senders(self) -> dict[str, Callable[[asyncio.Event], Coroutine[Any, Any, None]]]:
        """The senders of the configured channels, one each, by the name /readyz reports them under."""
        jobs: dict[str, Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = {}
        if self.settings.telegram_token is not None:
            jobs["sender"] = self.run_sender
        if self.wechat_channel is not None:
            jobs["wechat_sender"] = self.run_wechat_sender
        return jobs

    async def _send_in_thread(self, open_channel: Callable[[], AbstractAsyncContextManager[Channel]],
                              stop: asyncio.Event) -> None:
        """A channel's sender until `stop` is set. It runs on an event loop of its own, in its own thread: its store
        calls are synchronous and must never hold up the web requests or bot updates on the caller's loop."""
        stopping = threading.Event()

        async def send_until_stopped() -> None:
            inner = asyncio.Event()

            async def watch() -> None:
                while not stopping.is_set():
                    await asyncio.sleep(0.2)
                inner.set()

            watcher = asyncio.create_task(watch())
            async with open_channel() as channel:
                sender = Sender(self.engine, channel, rate=channel.rate, quiet_window=self.settings.quiet_window,
                                subscriptions=self.subscriptions)
                try:
                    await sender.run(inner)
                finally:
                    watcher.cancel()

        thread = asyncio.create_task(asyncio.to_thread(asyncio.run, send_until_stopped()))
        waiting = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({thread, waiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.set()
            waiting.cancel()
            await thread  # re-raises a failure of the sender

    # -- WeChat ----------------------------------------------------------------------------------------------
    def notice_link(self, broadcast_id: str) -> str | None:
        """The public page of a staff broadcast, which a WeChat template message links to."""
        public = (self.settings.public_url or "").rstrip("/")
        return f"{public}/notices/{broadcast_id}" if public else None

    @cached_property
    def wechat_api(self) -> WeChatApi | None:
        """WeChat's API, when the AppID and AppSecret are set."""
        settings = self.settings
        if not settings.wechat_app_id or settings.wechat_app_secret is None:
            return None
        return WeChatApi(self.engine, settings.wechat_app_id, settings.wechat_app_secret.get_secret_value(),
                         settings.wechat_api_url)

    @cached_property
    def wechat_users(self) -> WeChatUsers:
        return WeChatUsers(self.engine)

    @cached_property
    def wechat_channel(self) -> WeChatChannel | None:
        if self.settings.wechat_token is None or self.wechat_api is None:
            return None
        settings = self.settings
        templates = Templates(settings.wechat_template_id or None, settings.wechat_subscribe_template_id or None,
                              settings.wechat_fields)
        return WeChatChannel(self.wechat_api, self.wechat_users, WeChatArticles(self.library, self.article_link),
                             templates, self.notice_link, rate=settings.wechat_send_rate)

    @cached_property
    def wechat_endpoint(self) -> WeChatEndpoint | None:
        """The /wechat callback, when CARECIRCLE_WECHAT_TOKEN is set."""
        settings = self.settings
        if settings.wechat_token is None:
            return None
        return WeChatEndpoint(
            token=settings.wechat_token.get_secret_value(), engine=self.dialogue, inbound=InboundLog(self.engine),
            subscriptions=self.subscriptions, users=self.wechat_users, pusher=self.wechat_api,
            app_id=settings.wechat_app_id or "",
            aes_key=settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else None,
            budget=settings.wechat_reply_seconds)

    def resolve_deep_link(self, payload: str) -> Preset | None:
        """`c-<code>` is a community worker's share link: preset its target and count that it started the bot."""
        if code_of_payload(payload) is None:
            return default_deep_links(payload)
        link = count_bot_started(self.engine, code_of_payload(payload) or "")
        if link is None:
            return None
        if link.kind is LinkKind.community:
            return Preset(region_code=link.target if link.target.isdigit() else None, title=link.title)
        if link.kind is LinkKind.centre:
            return Preset(centre_id=link.target, title=link.title)
        return Preset(campaign=link.target, title=link.title)


@dataclass
class ScrubbedConversations(ConversationStore):
    """The conversation store whose deletes reach the disk. Deleting the conversation is the last step of every
    /forget (the dialogue engine deletes it after the subscriber and the cases' contact), so the scrub after it
    covers all that the forget deleted."""

    scrubber: Scrubber | None = None

    def delete(self, session: str) -> None:
        super().delete(session)
        if self.scrubber is not None:
            self.scrubber.scrub()


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    return Services(settings, engine or open_store(settings.database_url, settings.store_timeout_seconds))
