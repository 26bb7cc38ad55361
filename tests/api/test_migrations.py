"""The migrations build exactly the schema the code declares, on both stores."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import api.store  # noqa: F401
import bot.store  # noqa: F401
import messaging.store  # noqa: F401
from common import metadata


def test_migrations_match_the_declared_tables(store) -> None:  # type: ignore[no-untyped-def]
    with store.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_0006_keeps_telegram_subscribers_and_their_outbox_rows(tmp_path, pg_or_sqlite_url) -> None:  # type: ignore[no-untyped-def]
    """A store made before channels existed: its chats become ("telegram", "<chat id>") and lose no message."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlalchemy import text

    from api.db import alembic_config, make_engine, migrate
    from messaging.subscriptions import Subscriptions
    from tests.messaging.test_subscriptions import FakePlan

    engine = make_engine(pg_or_sqlite_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO subscribers (chat_id, birth_date, region_code, language, status, consent_at, "
                          "created_at, updated_at) VALUES (-1001234567890, :b, '150627', 'zh', 'active', :n, :n, :n)"),
                     {"b": date(2025, 1, 1), "n": now})
        conn.execute(text("INSERT INTO outbox (subscriber_id, item, status, attempts, not_before) "
                          "SELECT id, 'guide:newborn', 'queued', 0, :n FROM subscribers"), {"n": now})
    migrate(engine)
    subscriber = Subscriptions(engine, FakePlan()).get(-1001234567890)
    assert subscriber is not None and subscriber.recipient.channel == "telegram"
    assert subscriber.recipient.user_id == "-1001234567890"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT item FROM outbox")).scalars().all() == ["guide:newborn"]
    engine.dispose()


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
