"""An ASGI client on the whole app, with the small test registry loaded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from api.app import create_app
from api.services import build_services
from api.settings import Settings
from geodata.importer import read_registry_file

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


@pytest_asyncio.fixture
async def client(sqlite_store) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url="sqlite://")
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(GOOD).accepted)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
