"""Tables owned by messaging: subscribers, staff broadcasts, the outbox, the senders' heartbeats, and what the WeChat
channel keeps.

People's data is kept to the least that works: a recipient (a channel and its user id), a birth (or due) date, a
region code and a language; for WeChat users also when they last wrote (the 48-hour window) and which template
messages they refused. Precise locations are never stored.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

from common import metadata

# Status: active, paused, stopped, blocked (the user blocked the bot or unfollowed the account) or loss (paused
# with care, never resumed automatically). A recipient is (channel, user_id): a Telegram chat id or a WeChat openid.
subscribers = Table(
    "subscribers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False, server_default="telegram"),
    Column("user_id", String(64), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("region_code", String(6)),
    Column("language", String(2), nullable=False, default="zh"),
    Column("status", String(16), nullable=False, default="active", index=True),
    Column("consent_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("channel", "user_id", name="uq_subscribers_channel_user_id"),
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
# item is "guide:<slug>" for stage-based messages and "broadcast:<id>" for staff broadcasts. The recipient (and so
# the channel) is the subscriber's.
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

# One row per running sender: the owner of the outbox rows it claimed (outbox.claimed_by). It writes heartbeat_at
# every few seconds while it runs; once that is older than the lease (messaging.outbox.LEASES), the sender is dead
# and its rows are claimable by any other. A sender that stops cleanly deletes its row.
senders = Table(
    "senders", metadata,
    Column("id", String(64), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)

# The WeChat access token, one row per AppID, shared by every replica. The replica that fetches a new token holds
# the row's lock (SELECT … FOR UPDATE; SQLite's write lock) while it does, so a token is never fetched twice at once.
wechat_tokens = Table(
    "wechat_tokens", metadata,
    Column("app_id", String(64), primary_key=True),
    Column("access_token", String(600)),
    Column("expires_at", DateTime(timezone=True)),
    Column("fetched", Integer, nullable=False, default=0),  # how many tokens were fetched, ever
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A WeChat user as far as sending needs: when they last wrote (customer-service messages are allowed for 48 hours
# after that), whether they follow, and the template ids they refused (43101). Deleted by /forget.
wechat_users = Table(
    "wechat_users", metadata,
    Column("openid", String(64), primary_key=True),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("following", Boolean, nullable=False, default=True),
    Column("refused_templates", JSON, nullable=False, default=list),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
