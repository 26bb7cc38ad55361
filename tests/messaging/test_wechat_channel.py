"""The WeChat channel against the fake WeChat API (wechatpy's real HTTP client): the shared access token, the
48-hour window and the template path, the error codes, and staff broadcasts on both channels exactly once."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from common import Recipient
from messaging.outbox import Broadcasts, Segment
from messaging.sender import Sender
from messaging.store import outbox, subscribers
from messaging.subscriptions import Subscriptions
from messaging.telegram import TelegramChannel, TelegramTransport
from messaging.wechat import Templates, WeChatApi, WeChatArticles, WeChatChannel, WeChatUsers
from tests.fakes.telegram import FakeBotApi
from tests.fakes.wechat import APP_ID, APP_SECRET, FakeWeChatApi
from tests.messaging.test_subscriptions import FakePlan

TEMPLATE, SUBSCRIPTION = "TPL-guidance", "SUB-guidance"
BOTH = Templates(TEMPLATE, SUBSCRIPTION)


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    server = FakeWeChatApi().start()
    yield server
    server.stop()


class Articles(WeChatArticles):
    """Stage items without the guidance library: title, summary and link made up from the slug."""

    def __init__(self) -> None:
        pass

    def article(self, slug: str, language: str) -> tuple[str, str, str | None]:
        return f"【育儿指导】{slug}", f"标题 {slug}", f"https://cc.example.org/guidance/{slug}"


def channel(engine: Engine, fake: FakeWeChatApi, templates: Templates = BOTH,
            api: WeChatApi | None = None) -> WeChatChannel:
    api = api or WeChatApi(engine, APP_ID, APP_SECRET, fake.base_url)
    return WeChatChannel(api, WeChatUsers(engine), Articles(), templates,
                         lambda broadcast_id: f"https://cc.example.org/notices/{broadcast_id}", rate=None)


def wechat_families(engine: Engine, openids: list[str], in_window: bool = True) -> None:
    subs = Subscriptions(engine, FakePlan())
    users = WeChatUsers(engine)
    for openid in openids:
        subs.subscribe(Recipient("wechat", openid), date(2025, 1, 1), "150627", "zh", datetime.now(UTC))
        if in_window:
            users.seen(openid)
    with engine.begin() as conn:  # only the broadcasts, not the stage items, in these tests
        conn.execute(outbox.delete())


def broadcast(engine: Engine, text: str = "流感疫苗开始接种") -> str:
    broadcasts = Broadcasts(engine)
    return broadcasts.send(broadcasts.create(text, Segment(), "wang")).id


async def drain(sender: Sender) -> int:
    handled = 0
    while n := await sender.run_once():
        handled += n
    return handled


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(subscribers.c.user_id, outbox.c.status).join(outbox)).all()
    return {user: status for user, status in rows}


# -- the access token -----------------------------------------------------------------------------------------


def test_one_token_is_fetched_once_and_shared(store: Engine, fake: FakeWeChatApi) -> None:
    fake.token_delay = 0.3  # overlapping fetches would both be in flight
    first, second = WeChatApi(store, APP_ID, APP_SECRET, fake.base_url), WeChatApi(store, APP_ID, APP_SECRET,
                                                                                 fake.base_url)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda api=api: tokens.append(api.tokens.current()))
               for api in (first, second) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1 and len(fake.calls_to("token")) == 1
    assert first.tokens.fetched() == 1


def test_a_token_is_refreshed_before_it_expires(sqlite_store: Engine, fake: FakeWeChatApi) -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    api = WeChatApi(sqlite_store, APP_ID, APP_SECRET, fake.base_url, clock=lambda: now[0])
    token = api.tokens.current()
    now[0] += timedelta(seconds=7200 - 600)
    assert api.tokens.current() == token  # ten minutes left: still good
    now[0] += timedelta(seconds=400)
    assert api.tokens.current() != token  # under five minutes left: a new one, before WeChat refuses the old
    assert len(fake.calls_to("token")) == 2


def test_a_refused_token_is_refreshed_and_the_call_tried_once_more(sqlite_store: Engine,
                                                                    fake: FakeWeChatApi) -> None:
    api = WeChatApi(sqlite_store, APP_ID, APP_SECRET, fake.base_url)
    api.send_text("o-1", "你好")
    fake.expire_tokens()
    api.send_text("o-1", "再来")
    assert [c.errcode for c in fake.calls_to("message/custom/send")] == [0, 42001, 0]
    assert len(fake.calls_to("token")) == 2


# -- the window, templates and error codes --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_inside_the_window_customer_service_outside_a_template_with_the_link(
        sqlite_store: Engine, fake: FakeWeChatApi) -> None:
    wechat_families(sqlite_store, ["o-in"])
    wechat_families(sqlite_store, ["o-out"], in_window=False)
    broadcast_id = broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None))
    (inside,) = fake.delivered("o-in")
    assert inside.endpoint == "message/custom/send" and "流感疫苗开始接种" in inside.text and "退订" in inside.text
    (outside,) = fake.delivered("o-out")
    assert outside.endpoint == "message/template/send" and outside.body["template_id"] == TEMPLATE
    assert outside.body["url"] == f"https://cc.example.org/notices/{broadcast_id}"
    assert outside.text.startswith("流感疫苗")
    assert Broadcasts(sqlite_store).report(broadcast_id).sent == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("errcode", [45015, 45047])
async def test_window_errors_switch_to_the_template_path(sqlite_store: Engine, fake: FakeWeChatApi,
                                                         errcode: int) -> None:
    wechat_families(sqlite_store, ["o-1"])
    fake.fail_next("o-1", errcode)
    broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None))
    assert [c.endpoint for c in fake.delivered("o-1")] == ["message/template/send"]
    assert statuses(sqlite_store) == {"o-1": "sent"}


@pytest.mark.asyncio
async def test_43101_marks_the_template_unusable_for_that_user_only(sqlite_store: Engine,
                                                                    fake: FakeWeChatApi) -> None:
    wechat_families(sqlite_store, ["o-refuses", "o-fine"], in_window=False)
    fake.refused.add(("o-refuses", TEMPLATE))
    broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None))
    assert [c.endpoint for c in fake.delivered("o-refuses")] == ["message/subscribe/bizsend"]
    assert [c.endpoint for c in fake.delivered("o-fine")] == ["message/template/send"]
    assert WeChatUsers(sqlite_store).refused("o-refuses") == {TEMPLATE}
    subs = Subscriptions(sqlite_store, FakePlan())
    assert subs.get(Recipient("wechat", "o-refuses")).status == "active"  # type: ignore[union-attr]
    broadcast(sqlite_store, "第二条通知")  # the refused template is not tried again
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None))
    tried = [c for c in fake.calls_to("message/template/send") if c.touser == "o-refuses"]
    assert len(tried) == 1


@pytest.mark.asyncio
async def test_without_templates_outside_the_window_the_row_fails_cleanly(sqlite_store: Engine,
                                                                          fake: FakeWeChatApi) -> None:
    wechat_families(sqlite_store, ["o-away"], in_window=False)
    broadcast_id = broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake, Templates()), rate=None))
    assert fake.delivered("o-away") == []
    report = Broadcasts(sqlite_store).report(broadcast_id)
    assert (report.failed, report.status) == (1, "done")
    with sqlite_store.connect() as conn:
        assert "none is configured" in conn.execute(select(outbox.c.last_error)).scalar_one()


@pytest.mark.asyncio
async def test_43004_blocks_the_user(sqlite_store: Engine, fake: FakeWeChatApi) -> None:
    wechat_families(sqlite_store, ["o-gone", "o-here"])
    fake.unfollowed.add("o-gone")
    broadcast_id = broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None))
    subs = Subscriptions(sqlite_store, FakePlan())
    assert subs.get(Recipient("wechat", "o-gone")).status == "blocked"  # type: ignore[union-attr]
    assert subs.get(Recipient("wechat", "o-here")).status == "active"  # type: ignore[union-attr]
    report = Broadcasts(sqlite_store).report(broadcast_id)
    assert (report.sent, report.blocked) == (1, 1)


@pytest.mark.asyncio
async def test_45009_pauses_the_channel_and_loses_nothing(sqlite_store: Engine, fake: FakeWeChatApi) -> None:
    wechat_families(sqlite_store, [f"o-{i}" for i in range(5)])
    fake.fail_next("message/custom/send", 45009)
    broadcast_id = broadcast(sqlite_store)
    sender = Sender(sqlite_store, channel(sqlite_store, fake), rate=None, concurrency=1)
    await drain(sender)
    assert len(fake.delivered()) == 0  # the quota is spent: nothing more is tried for now
    with sqlite_store.connect() as conn:
        waiting = conn.execute(select(outbox.c.not_before).where(outbox.c.status == "queued")).scalars().all()
    assert len(waiting) == 5
    with sqlite_store.begin() as conn:  # an hour later
        conn.execute(outbox.update().values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
    sender.limiter.paused_until = 0.0
    await drain(sender)
    assert Counter(c.touser for c in fake.delivered()) == {f"o-{i}": 1 for i in range(5)}
    assert Broadcasts(sqlite_store).report(broadcast_id).sent == 5


@pytest.mark.asyncio
async def test_a_token_expiring_mid_broadcast_loses_nothing(sqlite_store: Engine, fake: FakeWeChatApi) -> None:
    openids = [f"o-{i:03d}" for i in range(60)]
    wechat_families(sqlite_store, openids)
    fake.expire_tokens(after_sends=25)
    broadcast_id = broadcast(sqlite_store)
    await drain(Sender(sqlite_store, channel(sqlite_store, fake), rate=None, concurrency=8))
    assert Counter(c.touser for c in fake.delivered()) == dict.fromkeys(openids, 1)
    assert len(fake.calls_to("token")) == 2  # refreshed once, not once per send in flight
    report = Broadcasts(sqlite_store).report(broadcast_id)
    assert (report.sent, report.failed) == (60, 0)


@pytest.mark.asyncio
async def test_a_broadcast_reaches_every_member_on_both_channels_exactly_once(store: Engine,
                                                                              fake: FakeWeChatApi) -> None:
    telegram_chats = list(range(5000, 5040))
    subs = Subscriptions(store, FakePlan())
    for chat in telegram_chats:
        subs.subscribe(chat, date(2025, 1, 1), "150627", "zh", datetime.now(UTC))
    openids = [f"o-{i:03d}" for i in range(40)]
    wechat_families(store, openids[:30])
    wechat_families(store, openids[30:], in_window=False)
    subs.subscribe(Recipient("wechat", "o-elsewhere"), date(2025, 1, 1), "140800", "zh", datetime.now(UTC))
    with store.begin() as conn:
        conn.execute(outbox.delete())
    broadcasts = Broadcasts(store)
    broadcast_id = broadcasts.send(broadcasts.create("流感疫苗开始接种", Segment(regions=("150627",)), "wang")).id
    bot_api = FakeBotApi().start()
    try:
        async with TelegramTransport(bot_api.token, bot_api.base_url) as transport:
            await asyncio.gather(
                drain(Sender(store, TelegramChannel(transport, FakePlan()), rate=None)),
                drain(Sender(store, channel(store, fake), rate=None)))
        telegram = Counter(int(c.params["chat_id"]) for c in bot_api.sent())
    finally:
        bot_api.stop()
    assert telegram == dict.fromkeys(telegram_chats, 1)
    assert Counter(c.touser for c in fake.delivered()) == dict.fromkeys(openids, 1)  # not o-elsewhere
    report = Broadcasts(store).report(broadcast_id)
    assert (report.recipients, report.sent, report.status) == (80, 80, "done")
