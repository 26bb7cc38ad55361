"""`carecircle serve` with a token: the web app, the bot and the sender run in one process.

Against the fake Bot API on loopback: a chat subscribes through the bot, a staff broadcast goes out through the
sender, and a location is answered with the right centres.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.auth import create_token
from api.services import Services, build_services
from api.settings import Settings
from geodata.importer import read_registry_file
from tests.fakes.server import served_in_thread
from tests.fakes.telegram import FakeBotApi, callback_update, location_update, message_update

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def served(fake: FakeBotApi, tmp_path) -> Iterator[tuple[str, Services]]:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'serve.db'}", telegram_token=fake.token,
                        telegram_api_url=fake.base_url, quiet_hours="", send_rate=100)
    services = build_services(settings)
    services.registry.save(read_registry_file(GOOD).accepted)
    with served_in_thread(create_app(settings, services)) as base:
        yield base, services
    services.engine.dispose()


def test_bot_and_sender_run_inside_serve(fake: FakeBotApi, served: tuple[str, Services]) -> None:
    base, services = served
    fake.wait_for(lambda: "setMyCommands" in fake.methods())

    fake.push_update(location_update(501, 39.6, 109.76))
    fake.wait_for(lambda: bool(fake.delivered(501)))
    assert "测试托育园" in fake.delivered(501)[0]

    fake.push_update(message_update(502, "/subscribe 2026-06-01"))  # consent first
    fake.wait_for(lambda: len(fake.delivered(502)) >= 1)
    fake.push_update(callback_update(502, "subyes:"))  # subscribed; the county is asked after, and optional
    fake.wait_for(lambda: len(fake.delivered(502)) >= 2)
    fake.push_update(message_update(502, "伊金霍洛旗"))
    fake.wait_for(lambda: getattr(services.subscriptions.get(502), "region_code", None) is not None)
    subscriber = services.subscriptions.get(502)
    assert subscriber is not None and (subscriber.birth_date.isoformat(), subscriber.region_code) == (
        "2026-06-01", "150627")

    token = create_token(services.engine, "王医生", "health_staff")
    headers = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{base}/api/admin/broadcasts", headers=headers, timeout=10,
                         json={"text": "流感季节，请注意给宝宝勤洗手。", "segment": {"regions": ["150627"]}})
    assert created.status_code == 201 and created.json()["recipients"] == 1
    broadcast = created.json()["id"]
    assert httpx.post(f"{base}/api/admin/broadcasts/{broadcast}/send", headers=headers, timeout=10).status_code == 202
    fake.wait_for(lambda: any("流感季节" in t for t in fake.delivered(502)), timeout=15)
    report = httpx.get(f"{base}/api/admin/broadcasts/{broadcast}", headers=headers, timeout=10).json()
    assert (report["sent"], report["failed"], report["blocked"]) == (1, 0, 0)
