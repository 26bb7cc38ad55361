"""The Telegram adapter end to end: python-telegram-bot's real HTTP client against the fake Bot API on loopback.

The dialogue engine is a small fake that answers with fixed Turns showing what reached it, so these tests
check the adapter (updates in, messages out, failures), not the engine's wording.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

import bot  # noqa: F401  (opts in to timedelta durations before telegram is imported)
from api.routes.telegram import router
from bot.replies import Button, Message, Reply, Turn
from bot.telegram import (
    COMMANDS,
    SORRY,
    WEBHOOK_PATH,
    BackgroundJob,
    TelegramApp,
    build_application,
    run_polling,
    running,
    serving,
    webhook_secret,
)
from common import Recipient
from tests.fakes.telegram import FakeBotApi, callback_update, location_update, message_update

CONTRACT_COMMANDS = ["start", "help", "nearby", "leave", "guide", "subscribe", "stop", "forget", "language"]
FAST_POLL = timedelta(seconds=1)


def tg(chat_id: int) -> Recipient:
    """A Telegram chat as a recipient."""
    return Recipient("telegram", str(chat_id))



class EchoEngine:
    """A fake dialogue engine: fixed Turns that echo what it was given."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Message]] = []
        self.release_slow = threading.Event()  # "slow" is answered once the test sets it (or after 10 s)

    def handle(self, session: str, message: Message) -> Turn:
        self.seen.append((session, message))
        if message.text == "boom":
            raise RuntimeError("the engine failed")
        if message.text == "slow":
            self.release_slow.wait(timeout=10)
        if message.text == "long":
            paragraph = "托育" * 1000  # 2,000 characters
            return Turn("long", (Reply("\n\n".join([paragraph] * 5)),))
        if message.command == "nearby":
            return Turn("nearby", (Reply("请发送您的位置", request_location=True),))
        if message.location:
            lat, lon = message.location
            return Turn("nearby", (Reply(
                f"centres near {lat},{lon}: <A & B>",
                buttons=((Button("详情", data="centre:c1"), Button("地图", url="https://example.org/map")),
                         (Button("too long", data="x" * 65),)),
            ),))
        if message.command:
            return Turn(message.command, (Reply(f"command {message.command} [{message.argument}]"),))
        if message.button:
            return Turn("button", (Reply(f"button {message.button}"), Reply("second reply")))
        return Turn("text", (Reply(f"text {message.text}"),))

    def language(self, session: str) -> str:
        return "en" if session == "tg:44" else "zh"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
def engine() -> EchoEngine:
    return EchoEngine()


@pytest.fixture
def blocked() -> list[int]:
    return []


@pytest.fixture
def application(fake: FakeBotApi, engine: EchoEngine, blocked: list[int]) -> TelegramApp:
    return build_application(fake.token, engine, base_url=fake.base_url, on_blocked=blocked.append)


@asynccontextmanager
async def polling(application: TelegramApp) -> AsyncIterator[TelegramApp]:
    async with running(application, poll_timeout=FAST_POLL) as app:
        yield app


# -- polling ---------------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_polling_answers_commands_deep_links_and_text(fake: FakeBotApi, engine: EchoEngine,
                                                            application: TelegramApp) -> None:
    async with polling(application):
        fake.push_update(message_update(42, "/start community-1101"))
        fake.push_update(message_update(42, "/help"))
        fake.push_update(message_update(42, "附近有托育园吗"))
        fake.push_update(message_update(42, "/unknown thing"))
        await fake.until(lambda: len(fake.delivered(42)) == 4)
    assert fake.delivered(42) == ["command start [community-1101]", "command help []", "text 附近有托育园吗",
                                  "text /unknown thing"]
    session, first = engine.seen[0]
    assert session == "tg:42"
    assert (first.command, first.argument, first.recipient) == ("start", "community-1101", tg(42))
    assert fake.sent(42)[0].params["parse_mode"] == "HTML"
    assert "getUpdates" in fake.methods()


