"""The one wiring place: settings in, services out. Every process (web, bot, CLI) builds them here.

Heavier services (the gazetteer, the guidance library, the dialogue engine) are built on first use, so a command
that does not need them does not pay for them.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Engine, select, update

from api.db import open_store
from api.settings import Settings
from api.store import share_links
from bot.conversations import ConversationStore
from bot.engine import Engine as DialogueEngine
from bot.engine import Preset, default_deep_links
from content.guidance.library import Library, load_library
from geodata.gazetteer import Gazetteer, default_gazetteer
from geodata.geocode import ChainGeocoder, GazetteerGeocoder, Geocoder, GeopyGeocoder
from geodata.index import StraightLineWalker, Walker
from geodata.registry import Registry


def build_walker(settings: Settings) -> Walker:
    if settings.streets_file:
        from geodata.streets import NetworkWalker, StreetNetwork

        return NetworkWalker(StreetNetwork.from_geojson(settings.streets_file), settings.walk_model)
    return StraightLineWalker(settings.walk_model)


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
    def dialogue(self) -> DialogueEngine:
        return DialogueEngine(
            registry=self.registry, conversations=self.conversations, gazetteer=self.gazetteer,
            geocoder=self.geocoder, library=self.library, deep_links=self.resolve_deep_link,
            web_url=self.settings.public_url or "", bot_username=self.settings.telegram_bot_username,
        )

    def resolve_deep_link(self, payload: str) -> Preset | None:
        """`c-<code>` is a community worker's share link: preset its target and count that it started the bot."""
        if not payload.startswith("c-"):
            return default_deep_links(payload)
        code = payload[2:]
        with self.engine.begin() as conn:
            row = conn.execute(select(share_links).where(share_links.c.code == code)).first()
            if row is None:
                return None
            conn.execute(update(share_links).where(share_links.c.code == code)
                         .values(bot_started=share_links.c.bot_started + 1))
        kind, target, title = row.kind, row.target, row.title
        if kind == "community":
            return Preset(region_code=target if target.isdigit() else None, title=title)
        if kind == "centre":
            return Preset(centre_id=target, title=title)
        return Preset(campaign=target, title=title)


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    return Services(settings, engine or open_store(settings.database_url))
