"""The stage plan: gap rules, dates, the fast-forward for late subscribers."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.guidance import (
    current_item,
    gap_problems,
    load_library,
    stage_plan,
    subscriber_plan,
)
from content.guidance.library import DAYS_PER_MONTH

LIBRARY = load_library()
BORN = dt.date(2025, 1, 1)


def day(n: int) -> dt.date:
    return BORN + dt.timedelta(days=n)


def test_the_bundled_plan_keeps_the_gap_rules():
    assert gap_problems(a.send_at_days for a in LIBRARY.pushed() if a.send_at_days is not None) == []


@pytest.mark.parametrize("born", [dt.date(2024, 2, 29), dt.date(2025, 1, 1), dt.date(2026, 12, 31)])
def test_the_dated_plan_has_no_long_gaps(born):
    plan = stage_plan(born, LIBRARY)
    dates = [item.send_on for item in plan if item.send_on >= born]
    assert dates[0] == born
    for earlier, later in pairwise(dates):
        limit = 14 if (earlier - born).days < 365 else 31
        assert (later - earlier).days <= limit, (earlier, later)
    assert (born + dt.timedelta(days=1096) - dates[-1]).days <= 31


def test_the_plan_lists_every_pushed_article_once_in_date_order():
    plan = stage_plan(BORN, LIBRARY)
    assert len(plan) == len({item.slug for item in plan}) == len(LIBRARY.pushed()) >= 50
    assert plan == sorted(plan)
    assert plan[0].as_json() == {"slug": "prepare-for-baby", "send_on": "2024-12-04"}
    assert plan[2].as_json() == {"slug": "newborn-care", "send_on": "2025-01-01"}
    assert plan[-1].slug == "checkup-36-months"


@pytest.mark.parametrize(
    ("month", "slug"),
    [
        (1, "vaccines-2-months"),
        (3, "vaccines-4-months"),
        (5, "vaccines-6-months"),
        (7, "vaccines-8-months"),
        (17, "vaccines-18-months"),
        (23, "vaccines-2-years"),
        (34, "vaccines-3-years"),
    ],
)
def test_vaccination_reminders_come_in_the_month_before_the_dose(month, slug):
    send_at = LIBRARY.get(slug).send_at_days
    assert send_at is not None and int(send_at // DAYS_PER_MONTH) == month


@pytest.mark.parametrize("month", [3, 6, 8, 12, 18, 24, 30, 36])
def test_every_checkup_of_the_public_health_schedule_is_announced_when_it_is_due(month):
    send_at = LIBRARY.get(f"checkup-{month}-months").send_at_days
    assert send_at is not None and (month - 1) * DAYS_PER_MONTH <= send_at <= month * DAYS_PER_MONTH + 7


def test_the_current_item_always_suits_the_child_age():
    for age_days in range(0, 1097):
        item = current_item(BORN, day(age_days), LIBRARY)
        assert item is not None
        month = min(36, int(age_days // DAYS_PER_MONTH))
        assert LIBRARY.get(item.slug).covers_age(month), (age_days, item.slug)


@pytest.mark.parametrize(
    ("age_days", "slug"),
    [
        (-29, None),
        (-28, "prepare-for-baby"),
        (-1, "breastfeeding-start"),
        (0, "newborn-care"),
        (100, "tummy-time-and-play"),
        (400, "feeding-toddlers"),
        (1096, "checkup-36-months"),
        (1097, None),
    ],
)
def test_current_item_is_the_latest_one_due(age_days, slug):
    item = current_item(BORN, day(age_days), LIBRARY)
    assert (item.slug if item else None) == slug


def test_a_late_subscriber_gets_the_current_item_now_and_no_backlog():
    joined = day(100)
    items = subscriber_plan(BORN, joined, LIBRARY)
    assert items[0].as_json() == {"slug": "tummy-time-and-play", "send_on": joined.isoformat()}
    assert items[1].slug == "vaccines-4-months"
    assert all(item.send_on > joined for item in items[1:])
    assert len(items) == 1 + sum(1 for item in stage_plan(BORN, LIBRARY) if item.send_on > joined)


def test_a_subscriber_after_the_third_birthday_gets_nothing():
    assert subscriber_plan(BORN, day(1200), LIBRARY) == []


@given(join_day=st.integers(min_value=-120, max_value=1200), born=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
def test_joining_any_day_never_floods(join_day, born):
    joined = born + dt.timedelta(days=join_day)
    items = subscriber_plan(born, joined, LIBRARY)
    assert sum(1 for item in items if item.send_on <= joined) <= 1
    assert len({item.slug for item in items}) == len(items)
    assert items == sorted(items)


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ([0, 14, 29], "gap of 15 days between day 14 and day 29 (limit 14)"),
        ([5, 10], "must start with an item on the day of birth"),
        ([*range(0, 365, 14), 364 + 32], "gap of 32 days"),
        ([-30, 0], "gap of 30 days between day -30 and day 0"),
        ([*range(0, 365, 14), *range(364, 1000, 31)], "more than 31 days before the third birthday"),
    ],
)
def test_gap_rule_violations_are_reported(days, problem):
    assert any(problem in p for p in gap_problems(days))
