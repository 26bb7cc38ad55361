"""The sender, end to end against the fake Bot API on loopback (python-telegram-bot's real HTTP client).

Each subscriber gets each message exactly once: 429s are honoured, 403 chats are marked blocked, a sender
killed mid-broadcast is resumed by another without duplicates or losses, quiet hours hold, and stage-based
messages arrive on the right days under a fake clock.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from telegram.error import NetworkError

from common import as_utc
from messaging.outbox import LEASES, Broadcasts, Segment, beat, claim
from messaging.sender import RateLimiter, Sender, quiet_until
from messaging.store import outbox, subscribers
from messaging.subscriptions import Subscriptions
from messaging.telegram import TelegramChannel, TelegramTransport
from tests.fakes.telegram import FakeBotApi
from tests.messaging.test_subscriptions import BIRTH, FakeClock, FakePlan, day

QUIET = (time(21, 0), time(8, 0))


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


def tg(transport: Any, plan: Any = None) -> TelegramChannel:
    """The Telegram channel over a transport, rendering stage items with the small fake plan."""
    return TelegramChannel(transport, plan or FakePlan())


def add_families(engine: Engine, chat_ids: range | list[int], birth: date = date(2025, 1, 1)) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(subscribers.insert(), [
            {"user_id": str(c), "birth_date": birth, "region_code": "150627", "language": "zh", "status": "active",
             "consent_at": now, "created_at": now, "updated_at": now} for c in chat_ids])


def broadcast(engine: Engine, text: str = "流感季节提醒", clock: Callable[[], datetime] | None = None) -> str:
    broadcasts = Broadcasts(engine, clock) if clock else Broadcasts(engine)
    return broadcasts.send(broadcasts.create(text, Segment(), "wang")).id


def report(engine: Engine, broadcast_id: str) -> dict:
    return Broadcasts(engine).report(broadcast_id).as_json()


def per_chat(fake: FakeBotApi) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in fake.sent())


async def drain(sender: Sender) -> int:
    handled = 0
    while n := await sender.run_once():
        handled += n
    return handled


class RecordingTransport:
    """Accepts every message and notes when (by the injected clock); `on_send` runs before each."""

    def __init__(self, clock: Callable[[], datetime], on_send: Callable[[int], None] | None = None) -> None:
        self.clock = clock
        self.on_send = on_send
        self.sent: list[tuple[datetime, int, str]] = []

    async def send(self, chat_id: int, text: str, *, html: bool) -> None:
        if self.on_send:
            self.on_send(chat_id)
        self.sent.append((self.clock(), chat_id, text))
        await asyncio.sleep(0)


LOOPBACK_TIMEOUT = 60.0  # the fake runs on loopback, in this process: a slow answer is a busy machine, not a fault


@pytest.mark.asyncio
async def test_1000_subscribers_one_broadcast_exactly_one_message_each(store: Engine, fake: FakeBotApi) -> None:
    add_families(store, range(10_000, 11_000))
    broadcast_id = broadcast(store)
    async with TelegramTransport(fake.token, fake.base_url, timeout=LOOPBACK_TIMEOUT) as transport:
        handled = await drain(Sender(store, tg(transport), rate=None, concurrency=64))
    with store.connect() as conn:  # each row claimed, sent and recorded once: no retry, no takeover
        again = conn.execute(select(outbox.c.id, outbox.c.attempts, outbox.c.last_error).where(
            outbox.c.attempts != 1)).all()
    assert again == []
    assert handled == 1000
    counts = per_chat(fake)
    assert set(counts) == set(range(10_000, 11_000)) and set(counts.values()) == {1}
    assert "流感季节提醒" in fake.texts(10_000)[0]
    got = report(store, broadcast_id)
    assert {k: got[k] for k in ("status", "recipients", "queued", "sent", "failed", "blocked")} == {
        "status": "done", "recipients": 1000, "queued": 0, "sent": 1000, "failed": 0, "blocked": 0}


@pytest.mark.asyncio
async def test_429_is_honoured(sqlite_store: Engine, fake: FakeBotApi) -> None:
    add_families(sqlite_store, [1, 2, 3])
    broadcast_id = broadcast(sqlite_store)
    fake.fail_next(2, status=429, retry_after=1)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        await drain(Sender(sqlite_store, tg(transport), rate=None, concurrency=1))
    first, retried = fake.sent(2)
    assert retried.at - first.at >= 1.0
    after_429 = [c for c in fake.sent() if c.at > first.at and c is not retried]
    assert all(c.at - first.at >= 1.0 for c in after_429)  # every send waited, not just that chat's
    assert per_chat(fake) == {1: 1, 2: 2, 3: 1}
    assert report(sqlite_store, broadcast_id)["sent"] == 3


@pytest.mark.asyncio
async def test_403_marks_the_subscriber_blocked(sqlite_store: Engine, fake: FakeBotApi) -> None:
    clock = FakeClock(day(35))
    subs = Subscriptions(sqlite_store, FakePlan(), clock)
    for chat_id in (1, 2):
        subs.subscribe(chat_id, BIRTH, "150627", "zh", clock())
    fake.blocked.add(2)
    broadcast_id = broadcast(sqlite_store, clock=clock)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        await drain(Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep,
                           concurrency=1))
    assert subs.get(2).status == "blocked"  # type: ignore[union-attr]
    assert subs.get(1).status == "active"  # type: ignore[union-attr]
    assert len(fake.sent(2)) == 1  # one refused try, never another
    got = report(sqlite_store, broadcast_id)
    assert (got["sent"], got["blocked"], got["status"]) == (1, 1, "done")
    with sqlite_store.connect() as conn:
        assert set(conn.execute(select(outbox.c.status).where(outbox.c.subscriber_id == subs.get(2).id))  # type: ignore[union-attr]
                   .scalars()) == {"blocked"}


@pytest.mark.asyncio
async def test_killed_mid_broadcast_a_restart_neither_repeats_nor_loses(store: Engine, fake: FakeBotApi) -> None:
    add_families(store, range(100, 300))
    broadcast_id = broadcast(store)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        first = Sender(store, tg(transport), rate=200, worker_id="first")
        task = asyncio.create_task(first.run(asyncio.Event()))
        while len(fake.sent()) < 40:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        sent_before = len(fake.sent())
        assert 40 <= sent_before < 200
        with store.connect() as conn:  # what was not sent was given back at once
            assert conn.execute(select(outbox.c.id).where(outbox.c.claimed_by.is_not(None))).first() is None
        await drain(Sender(store, tg(transport), rate=None, worker_id="second"))
    counts = per_chat(fake)
    assert set(counts) == set(range(100, 300)) and set(counts.values()) == {1}
    assert report(store, broadcast_id)["sent"] == 200


@pytest.mark.asyncio
async def test_a_dead_senders_rows_are_taken_over_once_its_heartbeat_is_a_lease_old(
        sqlite_store: Engine, fake: FakeBotApi) -> None:
    clock = FakeClock(day(35))
    add_families(sqlite_store, range(1, 21))
    broadcast(sqlite_store, clock=clock)
    with sqlite_store.begin() as conn:  # a sender claimed everything, then died without sending
        beat(conn, "crashed", "telegram", clock())
        assert len(claim(conn, "crashed", clock(), LEASES.lease, 100)) == 20
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        sender = Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep)
        clock.advance(LEASES.lease.total_seconds() - 0.5)
        assert await sender.run_once() == 0  # its last heartbeat is recent: it may be alive
        clock.advance(1)
        assert await drain(sender) == 20  # a lease without a heartbeat: dead, and its rows move
    assert set(per_chat(fake).values()) == {1} and len(per_chat(fake)) == 20
    with sqlite_store.connect() as conn:
        assert conn.execute(select(outbox.c.claimed_by).where(outbox.c.claimed_by.is_not(None))).first() is None


@pytest.mark.asyncio
async def test_rows_of_an_owner_without_a_heartbeat_are_claimable_at_once(sqlite_store: Engine) -> None:
    clock = FakeClock(day(35))
    add_families(sqlite_store, range(1, 4))
    broadcast(sqlite_store, clock=clock)
    with sqlite_store.begin() as conn:  # claimed before heartbeats existed (migration 0007), or signed off
        conn.execute(outbox.update().values(claimed_by="old-sender", claimed_at=clock()))
    transport = RecordingTransport(clock)
    assert await drain(Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep)) == 3
    assert sorted(chat for _, chat, _ in transport.sent) == [1, 2, 3]


@pytest.mark.postgres
def test_two_senders_share_a_broadcast_on_postgresql(pg_store: Engine, fake: FakeBotApi) -> None:
    add_families(pg_store, range(1000, 1400))
    broadcast_id = broadcast(pg_store)
    handled: dict[str, int] = {}
    both_ready = threading.Barrier(2, timeout=60)

    def work(name: str) -> None:
        async def go() -> None:
            async with TelegramTransport(fake.token, fake.base_url) as transport:
                sender = Sender(pg_store, tg(transport), rate=None, worker_id=name, batch_size=20)
                both_ready.wait()
                handled[name] = await drain(sender)
        asyncio.run(go())

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Exactly once between them. How they split it is not asserted: in 1 run of 4 under load one sender found the
    # broadcast already sent by the other.
    assert handled["a"] + handled["b"] == 400
    counts = per_chat(fake)
    assert set(counts) == set(range(1000, 1400)) and set(counts.values()) == {1}
    assert report(pg_store, broadcast_id)["sent"] == 400


@pytest.mark.asyncio
async def test_quiet_hours_hold(sqlite_store: Engine, fake: FakeBotApi) -> None:
    clock = FakeClock(datetime(2025, 6, 15, 21, 0))
    add_families(sqlite_store, [1, 2])
    broadcast_id = broadcast(sqlite_store, clock=clock)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        sender = Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep,
                        quiet_window=QUIET)
        for local in (datetime(2025, 6, 15, 21, 0), datetime(2025, 6, 16, 2, 0), datetime(2025, 6, 16, 7, 59, 59)):
            clock.set_local(local)
            assert await sender.run_once() == 0
        assert fake.sent() == []
        clock.set_local(datetime(2025, 6, 16, 8, 0))
        assert await drain(sender) == 2
    assert report(sqlite_store, broadcast_id)["sent"] == 2


@pytest.mark.parametrize(("local", "until"), [
    (datetime(2025, 6, 15, 20, 59), None),
    (datetime(2025, 6, 15, 21, 0), datetime(2025, 6, 16, 8, 0)),
    (datetime(2025, 6, 16, 3, 0), datetime(2025, 6, 16, 8, 0)),
    (datetime(2025, 6, 16, 8, 0), None),
])
def test_quiet_until(local: datetime, until: datetime | None) -> None:
    clock = FakeClock(local)
    expected = FakeClock(until)() if until else None
    assert quiet_until(clock(), QUIET) == expected
    assert quiet_until(clock(), (time(13, 0), time(14, 0))) is None
    assert quiet_until(clock(), None) is None


@pytest.mark.asyncio
async def test_stage_messages_arrive_on_the_right_days(sqlite_store: Engine, fake: FakeBotApi) -> None:
    clock = FakeClock(day(35, hour=22))  # subscribes at night: the current item waits for the morning
    subs = Subscriptions(sqlite_store, FakePlan(), clock)
    subs.subscribe(7, BIRTH, "150627", "zh", clock())
    arrived: dict[str, int] = {}
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        sender = Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep,
                        quiet_window=QUIET,
                        subscriptions=subs, schedule_every=timedelta(0))
        for offset in range(35, 100):
            for hour in (0, 7, 8, 12, 23):
                clock.set_local(day(offset, hour))
                await drain(sender)
                for text in fake.texts(7):
                    arrived.setdefault(text, offset * 100 + hour)
    # day * 100 + hour: month-1 the next morning at 08:00, then each item at 08:00 on its own day
    assert arrived == {"<b>month-1</b> [zh]": 3608, "<b>month-2</b> [zh]": 6008, "<b>month-3</b> [zh]": 9008}


@pytest.mark.asyncio
async def test_network_faults_are_retried_with_backoff_then_failed(sqlite_store: Engine, fake: FakeBotApi) -> None:
    clock = FakeClock(day(35))
    add_families(sqlite_store, [1, 2])
    broadcast_id = broadcast(sqlite_store, clock=clock)
    fake.fail_next(1, status=500, times=5)
    fake.fail_next(2, status=502, times=1)
    async with TelegramTransport(fake.token, fake.base_url) as transport:
        sender = Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep,
                        max_attempts=3)
        assert await drain(sender) == 2
        waits = []
        for _ in range(2):
            with sqlite_store.connect() as conn:
                not_before = min(as_utc(t) for t in conn.execute(select(outbox.c.not_before).where(
                    outbox.c.status == "queued")).scalars())
            waits.append((not_before - clock()).total_seconds())
            clock.now = not_before
            await drain(sender)
    assert waits == [5.0, 10.0]  # backoff doubles
    assert (len(fake.sent(1)), len(fake.sent(2))) == (3, 2)
    got = report(sqlite_store, broadcast_id)
    assert (got["sent"], got["failed"], got["status"]) == (1, 1, "done")
    with sqlite_store.connect() as conn:
        error = conn.execute(select(outbox.c.last_error).where(outbox.c.status == "failed")).scalar_one()
    assert "after 3 tries" in error


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["stop", "forget"])
async def test_stop_and_forget_take_effect_before_the_next_send(sqlite_store: Engine, how: str) -> None:
    clock = FakeClock(day(35))
    subs = Subscriptions(sqlite_store, FakePlan(), clock)
    add_families(sqlite_store, [1, 2, 3])
    broadcast(sqlite_store, clock=clock)

    def second_chat_says_stop(chat_id: int) -> None:
        if chat_id == 1:
            getattr(subs, how)(2)

    transport = RecordingTransport(clock, on_send=second_chat_says_stop)
    sender = Sender(sqlite_store, tg(transport), rate=None, clock=clock, sleep=clock.sleep, concurrency=1)
    assert await sender.run_once() == 3  # all three were claimed in one batch
    assert [chat for _, chat, _ in transport.sent] == [1, 3]


@pytest.mark.asyncio
async def test_rate_and_one_message_a_second_per_chat(sqlite_store: Engine) -> None:
    clock = FakeClock(day(35))
    subs = Subscriptions(sqlite_store, FakePlan(), clock)
    for chat_id in range(1, 31):
        subs.subscribe(chat_id, BIRTH, "150627", "zh", clock())  # each has its stage item queued
    broadcast(sqlite_store, clock=clock)  # … and now a broadcast too: two messages per chat
    transport = RecordingTransport(clock)
    sender = Sender(sqlite_store, tg(transport), rate=10, clock=clock, sleep=clock.sleep, concurrency=1)
    assert await drain(sender) == 60
    times = sorted(at for at, _, _ in transport.sent)
    assert min((b - a).total_seconds() for a, b in itertools.pairwise(times)) >= 0.1 - 1e-6
    for chat_id in range(1, 31):
        first, second = [at for at, chat, _ in transport.sent if chat == chat_id]
        assert (second - first).total_seconds() >= 1.0


@pytest.mark.asyncio
async def test_long_items_go_out_in_parts_in_order(sqlite_store: Engine) -> None:
    class TwoPartPlan(FakePlan):
        def render(self, slug: str, language: str) -> list[str]:
            return [f"{slug} 1/2", f"{slug} 2/2"]

    clock = FakeClock(day(35))
    Subscriptions(sqlite_store, TwoPartPlan(), clock).subscribe(5, BIRTH, None, "zh", clock())
    transport = RecordingTransport(clock)
    await drain(Sender(sqlite_store, tg(transport, TwoPartPlan()), rate=None, clock=clock, sleep=clock.sleep))
    assert [text for _, _, text in transport.sent] == ["month-1 1/2", "month-1 2/2"]
    assert (transport.sent[1][0] - transport.sent[0][0]).total_seconds() >= 1.0


@pytest.mark.asyncio
async def test_concurrent_senders_are_handed_slots_an_interval_apart() -> None:
    # Real-time pacing on a loaded machine belongs in bench_sender.py; here the limiter's decisions, exactly.
    now = [0.0]
    granted: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    limiter = RateLimiter(50, lambda: now[0], sleep)

    async def send() -> None:
        await limiter.acquire()
        granted.append(now[0])

    await asyncio.gather(*(send() for _ in range(40)))
    assert len(granted) == 40
    assert min(b - a for a, b in itertools.pairwise(granted)) == pytest.approx(0.02)
    assert granted[-1] - granted[0] == pytest.approx(39 * 0.02)


@pytest.mark.asyncio
async def test_the_rate_limiter_waits_out_a_429() -> None:
    now = [0.0]  # a fake clock: the decision, not the machine's timing

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(None, lambda: now[0], sleep)
    limiter.pause(0.2)
    await limiter.acquire()
    assert now[0] == pytest.approx(0.2)


@pytest.mark.asyncio
async def test_a_long_item_retried_after_a_fault_resumes_at_its_unsent_part(sqlite_store: Engine) -> None:
    class ThreePartPlan(FakePlan):
        def render(self, slug: str, language: str) -> list[str]:
            return [f"{slug} {n}/3" for n in (1, 2, 3)]

    class FailsOnce(RecordingTransport):
        failed = False

        async def send(self, chat_id: int, text: str, *, html: bool) -> None:
            if text.endswith("2/3") and not self.failed:
                self.failed = True
                raise NetworkError("connection reset")
            await super().send(chat_id, text, html=html)

    clock = FakeClock(day(35))
    Subscriptions(sqlite_store, ThreePartPlan(), clock).subscribe(6, BIRTH, None, "zh", clock())
    transport = FailsOnce(clock)
    sender = Sender(sqlite_store, tg(transport, ThreePartPlan()), rate=None, clock=clock, sleep=clock.sleep)
    await drain(sender)
    clock.now += timedelta(minutes=1)  # past the backoff
    await drain(sender)
    assert [text for _, _, text in transport.sent] == ["month-1 1/3", "month-1 2/3", "month-1 3/3"]
    with sqlite_store.connect() as conn:
        assert conn.execute(select(outbox.c.status)).scalar_one() == "sent"


@pytest.mark.asyncio
@pytest.mark.parametrize("concurrency", [1, 3, 8])
async def test_a_crash_could_repeat_only_the_sends_in_flight(sqlite_store: Engine, concurrency: int) -> None:
    """Whenever a send starts, the messages started but not yet recorded are at most `concurrency`: what a hard kill
    at that moment would send again."""
    clock = FakeClock(day(35))
    add_families(sqlite_store, range(1, 61))
    broadcast(sqlite_store, clock=clock)
    started: list[int] = []
    worst = 0

    class Checking(RecordingTransport):
        async def send(self, chat_id: int, text: str, *, html: bool) -> None:
            nonlocal worst
            started.append(chat_id)
            with sqlite_store.connect() as conn:
                recorded = {int(u) for u in conn.execute(select(subscribers.c.user_id).join(outbox).where(
                    outbox.c.status == "sent")).scalars()}
            worst = max(worst, len(set(started) - recorded))
            await asyncio.sleep(0.001 * (chat_id % 4))  # answers come back out of order
            await super().send(chat_id, text, html=html)

    sender = Sender(sqlite_store, tg(Checking(clock)), rate=None, clock=clock, sleep=clock.sleep,
                    concurrency=concurrency)
    assert await drain(sender) == 60
    assert sorted(started) == list(range(1, 61))
    assert worst == concurrency  # the bound, and reached: the sends really overlap


@pytest.mark.asyncio
async def test_each_part_of_a_long_item_is_recorded_before_the_next_goes(sqlite_store: Engine) -> None:
    class ThreePartPlan(FakePlan):
        def render(self, slug: str, language: str) -> list[str]:
            return [f"{slug} {n}/3" for n in (1, 2, 3)]

    clock = FakeClock(day(35))
    Subscriptions(sqlite_store, ThreePartPlan(), clock).subscribe(6, BIRTH, None, "zh", clock())
    recorded_parts: list[int] = []

    def note(chat_id: int) -> None:
        with sqlite_store.connect() as conn:
            recorded_parts.append(conn.execute(select(outbox.c.parts_sent)).scalar_one())

    transport = RecordingTransport(clock, on_send=note)
    await drain(Sender(sqlite_store, tg(transport, ThreePartPlan()), rate=None, clock=clock, sleep=clock.sleep))
    assert recorded_parts == [0, 1, 2]  # a crash before part 3 resumes at part 3
    with sqlite_store.connect() as conn:
        assert conn.execute(select(outbox.c.status)).scalar_one() == "sent"
