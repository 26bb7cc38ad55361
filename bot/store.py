"""Tables owned by the bot: conversations, subscribers, broadcasts and the outbox.

People's data is kept to the least that works: a chat id, a birth (or due) date, a region code and a language.
Precise locations are never stored.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from geodata.store import metadata

# One row per conversation (web session or Telegram chat); its state expires.
conversations = Table(
    "conversations", metadata,
    Column("session", String(80), primary_key=True),
    Column("language", String(2), nullable=False, default="zh"),
    Column("state", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# Status: active, paused, stopped, blocked (the chat blocked the bot) or loss (paused with care, never resumed
# automatically).
subscribers = Table(
    "subscribers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False, unique=True),
    Column("birth_date", Date, nullable=False),
    Column("region_code", String(6)),
    Column("language", String(2), nullable=False, default="zh"),
    Column("status", String(16), nullable=False, default="active", index=True),
    Column("consent_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Staff broadcasts to a segment: {"regions": [...], "age_months": [lo, hi], "language": "zh"}.
broadcasts = Table(
    "broadcasts", metadata,
    Column("id", String(36), primary_key=True),
    Column("text", Text, nullable=False),
    Column("segment", JSON, nullable=False),
    Column("status", String(16), nullable=False, default="draft"),
    Column("recipients", Integer, nullable=False, default=0),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("scheduled_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Every message is one row, unique on (subscriber, item): nothing is sent twice, and a crash loses nothing.
# item is "guide:<slug>" for stage-based messages and "broadcast:<id>" for staff broadcasts.
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
    Column("item", String(120), nullable=False),
    Column("broadcast_id", String(36), ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True),
    Column("status", String(16), nullable=False, default="queued", index=True),
    Column("attempts", Integer, nullable=False, default=0),
    # How many parts of a long item went out: a retry starts at the next one, so no part goes twice.
    Column("parts_sent", Integer, nullable=False, default=0, server_default="0"),
    Column("not_before", DateTime(timezone=True), nullable=False, index=True),
    Column("claimed_by", String(64)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", String(300)),
    UniqueConstraint("subscriber_id", "item", name="uq_outbox_subscriber_item"),
)
