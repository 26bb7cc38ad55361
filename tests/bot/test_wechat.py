"""The WeChat callback, driven over ASGI with signed XML (plain and safe mode) against the fake WeChat API: the
contract's /wechat behaviour, and a parent's conversation end to end on the real engine."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, select

from api.app import create_app
from api.services import Services, build_services
from api.settings import Settings
from bot.wechat import HOLDING, WeChatEndpoint, menu, menu_problems
from common import Recipient
from geodata.crs import from_wgs84
from geodata.importer import read_registry_file
from messaging.store import subscribers
from tests.fakes.wechat import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    FakeWeChatApi,
    event_xml,
    location_xml,
    reply_text,
    signed,
    text_xml,
    voice_xml,
)

GOOD = Path(__file__).parents[1] / "data" / "registry_good.csv"
PUBLIC = "https://cc.example.org"
NEAR_T001 = (39.6015, 109.7612)  # WGS-84, a few dozen metres from T-001 and T-002


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    server = FakeWeChatApi().start()
    yield server
    server.stop()


def wechat_settings(database_url: str, fake: FakeWeChatApi, **extra: Any) -> Settings:
    return Settings(database_url=database_url, wechat_token=TOKEN, wechat_app_id=APP_ID,  # type: ignore[arg-type]
                    wechat_app_secret=APP_SECRET, wechat_api_url=fake.base_url, public_url=PUBLIC, **extra)


@pytest.fixture
def services(sqlite_store: Engine, fake: FakeWeChatApi) -> Services:
    wired = build_services(wechat_settings("sqlite://", fake, wechat_aes_key=AES_KEY), engine=sqlite_store)
    wired.registry.save(read_registry_file(GOOD).accepted)
    return wired


@pytest_asyncio.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(services.settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


class Parent:
    """One WeChat user posting to the callback the way WeChat does, reading the passive replies."""

    def __init__(self, client: httpx.AsyncClient, openid: str, aes: bool = False) -> None:
        self.client = client
        self.openid = openid
        self.aes_key = AES_KEY if aes else None

    async def post(self, xml: str) -> httpx.Response:
        request = signed(xml, aes_key=self.aes_key)
        return await self.client.post(f"/wechat?{request.query}", content=request.body)

    async def send(self, xml: str) -> str | None:
        response = await self.post(xml)
        assert response.status_code == 200, response.text
        return reply_text(response.text, aes_key=self.aes_key)

    async def say(self, text: str) -> str:
        answer = await self.send(text_xml(self.openid, text))
        assert answer is not None
        return answer

    async def location(self, lat: float, lon: float) -> str:
        gcj = from_wgs84(lat, lon, "gcj02")  # WeChat sends GCJ-02
        answer = await self.send(location_xml(self.openid, *gcj))
        assert answer is not None
        return answer


def endpoint(services: Services) -> WeChatEndpoint:
    assert services.wechat_endpoint is not None
    return services.wechat_endpoint


# -- the contract's /wechat ----------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_url_verification_echoes_only_with_the_right_signature(client: httpx.AsyncClient) -> None:
    good = signed("")
    answer = await client.get(f"/wechat?{good.query}&echostr=hello123")
    assert (answer.status_code, answer.text) == (200, "hello123")
    assert answer.headers["content-type"].startswith("text/plain")
    bad = signed("", bad_signature=True)
    assert (await client.get(f"/wechat?{bad.query}&echostr=hello123")).status_code == 403


@pytest.mark.asyncio
@pytest.mark.parametrize("aes", [False, True])
async def test_a_bad_signature_gets_403_and_unreadable_xml_400(client: httpx.AsyncClient, aes: bool) -> None:
    key = AES_KEY if aes else None
    bad = signed(text_xml("o-1", "你好"), aes_key=key, bad_signature=True)
    assert (await client.post(f"/wechat?{bad.query}", content=bad.body)).status_code == 403
    for body in ("<xml><Content>没有类型", "not xml at all", "<xml><MsgType>text</MsgType></xml>"):
        request = signed(body, aes_key=key)
        assert (await client.post(f"/wechat?{request.query}", content=request.body)).status_code == 400


@pytest.mark.asyncio
async def test_a_tampered_encrypted_message_gets_403(client: httpx.AsyncClient) -> None:
    request = signed(text_xml("o-1", "你好"), aes_key=AES_KEY)
    query = request.query.replace("msg_signature=", "msg_signature=0")
    assert (await client.post(f"/wechat?{query}", content=request.body)).status_code == 403


@pytest.mark.asyncio
@pytest.mark.parametrize("aes", [False, True])
async def test_text_gets_a_passive_reply_in_plain_and_safe_mode(client: httpx.AsyncClient, aes: bool) -> None:
    parent = Parent(client, "o-plain" if not aes else "o-aes", aes=aes)
    response = await parent.post(text_xml(parent.openid, "阿勒腾席热镇附近有普惠托育吗"))
    assert response.headers["content-type"].startswith("application/xml")
    assert ("<Encrypt>" in response.text) is aes
    answer = reply_text(response.text, aes_key=parent.aes_key)
    assert answer is not None and "测试托育园" in answer
    assert "<" not in answer  # plain text: no HTML


@pytest.mark.asyncio
async def test_a_retried_message_or_event_is_answered_once(client: httpx.AsyncClient, services: Services,
                                                           fake: FakeWeChatApi) -> None:
    parent = Parent(client, "o-retry")
    seen: list[str] = []
    handle = services.dialogue.handle
    services.dialogue.handle = lambda session, message: seen.append(session) or handle(session, message)  # type: ignore[method-assign]
    message = text_xml(parent.openid, "产假多少天", msg_id=987654321)
    first = await parent.send(message)
    again = [await parent.send(message) for _ in range(3)]  # WeChat retries up to three times
    assert len(seen) == 1
    assert all(answer in (first, None) for answer in again)  # the same reply, or "success": never a second answer
    follow = event_xml(parent.openid, "subscribe", create_time=1_700_000_000)
    await parent.send(follow)
    await parent.send(follow)
    assert len(seen) == 2
    await endpoint(services).drain()
    assert fake.delivered(parent.openid) == []  # nothing went twice as a customer-service message either


@pytest.mark.asyncio
async def test_a_slow_engine_still_gets_a_reply_in_time_and_the_answer_follows(
        client: httpx.AsyncClient, services: Services, fake: FakeWeChatApi) -> None:
    endpoint(services).budget = 0.3
    release = threading.Event()
    handle = services.dialogue.handle

    def slow(session: str, message: Any) -> Any:
        release.wait(10)
        return handle(session, message)

    services.dialogue.handle = slow  # type: ignore[method-assign]
    parent = Parent(client, "o-slow")
    assert await parent.say("阿勒腾席热镇附近有普惠托育吗") == HOLDING
    release.set()
    await endpoint(services).drain()
    (late,) = fake.texts(parent.openid)
    assert "测试托育园" in late  # the answer, as a customer-service message


@pytest.mark.asyncio
async def test_a_slow_store_still_gets_a_reply_in_time(client: httpx.AsyncClient, services: Services,
                                                       fake: FakeWeChatApi) -> None:
    wechat = endpoint(services)
    wechat.budget = 0.3
    release = threading.Event()
    claim = wechat.inbound.claim

    def slow_claim(key: str) -> Any:
        release.wait(10)
        return claim(key)

    wechat.inbound.claim = slow_claim  # type: ignore[method-assign]
    parent = Parent(client, "o-slowstore")
    assert await parent.say("你好") == HOLDING
    release.set()
    await wechat.drain()
    assert len(fake.texts(parent.openid)) == 1


# -- a parent, end to end ------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_find_by_text_and_location_check_leave_subscribe_and_stage_messages(
        client: httpx.AsyncClient, services: Services, fake: FakeWeChatApi) -> None:
    parent = Parent(client, "o-mum")
    by_text = await parent.say("阿勒腾席热镇附近有普惠托育吗")
    assert "测试托育园" in by_text
    by_location = await parent.location(*NEAR_T001)
    assert by_location.index("测试托育园") < by_location.index("萌宝驿站")  # nearest first, converted from GCJ-02
    assert "暂停托育中心" not in by_location  # only active centres
    check = await parent.say("测试托育园备案了吗")
    assert "T-001" in check or "备案" in check
    await parent.say("内蒙古产假多少天")  # asks for the birth date
    leave = await parent.say("2026-01-10")
    assert "158" in leave
    consent = await parent.say("我想订阅育儿提醒")
    assert "回复 1" in consent  # the consent buttons, as numbered choices
    done = await parent.say("同意")  # typed consent; the date and region come from the leave question
    assert "订阅成功" in done
    subscriber = services.subscriptions.get(Recipient("wechat", "o-mum"))
    assert subscriber is not None and subscriber.status == "active"
    assert str(subscriber.birth_date) == "2026-01-10"
    # The stage message goes out through the outbox and the WeChat sender, inside the 48-hour window.
    from messaging.sender import Sender

    assert services.wechat_channel is not None
    before = len(fake.delivered("o-mum"))  # long answers' later parts went as customer-service messages
    await Sender(services.engine, services.wechat_channel, rate=None).run_once()
    parts = fake.delivered("o-mum")[before:]  # one stage message, in as many parts as WeChat's limit needs
    assert parts and all(p.endpoint == "message/custom/send" for p in parts)
    assert "【育儿指导】" in parts[0].text and any(PUBLIC in p.text for p in parts)


@pytest.mark.asyncio
async def test_numbered_choices_map_back_to_the_buttons(client: httpx.AsyncClient) -> None:
    parent = Parent(client, "o-choices")
    consent = await parent.say("订阅")
    assert "回复 1" in consent and "回复 2" in consent
    answer = await parent.say("1")  # the first button: consent given
    assert "日期" in answer or "预产期" in answer


@pytest.mark.asyncio
async def test_voice_is_read_through_its_recognition(client: httpx.AsyncClient) -> None:
    parent = Parent(client, "o-voice")
    answer = await parent.send(voice_xml(parent.openid, "阿勒腾席热镇附近有普惠托育吗"))
    assert answer is not None and "测试托育园" in answer


@pytest.mark.asyncio
async def test_a_share_link_qr_presets_its_centre_and_counts(client: httpx.AsyncClient, services: Services) -> None:
    from api.sharelinks import create_link, get_link

    link = create_link(services.engine, "centre", "T-001", "wang", title="测试托育园海报")
    newcomer = Parent(client, "o-new")
    welcome = await newcomer.send(event_xml(newcomer.openid, "subscribe", key=f"qrscene_{link.payload}"))
    assert welcome is not None and "测试托育园" in welcome
    follower = Parent(client, "o-old")
    scanned = await follower.send(event_xml(follower.openid, "SCAN", key=link.payload))
    assert scanned is not None and "测试托育园" in scanned
    found = get_link(services.engine, link.code)
    assert found is not None and found.bot_started == 2


@pytest.mark.asyncio
async def test_unsubscribe_stops_everything(client: httpx.AsyncClient, services: Services,
                                            fake: FakeWeChatApi) -> None:
    parent = Parent(client, "o-leaving")
    services.subscriptions.subscribe(Recipient("wechat", "o-leaving"), date(2026, 1, 10), "150627", "zh",
                                     datetime.now(UTC))
    assert await parent.send(event_xml(parent.openid, "unsubscribe")) is None  # "success": nobody to answer
    subscriber = services.subscriptions.get(Recipient("wechat", "o-leaving"))
    assert subscriber is not None and subscriber.status == "stopped"
    from messaging.outbox import Broadcasts, Segment
    from messaging.sender import Sender

    broadcasts = Broadcasts(services.engine)
    broadcasts.send(broadcasts.create("流感疫苗开始接种", Segment(), "wang"))
    assert services.wechat_channel is not None
    await Sender(services.engine, services.wechat_channel, rate=None).run_once()
    assert fake.delivered("o-leaving") == []


@pytest.mark.asyncio
async def test_stop_and_forget_words_behave_as_the_commands(client: httpx.AsyncClient, services: Services) -> None:
    import datetime as dt

    parent = Parent(client, "o-words")
    who = Recipient("wechat", "o-words")
    services.subscriptions.subscribe(who, dt.date(2026, 1, 10), "150627", "zh", dt.datetime.now(dt.UTC))
    await parent.say("退订")
    assert services.subscriptions.get(who).status == "stopped"  # type: ignore[union-attr]
    await parent.say("删除我的数据")
    assert services.subscriptions.get(who) is None
    with services.engine.connect() as conn:
        assert conn.execute(select(subscribers.c.id).where(subscribers.c.user_id == "o-words")).first() is None
    assert services.conversations.load(who.session).choices == []


def test_the_menu_fits_wechat_and_every_click_reaches_the_engine() -> None:
    from bot import buttons
    from bot.engine import FLOWS

    spec = menu(PUBLIC)
    assert menu_problems(spec) == [] and len(spec["button"]) == 3
    names = [sub["name"] for top in spec["button"] for sub in top["sub_button"]]
    for wanted in ("附近的托育机构", "查备案", "产假与陪产假", "育儿指导", "订阅月龄提醒"):
        assert wanted in names
    for top in spec["button"]:
        for sub in top["sub_button"]:
            if sub["type"] != "click":
                continue
            key = sub["key"]
            decoded = buttons.decode(key)
            assert key.startswith("cmd:") or (isinstance(decoded, buttons.Menu) and decoded.intent in FLOWS)


def test_the_menu_command_installs_it(fake: FakeWeChatApi, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from api.cli.common import reset

    reset()
    env = {"CARECIRCLE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "CARECIRCLE_WECHAT_TOKEN": TOKEN,
           "CARECIRCLE_WECHAT_APP_ID": APP_ID, "CARECIRCLE_WECHAT_APP_SECRET": APP_SECRET,
           "CARECIRCLE_WECHAT_API_URL": fake.base_url}
    try:
        result = CliRunner(env=env).invoke(app, ["wechat", "menu", "--json"], catch_exceptions=False)
    finally:
        reset()
    assert result.exit_code == 0, result.output
    (call,) = fake.calls_to("menu/create")
    assert [top["name"] for top in call.body["button"]] == ["找托育", "育儿", "产假·更多"]


def test_the_channel_runs_only_with_a_token(sqlite_store: Engine) -> None:
    services = build_services(Settings(database_url="sqlite://"), engine=sqlite_store)
    assert services.wechat_endpoint is None and services.wechat_channel is None


@pytest.mark.asyncio
async def test_without_the_channel_the_callback_is_404(sqlite_store: Engine) -> None:
    settings = Settings(database_url="sqlite://")
    transport = httpx.ASGITransport(app=create_app(settings, build_services(settings, engine=sqlite_store)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        assert (await c.get("/wechat?signature=x&timestamp=1&nonce=2&echostr=3")).status_code == 404


@pytest.mark.asyncio
async def test_share_pages_offer_the_permanent_wechat_qr(client: httpx.AsyncClient, services: Services,
                                                         fake: FakeWeChatApi) -> None:
    from api.sharelinks import create_link

    link = create_link(services.engine, "campaign", "/leave", "wang", title="产假早知道")
    poster = await client.get(f"/s/{link.code}/poster")
    assert f"/s/{link.code}/wechat-qr.svg" in poster.text
    image = await client.get(f"/s/{link.code}/wechat-qr.svg")
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg")
    await client.get(f"/s/{link.code}")
    (created,) = fake.calls_to("qrcode/create")  # made once, then kept
    assert created.body["action_name"] == "QR_LIMIT_STR_SCENE"
    assert created.body["action_info"]["scene"]["scene_str"] == link.payload


async def _wait(predicate: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")