@pytest.mark.asyncio
async def test_menu_is_published_in_chinese_and_english(fake: FakeBotApi, application: TelegramApp) -> None:
    async with polling(application):
        pass
    menus = {call.params.get("language_code"): call.params["commands"] for call in fake.calls_to("setMyCommands")}
    assert set(menus) == {None, "zh", "en"}
    for menu in menus.values():
        assert [command["command"] for command in menu] == CONTRACT_COMMANDS
    assert menus["zh"][2]["description"] == next(c.zh for c in COMMANDS if c.name == "nearby")
    assert menus["en"][2]["description"] == next(c.en for c in COMMANDS if c.name == "nearby")
    assert menus[None] == menus["zh"]  # Chinese is the default


@pytest.mark.asyncio
async def test_nearby_asks_for_the_location_with_a_button_in_the_chats_language(
        fake: FakeBotApi, application: TelegramApp) -> None:
    async with polling(application):
        fake.push_update(message_update(43, "/nearby"))
        fake.push_update(message_update(44, "/nearby"))
        await fake.until(lambda: fake.delivered(43) and fake.delivered(44))
    for chat_id, label in ((43, "发送位置"), (44, "Send location")):
        keyboard = fake.sent(chat_id)[0].params["reply_markup"]["keyboard"]
        assert keyboard[0][0]["request_location"] is True
        assert label in keyboard[0][0]["text"]


@pytest.mark.asyncio
async def test_a_location_is_answered_with_the_engines_centres(fake: FakeBotApi, engine: EchoEngine,
                                                               application: TelegramApp) -> None:
    async with polling(application):
        fake.push_update(location_update(42, 39.586012, 109.773531))
        await fake.until(lambda: fake.delivered(42))
    assert engine.seen == [("tg:42", Message(location=(39.586012, 109.773531), recipient=tg(42)))]
    [call] = fake.sent(42)
    assert call.params["text"] == "centres near 39.586012,109.773531: &lt;A &amp; B&gt;"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "详情", "callback_data": "centre:c1"},
                         {"text": "地图", "url": "https://example.org/map"}]]  # the 65-byte button left out


@pytest.mark.asyncio
async def test_a_button_tap_is_answered_and_its_data_reaches_the_engine(
        fake: FakeBotApi, engine: EchoEngine, application: TelegramApp) -> None:
    async with polling(application):
        fake.push_update(callback_update(42, "centre:c1"))
        await fake.until(lambda: len(fake.delivered(42)) == 2)
    assert fake.delivered(42) == ["button centre:c1", "second reply"]
    assert [m.button for _, m in engine.seen] == ["centre:c1"]
    assert len(fake.calls_to("answerCallbackQuery")) == 1


@pytest.mark.asyncio
async def test_a_long_reply_is_split_below_the_limit(fake: FakeBotApi, application: TelegramApp) -> None:
    async with polling(application):
        fake.push_update(message_update(42, "long"))
        await fake.until(lambda: len(fake.delivered(42)) >= 3)
        await asyncio.sleep(0.1)
    pieces = fake.delivered(42)
    assert [len(piece) for piece in pieces] == [4002, 4002, 2000]  # cut between paragraphs
    assert "\n\n".join(pieces) == "\n\n".join(["托育" * 1000] * 5)


# -- failures ----------------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_429_is_retried_after_retry_after_and_delivered_once(fake: FakeBotApi,
                                                                   application: TelegramApp) -> None:
    fake.fail_next(42, status=429, retry_after=1)
    async with polling(application):
        fake.push_update(message_update(42, "你好"))
        await fake.until(lambda: fake.delivered(42))
        await asyncio.sleep(0.2)
    assert fake.delivered(42) == ["text 你好"]
    refused, accepted = fake.sent(42)
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1.0


