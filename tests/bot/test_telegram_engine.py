"""The adapter with the real dialogue engine, wired by api.services, on a small registry: a location shared in
Telegram is answered with the right centres of the 15-minute circle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from api.services import Services, build_services
from api.settings import Settings
from bot.telegram import build_application, running
from tests.fakes.telegram import FakeBotApi, location_update
from tests.geodata.factories import BEIJING, centre_at


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    wired = build_services(Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}"))
    wired.registry.save([
        centre_at(*BEIJING, bearing_deg=90, distance_m=300, name="东边三百米托育园", inclusive=True),
        centre_at(*BEIJING, bearing_deg=180, distance_m=700, name="南边七百米托育园", inclusive=True),
        centre_at(*BEIJING, bearing_deg=0, distance_m=2500, name="北边两公里半托育园", inclusive=True),
    ])
    yield wired
    wired.engine.dispose()


@pytest.mark.asyncio
async def test_a_location_is_answered_with_the_centres_of_the_circle(fake: FakeBotApi, services: Services) -> None:
    application = build_application(fake.token, services.dialogue, base_url=fake.base_url)
    async with running(application, poll_timeout=timedelta(seconds=1)):
        fake.push_update(location_update(42, *BEIJING))
        await fake.until(lambda: fake.delivered(42))
    answer = "\n".join(fake.delivered(42))
    assert "东边三百米托育园" in answer
    assert "南边七百米托育园" in answer
    assert answer.index("东边三百米托育园") < answer.index("南边七百米托育园")  # nearest first
    assert "北边两公里半托育园" not in answer  # a 2.5 km walk is outside the circle
