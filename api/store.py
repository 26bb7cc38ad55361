"""Tables owned by the web service: staff tokens (with the centres a centre token may change) and share links.

The audit log lives with the shared metadata (common.py), so that the domain's own writes (a complaint case
filed from the bot) are logged too; it is re-exported here.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table

from common import audit_log, metadata

__all__ = ["audit_log", "metadata", "share_links", "staff_tokens", "token_centres"]

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

# A centre operator's token (role "centre") may change only these centres.
token_centres = Table(
    "token_centres", metadata,
    Column("token_id", Integer, ForeignKey("staff_tokens.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", String(64), primary_key=True),
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
