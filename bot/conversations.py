"""Conversation state in the store, so that web and bot replicas share it. It expires."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Select, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.store import conversations
from common import as_utc

DEFAULT_TTL = timedelta(hours=24)
PURGE_EVERY = timedelta(hours=1)


class Pending(StrEnum):
    """The questions the engine asks and then waits for an answer to: one flow owns each."""

    find_place = "find_place"
    check_name = "check_name"
    leave_region = "leave_region"
    leave_date = "leave_date"
    subsidy_region = "subsidy_region"
    subscribe_consent = "subscribe_consent"
    subscribe_date = "subscribe_date"
    subscribe_region = "subscribe_region"
    which_intent = "which_intent"  # the model was unsure; the parent picks with a button or a word

    @property
    def flow(self) -> str:
        """The intent whose flow asked the question."""
        return {"find": "find_centre", "check": "check_centre", "leave": "leave", "subsidy": "subsidy",
                "subscribe": "subscribe", "which": "unknown"}[self.value.split("_")[0]]


@dataclass
class State:
    """What the engine remembers between turns; never a precise location."""

    language: str = "zh"
    pending: Pending | None = None  # the question we asked and wait for
    paused: Pending | None = None  # a question set aside when the parent changed the subject
    region_code: str | None = None  # a province or county code the parent gave or confirmed
    birth_date: str | None = None  # ISO date, for leave and subscription questions
    babies: int = 1  # at this birth (twins: 2)
    birth_order: int = 1  # first, second, third child
    difficult_birth: bool = False
    inclusive_only: bool = True
    inclusive_asked: bool = False  # the parent asked for 普惠 centres only (else the others follow them)
    vacancies_only: bool = False
    cheapest_first: bool = False  # "哪家最便宜" in a search: its list goes by fee, not by distance
    fees_asked: bool = False  # the subsidy question was what centres charge ("托育多少钱")
    age_months: int | None = None
    mode: str | None = None
    place: str | None = None  # the named place last searched around (a community or town, never a point)
    centre_id: str | None = None  # preset by a deep link, or the centre being discussed
    campaign: str | None = None
    consent: bool = False  # consent to subscribe, given in this conversation
    # The entities of the last answer, for follow-ups ("第一家电话多少", "那我老公呢", "还有别的吗").
    topic: str | None = None  # the intent of the last full answer
    listed: list[str] = field(default_factory=list)  # every centre id of the last search, in order
    nearby: list[str] = field(default_factory=list)  # the same search's centres of any kind (普惠 or not)
    around: list[str] = field(default_factory=list)  # every centre in the circle of a shared point (not the point)
    shown: int = 0  # how many of them the parent has seen
    asked: list[str] = field(default_factory=list)  # what was last asked about a centre: "那第二家呢" asks it again
    page_start: int = 0  # where the last page shown began: "第一家" after "还有别的吗" is its first
    leave_ask: str | None = None  # "maternity", "paternity", "parental" or "nursing"; several: "maternity,paternity"
    guide_query: str | None = None  # the words of the last guidance question
    guide_slug: str | None = None  # the last article shown, for "全文" / "说具体点"
    birth_month: str | None = None  # "2024年6月出生": the month's first day, until the day itself is known
    birth_until: str | None = None  # "2023年生的": the last day the birth may be on (else the month's end)
    alarm_at: str | None = None  # when the last safety alarm was raised (ISO), so that it holds for a while only
    alarm_kind: str | None = None  # its kind: "现在该怎么办" returns to it, even after a question about a centre
    ambiguous: str | None = None  # a place name that several places share, until the parent says which
    held_text: str | None = None  # a message we asked about ("您是想…还是…？"), answered once they pick
    subscribed_on: str | None = None  # the birth date of this chat's subscription, once made
    # Text-only channels (WeChat) number the buttons of their last answer: "1" means choices[0], a button's data.
    choices: list[str] = field(default_factory=list)
    case: dict[str, Any] | None = None  # a complaint case being filed (bot/flows/cases.py): step, centre, what

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("pending", "paused"):
            value = known.get(key)
            known[key] = Pending(value) if isinstance(value, str) and value in Pending.__members__ else None
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        """The fields as they are (not copied, as `asdict` would): the row is serialised at once."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Held:
    """A conversation's state during one turn."""

    state: State
    forgotten: bool = False  # /forget: the row is deleted instead of written


@dataclass
class ConversationStore:
    engine: Engine
    ttl: timedelta = DEFAULT_TTL
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _purged_at: datetime | None = field(default=None, init=False)

    def load(self, session: str) -> State:
        with self.engine.connect() as conn:
            return self._read(conn, session)

    def save(self, session: str, state: State) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._upsert, self._values(session, state))
        self._purge_now_and_then()

    @contextmanager
    def turn(self, session: str) -> Iterator[Held]:
        """One turn on one connection and in one transaction: the row read at the start, written (or deleted, once
        forgotten) at the end. Nothing is written when the turn fails."""
        with self.engine.begin() as conn:
            held = Held(self._read(conn, session))
            yield held
            if held.forgotten:
                conn.execute(delete(conversations).where(conversations.c.session == session))
            else:
                conn.execute(self._upsert, self._values(session, held.state))
        self._purge_now_and_then()

    def _read(self, conn: Connection, session: str) -> State:
        row = conn.execute(self._select, {"session": session}).first()
        if row is None or as_utc(row.expires_at) <= self.clock():
            return State()
        return State.from_json(row.state)

    def _values(self, session: str, state: State) -> dict[str, Any]:
        now = self.clock()
        return {"session": session, "language": state.language, "state": state.to_json(), "updated_at": now,
                "expires_at": now + self.ttl}

    def _purge_now_and_then(self) -> None:
        now = self.clock()
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            self._purged_at = now
            self.purge_expired()  # expired conversations may hold a birth date: they are deleted, not kept

    @cached_property
    def _select(self) -> Select[Any]:
        return select(conversations.c.state, conversations.c.expires_at) \
            .where(conversations.c.session == bindparam("session"))

    @cached_property
    def _upsert(self) -> Insert:
        """One row written per turn: the statement is built once, its values bound per call."""
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(conversations)
        return stmt.on_conflict_do_update(
            index_elements=[conversations.c.session],
            set_={k: stmt.excluded[k] for k in ("language", "state", "updated_at", "expires_at")})

    def delete(self, session: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(conversations).where(conversations.c.session == session))

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(conversations).where(conversations.c.expires_at <= self.clock())).rowcount
