"""The one wiring place: settings in, services out. Every process (web, bot, CLI) builds them here.

Heavier services (the gazetteer, the guidance library, the dialogue engine) are built on first use, so a command
that does not need them does not pay for them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TypeVar

from sqlalchemy import Engine

from api.db import open_store
from api.settings import Settings
from api.sharelinks import LinkKind, code_of_payload, count_bot_started
from bot.conversations import ConversationStore
from bot.engine import Engine as DialogueEngine
from bot.engine import Preset, default_deep_links
from bot.sender import Sender, TelegramTransport
from bot.subscriptions import GuidanceStagePlan, Subscriptions
from content.guidance.library import Library, load_library
from content.guidance.render import web_link
from geodata.gazetteer import Gazetteer, default_gazetteer
from geodata.geocode import ChainGeocoder, GazetteerGeocoder, Geocoder, GeopyGeocoder
from geodata.index import StraightLineWalker, Walker
from geodata.registry import Registry


def build_walker(settings: Settings) -> Walker:
    if settings.streets_file:
        from geodata.streets import NetworkWalker, StreetNetwork

        return NetworkWalker(StreetNetwork.from_geojson(settings.streets_file), settings.walk_model)
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
    def library(self) -> Library:
        return load_library()

    @cached_property
    def conversations(self) -> ConversationStore:
        return ConversationStore(self.engine)

    @cached_property
    def stage_plan(self) -> GuidanceStagePlan:
        public = (self.settings.public_url or "").rstrip("/")
        link_for = (lambda slug, locale: public + web_link(slug, locale)) if public else None
        return GuidanceStagePlan(self.library, link_for)

    @cached_property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.engine, self.stage_plan)

    @cached_property
    def dialogue(self) -> DialogueEngine:
        return DialogueEngine(
            registry=self.registry, conversations=self.conversations, gazetteer=self.gazetteer,
            geocoder=self.geocoder, library=self.library, subscriptions=self.subscriptions,
            deep_links=self.resolve_deep_link, web_url=self.settings.public_url or "",
            bot_username=self.settings.telegram_bot_username,
        )

    async def in_dialogue_pool(self, call: Callable[..., T], *args: object) -> T:
        """Runs a synchronous dialogue turn (engine and conversation store) off the event loop, on the dialogue
        threads."""
        return await asyncio.get_running_loop().run_in_executor(dialogue_pool(), call, *args)

    async def run_sender(self, stop: asyncio.Event) -> None:
        """The broadcast sender until `stop` is set (one per SQLite store; several may share PostgreSQL).

        It runs on an event loop of its own, in its own thread: its store calls are synchronous and must never
        hold up the web requests or bot updates on the caller's loop."""
        token = self.settings.telegram_token
        if token is None:
            return
        stopping = threading.Event()

        async def send_until_stopped() -> None:
            inner = asyncio.Event()

            async def watch() -> None:
                while not stopping.is_set():
                    await asyncio.sleep(0.2)
                inner.set()

            watcher = asyncio.create_task(watch())
            async with TelegramTransport(token.get_secret_value(), self.settings.telegram_api_url) as transport:
                sender = Sender(self.engine, transport, self.stage_plan, rate=self.settings.send_rate,
                                quiet_window=self.settings.quiet_window, subscriptions=self.subscriptions)
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


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    return Services(settings, engine or open_store(settings.database_url, settings.store_timeout_seconds))
