"""areas: residential areas with their population, for coverage

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("district_code", sa.String(6)),
        sa.Column("town", sa.String(80)),
        sa.Column("urban", sa.Boolean),
        sa.Column("under3", sa.Integer),
        sa.Column("new_area", sa.Boolean),
        sa.Column("is_sample", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(200)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_areas"),
    )
    op.create_index("ix_areas_district_code", "areas", ["district_code"])


def downgrade() -> None:
    op.drop_index("ix_areas_district_code", "areas")
    op.drop_table("areas")
