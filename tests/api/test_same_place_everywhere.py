"""A place named in chat and on the web finder is the same search point, with the same centres for the same
filters: both read the name with the gazetteer (`Gazetteer.places_in`, then fuzzy matches), for every sample place."""

from __future__ import annotations

import csv
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine

from api.services import Services, build_services
from api.settings import Settings
from bot.replies import Message
from geodata.importer import read_registry_file
from tests.api.test_pages import centre_ids, make_app

DATA = Path(__file__).parents[2] / "geodata" / "data"


def sample_places() -> list[str]:
    """Every name in the sample gazetteer that names one place only (a shared name is asked about, not guessed)."""
    text = (DATA / "places.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    names = [row["name"] for row in csv.DictReader(lines)]
    return sorted({name for name in names if names.count(name) == 1})


@pytest.fixture
def services(sqlite_store: Engine) -> Services:
    services = build_services(Settings(database_url="sqlite://", rate_limit_per_minute=0), engine=sqlite_store)
    services.registry.save(read_registry_file(DATA / "sample_centres.csv", is_sample=True).accepted)
    return services


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(services, services.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"accept": "text/html"}) as c:
        yield c


def test_there_are_sample_places_to_check() -> None:
    assert len(sample_places()) >= 90


@pytest.mark.asyncio
async def test_chat_and_web_search_from_the_same_point_and_list_the_same_centres(
        services: Services, client: httpx.AsyncClient) -> None:
    checked = 0
    for number, place in enumerate(sample_places()):
        point = services.geocoder.geocode(place)[0]
        chat = services.dialogue.handle(f"web:{number}", Message(text=f"{place}附近有托育机构吗，包括非普惠的"))
        assert chat.intent == "find_centre", place
        page = await client.get("/", params={"place": place, "inclusive": "0"})
        assert page.status_code == 200, place
        named = re.search(r"按“([^”]+)”的位置查找", page.text)
        assert named is not None and named.group(1) == point.name, place
        assert f"按“{point.name}”的位置" in chat.text, place  # both name the point they searched from
        web = centre_ids(page.text)
        if chat.centres and "步行15分钟内共有" in chat.text:
            assert list(chat.centres) == web[:len(chat.centres)], place  # the same centres, nearest first
            checked += 1
    assert checked >= 20  # places with centres in their circle
