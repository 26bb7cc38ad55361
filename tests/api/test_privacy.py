"""Forgetting reaches the disk, and a database error's log holds no session key or conversation state.

- SQLite: a chat subscribes (its birth date is in the subscriber, its messages and its conversation), talks, and sends
  /forget; then the store's raw files (`.db`, `-wal`, `-journal`), not a dump, hold neither the chat id nor the birth
  date. Before the forget they held both, so the scan is not vacuous.
- PostgreSQL: after a forget, the touched tables are vacuumed: no dead row of the forgotten chat is left in them.
- A forced database error on the web chat is answered with the error shape, and its log names the conversation by
  a hash only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, insert, text

from api.app import create_app
from api.db import make_engine, open_store
from api.privacy import TOUCHED_TABLES, session_tag
from api.services import Services, build_services
from api.settings import Settings
from bot.conversations import ConversationStore, Held, State
from bot.replies import Message
from bot.store import conversations
from bot.telegram import recipient, session_key
from common import china_today

CHAT_ID = 5550123987  # distinctive digits: nowhere else in a store
BIRTH = (china_today() - timedelta(days=200)).isoformat()
SETTINGS = Settings(database_url="sqlite://", rate_limit_per_minute=0, rate_limit_per_address_per_minute=0)


def a_chat_that_subscribes_and_talks(services: Services) -> None:
    """A Telegram chat subscribes with its child's birth date (consent, date, region) and asks about leave with it."""
    session, who = session_key(CHAT_ID), recipient(CHAT_ID)
    engine = services.dialogue
    engine.handle(session, Message(command="subscribe", argument=BIRTH, recipient=who))
    engine.handle(session, Message(button="subyes:", recipient=who))
    engine.handle(session, Message(text="伊金霍洛旗", recipient=who))
    engine.handle(session, Message(text=f"宝宝{BIRTH}出生，内蒙古产假多少天", recipient=who))
    assert services.subscriptions.get(who) is not None  # subscribed: the scan below is not vacuous


def forget(services: Services) -> None:
    services.dialogue.handle(session_key(CHAT_ID), Message(command="forget", recipient=recipient(CHAT_ID)))


def raw_files(database: Path) -> dict[str, bytes]:
    """The store's files as they are on disk: the database, its write-ahead log and its rollback journal."""
    return {path.name: path.read_bytes() for path in
            (database, Path(f"{database}-wal"), Path(f"{database}-journal")) if path.exists()}


def holding(files: dict[str, bytes], needle: str) -> list[str]:
    return [name for name, data in files.items() if needle.encode() in data]


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[tuple[Services, Path]]:
    database = tmp_path / "forget.db"
    services = build_services(SETTINGS, engine=open_store(f"sqlite:///{database}"))
    yield services, database
    services.engine.dispose()


def test_sqlite_forget_leaves_neither_the_chat_id_nor_the_birth_date_in_any_file(
        sqlite_file: tuple[Services, Path]) -> None:
    services, database = sqlite_file
    a_chat_that_subscribes_and_talks(services)
    before = raw_files(database)
    assert holding(before, str(CHAT_ID)) and holding(before, BIRTH)

    forget(services)

    after = raw_files(database)
    assert holding(after, str(CHAT_ID)) == [] and holding(after, BIRTH) == [], {
        name: len(data) for name, data in after.items()}
    assert after.get("forget.db-wal", b"") == b""  # the log was checkpointed and cut to nothing
    with services.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


@pytest.mark.postgres
def test_postgres_forget_vacuums_the_touched_tables(pg_url: str) -> None:
    services = build_services(SETTINGS, engine=open_store(pg_url))
    try:
        a_chat_that_subscribes_and_talks(services)
        forget(services)
        assert services.scrubber.wait(60)
        with services.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
            vacuumed = dict(conn.execute(text(
                "SELECT relname, last_vacuum IS NOT NULL FROM pg_stat_user_tables "
                "WHERE schemaname = current_schema() AND relname = ANY(:tables)"), {"tables": list(TOUCHED_TABLES)}
            ).all())
            left = conn.exec_driver_sql("SELECT count(*) FROM subscribers").scalar()
        assert vacuumed == dict.fromkeys(TOUCHED_TABLES, True) and left == 0
    finally:
        services.engine.dispose()


# -- logs -------------------------------------------------------------------------------------------------------

SECRET_SESSION = "secret-session-key-4711"


class FailingConversations(ConversationStore):
    """Saving a conversation fails in the store itself: the row is inserted twice, so the second insert breaks the
    primary key, with the session key and the state as the statement's parameters (and, on PostgreSQL, the key
    quoted in the driver's DETAIL line)."""

    @contextmanager
    def turn(self, session: str) -> Iterator[Held]:
        yield Held(State())
        values = {"session": session, "language": "zh", "state": {"birth_date": BIRTH, "place": "天骄社区"},
                  "updated_at": self.clock(), "expires_at": self.clock()}
        with self.engine.begin() as conn:
            conn.execute(insert(conversations).values(values))
            conn.execute(insert(conversations).values(values))


@pytest.mark.asyncio
async def test_a_database_error_on_the_chat_logs_no_session_key_or_state(
        store: Engine, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(database_url="sqlite://")  # the rate limit on: it tags the conversation for the log
    services = build_services(settings, engine=store)
    services.__dict__["conversations"] = FailingConversations(store)
    transport = httpx.ASGITransport(app=create_app(settings, services))
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.post("/api/chat", json={"session": SECRET_SESSION, "text": f"宝宝{BIRTH}出生"})
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    logged = caplog.text
    assert "database error on POST /api/chat" in logged and "IntegrityError" in logged
    assert session_tag(f"web:{SECRET_SESSION}") in logged  # named by its hash
    assert SECRET_SESSION not in logged and BIRTH not in logged and "天骄社区" not in logged


def test_the_store_never_quotes_parameters_in_its_errors(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'quiet.db'}")
    try:
        with pytest.raises(Exception) as raised, engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table WHERE session = :session"), {"session": SECRET_SESSION})
        assert SECRET_SESSION not in str(raised.value)
    finally:
        engine.dispose()
