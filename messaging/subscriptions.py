"""Subscriptions to age-timed guidance: who, for which child's date, and what is queued for them.

A subscriber is a recipient (a Telegram chat or a WeChat user: see common.Recipient) with a birth (or due) date,
a region code, a language and a status (active, paused, stopped, blocked or loss). Consent is recorded with its
time. Stage-based messages come from a stage plan. A late joiner is fast-forwarded: only the item current today is
queued, never the backlog; each later item is queued on its day by `queue_due()`, which the senders call now and
then.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import DateTime, Engine, Integer, String, and_, delete, literal, select, update
from sqlalchemy.sql.elements import ColumnElement

from common import Recipient, as_utc, local_day, utc_now
from content.guidance.library import Library
from content.guidance.plan import PLAN_END_DAY, stage_plan
from geodata.policy import MAX_DUE_DAYS_AHEAD
from messaging.channel import STAGE_PREFIX
from messaging.outbox import LANGUAGES, RowStatus, SubscriberStatus, cancel_queued, dialect_insert
from messaging.store import outbox, subscribers, wechat_users

# What /forget also deletes outside messaging (the conversation): hooks given the recipient.
Forgetter = Callable[[Recipient], None]
RecipientLike = Recipient | int  # an int is a Telegram chat id


class StagePlan(Protocol):
    """The guidance library's stage plan, as the subscriptions use it."""

    def plan(self, birth_date: date) -> list[tuple[str, date]]:
        """Every pushed item for a child born (or due) on that date: (slug, send_on), by send_on."""
        ...


