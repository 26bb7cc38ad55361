"""The outbox: every message is one row, unique on (subscriber, item), so nothing is sent twice.

Stage-based messages are queued by `messaging.subscriptions`, staff broadcasts by `Broadcasts` here, and
`messaging.sender.Sender` claims and sends the rows, one sender per channel. This module holds what they share: the
statuses, segments, and the claim/record queries. A row's recipient is its subscriber's (channel, user id).

Row status: queued (waiting, or claimed by a sender under a lease), sent, failed (after the last try),
blocked (the user blocked the bot or unfollowed) or cancelled (/stop, the loss pathway, a cancelled broadcast).
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    and_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from common import CHINA_TZ, as_utc, local_day, utc_now
from geodata.regions import province_of
from messaging.store import broadcasts, outbox, senders, subscribers
from messaging.telegram_format import BROADCAST_FOOTER, TELEGRAM_LIMIT, telegram_length

SHANGHAI = CHINA_TZ  # the clock lives in common; SHANGHAI, local_day and utc_now are imported from here too
LANGUAGES = ("zh", "en")
Clock = Callable[[], datetime]

# A broadcast fits one Telegram message with its footer (Telegram's is the tightest limit; WeChat text is split).
MAX_BROADCAST_CHARS = TELEGRAM_LIMIT - max(len(f) for f in BROADCAST_FOOTER.values())


class SubscriberStatus(StrEnum):
    active = "active"
    paused = "paused"
    stopped = "stopped"
    blocked = "blocked"
    loss = "loss"


class RowStatus(StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"
    blocked = "blocked"
    cancelled = "cancelled"


# -- time ----------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (31 March − 1 month = 28/29 February)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def age_in_months(birth_date: date, today: date) -> int:
    """Full months of age (negative before a due date); a child is n months old once born on or before
    `months_before(today, n)`, which is what segments filter on."""
    months = (today.year - birth_date.year) * 12 + today.month - birth_date.month
    return months if birth_date <= months_before(today, months) else months - 1


def dialect_insert(conn: Connection) -> Any:
    """INSERT with ON CONFLICT support for the store's dialect (PostgreSQL or SQLite)."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def cancel_queued(conn: Connection, subscriber_id: int, status: RowStatus = RowStatus.cancelled,
                  item_prefix: str | None = None) -> int:
    """Waiting rows of a subscriber will not go out: cancelled (/stop, loss) or blocked."""
    condition = and_(outbox.c.subscriber_id == subscriber_id, outbox.c.status == RowStatus.queued)
    if item_prefix:
        condition = and_(condition, outbox.c.item.startswith(item_prefix, autoescape=True))
    result = conn.execute(update(outbox).where(condition).values(status=status, claimed_by=None, claimed_at=None))
    return result.rowcount


# -- segments --------------------------------------------------------------------------------------------


