"""The policy values the whole service shares: one home for each, with where it comes from."""

from __future__ import annotations

CIRCLE_MINUTES = 15  # 伊金霍洛旗 伊政办发〔2024〕28号: "着力打造15分钟托育服务圈"
MAX_CHILD_AGE_MONTHS = 36  # 3岁以下婴幼儿照护服务: the service is for children under three
FAR_M = 20_000  # beyond this straight-line distance a "farther away" centre is no help: no surface lists it
MAX_DUE_DAYS_AHEAD = 300  # a due date is at most about 40 weeks away
MAX_CHILD_AGE_DAYS = 3 * 366  # a child born longer ago than this is past the service's age
VACANCIES_FRESH_DAYS = 30  # a vacancy count older than this may be stale: shown so, and not counted as "有空位"
