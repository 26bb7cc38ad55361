"""Broadcasts and segments: who receives what, the report, scheduling and cancel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from common import as_utc
from messaging.outbox import (
    BroadcastError,
    Broadcasts,
    BroadcastStateError,
    Segment,
    SegmentError,
    UnknownBroadcast,
    age_in_months,
    months_before,
)
from messaging.store import outbox, subscribers
from messaging.subscriptions import Subscriptions
from tests.messaging.test_subscriptions import FakeClock, FakePlan

TODAY = date(2025, 6, 15)

# chat id → (birth date, region, language)
FAMILIES = {
    1: (date(2025, 6, 15), "150627", "zh"),   # 0 months, 伊金霍洛旗
    2: (date(2024, 6, 16), "150627", "zh"),   # 11 months
    3: (date(2024, 6, 15), "150627", "en"),   # 12 months today
    4: (date(2024, 6, 14), "150602", "zh"),   # 12 months, 东胜区 (same city, Ordos)
    5: (date(2024, 5, 15), "152701", "zh"),   # 13 months, old-style code in Inner Mongolia
    6: (date(2025, 3, 1), "140802", "zh"),    # 3 months, 运城 (Shanxi)
    7: (date(2025, 9, 1), "150627", "zh"),    # due in September: not born yet
    8: (date(2025, 1, 1), None, "zh"),        # no region given
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 6, 15, 10, 0))


@pytest.fixture
def families(store: Engine, clock: FakeClock) -> Engine:
    subs = Subscriptions(store, FakePlan(), clock)
    for chat_id, (birth, region, language) in FAMILIES.items():
        subs.subscribe(chat_id, birth, region, language, clock())
    subs.subscribe(9, date(2025, 1, 1), "150627", "zh", clock())
    subs.stop(9)  # stopped: never a recipient
    return store


def chats(store: Engine, broadcast_id: str) -> set[int]:
    with store.connect() as conn:
        return {int(u) for u in conn.execute(select(subscribers.c.user_id).join(outbox).where(
            outbox.c.broadcast_id == broadcast_id)).scalars()}


@pytest.mark.parametrize(("birth", "today", "months"), [
    (date(2024, 6, 15), date(2025, 6, 15), 12),
    (date(2024, 6, 16), date(2025, 6, 15), 11),
    (date(2025, 1, 31), date(2025, 2, 28), 0),   # a month old on 1 March: no 31 February
    (date(2025, 1, 31), date(2025, 3, 1), 1),
    (date(2025, 9, 1), date(2025, 6, 15), -3),   # before the due date
])
def test_age_in_months(birth: date, today: date, months: int) -> None:
    assert age_in_months(birth, today) == months
    assert months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)


@pytest.mark.parametrize(("segment", "expected"), [
    ({}, {1, 2, 3, 4, 5, 6, 7, 8}),
    ({"regions": ["150627"]}, {1, 2, 3, 7}),
    ({"regions": ["150600"]}, {1, 2, 3, 4, 7}),           # a city code matches its counties
    ({"regions": ["150000"]}, {1, 2, 3, 4, 5, 7}),        # a province code matches every county in it
    ({"regions": ["150627", "140000"]}, {1, 2, 3, 6, 7}),
    ({"age_months": [0, 11]}, {1, 2, 6, 8}),
    ({"age_months": [0, 12]}, {1, 2, 3, 4, 6, 8}),
    ({"age_months": [12, 12]}, {3, 4}),
    ({"language": "en"}, {3}),
    ({"regions": ["150627"], "age_months": [0, 12], "language": "zh"}, {1, 2}),
])
def test_segments(families: Engine, clock: FakeClock, segment: dict, expected: set[int]) -> None:
    broadcasts = Broadcasts(families, clock)
    parsed = Segment.from_json(segment)
    assert broadcasts.count(parsed) == len(expected)
    sent = broadcasts.send(broadcasts.create("流感季节提醒", parsed, "wang"))
    assert chats(families, sent.id) == expected
    assert sent.recipients == len(expected)


@pytest.mark.parametrize(("segment", "field"), [
    ({"regions": ["15062"]}, "segment.regions"),
    ({"regions": ["990000"]}, "segment.regions"),
    ({"age_months": [12, 0]}, "segment.age_months"),
    ({"age_months": [0]}, "segment.age_months"),
    ({"age_months": [0, 40]}, "segment.age_months"),
    ({"language": "fr"}, "segment.language"),
    ({"region": ["150627"]}, "segment: unknown key"),
])
def test_bad_segments_name_the_field(segment: dict, field: str) -> None:
    with pytest.raises(SegmentError, match=field):
        Segment.from_json(segment)


def test_draft_preview_send_report(families: Engine, clock: FakeClock) -> None:
    broadcasts = Broadcasts(families, clock)
    segment = Segment.from_json({"regions": ["150627"], "age_months": [0, 12]})
    preview = broadcasts.preview("流感季节，请带孩子接种流感疫苗。", segment)
    assert preview.recipients == 3
    assert "流感疫苗" in preview.messages["zh"] and "/stop" in preview.messages["en"]
    broadcast_id = broadcasts.create("流感季节，请带孩子接种流感疫苗。", segment, "wang")
    draft = broadcasts.report(broadcast_id)
    assert (draft.status, draft.recipients, draft.queued, draft.created_by) == ("draft", 3, 0, "wang")
    assert chats(families, broadcast_id) == set()
    report = broadcasts.send(broadcast_id)
    assert (report.status, report.recipients, report.queued, report.sent) == ("sending", 3, 3, 0)
    with pytest.raises(BroadcastStateError):
        broadcasts.send(broadcast_id)
    with families.begin() as conn:
        conn.execute(outbox.update().where(outbox.c.broadcast_id == broadcast_id).values(status="sent"))
    done = broadcasts.report(broadcast_id)
    assert (done.status, done.queued, done.sent) == ("done", 0, 3)
    assert set(done.as_json()) >= {"id", "status", "recipients", "queued", "sent", "failed", "blocked"}


def test_scheduled_send_and_cancel(families: Engine, clock: FakeClock) -> None:
    broadcasts = Broadcasts(families, clock)
    at = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)
    broadcast_id = broadcasts.create("明天上午社区有免费体检。", Segment.from_json({"regions": ["150627"]}), "wang", at)
    report = broadcasts.send(broadcast_id)
    assert (report.status, report.scheduled_at) == ("queued", at)
    with families.connect() as conn:
        assert {as_utc(t) for t in conn.execute(select(outbox.c.not_before).where(
            outbox.c.broadcast_id == broadcast_id)).scalars()} == {at}
    clock.advance(timedelta(hours=6).total_seconds())
    assert broadcasts.report(broadcast_id).status == "queued"
    clock.advance(timedelta(hours=48).total_seconds())
    assert broadcasts.report(broadcast_id).status == "sending"
    cancelled = broadcasts.cancel(broadcast_id)
    assert (cancelled.status, cancelled.queued, cancelled.cancelled) == ("cancelled", 0, 4)
    with pytest.raises(BroadcastStateError):
        broadcasts.send(broadcast_id)


def test_an_empty_segment_is_done_at_once(families: Engine, clock: FakeClock) -> None:
    broadcasts = Broadcasts(families, clock)
    report = broadcasts.send(broadcasts.create("x", Segment.from_json({"regions": ["650000"]}), "wang"))
    assert (report.status, report.recipients) == ("done", 0)


def test_bad_text_and_unknown_ids(families: Engine, clock: FakeClock) -> None:
    broadcasts = Broadcasts(families, clock)
    with pytest.raises(BroadcastError, match="text"):
        broadcasts.create("   ", Segment(), "wang")
    with pytest.raises(BroadcastError, match="text"):
        broadcasts.create("长" * 4090, Segment(), "wang")
    with pytest.raises(UnknownBroadcast):
        broadcasts.report("nope")
    assert [r.id for r in broadcasts.list()] == []