@pytest.mark.asyncio
async def test_403_marks_that_chat_blocked_while_other_chats_go_on(
        fake: FakeBotApi, blocked: list[int], application: TelegramApp) -> None:
    fake.blocked.add(7)
    async with polling(application):
        fake.push_update(callback_update(7, "centre:c1"))  # two replies: the second is never tried
        fake.push_update(message_update(42, "你好"))
        await fake.until(lambda: fake.delivered(42) and blocked)
        await asyncio.sleep(0.1)
    assert blocked == [7]
    assert fake.delivered(7) == []
    assert len(fake.sent(7)) == 1
    assert fake.delivered(42) == ["text 你好"]


@pytest.mark.asyncio
async def test_an_engine_failure_is_apologised_for_and_the_bot_goes_on(
        fake: FakeBotApi, application: TelegramApp, caplog: pytest.LogCaptureFixture) -> None:
    async with polling(application):
        fake.push_update(message_update(42, "boom"))
        fake.push_update(message_update(42, "还在吗"))
        await fake.until(lambda: len(fake.delivered(42)) == 2)
    assert fake.delivered(42) == [SORRY, "text 还在吗"]
    assert "120" in SORRY
    assert any(record.exc_info and "the engine failed" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.asyncio
async def test_chats_are_answered_concurrently_but_each_chat_in_order(
        fake: FakeBotApi, engine: EchoEngine, application: TelegramApp) -> None:
    # Decided by events, not by the clock: chat 1's "slow" is held until chat 2 has its answer, which can only
    # happen if chat 2 did not wait for chat 1 (otherwise `until` gives up and the test fails).
    async with polling(application):
        fake.push_update(message_update(1, "slow"))
        fake.push_update(message_update(1, "next"))
        fake.push_update(message_update(2, "quick"))
        try:
            await fake.until(lambda: fake.delivered(2))
            assert fake.delivered(1) == []  # "next" waits behind "slow" in its own chat
        finally:
            engine.release_slow.set()
        await fake.until(lambda: len(fake.delivered(1)) == 2)
    assert fake.delivered(1) == ["text slow", "text next"]
    assert fake.delivered(2) == ["text quick"]


# -- webhook, and the web service's lifespan -------------------------------------------------------------------------
def web_app(application: TelegramApp | None, public_url: str | None = None, secret: str | None = None,
            background: Sequence[BackgroundJob] = ()) -> FastAPI:
    """A small web service wired like create_app: the webhook route, and the bot in the lifespan."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if application is None:
            yield
            return
        async with serving(application, public_url=public_url, secret=secret, background=background) as webhook:
            app.state.telegram_webhook = webhook
            yield

    app = FastAPI(lifespan=lifespan)
    app.include_router(router)
    return app


@asynccontextmanager
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


@pytest.mark.asyncio
async def test_webhook_end_to_end(fake: FakeBotApi, engine: EchoEngine, application: TelegramApp) -> None:
    app = web_app(application, public_url="https://carecircle.example/", secret="s3cret-token")
    async with client_of(app) as client:
        good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        wrong = await client.post(WEBHOOK_PATH, json={"update_id": 1, **location_update(42, 1, 2)},
                                  headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        missing = await client.post(WEBHOOK_PATH, json={"update_id": 2, **location_update(42, 1, 2)})
        not_json = await client.post(WEBHOOK_PATH, content=b"{", headers=good)
        not_update = await client.post(WEBHOOK_PATH, json={"hello": 1}, headers=good)
        answered = await client.post(WEBHOOK_PATH, headers=good,
                                     json={"update_id": 3, **location_update(42, 39.59, 109.77)})
        await fake.until(lambda: fake.delivered(42))
    assert [r.status_code for r in (wrong, missing, not_json, not_update, answered)] == [403, 403, 400, 400, 200]
    assert [m.location for _, m in engine.seen] == [(39.59, 109.77)]
    assert fake.delivered(42)[0].startswith("centres near 39.59,109.77")
    [set_webhook] = fake.calls_to("setWebhook")
    assert set_webhook.params["url"] == "https://carecircle.example" + WEBHOOK_PATH
    assert set_webhook.params["secret_token"] == "s3cret-token"
    assert set(set_webhook.params["allowed_updates"]) == {"message", "callback_query"}
    assert "getUpdates" not in fake.methods()
    assert not application.running


@pytest.mark.asyncio
async def test_webhook_without_a_configured_secret_uses_one_derived_from_the_token(
        fake: FakeBotApi, application: TelegramApp) -> None:
    async with client_of(web_app(application, public_url="https://carecircle.example")) as client:
        derived = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(fake.token)}
        response = await client.post(WEBHOOK_PATH, json={"update_id": 1, **message_update(42, "你好")},
                                     headers=derived)
        await fake.until(lambda: fake.delivered(42))
    assert response.status_code == 200
    assert fake.calls_to("setWebhook")[0].params["secret_token"] == webhook_secret(fake.token)


@pytest.mark.asyncio
async def test_web_service_without_public_url_polls_and_runs_background_jobs(
        fake: FakeBotApi, application: TelegramApp, caplog: pytest.LogCaptureFixture) -> None:
    stopped = asyncio.Event()

    async def sender(stop: asyncio.Event) -> None:
        await stop.wait()
        stopped.set()

    async def broken(stop: asyncio.Event) -> None:
        raise RuntimeError("the other job broke")

    app = web_app(application, background=[sender, broken])
    async with client_of(app) as client:
        fake.push_update(message_update(42, "你好"))
        await fake.until(lambda: fake.delivered(42))
        assert (await client.post(WEBHOOK_PATH, json={"update_id": 9})).status_code == 404  # not in webhook mode
        assert not stopped.is_set()
    assert stopped.is_set()
    assert fake.delivered(42) == ["text 你好"]
    assert any("the other job broke" in str(record.exc_info and record.exc_info[1]) for record in caplog.records)


@pytest.mark.asyncio
async def test_webhook_route_answers_404_when_the_bot_is_not_running() -> None:
    async with client_of(web_app(None)) as client:
        response = await client.post(WEBHOOK_PATH, json={"update_id": 1})
    assert response.status_code == 404
    assert "webhook" in response.json()["error"]


def test_webhook_secret_is_the_configured_one_or_derived_from_the_token() -> None:
    assert webhook_secret("123:abc", "mine") == "mine"
    derived = webhook_secret("123:abc")
    assert derived == webhook_secret("123:abc") != webhook_secret("123:abd")
    assert len(derived) == 64 and derived.isalnum()  # Telegram allows A-Z, a-z, 0-9, _ and -


# -- carecircle bot: polling with background jobs ------------------------------------------------------------------
@pytest.mark.asyncio
async def test_run_polling_runs_background_jobs_until_stopped(fake: FakeBotApi, application: TelegramApp) -> None:
    stop = asyncio.Event()
    job_ran = asyncio.Event()

    async def sender(stop_event: asyncio.Event) -> None:
        job_ran.set()
        await stop_event.wait()

    async def stop_when_answered() -> None:
        await fake.until(lambda: fake.delivered(42))
        await job_ran.wait()
        stop.set()

    fake.push_update(message_update(42, "你好"))
    await asyncio.wait_for(asyncio.gather(run_polling(application, stop, [sender], poll_timeout=FAST_POLL),
                                          stop_when_answered()), timeout=15)
    assert fake.delivered(42) == ["text 你好"]
    assert not application.running


@pytest.mark.asyncio
async def test_run_polling_stops_when_a_background_job_fails(fake: FakeBotApi, application: TelegramApp) -> None:
    async def broken(stop_event: asyncio.Event) -> None:
        raise RuntimeError("the sender broke")

    with pytest.raises(ExceptionGroup) as caught:
        await asyncio.wait_for(run_polling(application, asyncio.Event(), [broken], poll_timeout=FAST_POLL), 15)
    assert caught.group_contains(RuntimeError, match="the sender broke")
    assert not application.running
