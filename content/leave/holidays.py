"""China's statutory public holidays (法定节假日), from the chinese-calendar package, and leave counting."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

import chinese_calendar


class HolidayDataMissing(LookupError):
    """The holiday data does not cover a date (the State Council publishes each year's dates late in the year
    before)."""


class HolidayCalendar(Protocol):
    def is_statutory_holiday(self, day: date) -> bool:
        """True on a statutory public holiday; raises HolidayDataMissing where the data stops."""
        ...


class ChineseCalendarHolidays:
    """The State Council's holiday arrangements as kept by the chinese-calendar package.

    A statutory holiday here is a weekday off in a holiday period that is not a swapped (调休) day: that is,
    the days the law adds to a working year (11 a year, 13 from 2025). Where a festival falls on a weekend
    the law gives the next weekday instead, and so does this count.
    """

    def is_statutory_holiday(self, day: date) -> bool:
        try:
            is_off, name = chinese_calendar.get_holiday_detail(day)
            swapped = chinese_calendar.is_in_lieu(day)
        except NotImplementedError as exc:
            raise HolidayDataMissing(str(exc)) from exc
        return is_off and name is not None and day.weekday() < 5 and not swapped


def end_of_run(first_day: date, days: int, holidays: HolidayCalendar | None) -> date:
    """The last day of a run of leave days starting on first_day.

    With holidays, statutory public holidays inside the run do not count and push its end back
    (遇法定节假日顺延); without, every calendar day counts.
    """
    if holidays is None:
        return first_day + timedelta(days=days - 1)
    day, counted = first_day - timedelta(days=1), 0
    while counted < days:
        day += timedelta(days=1)
        if not holidays.is_statutory_holiday(day):
            counted += 1
    return day
