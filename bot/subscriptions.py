"""Subscriptions to age-timed guidance: who, for which child's date, and what is queued for them.

A subscriber is a Telegram chat with a birth (or due) date, a region code, a language and a status
(active, paused, stopped, blocked or loss). Consent is recorded with its time. Stage-based messages come from
a stage plan. A late joiner is fast-forwarded: only the item current today is queued, never the backlog; each
later item is queued on its day by `queue_due()`, which the sender calls now and then.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import DateTime, Engine, Integer, String, delete, literal, select, update

from bot.outbox import LANGUAGES, RowStatus, SubscriberStatus, cancel_queued, dialect_insert, local_day, utc_now
from bot.store import conversations, outbox, subscribers
from content.guidance.library import Library
from content.guidance.plan import PLAN_END_DAY, stage_plan
from content.guidance.render import render_telegram
from geodata.policy import MAX_DUE_DAYS_AHEAD
from geodata.store import as_utc

STAGE_PREFIX = "guide:"

class StagePlan(Protocol):
    """The guidance library's stage plan, as the subscriptions and the sender use it."""

    def plan(self, birth_date: date) -> list[tuple[str, date]]:
        """Every pushed item for a child born (or due) on that date: (slug, send_on), by send_on."""
        ...

    def render(self, slug: str, language: str) -> list[str]:
        """The item as Telegram HTML messages (each within Telegram's 4,096 characters)."""
        ...


class SubscriptionError(ValueError):
    """Bad subscription data; `field` names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Subscriber:
    id: int
    chat_id: int
    birth_date: date
    region_code: str | None
    language: str
    status: SubscriberStatus
    consent_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Subscriber:
        return cls(row.id, int(row.chat_id), row.birth_date, row.region_code, row.language,
                   SubscriberStatus(row.status), as_utc(row.consent_at), as_utc(row.created_at),
                   as_utc(row.updated_at))


def current_slug(plan: list[tuple[str, date]], birth_date: date, today: date) -> str | None:
    """The latest item already due today; None before the first and after the third birthday."""
    if today > birth_date + timedelta(days=PLAN_END_DAY):
        return None
    due = [(send_on, slug) for slug, send_on in plan if send_on <= today]
    return max(due, key=lambda pair: pair[0])[1] if due else None


class Subscriptions:
    def __init__(self, engine: Engine, plan: StagePlan, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.plan = plan
        self.clock = clock

    def _now(self) -> datetime:
        return as_utc(self.clock())

    def subscribe(self, chat_id: int, birth_date: date, region_code: str | None, language: str,
                  consent_at: datetime) -> Subscriber:
        """Subscribe, or change the date, region or language: the chat is active again, and the item
        current for the (new) date is queued."""
        now = self._now()
        today = local_day(now)
        _check(birth_date, region_code, language, today)
        values = {"birth_date": birth_date, "region_code": region_code, "language": language,
                  "status": SubscriberStatus.active, "consent_at": as_utc(consent_at), "updated_at": now}
        with self.engine.begin() as conn:
            existing = conn.execute(select(subscribers.c.id).where(subscribers.c.chat_id == chat_id)).first()
            if existing:
                subscriber_id = existing.id
                conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(**values))
                cancel_queued(conn, subscriber_id, item_prefix=STAGE_PREFIX)  # the old date's item
            else:
                inserted = conn.execute(subscribers.insert().values(chat_id=chat_id, created_at=now, **values))
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
        found = self.get(chat_id)
        assert found is not None
        return found

    def get(self, chat_id: int) -> Subscriber | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(subscribers).where(subscribers.c.chat_id == chat_id)).first()
        return Subscriber.from_row(row) if row else None

    def stop(self, chat_id: int) -> bool:
        """/stop: no more messages of any kind; False if the chat was not subscribed."""
        return self._set_status(chat_id, SubscriberStatus.stopped, RowStatus.cancelled)

    def mark_loss(self, chat_id: int) -> None:
        """The loss pathway: paused with care and never sent age messages again (the engine's reply
        offers support). Only the parent's own /subscribe starts messages again."""
        self._set_status(chat_id, SubscriberStatus.loss, RowStatus.cancelled)

    def mark_blocked(self, chat_id: int) -> None:
        self._set_status(chat_id, SubscriberStatus.blocked, RowStatus.blocked)

    def forget(self, chat_id: int) -> None:
        """/forget: the subscriber, its messages and its conversation are deleted; nothing remains."""
        with self.engine.begin() as conn:
            subscriber_id = conn.execute(
                select(subscribers.c.id).where(subscribers.c.chat_id == chat_id)).scalar_one_or_none()
            if subscriber_id is not None:
                conn.execute(delete(outbox).where(outbox.c.subscriber_id == subscriber_id))
                conn.execute(delete(subscribers).where(subscribers.c.id == subscriber_id))
            conn.execute(delete(conversations).where(conversations.c.session == f"tg:{chat_id}"))

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

    def _set_status(self, chat_id: int, status: SubscriberStatus, rows_become: RowStatus) -> bool:
        with self.engine.begin() as conn:
            subscriber_id = conn.execute(
                select(subscribers.c.id).where(subscribers.c.chat_id == chat_id)).scalar_one_or_none()
            if subscriber_id is None:
                return False
            conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(
                status=status, updated_at=self._now()))
            cancel_queued(conn, subscriber_id, rows_become)
        return True


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

    def __init__(self, library: Library, link_for: Callable[[str, str], str] | None = None) -> None:
        self.library = library
        self.link_for = link_for

    def plan(self, birth_date: date) -> list[tuple[str, date]]:
        return [(item.slug, item.send_on) for item in stage_plan(birth_date, self.library)]

    def render(self, slug: str, language: str) -> list[str]:
        locale = language if language in self.library.locales_of(slug) else "zh"
        return render_telegram(self.library.get(slug, locale), self.link_for)
