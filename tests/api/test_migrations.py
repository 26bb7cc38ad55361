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
