"""Start and end dates by each region's counting rule, holiday data, and the checks that use 'today'."""

from __future__ import annotations

from datetime import date

import pytest

from content.leave import ChineseCalendarHolidays, HolidayDataMissing, LeaveInputError, leave_answer
from content.leave.calculator import add_months, add_years
from content.leave.holidays import end_of_run

TODAY = date(2025, 12, 15)


class FakeHolidays:
    """Statutory holidays on the given days; no data at all from a given day on."""

    def __init__(self, days: set[date], data_until: date = date(2099, 12, 31)) -> None:
        self.days, self.data_until = days, data_until

    def is_statutory_holiday(self, day: date) -> bool:
        if day > self.data_until:
            raise HolidayDataMissing(f"no data for {day}")
        return day in self.days


def maternity(answer: dict) -> dict:
    return next(e for e in answer["entitlements"] if e["kind"] == "maternity")


# region, birth date, difficult birth → start, end, end is an estimate
DATES = [
    # 北京 counts calendar days: 2024-01-10 + 157 days
    ("北京", "2024-01-10", False, "2024-01-10", "2024-06-15", False),
    # 上海 pushes its 60 days back by New Year's Day 2025; the national 98 run over National Day unchanged
    ("上海", "2024-08-01", False, "2024-08-01", "2025-01-06", False),
    # 江苏 pushes back by New Year's Day and the four Spring Festival days of 2025
    ("江苏", "2024-09-01", False, "2024-09-01", "2025-02-10", False),
    # 广东 does not push back: 178 calendar days over the same Spring Festival
    ("广东", "2024-09-01", False, "2024-09-01", "2025-02-25", False),
    ("广东", "2024-09-01", True, "2024-09-01", "2025-03-27", False),
    # 内蒙古's counting rule is unknown: calendar days, and the end is an estimate
    ("内蒙古", "2024-05-01", False, "2024-05-01", "2024-10-05", True),
]


@pytest.mark.parametrize(("region", "born", "difficult", "start", "end", "estimate"), DATES)
def test_dates(region, born, difficult, start, end, estimate):
    found = maternity(leave_answer(region, born, today=TODAY, difficult_birth=difficult))
    assert (found["start"], found["end"], found["end_is_estimate"]) == (start, end, estimate)


def test_push_back_skips_each_holiday_inside_the_extension_only():
    born = date(2024, 1, 1)  # national part: 2024-01-01 … 2024-04-07; extension from 2024-04-08
    holidays = FakeHolidays({date(2024, 2, 1), date(2024, 4, 10), date(2024, 5, 1)})
    found = maternity(leave_answer("上海", born, today=TODAY, holidays=holidays))
    assert found["end"] == "2024-06-08"  # 2024-06-06 in calendar days, plus two holidays
    assert found["end_is_estimate"] is False


def test_missing_holiday_data_falls_back_to_calendar_days_with_an_estimate():
    holidays = FakeHolidays(set(), data_until=date(2024, 5, 31))
    answer = leave_answer("上海", "2024-01-01", today=TODAY, holidays=holidays)
    assert maternity(answer)["end"] == "2024-06-06"
    assert maternity(answer)["end_is_estimate"] is True
    assert any("放假安排" in note and "估算" in note for note in answer["notes"])


def test_real_holiday_data_ends_and_the_answer_says_so():
    answer = leave_answer("上海", "2026-09-01", today=date(2026, 9, 1))
    assert maternity(answer)["end_is_estimate"] is True
    assert any("放假安排" in note for note in answer["notes"])


@pytest.mark.parametrize(("year", "count"), [(2021, 11), (2024, 11), (2025, 13)])
def test_statutory_holidays_per_year(year, count):
    calendar = ChineseCalendarHolidays()
    days = [date.fromordinal(n) for n in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())]
    assert sum(calendar.is_statutory_holiday(d) for d in days) == count


def test_holiday_data_has_limits():
    with pytest.raises(HolidayDataMissing):
        ChineseCalendarHolidays().is_statutory_holiday(date(2100, 1, 1))


def test_end_of_run():
    assert end_of_run(date(2025, 1, 1), 1, None) == date(2025, 1, 1)
    assert end_of_run(date(2025, 1, 1), 3, FakeHolidays({date(2025, 1, 2)})) == date(2025, 1, 4)


def test_due_date_up_to_ten_months_ahead():
    answer = leave_answer("浙江", "2026-10-15", today=TODAY)
    assert answer["is_due_date"] is True
    assert maternity(answer)["start"] == "2026-10-15"
    assert any("预产期" in note for note in answer["notes"])
    with pytest.raises(LeaveInputError) as err:
        leave_answer("浙江", "2026-10-16", today=TODAY)
    assert err.value.field == "birth_date"


def test_child_older_than_three_still_gets_an_answer_with_what_has_expired():
    answer = leave_answer("上海", "2022-06-01", today=TODAY)
    kinds = {e["kind"]: e for e in answer["entitlements"]}
    assert kinds["maternity"]["days"] == 158
    assert kinds["maternity"]["expired"] is True
    assert kinds["parental"]["expired"] is True
    assert kinds["parental"]["until"] == "2025-06-01"
    assert any("育儿假已于" in note and "2025-06-01" in note for note in answer["notes"])


def test_young_child_parental_leave_not_expired():
    answer = leave_answer("上海", "2025-06-01", today=TODAY)
    kinds = {e["kind"]: e for e in answer["entitlements"]}
    assert kinds["parental"]["expired"] is False
    assert kinds["maternity"]["expired"] is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region": "火星", "birth_date": "2025-01-01"}, "region"),
        ({"region": "香港", "birth_date": "2025-01-01"}, "region"),
        ({"region": "上海", "birth_date": "2025-02-29"}, "birth_date"),
        ({"region": "上海", "birth_date": "2025-13-01"}, "birth_date"),
        ({"region": "上海", "birth_date": "1/2/2025"}, "birth_date"),
        ({"region": "上海", "birth_date": "2010-01-01"}, "birth_date"),
        ({"region": "上海", "birth_date": "2025-01-01", "babies": 0}, "babies"),
        ({"region": "上海", "birth_date": "2025-01-01", "birth_order": 0}, "birth_order"),
        ({"region": "上海", "birth_date": "2025-01-01", "miscarriage_months": 11}, "miscarriage_months"),
        ({"region": "上海", "birth_date": "2026-01-01", "miscarriage_months": 3}, "birth_date"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(LeaveInputError) as err:
        leave_answer(**kwargs, today=TODAY)
    assert err.value.field == field
    assert err.value.as_json()["field"] == field


def test_unknown_region_offers_close_matches_shanxi_and_shaanxi():
    with pytest.raises(LeaveInputError) as err:
        leave_answer("陕溪", "2025-01-01", today=TODAY)
    assert [p["code"] for p in err.value.as_json()["suggestions"]] == ["610000", "140000"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2025, 12, 15), 10, date(2026, 10, 15)), (date(2025, 12, 31), 2, date(2026, 2, 28))],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_on_leap_day():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
