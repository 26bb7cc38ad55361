"""Subscriptions: fast-forward, changing the date, stop, loss, blocked and /forget, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select

from bot.store import conversations
from common import Recipient
from content.guidance.library import load_library
from messaging.outbox import SHANGHAI, SubscriberStatus
from messaging.store import outbox, subscribers
from messaging.subscriptions import SubscriptionError, Subscriptions, current_slug

BIRTH = date(2025, 1, 1)
# Send days relative to the birth (or due) date: negative days are the pregnancy track.
OFFSETS = {"pregnancy-checks": -60, "newborn": 0, "week-2": 14, "month-1": 30, "month-2": 60, "month-3": 90}


class FakePlan:
    """A small stage plan with the protocol of content.guidance's real one."""

    def plan(self, birth_date: date) -> list[tuple[str, date]]:
        return sorted(((slug, birth_date + timedelta(days=d)) for slug, d in OFFSETS.items()), key=lambda i: i[1])

    def render(self, slug: str, language: str) -> list[str]:
        return [f"<b>{slug}</b> [{language}]"]


class FakeClock:
    """A settable clock; `sleep` advances it instead of waiting."""

    def __init__(self, local: datetime) -> None:
        self.now = local.replace(tzinfo=SHANGHAI).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, local: datetime) -> None:
        self.now = local.replace(tzinfo=SHANGHAI).astimezone(UTC)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(microseconds=math.ceil(seconds * 1e6))

    async def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))


def day(offset: int, hour: int = 10) -> datetime:
    """A local (Asia/Shanghai) time `offset` days after BIRTH."""
    return datetime.combine(BIRTH + timedelta(days=offset), datetime.min.time()).replace(hour=hour)


def rows(engine: Engine, chat_id: int) -> dict[str, str]:
    """item → status of the chat's outbox rows."""
    with engine.connect() as conn:
        found = conn.execute(
            select(outbox.c.item, outbox.c.status).join(subscribers).where(subscribers.c.user_id == str(chat_id))
        ).all()
    return {item: status for item, status in found}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(day(35))


@pytest.fixture
def subs(store: Engine, clock: FakeClock) -> Subscriptions:
    def forget_conversation(recipient: Recipient) -> None:  # as api/services.py wires it
        with store.begin() as conn:
            conn.execute(delete(conversations).where(conversations.c.session == recipient.session))

    return Subscriptions(store, FakePlan(), clock, forgetters=[forget_conversation])


