"""conversations, subscribers, broadcasts, outbox, staff tokens, audit log, share links

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("session", sa.String(80), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("session", name="pk_conversations"),
    )
    op.create_index("ix_conversations_expires_at", "conversations", ["expires_at"])
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("region_code", sa.String(6)),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("consent_at", TZ, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subscribers"),
        sa.UniqueConstraint("chat_id", name="uq_subscribers_chat_id"),
    )
    op.create_index("ix_subscribers_status", "subscribers", ["status"])
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("segment", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("scheduled_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("subscriber_id", sa.Integer, nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("broadcast_id", sa.String(36)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("not_before", TZ, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_at", TZ),
        sa.Column("sent_at", TZ),
        sa.Column("last_error", sa.String(300)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("subscriber_id", "item", name="uq_outbox_subscriber_item"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscribers.id"], ondelete="CASCADE",
                                name="fk_outbox_subscriber_id_subscribers"),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], ondelete="CASCADE",
                                name="fk_outbox_broadcast_id_broadcasts"),
    )
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"])
    op.create_index("ix_outbox_status", "outbox", ["status"])
    op.create_index("ix_outbox_not_before", "outbox", ["not_before"])
    op.create_table(
        "staff_tokens",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.PrimaryKeyConstraint("id", name="pk_staff_tokens"),
        sa.UniqueConstraint("name", name="uq_staff_tokens_name"),
        sa.UniqueConstraint("token_hash", name="uq_staff_tokens_token_hash"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(120)),
        sa.Column("detail", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "share_links",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120)),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("opened", sa.Integer, nullable=False),
        sa.Column("bot_started", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_share_links"),
    )


def downgrade() -> None:
    for table in ("share_links", "audit_log", "staff_tokens", "outbox", "broadcasts", "subscribers", "conversations"):
        op.drop_table(table)
