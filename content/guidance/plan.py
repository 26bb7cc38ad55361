"""The stage plan: which pushed articles a child born (or due) on a date receives, and on which day.

Each pushed article carries `send_at_days`, the child's age in days when it goes out; negative days form
the pregnancy track, counted back from the due date. The plan has no gap longer than 14 days in the first
year and 31 days after it, up to the third birthday. A family that subscribes late is fast-forwarded: it
gets the one item that is current now, then the rest on schedule, never the backlog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from content.guidance.library import Library, load_library

FIRST_YEAR_DAYS = 365
FIRST_YEAR_MAX_GAP_DAYS = 14
LATER_MAX_GAP_DAYS = 31
PLAN_END_DAY = 1096  # about 36 months: the plan ends at the third birthday


@dataclass(frozen=True, order=True)
class PlanItem:
    send_on: dt.date
    slug: str

    def as_json(self) -> dict[str, str]:
        return {"slug": self.slug, "send_on": self.send_on.isoformat()}


def stage_plan(birth_date: dt.date, library: Library | None = None) -> list[PlanItem]:
    """Every pushed article for a child born (or due) on `birth_date`, ordered by send date."""
    library = library or load_library()
    return sorted(
        PlanItem(birth_date + dt.timedelta(days=a.send_at_days), a.slug)
        for a in library.pushed()
        if a.send_at_days is not None
    )


def current_item(birth_date: dt.date, today: dt.date, library: Library | None = None) -> PlanItem | None:
    """The latest item already due on `today`, or None before the first one and after the third birthday."""
    if today > birth_date + dt.timedelta(days=PLAN_END_DAY):
        return None
    due = [item for item in stage_plan(birth_date, library) if item.send_on <= today]
    return due[-1] if due else None


def subscriber_plan(birth_date: dt.date, start: dt.date, library: Library | None = None) -> list[PlanItem]:
    """What a family subscribing on `start` receives: the current item at once (dated `start`), then
    every later item on its own date. The backlog before the current item is skipped."""
    plan = stage_plan(birth_date, library)
    current = current_item(birth_date, start, library)
    later = [item for item in plan if item.send_on > start]
    return ([PlanItem(start, current.slug)] if current else []) + later


def gap_problems(send_days: Iterable[int]) -> list[str]:
    """Why a set of send days breaks the plan's rules; empty when it keeps them."""
    days = sorted(set(send_days))
    after_birth = [d for d in days if d >= 0]
    if not after_birth or after_birth[0] != 0:
        return ["the plan must start with an item on the day of birth (day 0)"]
    problems = []
    for earlier, later in pairwise(days):
        limit = FIRST_YEAR_MAX_GAP_DAYS if earlier < FIRST_YEAR_DAYS else LATER_MAX_GAP_DAYS
        if later - earlier > limit:
            problems.append(f"gap of {later - earlier} days between day {earlier} and day {later} (limit {limit})")
    if PLAN_END_DAY - after_birth[-1] > LATER_MAX_GAP_DAYS:
        problems.append(
            f"the last item (day {after_birth[-1]}) is more than {LATER_MAX_GAP_DAYS} days "
            f"before the third birthday (day {PLAN_END_DAY})"
        )
    return problems
