"""channels: a subscriber is a recipient (channel, string user id); WeChat's token, users and inbound deliveries

Revision ID: 0006
Revises: 0004

0005 (registry upkeep) landed after this one and follows it: 0003 → 0004 → 0006 → 0005.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Telegram chat ids become strings beside a channel; every existing subscriber is a Telegram chat.
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="telegram"))
        batch.alter_column("chat_id", new_column_name="user_id", existing_type=sa.BigInteger,
                           type_=sa.String(64), existing_nullable=False,
                           postgresql_using="chat_id::varchar")
        batch.drop_constraint("uq_subscribers_chat_id", type_="unique")
    with op.batch_alter_table("subscribers") as batch:
        batch.create_unique_constraint("uq_subscribers_channel_user_id", ["channel", "user_id"])
    op.create_table(
        "wechat_tokens",
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("access_token", sa.String(600)),
        sa.Column("expires_at", TZ),
        sa.Column("fetched", sa.Integer, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("app_id", name="pk_wechat_tokens"),
    )
    op.create_table(
        "wechat_users",
        sa.Column("openid", sa.String(64), nullable=False),
        sa.Column("last_seen_at", TZ),
        sa.Column("following", sa.Boolean, nullable=False),
        sa.Column("refused_templates", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("openid", name="pk_wechat_users"),
    )
    op.create_table(
        "wechat_inbound",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reply", sa.Text),
        sa.PrimaryKeyConstraint("key", name="pk_wechat_inbound"),
    )
    op.create_index("ix_wechat_inbound_received_at", "wechat_inbound", ["received_at"])
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("wechat_ticket", sa.String(200)))
        batch.add_column(sa.Column("wechat_url", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("wechat_url")
        batch.drop_column("wechat_ticket")
    op.drop_index("ix_wechat_inbound_received_at", "wechat_inbound")
    for table in ("wechat_inbound", "wechat_users", "wechat_tokens"):
        op.drop_table(table)
    op.execute("DELETE FROM subscribers WHERE channel != 'telegram'")
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_constraint("uq_subscribers_channel_user_id", type_="unique")
        batch.alter_column("user_id", new_column_name="chat_id", existing_type=sa.String(64),
                           type_=sa.BigInteger, existing_nullable=False,
                           postgresql_using="user_id::bigint")
        batch.drop_column("channel")
    with op.batch_alter_table("subscribers") as batch:
        batch.create_unique_constraint("uq_subscribers_chat_id", ["chat_id"])
