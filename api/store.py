"""Tables owned by the web service: staff tokens, the audit log and share links."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table

from common import metadata

# Per-person staff tokens; only a SHA-256 hash of each token is stored.
staff_tokens = Table(
    "staff_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# Every admin change: who, what, when.
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(120)),
    Column("detail", JSON),
)

# Share links made by community workers: /s/<code> for a community, a centre or a campaign.
# Counts only, no personal data: how often the link was opened, and how often it started the bot.
share_links = Table(
    "share_links", metadata,
    Column("code", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("target", String(120), nullable=False),
    Column("title", String(120)),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("opened", Integer, nullable=False, default=0),
    Column("bot_started", Integer, nullable=False, default=0),  # Telegram /start c-<code> or a WeChat follow/scan
    # The link's permanent WeChat QR code (QR_LIMIT_STR_SCENE, scene "c-<code>"), made once: an account has 100,000.
    Column("wechat_ticket", String(200)),
    Column("wechat_url", String(300)),
)
