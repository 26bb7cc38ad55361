"""Leave entitlements (产假、陪产假、育儿假): dated, cited rules per province, a calculator and explanations.

Call `leave_answer(...)` for the JSON of the CLI and the web API, or `leave_result(...)` for the objects;
both raise LeaveInputError, naming the field, on bad input.
"""

from content.leave.answer import LeaveInputError, leave_answer, leave_result, read_region, to_json
from content.leave.calculator import LeaveRequest, LeaveResult, calculate
from content.leave.explain import explain, explain_en, explain_zh
from content.leave.holidays import ChineseCalendarHolidays, HolidayCalendar, HolidayDataMissing
from content.leave.rules import RuleBook, RuleError, bundled_rules, load_rules

__all__ = [
    "ChineseCalendarHolidays",
    "HolidayCalendar",
    "HolidayDataMissing",
    "LeaveInputError",
    "LeaveRequest",
    "LeaveResult",
    "RuleBook",
    "RuleError",
    "bundled_rules",
    "calculate",
    "explain",
    "explain_en",
    "explain_zh",
    "leave_answer",
    "leave_result",
    "load_rules",
    "read_region",
    "to_json",
]
