"""sender heartbeats: each running sender's row, so its outbox claims are leases renewed every few seconds

Revision ID: 0007
Revises: 0005

Rows claimed before this migration have an owner with no heartbeat: they are claimable at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "senders",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_senders"),
    )


def downgrade() -> None:
    op.drop_table("senders")
