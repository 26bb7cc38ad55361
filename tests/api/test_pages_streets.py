"""The finder's map draws the streets around the circle from the loaded network (no tiles), and the circle and
the walks follow them."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.services import build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from tests.api.conftest import GOOD
from tests.geodata.factories import street_grid

HERE = (39.6, 109.76)


@pytest.mark.asyncio
async def test_the_finder_map_draws_the_streets_and_the_walks_follow_them(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    street_grid(*HERE, size=30, block_m=80).save(tmp_path / "streets.npz")
    settings = Settings(database_url="sqlite://", streets_file=str(tmp_path / "streets.npz"), rate_limit_per_minute=0)
    services = build_services(settings, engine=sqlite_store)
    services.registry.save(read_registry_file(GOOD).accepted)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = (await client.get("/", params={"lat": HERE[0], "lon": HERE[1]})).text
        streets = re.search(r'<path class="streets" d="([^"]+)"', page)
        assert streets is not None
        assert streets.group(1).count("M") > 100  # the grid's segments in view, each drawn once
        assert page.index('class="streets"') < page.index('class="walk-circle"')  # under the circle
        nearest = (await client.get("/api/centres/nearest", params={"lat": HERE[0], "lon": HERE[1]})).json()
    assert nearest["results"]
    # Along the grid a walk is at least the straight line at walking speed (no detour factor applies).
    assert all(r["walk_minutes"] >= r["distance_m"] / 75 - 0.01 for r in nearest["results"])


@pytest.mark.asyncio
async def test_without_streets_the_map_draws_none(client: httpx.AsyncClient) -> None:
    page = (await client.get("/", params={"lat": HERE[0], "lon": HERE[1]})).text
    assert 'class="walk-circle"' in page and 'class="streets"' not in page
