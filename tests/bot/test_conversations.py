"""Conversation state is shared through the store, expires, and expired rows are deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.conversations import ConversationStore, State
from bot.store import conversations


def test_state_round_trips_and_expires(store) -> None:  # type: ignore[no-untyped-def]
    now = [datetime(2026, 11, 24, tzinfo=UTC)]
    first = ConversationStore(store, clock=lambda: now[0])
    first.save("web:a", State(language="en", pending="leave_date", region_code="150000"))
    other_replica = ConversationStore(store, clock=lambda: now[0])
    assert other_replica.load("web:a") == State(language="en", pending="leave_date", region_code="150000")
    now[0] += timedelta(hours=25)
    assert other_replica.load("web:a") == State()


def test_expired_rows_are_deleted_on_a_later_save(store) -> None:  # type: ignore[no-untyped-def]
    now = [datetime(2026, 11, 24, tzinfo=UTC)]
    conversations_store = ConversationStore(store, clock=lambda: now[0])
    conversations_store.save("tg:1", State(birth_date="2026-01-01"))
    now[0] += timedelta(hours=25)
    conversations_store.save("tg:2", State())
    with store.connect() as conn:
        sessions = [r.session for r in conn.execute(select(conversations.c.session))]
        assert conn.execute(select(func.count()).select_from(conversations)).scalar() == 1
    assert sessions == ["tg:2"]