def test_late_joiner_gets_the_current_item_only(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    found = subs.subscribe(1001, BIRTH, "150627", "zh", clock())
    assert (found.status, found.birth_date, found.region_code, found.language) == ("active", BIRTH, "150627", "zh")
    assert found.consent_at == clock()
    assert rows(store, 1001) == {"guide:month-1": "queued"}  # day 35: not newborn, week-2 nor the pregnancy item


def test_future_items_are_queued_on_their_day_once(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    for offset in (40, 59):
        clock.set_local(day(offset))
        assert subs.queue_due() == 0
    clock.set_local(day(60, hour=0))
    assert subs.queue_due() == 1
    assert subs.queue_due() == 0
    assert rows(store, 1001) == {"guide:month-1": "queued", "guide:month-2": "queued"}


def test_after_downtime_only_the_current_item_is_queued(subs: Subscriptions, store: Engine,
                                                        clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    clock.set_local(day(95))  # month-2 (day 60) was missed while nothing ran
    subs.queue_due()
    assert set(rows(store, 1001)) == {"guide:month-1", "guide:month-3"}


def test_a_due_date_starts_the_pregnancy_track(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    due = local_today(clock) + timedelta(days=50)  # the -60 day item is due now
    subs.subscribe(1002, due, None, "en", clock())
    assert rows(store, 1002) == {"guide:pregnancy-checks": "queued"}


def test_changing_the_date_replaces_the_queued_item(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    changed = subs.subscribe(1001, BIRTH + timedelta(days=25), "150627", "en", clock())
    assert (changed.birth_date, changed.region_code, changed.language) == (BIRTH + timedelta(days=25), "150627", "en")
    # day 10 of the new date: week-2 is not due yet; newborn is current
    assert rows(store, 1001) == {"guide:month-1": "cancelled", "guide:newborn": "queued"}
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(subscribers)).scalar_one() == 1


def test_stop_cancels_queued_rows_and_resubscribing_revives_them(subs: Subscriptions, store: Engine,
                                                                 clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    assert subs.stop(1001) is True
    assert subs.get(1001).status == SubscriberStatus.stopped  # type: ignore[union-attr]
    assert rows(store, 1001) == {"guide:month-1": "cancelled"}
    clock.set_local(day(60))
    assert subs.queue_due() == 0  # a stopped chat gets nothing new
    assert subs.stop(9999) is False
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    assert rows(store, 1001) == {"guide:month-1": "cancelled", "guide:month-2": "queued"}


def test_a_sent_item_is_never_queued_again(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    with store.begin() as conn:
        conn.execute(outbox.update().values(status="sent"))
    subs.stop(1001)
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    assert rows(store, 1001) == {"guide:month-1": "sent"}


def test_loss_pauses_with_care_and_never_sends_age_messages(subs: Subscriptions, store: Engine,
                                                           clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    subs.mark_loss(1001)
    assert subs.get(1001).status == SubscriberStatus.loss  # type: ignore[union-attr]
    for offset in (60, 90):
        clock.set_local(day(offset))
        assert subs.queue_due() == 0
    assert rows(store, 1001) == {"guide:month-1": "cancelled"}


def test_blocked(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    subs.subscribe(1001, BIRTH, None, "zh", clock())
    subs.mark_blocked(1001)
    assert subs.get(1001).status == SubscriberStatus.blocked  # type: ignore[union-attr]
    assert rows(store, 1001) == {"guide:month-1": "blocked"}


def test_forget_leaves_no_row_about_the_chat(subs: Subscriptions, store: Engine, clock: FakeClock) -> None:
    now = clock()
    with store.begin() as conn:
        for session in ("tg:1001", "tg:1002"):
            conn.execute(conversations.insert().values(session=session, language="zh", state={"x": 1},
                                                       updated_at=now, expires_at=now))
    subs.subscribe(1001, BIRTH, "150627", "zh", now)
    subs.subscribe(1002, BIRTH, "150627", "zh", now)
    subs.forget(1001)
    assert subs.get(1001) is None
    with store.connect() as conn:
        assert conn.execute(select(conversations.c.session)).scalars().all() == ["tg:1002"]
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 1  # 1002's
    subs.forget(4242)  # unknown chats are fine


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"birth_date": date(2021, 1, 1)}, "birth_date"),
    ({"birth_date": date(2026, 1, 1)}, "birth_date"),
    ({"region_code": "15062"}, "region_code"),
    ({"language": "fr"}, "language"),
])
def test_bad_input_names_the_field(subs: Subscriptions, clock: FakeClock, kwargs: dict, field: str) -> None:
    args = {"recipient": 1, "birth_date": BIRTH, "region_code": None, "language": "zh", "consent_at": clock()}
    with pytest.raises(SubscriptionError) as caught:
        subs.subscribe(**{**args, **kwargs})
    assert caught.value.field == field


def test_current_slug_ends_at_the_third_birthday() -> None:
    plan = FakePlan().plan(BIRTH)
    assert current_slug(plan, BIRTH, BIRTH - timedelta(days=61)) is None
    assert current_slug(plan, BIRTH, BIRTH) == "newborn"
    assert current_slug(plan, BIRTH, BIRTH + timedelta(days=1096)) == "month-3"
    assert current_slug(plan, BIRTH, BIRTH + timedelta(days=1097)) is None


def local_today(clock: FakeClock) -> date:
    return clock().astimezone(SHANGHAI).date()


def test_the_real_guidance_plan_fits_the_protocol() -> None:
    from content.guidance.plan import stage_plan
    from messaging.subscriptions import GuidanceStagePlan
    from messaging.telegram import TelegramArticles

    real = GuidanceStagePlan(load_library())
    items = real.plan(BIRTH)
    assert items == [(i.slug, i.send_on) for i in stage_plan(BIRTH, real.library)]
    assert items and items == sorted(items, key=lambda item: item[1])
    slug = current_slug(items, BIRTH, BIRTH + timedelta(days=100))
    assert slug is not None
    parts = TelegramArticles(real.library).render(slug, "en")  # falls back to Chinese where there is no English version
    assert parts and all(0 < len(p) <= 4096 for p in parts)