class SubscriptionError(ValueError):
    """Bad subscription data; `field` names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Subscriber:
    id: int
    recipient: Recipient
    birth_date: date
    region_code: str | None
    language: str
    status: SubscriberStatus
    consent_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Subscriber:
        return cls(row.id, Recipient(row.channel, row.user_id), row.birth_date, row.region_code, row.language,
                   SubscriberStatus(row.status), as_utc(row.consent_at), as_utc(row.created_at),
                   as_utc(row.updated_at))


def current_slug(plan: list[tuple[str, date]], birth_date: date, today: date) -> str | None:
    """The latest item already due today; None before the first and after the third birthday."""
    if today > birth_date + timedelta(days=PLAN_END_DAY):
        return None
    due = [(send_on, slug) for slug, send_on in plan if send_on <= today]
    return max(due, key=lambda pair: pair[0])[1] if due else None


class Subscriptions:
    def __init__(self, engine: Engine, plan: StagePlan, clock: Callable[[], datetime] = utc_now,
                 forgetters: Sequence[Forgetter] = ()) -> None:
        self.engine = engine
        self.plan = plan
        self.clock = clock
        self.forgetters = list(forgetters)

    def _now(self) -> datetime:
        return as_utc(self.clock())

    def subscribe(self, recipient: RecipientLike, birth_date: date, region_code: str | None, language: str,
                  consent_at: datetime) -> Subscriber:
        """Subscribe, or change the date, region or language: the recipient is active again, and the item
        current for the (new) date is queued."""
        recipient = Recipient.of(recipient)
        now = self._now()
        today = local_day(now)
        _check(birth_date, region_code, language, today)
        values = {"birth_date": birth_date, "region_code": region_code, "language": language,
                  "status": SubscriberStatus.active, "consent_at": as_utc(consent_at), "updated_at": now}
        with self.engine.begin() as conn:
            existing = conn.execute(select(subscribers.c.id).where(_is(recipient))).first()
            if existing:
                subscriber_id = existing.id
                conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(**values))
                cancel_queued(conn, subscriber_id, item_prefix=STAGE_PREFIX)  # the old date's item
            else:
                inserted = conn.execute(subscribers.insert().values(
                    channel=recipient.channel.value, user_id=recipient.user_id, created_at=now, **values))
                subscriber_id = inserted.inserted_primary_key[0]  # type: ignore[index]
            slug = current_slug(self.plan.plan(birth_date), birth_date, today)
            if slug:
                row = {"subscriber_id": subscriber_id, "item": STAGE_PREFIX + slug, "status": RowStatus.queued,
                       "attempts": 0, "not_before": now}
                insert = dialect_insert(conn)(outbox).values(**row)
                # An item cancelled earlier (a /stop, a changed date) is queued again; a sent one never is.
                conn.execute(insert.on_conflict_do_update(
                    index_elements=["subscriber_id", "item"],
                    set_={"status": RowStatus.queued, "not_before": now, "claimed_by": None, "claimed_at": None},
                    where=outbox.c.status == RowStatus.cancelled,
                ))
        found = self.get(recipient)
        assert found is not None
        return found

    def get(self, recipient: RecipientLike) -> Subscriber | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(subscribers).where(_is(Recipient.of(recipient)))).first()
        return Subscriber.from_row(row) if row else None

    def stop(self, recipient: RecipientLike) -> bool:
        """/stop (退订, or unfollowing the WeChat account): no more messages of any kind; False if the recipient
        was not subscribed."""
        return self._set_status(recipient, SubscriberStatus.stopped, RowStatus.cancelled)

    def mark_loss(self, recipient: RecipientLike) -> None:
        """The loss pathway: paused with care and never sent age messages again (the engine's reply
        offers support). Only the parent's own /subscribe starts messages again."""
        self._set_status(recipient, SubscriberStatus.loss, RowStatus.cancelled)

    def mark_blocked(self, recipient: RecipientLike) -> None:
        self._set_status(recipient, SubscriberStatus.blocked, RowStatus.blocked)

    def forget(self, recipient: RecipientLike) -> None:
        """/forget (删除我的数据): the subscriber, its messages, what the channel kept about the user and (through
        the forgetters) its conversation are deleted; nothing remains."""
        recipient = Recipient.of(recipient)
        with self.engine.begin() as conn:
            subscriber_id = conn.execute(select(subscribers.c.id).where(_is(recipient))).scalar_one_or_none()
            if subscriber_id is not None:
                conn.execute(delete(outbox).where(outbox.c.subscriber_id == subscriber_id))
                conn.execute(delete(subscribers).where(subscribers.c.id == subscriber_id))
            if recipient.channel == "wechat":
                conn.execute(delete(wechat_users).where(wechat_users.c.openid == recipient.user_id))
        for forget in self.forgetters:
            forget(recipient)

    def queue_due(self) -> int:
        """Queue, for every active subscriber, the item current today (once: the outbox is unique on
        (subscriber, item)). Run daily or more often; after downtime only the current item is queued."""
        now = self._now()
        today = local_day(now)
        with self.engine.begin() as conn:
            dates = conn.execute(select(subscribers.c.birth_date).distinct().where(
                subscribers.c.status == SubscriberStatus.active)).scalars().all()
            by_slug: dict[str, list[date]] = defaultdict(list)
            for birth_date in dates:
                slug = current_slug(self.plan.plan(birth_date), birth_date, today)
                if slug:
                    by_slug[slug].append(birth_date)
            queued = 0
            for slug, birth_dates in by_slug.items():
                due = select(
                    subscribers.c.id, literal(STAGE_PREFIX + slug, String), literal(RowStatus.queued.value, String),
                    literal(0, Integer), literal(now, DateTime(timezone=True)),
                ).where(subscribers.c.status == SubscriberStatus.active, subscribers.c.birth_date.in_(birth_dates))
                insert = dialect_insert(conn)(outbox).from_select(
                    ["subscriber_id", "item", "status", "attempts", "not_before"], due,
                ).on_conflict_do_nothing().returning(outbox.c.id)
                queued += len(conn.execute(insert).all())
        return queued

    def _set_status(self, recipient: RecipientLike, status: SubscriberStatus, rows_become: RowStatus) -> bool:
        with self.engine.begin() as conn:
            subscriber_id = conn.execute(
                select(subscribers.c.id).where(_is(Recipient.of(recipient)))).scalar_one_or_none()
            if subscriber_id is None:
                return False
            conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(
                status=status, updated_at=self._now()))
            cancel_queued(conn, subscriber_id, rows_become)
        return True


def _is(recipient: Recipient) -> ColumnElement[bool]:
    return and_(subscribers.c.channel == recipient.channel.value, subscribers.c.user_id == recipient.user_id)


def _check(birth_date: date, region_code: str | None, language: str, today: date) -> None:
    if birth_date > today + timedelta(days=MAX_DUE_DAYS_AHEAD):
        raise SubscriptionError("birth_date", "预产期不能晚于今天起 300 天 / a due date is at most 300 days ahead")
    if birth_date < today - timedelta(days=PLAN_END_DAY):
        raise SubscriptionError("birth_date", "本服务面向 3 岁以下的孩子 / guidance is for children under three")
    if region_code is not None and not re.fullmatch(r"\d{6}", region_code):
        raise SubscriptionError("region_code", f"应为 6 位行政区划代码 / must be a 6-digit code, got {region_code!r}")
    if language not in LANGUAGES:
        raise SubscriptionError("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")


class GuidanceStagePlan:
    """The real stage plan, from the guidance library in content/guidance."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def plan(self, birth_date: date) -> list[tuple[str, date]]:
        return [(item.slug, item.send_on) for item in stage_plan(birth_date, self.library)]