class SegmentError(ValueError):
    """A segment that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Segment:
    """Who a broadcast reaches. Every part is optional; an empty segment is every active subscriber.

    regions: county codes match exactly; a city code (XXXX00) matches its counties, a province code
    (XX0000) every county of the province. age_months: an inclusive range of the child's age in full months.
    """

    regions: tuple[str, ...] = ()
    age_months: tuple[int, int] | None = None
    language: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Segment:
        data = data or {}
        unknown = set(data) - {"regions", "age_months", "language"}
        if unknown:
            raise SegmentError(f"segment: unknown key(s) {', '.join(sorted(unknown))}")
        regions = tuple(str(code) for code in data.get("regions") or ())
        for code in regions:
            if province_of(code) is None:
                raise SegmentError(f"segment.regions: {code!r} is not a 6-digit code of a Chinese region")
        age = data.get("age_months")
        age_range: tuple[int, int] | None = None
        if age is not None:
            if (not isinstance(age, list | tuple) or len(age) != 2
                    or not all(isinstance(x, int) and not isinstance(x, bool) for x in age)):
                raise SegmentError("segment.age_months: must be [from, to], two whole months, e.g. [0, 12]")
            low, high = int(age[0]), int(age[1])
            if not 0 <= low <= high <= 36:
                raise SegmentError(f"segment.age_months: need 0 ≤ from ≤ to ≤ 36, got [{low}, {high}]")
            age_range = (low, high)
        language = data.get("language")
        if language is not None and language not in LANGUAGES:
            raise SegmentError(f"segment.language: must be one of {', '.join(LANGUAGES)}, got {language!r}")
        return cls(regions, age_range, language)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.regions:
            out["regions"] = list(self.regions)
        if self.age_months is not None:
            out["age_months"] = list(self.age_months)
        if self.language is not None:
            out["language"] = self.language
        return out

    def condition(self, today: date) -> ColumnElement[bool]:
        """The SQL condition on subscribers: active and in the segment on `today`."""
        parts: list[ColumnElement[bool]] = [subscribers.c.status == SubscriberStatus.active]
        if self.regions:
            parts.append(or_(*(_region_match(code) for code in self.regions)))
        if self.age_months is not None:
            low, high = self.age_months
            parts.append(subscribers.c.birth_date <= months_before(today, low))
            parts.append(subscribers.c.birth_date > months_before(today, high + 1))
        if self.language is not None:
            parts.append(subscribers.c.language == self.language)
        return and_(*parts)


def _region_match(code: str) -> ColumnElement[bool]:
    if code.endswith("0000"):
        return subscribers.c.region_code.startswith(code[:2])
    if code.endswith("00"):
        return subscribers.c.region_code.startswith(code[:4])
    return subscribers.c.region_code == code


def compose_broadcast(text: str, language: str, footers: dict[str, str] = BROADCAST_FOOTER) -> str:
    """A broadcast as the parent reads it: the staff's text and how to stop messages (each channel says it its
    own way; Telegram's is the default)."""
    return text.strip() + footers.get(language, footers["zh"])


# -- broadcasts ------------------------------------------------------------------------------------------


class BroadcastError(ValueError):
    """A broadcast request that cannot be done (bad text, unknown id, wrong state)."""


class UnknownBroadcast(BroadcastError):
    pass


class BroadcastStateError(BroadcastError):
    pass


@dataclass(frozen=True)
class BroadcastReport:
    id: str
    text: str
    segment: dict[str, Any]
    status: str  # draft, queued, sending, done or cancelled
    recipients: int
    queued: int
    sent: int
    failed: int
    blocked: int
    cancelled: int
    created_by: str
    created_at: datetime
    scheduled_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "recipients": self.recipients, "queued": self.queued,
            "sent": self.sent, "failed": self.failed, "blocked": self.blocked, "cancelled": self.cancelled,
            "text": self.text, "segment": self.segment, "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
        }


@dataclass(frozen=True)
class Preview:
    recipients: int
    messages: dict[str, str]  # language → the text as parents will read it

    def as_json(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "messages": self.messages}


