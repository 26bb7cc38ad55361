"""registry upkeep: new centre fields, dated centre history, centre tokens and complaint cases

Revision ID: 0005
Revises: 0006 (the chain is 0003 → 0004 → 0006 → 0005: 0005 landed last)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("centres") as batch:
        batch.add_column(sa.Column("ownership", sa.String(16)))
        batch.add_column(sa.Column("open_to_public", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("enrolled", sa.Integer))
        batch.add_column(sa.Column("inspected_on", sa.Date))
        batch.add_column(sa.Column("vacancies_updated_on", sa.Date))
    # Vacancies already stored were last written with their row.
    centres = sa.table("centres", sa.column("vacancies", sa.Integer), sa.column("updated_at", sa.DateTime),
                       sa.column("vacancies_updated_on", sa.Date))
    op.execute(centres.update().where(centres.c.vacancies.is_not(None))
               .values(vacancies_updated_on=sa.func.date(centres.c.updated_at)))

    op.create_table(
        "centre_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("from_value", sa.JSON),
        sa.Column("to_value", sa.JSON),
        sa.Column("reason", sa.String(500)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_centre_events"),
    )
    op.create_index("ix_centre_events_centre_id", "centre_events", ["centre_id"])

    op.create_table(
        "token_centres",
        sa.Column("token_id", sa.Integer, nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["staff_tokens.id"], name="fk_token_centres_token_id_staff_tokens",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_id", "centre_id", name="pk_token_centres"),
    )

    op.create_table(
        "cases",
        sa.Column("number", sa.String(20), primary_key=True),
        sa.Column("centre_id", sa.String(64)),
        sa.Column("centre_name", sa.String(200), nullable=False),
        sa.Column("district_code", sa.String(6)),
        sa.Column("what", sa.String(2000), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("serious", sa.Boolean, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("contact", sa.String(100)),
        sa.Column("reporter", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(80)),
        sa.Column("rectify_by", sa.Date),
        sa.Column("outcome", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("number", name="pk_cases"),
    )
    op.create_index("ix_cases_centre_id", "cases", ["centre_id"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_reporter", "cases", ["reporter"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("text", sa.String(2000)),
        sa.ForeignKeyConstraint(["number"], ["cases.number"], name="fk_case_notes_number_cases", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_case_notes"),
    )
    op.create_index("ix_case_notes_number", "case_notes", ["number"])


def downgrade() -> None:
    op.drop_index("ix_case_notes_number", "case_notes")
    op.drop_table("case_notes")
    op.drop_index("ix_cases_reporter", "cases")
    op.drop_index("ix_cases_status", "cases")
    op.drop_index("ix_cases_centre_id", "cases")
    op.drop_table("cases")
    op.drop_table("token_centres")
    op.drop_index("ix_centre_events_centre_id", "centre_events")
    op.drop_table("centre_events")
    with op.batch_alter_table("centres") as batch:
        for name in ("vacancies_updated_on", "inspected_on", "enrolled", "open_to_public", "ownership"):
            batch.drop_column(name)
