"""Tables owned by the bot: conversations, and the inbound WeChat deliveries already answered.

Subscribers, broadcasts and the outbox belong to messaging/ (messaging/store.py).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Table, Text

from common import metadata

# One row per conversation (web session, Telegram chat or WeChat user); its state expires.
conversations = Table(
    "conversations", metadata,
    Column("session", String(80), primary_key=True),
    Column("language", String(2), nullable=False, default="zh"),
    Column("state", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# WeChat retries a callback up to three times: each delivery is answered once. The key is "msg:<MsgId>" for a
# message and "evt:<FromUserName>:<CreateTime>" for an event; `reply` keeps the passive reply (XML-free text) so
# that a retry gets the same answer, or none once the answer went as a customer-service message. Kept a day.
wechat_inbound = Table(
    "wechat_inbound", metadata,
    Column("key", String(120), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("state", String(16), nullable=False),  # working, passive (reply holds it) or pushed (sent as 客服消息)
    Column("reply", Text),
)