class Broadcasts:
    """Staff broadcasts: draft, preview, send (now or at a scheduled time), cancel and report."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def _now(self) -> datetime:
        return as_utc(self.clock())

    def preview(self, text: str, segment: Segment) -> Preview:
        text = _checked_text(text)
        languages = [segment.language] if segment.language else list(LANGUAGES)
        return Preview(self.count(segment), {lang: compose_broadcast(text, lang) for lang in languages})

    def count(self, segment: Segment) -> int:
        query = select(func.count()).select_from(subscribers).where(segment.condition(local_day(self._now())))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def create(self, text: str, segment: Segment, created_by: str, scheduled_at: datetime | None = None) -> str:
        text = _checked_text(text)
        now = self._now()
        broadcast_id = str(uuid.uuid4())
        recipients = self.count(segment)
        with self.engine.begin() as conn:
            conn.execute(broadcasts.insert().values(
                id=broadcast_id, text=text, segment=segment.as_json(), status="draft",
                recipients=recipients, created_by=created_by, created_at=now,
                scheduled_at=as_utc(scheduled_at) if scheduled_at else None, updated_at=now,
            ))
        return broadcast_id

    def send(self, broadcast_id: str) -> BroadcastReport:
        """Queue one outbox row per recipient; they go out at the scheduled time, or now."""
        now = self._now()
        with self.engine.begin() as conn:
            row = self._row(conn, broadcast_id)
            # Claim the draft first: of two sends at once (a double click), only one gets past this.
            claimed = conn.execute(update(broadcasts).where(
                broadcasts.c.id == broadcast_id, broadcasts.c.status == "draft").values(
                status="queued", updated_at=now)).rowcount
            if not claimed:
                raise BroadcastStateError(f"broadcast {broadcast_id} is {row.status}; only a draft can be sent")
            segment = Segment.from_json(row.segment)
            not_before = max(as_utc(row.scheduled_at), now) if row.scheduled_at else now
            recipients = select(
                subscribers.c.id, literal(f"broadcast:{broadcast_id}", String), literal(broadcast_id, String),
                literal(RowStatus.queued.value, String), literal(0, Integer),
                literal(not_before, DateTime(timezone=True)),
            ).where(segment.condition(local_day(now)))
            insert = dialect_insert(conn)(outbox).from_select(
                ["subscriber_id", "item", "broadcast_id", "status", "attempts", "not_before"], recipients,
            ).on_conflict_do_nothing().returning(outbox.c.id)
            queued = len(conn.execute(insert).all())
            conn.execute(update(broadcasts).where(broadcasts.c.id == broadcast_id).values(recipients=queued))
        return self.report(broadcast_id)

    def cancel(self, broadcast_id: str) -> BroadcastReport:
        """Nothing more goes out; what was already sent stays sent."""
        now = self._now()
        with self.engine.begin() as conn:
            self._row(conn, broadcast_id)
            claimed = conn.execute(update(broadcasts).where(
                broadcasts.c.id == broadcast_id, broadcasts.c.status != "cancelled").values(
                status="cancelled", updated_at=now)).rowcount
            if not claimed:
                raise BroadcastStateError(f"broadcast {broadcast_id} is already cancelled")
            conn.execute(update(outbox).where(
                outbox.c.broadcast_id == broadcast_id, outbox.c.status == RowStatus.queued,
            ).values(status=RowStatus.cancelled))
        return self.report(broadcast_id)

    def report(self, broadcast_id: str) -> BroadcastReport:
        with self.engine.connect() as conn:
            return self._report(conn, self._row(conn, broadcast_id))

    def list(self, limit: int = 50) -> list[BroadcastReport]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(broadcasts).order_by(broadcasts.c.created_at.desc()).limit(limit)).all()
            return [self._report(conn, row) for row in rows]

    @staticmethod
    def _row(conn: Connection, broadcast_id: str) -> Any:
        row = conn.execute(select(broadcasts).where(broadcasts.c.id == broadcast_id)).first()
        if row is None:
            raise UnknownBroadcast(f"no broadcast with id {broadcast_id!r}")
        return row

    def _report(self, conn: Connection, row: Any) -> BroadcastReport:
        found = conn.execute(
            select(outbox.c.status, func.count()).where(outbox.c.broadcast_id == row.id).group_by(outbox.c.status)
        ).all()
        counts = {str(status): int(count) for status, count in found}
        queued, sent, failed, blocked = (int(counts.get(s, 0)) for s in ("queued", "sent", "failed", "blocked"))
        scheduled_at = as_utc(row.scheduled_at) if row.scheduled_at else None
        status = row.status
        if status == "queued":
            if queued == 0:
                status = "done"
            elif sent + failed + blocked or scheduled_at is None or scheduled_at <= self._now():
                status = "sending"
        return BroadcastReport(
            id=row.id, text=row.text, segment=row.segment, status=status, recipients=row.recipients,
            queued=queued, sent=sent, failed=failed, blocked=blocked, cancelled=int(counts.get("cancelled", 0)),
            created_by=row.created_by, created_at=as_utc(row.created_at), scheduled_at=scheduled_at,
        )


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise BroadcastError("text: a broadcast needs some text")
    if telegram_length(text) > MAX_BROADCAST_CHARS:  # Telegram counts UTF-16 units: an emoji is two
        raise BroadcastError(f"text: at most {MAX_BROADCAST_CHARS} characters, got {telegram_length(text)}")
    return text


# -- what the sender claims and records ----------------------------------------------------------------


@dataclass(frozen=True)
class LeasePolicy:
    """How long a sender's claims last: the one place these durations live.

    A claim is a lease held by its owner (outbox.claimed_by, a sender id unique to each running sender). The owner
    writes its heartbeat (the senders table) every `heartbeat` while it runs; an owner whose heartbeat is older than
    `lease` is dead, and any sender may take its rows over. A sender polls every second when idle, so a dead
    sender's rows move again within `lease` + 1 s of its last heartbeat (6 s with these values; the promise is
    10 s). A sender never sends on a lease it cannot show is live: if its last heartbeat is older than
    `lease - heartbeat`, it writes one before the next send. Clocks of the hosts must agree to within a second
    (NTP).
    """

    heartbeat: timedelta = timedelta(seconds=1)
    lease: timedelta = timedelta(seconds=5)


LEASES = LeasePolicy()


def beat(conn: Connection, worker: str, channel: str, now: datetime) -> None:
    """The sender `worker` is alive at `now`: its claims stay its own for another lease."""
    insert = dialect_insert(conn)(senders).values(id=worker, channel=channel, started_at=now, heartbeat_at=now)
    conn.execute(insert.on_conflict_do_update(index_elements=[senders.c.id], set_={"heartbeat_at": now}))


def leave(conn: Connection, worker: str, now: datetime, forget_after: timedelta = timedelta(days=1)) -> None:
    """A sender stops cleanly: it gives back its rows and deletes its heartbeat (and any dead for a day)."""
    conn.execute(update(outbox).where(outbox.c.claimed_by == worker, outbox.c.status == RowStatus.queued).values(
        claimed_by=None, claimed_at=None))
    conn.execute(delete(senders).where(or_(senders.c.id == worker, senders.c.heartbeat_at < now - forget_after)))


@dataclass(frozen=True)
class Claimed:
    id: int
    subscriber_id: int
    user_id: str  # the channel's user id: a Telegram chat id or a WeChat openid
    language: str
    item: str
    attempts: int
    broadcast_text: str | None
    parts_sent: int = 0


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row. kind: sent, retry (queued again at not_before), failed, blocked,
    released (not tried now: quiet hours began, or the row was stopped meanwhile), or progress (the first
    `parts_sent` parts of a long item went out; the row stays claimed for the next part)."""

    row: Claimed
    kind: str
    at: datetime
    error: str | None = None
    not_before: datetime | None = None
    count_attempt: bool = True
    parts_sent: int = 0  # for a retry or progress: the parts of the item already delivered


