"""The fake Bot API answers python-telegram-bot's real client like Telegram does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram import Bot
from telegram.error import Forbidden, RetryAfter

import bot as _opt_in  # noqa: F401  (bot/__init__ opts in to timedelta durations)
from tests.fakes.telegram import FakeBotApi


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.mark.asyncio
async def test_send_429_and_403(fake: FakeBotApi) -> None:
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        await bot.send_message(chat_id=42, text="你好")
        fake.fail_next(42, status=429, retry_after=3)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat_id=42, text="再来")
        assert caught.value.retry_after.total_seconds() == 3
        fake.blocked.add(7)
        with pytest.raises(Forbidden):
            await bot.send_message(chat_id=7, text="x")
    assert fake.texts(42) == ["你好", "再来"]
