"""registry of filed centres

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "centres",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("inclusive", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("capacity", sa.Integer),
        sa.Column("vacancies", sa.Integer),
        sa.Column("min_age_months", sa.Integer),
        sa.Column("max_age_months", sa.Integer),
        sa.Column("modes", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(64)),
        sa.Column("hours", sa.String(120)),
        sa.Column("fee_min", sa.Float),
        sa.Column("fee_max", sa.Float),
        sa.Column("filed_on", sa.Date),
        sa.Column("inclusive_since", sa.Date),
        sa.Column("demo_level", sa.String(16)),
        sa.Column("operator", sa.String(200)),
        sa.Column("credit_code", sa.String(18)),
        sa.Column("health_eval_passed", sa.Boolean),
        sa.Column("is_sample", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_centres"),
    )
    op.create_index("ix_centres_name", "centres", ["name"])
    op.create_index("ix_centres_district_code", "centres", ["district_code"])
    op.create_table(
        "registry_meta",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("key", name="pk_registry_meta"),
    )


def downgrade() -> None:
    op.drop_table("registry_meta")
    op.drop_index("ix_centres_district_code", "centres")
    op.drop_index("ix_centres_name", "centres")
    op.drop_table("centres")