def claim(conn: Connection, worker: str, now: datetime, lease: timedelta, limit: int,
          channel: str = "telegram") -> list[Claimed]:
    """Take up to `limit` due rows of active subscribers of one channel for `worker`: rows nobody holds, rows of an
    owner with no heartbeat for `lease` (a dead sender's), and the worker's own (a sender claims only between
    batches, so any row it still holds was left over by a failed write). On PostgreSQL concurrent senders skip each
    other's rows (FOR UPDATE SKIP LOCKED); on SQLite the UPDATE checks the rows are still claimable, so a second
    sender only wastes its turn."""
    owner_alive = select(senders.c.id).where(
        senders.c.id == outbox.c.claimed_by, senders.c.heartbeat_at >= now - lease).exists()
    claimable = and_(
        outbox.c.status == RowStatus.queued,
        outbox.c.not_before <= now,
        or_(outbox.c.claimed_by.is_(None), outbox.c.claimed_by == worker, ~owner_alive),
    )
    ids = conn.execute(
        select(outbox.c.id)
        .join(subscribers, subscribers.c.id == outbox.c.subscriber_id)
        .where(claimable, subscribers.c.status == SubscriberStatus.active, subscribers.c.channel == channel)
        .order_by(outbox.c.not_before, outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=outbox)
    ).scalars().all()
    if not ids:
        return []
    conn.execute(update(outbox).where(outbox.c.id.in_(ids), claimable).values(claimed_by=worker, claimed_at=now))
    rows = conn.execute(
        select(outbox.c.id, outbox.c.subscriber_id, subscribers.c.user_id, subscribers.c.language, outbox.c.item,
               outbox.c.attempts, broadcasts.c.text, outbox.c.parts_sent)
        .join(subscribers, subscribers.c.id == outbox.c.subscriber_id)
        .outerjoin(broadcasts, broadcasts.c.id == outbox.c.broadcast_id)
        .where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker)
        .order_by(outbox.c.not_before, outbox.c.id)
    ).all()
    return [Claimed(r.id, r.subscriber_id, str(r.user_id), r.language, r.item, r.attempts, r.text, r.parts_sent)
            for r in rows]


