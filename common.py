"""The bottom of the dependency graph: what every package shares and nothing else.

- `metadata`: the store's one SQLAlchemy MetaData. geodata/, bot/, messaging/ and api/ add their tables to it;
  Alembic reads it. The audit log is here too (`audit_log`, `write_audit`): staff changes in api/ and the
  domain's own writes (an import, a complaint case filed from the bot) are logged alike.
- The clock: the store keeps UTC (`utc_now`, `as_utc`); "today" is a day in China (`china_today`, `local_day`),
  which keeps Beijing time everywhere.
- `Recipient`: whom a message goes to, a channel and that channel's user id (a Telegram chat id, a WeChat
  openid), always as a string.

It imports nothing of the project.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Column, Connection, DateTime, Integer, MetaData, String, Table

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# Every admin change, and every step of a complaint case: who, what, when.
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(120)),
    Column("detail", JSON),
)


def write_audit(conn: Connection, actor: str, action: str, target: str | None, detail: dict[str, Any] | None) -> None:
    """One audit entry, inside the caller's transaction."""
    conn.execute(audit_log.insert().values(at=datetime.now(UTC), actor=actor[:80], action=action,
                                           target=target[:120] if target else None, detail=detail))


CHINA_TZ = ZoneInfo("Asia/Shanghai")  # all of China keeps Beijing time


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC. SQLite hands back naive datetimes; everything is stored as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day in China of a moment: stage items, ages and birth dates are counted in local days."""
    return as_utc(moment).astimezone(CHINA_TZ).date()


def china_today(now: datetime | None = None) -> date:
    """Today's date in China (for birth dates, leave and stage plans), from `now` or the clock."""
    return local_day(now or utc_now())


class ChannelName(StrEnum):
    telegram = "telegram"
    wechat = "wechat"


# The conversation (session) key of each channel's users: "tg:<chat id>", "wx:<openid>".
SESSION_PREFIX = {ChannelName.telegram: "tg", ChannelName.wechat: "wx"}


@dataclass(frozen=True, order=True)
class Recipient:
    """A channel and its user id: ("telegram", "123456789") or ("wechat", "oAbC…")."""

    channel: ChannelName
    user_id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", ChannelName(self.channel))
        object.__setattr__(self, "user_id", str(self.user_id))

    @classmethod
    def of(cls, value: Recipient | int) -> Recipient:
        """A Recipient as given, or a Telegram chat id (an int) as one."""
        return value if isinstance(value, Recipient) else cls(ChannelName.telegram, str(value))

    @property
    def session(self) -> str:
        """The key of this user's conversation in the store."""
        return f"{SESSION_PREFIX[self.channel]}:{self.user_id}"


def person_tag(key: str) -> str:
    """A chat, an openid or a conversation as logs may name it: `#` and 12 hex digits of its key's SHA-256."""
    return "#" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:12]
