"""The migrations build exactly the schema the code declares, on both stores."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import api.store  # noqa: F401
import bot.store  # noqa: F401
from geodata.store import metadata


def test_migrations_match_the_declared_tables(store) -> None:  # type: ignore[no-untyped-def]
    with store.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_0005_dates_the_vacancies_already_stored(store) -> None:  # type: ignore[no-untyped-def]
    """Upgrading a registry written before 0005: its vacancies are dated by their row's last write."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlalchemy import text

    from api.db import alembic_config

    config = alembic_config()
    with store.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with store.begin() as conn:
        conn.execute(text("INSERT INTO centres (id, name, address, lat, lon, district_code, kind, inclusive, status, "
                          "vacancies, modes, is_sample, updated_at) VALUES ('OLD-1', 'n', 'a', 39.6, 109.76, '150627', "
                          "'centre', true, 'active', 3, '', false, :at)"),
                     {"at": datetime(2025, 5, 6, 2, 0, tzinfo=UTC)})
    with store.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with store.connect() as conn:
        row = conn.execute(text("SELECT vacancies_updated_on, open_to_public FROM centres WHERE id = 'OLD-1'")).one()
    assert str(row[0])[:10] == date(2025, 5, 6).isoformat() and bool(row[1]) is True
