"""The one wiring place: settings in, services out. Every process (web, bot, CLI) builds them here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from api.db import open_store
from api.settings import Settings
from geodata.index import StraightLineWalker, Walker
from geodata.registry import Registry


@dataclass
class Services:
    settings: Settings
    engine: Engine
    registry: Registry


def build_walker(settings: Settings) -> Walker:
    if settings.streets_file:
        from geodata.streets import NetworkWalker, StreetNetwork

        return NetworkWalker(StreetNetwork.from_geojson(settings.streets_file), settings.walk_model)
    return StraightLineWalker(settings.walk_model)


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    engine = engine or open_store(settings.database_url)
    return Services(settings=settings, engine=engine, registry=Registry(engine, build_walker(settings)))