# Built once: this runs before every send.
_STILL_WANTED = select(outbox.c.id).join(subscribers, subscribers.c.id == outbox.c.subscriber_id).where(
    outbox.c.id == bindparam("row_id"), outbox.c.status == RowStatus.queued.value,
    outbox.c.claimed_by == bindparam("worker"), subscribers.c.status == SubscriberStatus.active.value,
)


def still_wanted(conn: Connection, row_id: int, worker: str) -> bool:
    """Read just before each send: still queued, still ours (not taken over), and the subscriber still active (so
    /stop, /forget and a cancelled broadcast take effect before the next send)."""
    return conn.execute(_STILL_WANTED, {"row_id": row_id, "worker": worker}).first() is not None


def record(conn: Connection, outcomes: Sequence[Outcome], worker: str, now: datetime) -> None:
    """Write outcomes in one transaction. A delivery is recorded whoever holds the row now; a retry, a release or
    progress only while the row is still the worker's."""
    for kind in ("sent", "failed", "blocked", "retry", "released", "progress"):
        chosen = [o for o in outcomes if o.kind == kind]
        if not chosen:
            continue
        values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
        if kind == "progress":
            values = {"parts_sent": bindparam("parts")}
        elif kind != "released":
            values["attempts"] = outbox.c.attempts + bindparam("step")
            values["last_error"] = bindparam("error")
        if kind in ("sent", "failed", "blocked"):
            values["status"] = kind
        if kind == "sent":
            values["sent_at"] = bindparam("at")
        if kind == "retry":
            values["not_before"] = bindparam("next_try")
            values["parts_sent"] = bindparam("parts")
        where = [outbox.c.id == bindparam("row_id")]
        if kind in ("retry", "released", "progress"):  # only while the row is still ours: another may hold it now
            where.append(outbox.c.claimed_by == worker)
        conn.execute(
            update(outbox).where(*where).values(**values),
            [{"row_id": o.row.id, "step": int(o.count_attempt), "error": (o.error or "")[:300] or None,
              "at": as_utc(o.at), "next_try": o.not_before, "parts": o.parts_sent} for o in chosen],
        )
        if kind == "blocked":
            for subscriber_id in {o.row.subscriber_id for o in chosen}:
                conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(
                    status=SubscriberStatus.blocked, updated_at=now))
                cancel_queued(conn, subscriber_id, RowStatus.blocked)


def release(conn: Connection, row_ids: Iterable[int], worker: str) -> None:
    """Give back claimed rows that were not tried, so another sender (or a restart) takes them at once."""
    ids = list(row_ids)
    if ids:
        conn.execute(update(outbox).where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker).values(
            claimed_by=None, claimed_at=None))
