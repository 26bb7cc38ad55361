"""The one entry point of the leave domain for the CLI, the web API and the bot: checked input in, JSON out."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from content.leave.calculator import LeaveRequest, LeaveResult, Part, add_months, calculate
from content.leave.explain import explain
from content.leave.holidays import ChineseCalendarHolidays, HolidayCalendar
from content.leave.rules import Provision, RuleBook, bundled_rules
from geodata.regions import Province, UnknownRegion, resolve_province

MAX_MONTHS_AHEAD = 10  # a due date may be at most this far ahead
MAX_BABIES = 9
MAX_BIRTH_ORDER = 20
MAX_PREGNANCY_MONTHS = 10
NOT_MAINLAND = {"710000", "810000", "820000"}  # 台湾、香港、澳门: the mainland rules do not apply
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class LeaveInputError(ValueError):
    """Bad input, naming the field: the CLI exits with 2, the web API answers 422."""

    def __init__(self, field: str, message_zh: str, message_en: str, suggestions: list[Province] | None = None):
        super().__init__(field, message_zh, message_en)
        self.field, self.message_zh, self.message_en = field, message_zh, message_en
        self.suggestions = suggestions or []

    def __str__(self) -> str:
        return f"{self.field}: {self.message_zh} / {self.message_en}"

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message_zh, "message_en": self.message_en,
                "suggestions": [{"code": p.code, "name": p.name} for p in self.suggestions]}


def read_region(text: str) -> Province:
    """The province for a code (province, city or county), or a full, short or English name."""
    try:
        province = resolve_province(text)
    except UnknownRegion as exc:
        hint_zh = "、".join(f"{p.name}（{p.code}）" for p in exc.suggestions)
        hint_en = ", ".join(f"{p.name_en} ({p.code})" for p in exc.suggestions)
        ask_zh = f"，您是不是指：{hint_zh}？" if hint_zh else "；请输入省份名称或6位代码，如 内蒙古 或 150000。"
        ask_en = f"; did you mean {hint_en}?" if hint_en else "; give a province name or its 6-digit code, e.g. 150000."
        raise LeaveInputError("region", f"未知地区“{text}”{ask_zh}", f"unknown region {text!r}{ask_en}",
                              exc.suggestions) from None
    if province.code in NOT_MAINLAND:
        raise LeaveInputError("region", f"{province.name}不适用内地的产假规定，本服务只覆盖内地31个省份。",
                              f"the mainland leave rules do not apply in {province.name_en}.")
    return province


def read_date(value: str | date, name: str = "birth_date") -> date:
    if isinstance(value, date):
        return value
    text = value.strip()
    if not ISO_DATE.fullmatch(text):
        raise LeaveInputError(name, f"日期“{text}”格式不对，应为 YYYY-MM-DD，如 2025-03-08。",
                              f"{text!r} is not a date in the form YYYY-MM-DD, e.g. 2025-03-08.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LeaveInputError(name, f"日期“{text}”不存在。", f"{text} is not a real date.") from None


def read_request(
    region: str,
    birth_date: str | date,
    *,
    today: date,
    babies: int = 1,
    difficult_birth: bool = False,
    birth_order: int = 1,
    miscarriage_months: int | None = None,
    rules: RuleBook,
) -> LeaveRequest:
    """Checks every input, naming the field at fault, and returns the request for the calculator."""
    province = read_region(region)
    born = read_date(birth_date)
    if born < rules.earliest():
        raise LeaveInputError("birth_date", f"本服务只收录{rules.earliest().isoformat()}以后的规定。",
                              f"this service holds the rules from {rules.earliest().isoformat()} on only.")
    latest = add_months(today, MAX_MONTHS_AHEAD)
    if born > latest:
        raise LeaveInputError("birth_date", f"预产期不能晚于今天之后{MAX_MONTHS_AHEAD}个月（{latest.isoformat()}）。",
                              f"a due date can be at most {MAX_MONTHS_AHEAD} months ahead ({latest.isoformat()}).")
    if not 1 <= babies <= MAX_BABIES:
        raise LeaveInputError("babies", f"婴儿数应在1到{MAX_BABIES}之间，收到 {babies}。",
                              f"the number of babies must be 1 to {MAX_BABIES}, not {babies}.")
    if not 1 <= birth_order <= MAX_BIRTH_ORDER:
        raise LeaveInputError("birth_order", f"孩次应为1（一孩）、2（二孩）、3（三孩）……，收到 {birth_order}。",
                              f"the birth order must be 1 (first child), 2, 3 …, not {birth_order}.")
    if miscarriage_months is not None:
        if not 0 <= miscarriage_months <= MAX_PREGNANCY_MONTHS:
            raise LeaveInputError("miscarriage_months", f"怀孕月数应在0到{MAX_PREGNANCY_MONTHS}之间。",
                                  f"the months of pregnancy must be 0 to {MAX_PREGNANCY_MONTHS}.")
        if born > today:
            raise LeaveInputError("birth_date", "流产的日期不能晚于今天。",
                                  "a miscarriage date cannot be in the future.")
    return LeaveRequest(province, born, babies, difficult_birth, birth_order, miscarriage_months)


def leave_result(
    region: str,
    birth_date: str | date,
    *,
    today: date,
    babies: int = 1,
    difficult_birth: bool = False,
    birth_order: int = 1,
    miscarriage_months: int | None = None,
    rules: RuleBook | None = None,
    holidays: HolidayCalendar | None = None,
) -> LeaveResult:
    """The calculated leave as objects (for the bot). Raises LeaveInputError on bad input."""
    book = rules or bundled_rules()
    request = read_request(region, birth_date, today=today, babies=babies, difficult_birth=difficult_birth,
                           birth_order=birth_order, miscarriage_months=miscarriage_months, rules=book)
    return calculate(request, today=today, rules=book, holidays=holidays or ChineseCalendarHolidays())


def leave_answer(
    region: str,
    birth_date: str | date,
    *,
    today: date,
    babies: int = 1,
    difficult_birth: bool = False,
    birth_order: int = 1,
    miscarriage_months: int | None = None,
    rules: RuleBook | None = None,
    holidays: HolidayCalendar | None = None,
) -> dict[str, Any]:
    """The JSON of `carecircle leave --json` and `GET /api/leave`. Raises LeaveInputError on bad input."""
    result = leave_result(region, birth_date, today=today, babies=babies, difficult_birth=difficult_birth,
                          birth_order=birth_order, miscarriage_months=miscarriage_months, rules=rules,
                          holidays=holidays)
    return to_json(result)


def to_json(result: LeaveResult) -> dict[str, Any]:
    province, req = result.request.province, result.request
    entitlements: list[dict[str, Any]] = []
    if (m := result.maternity) is not None:
        entitlements.append({
            "kind": "maternity", "days": m.days, "start": m.start.isoformat(), "end": m.end.isoformat(),
            "end_is_estimate": m.end_is_estimate, "complete": m.complete,
            "basis": [_part_basis(part) for part in m.parts], "verified": m.verified,
            "expired": result.maternity_expired(),
        })
    if (p := result.paternity) is not None:
        entitlements.append({
            "kind": "paternity", "days": p.days, "unit": p.unit.value,
            "basis": [_basis(p.provision, p.days)], "verified": p.provision.verified,
        })
    if (q := result.parental) is not None:
        entitlements.append({
            "kind": "parental", "days_per_year": q.days_per_year, "unit": q.unit.value,
            "until_age_years": q.until_age_years, "until": q.until.isoformat(),
            "basis": [_basis(q.provision, q.days_per_year)], "verified": q.provision.verified,
            "expired": result.parental_expired(),
        })
    if (n := result.nursing) is not None:
        leave = n.leave
        entitlements.append({
            "kind": "nursing", "hours_per_day": n.hours_per_day, "until_age_years": n.until_age_years,
            "until": n.until.isoformat(), "verified": n.provision.verified and (leave is None or leave.verified),
            "basis": [_basis(n.provision, None) | {"hours_per_day": n.provision.hours_per_day,
                                                   "extra_hours_per_baby": n.provision.extra_hours_per_baby}],
            "expired": result.nursing_expired(),
            "nursing_leave": None if leave is None else {"days": leave.days, "basis": [_basis(leave, leave.days)]},
            "nursing_leave_known": leave is not None,
        })
    text = explain(result)
    return {
        "region": {"code": province.code, "name": province.name, "name_en": province.name_en},
        "birth_date": req.birth_date.isoformat(),
        "is_due_date": result.is_due_date,
        "miscarriage": req.miscarriage_months is not None,
        "entitlements": entitlements,
        "optional": [{"condition": o.condition.zh if o.condition else "",
                      "condition_en": o.condition.en if o.condition else "",
                      "days": o.days_for(req.birth_order), "basis": [_basis(o, o.days_for(req.birth_order))]}
                     for o in result.optional],
        "notes": [n.text.zh for n in result.notes],
        "notes_en": [n.text.en for n in result.notes],
        "explanation": {"zh": text.zh, "en": text.en},
    }


def _basis(p: Provision, days: int | None) -> dict[str, Any]:
    return {"title": p.title, "issuer": p.issuer, "article": p.article, "days": days, "verified": p.verified,
            "from": p.starts.isoformat(), "until": p.until.isoformat() if p.until else None,
            "date_verified": p.date_verified, "note": p.note.zh, "note_en": p.note.en,
            "cited_by": [{"title": c.title, "number": c.number, "article": c.article} for c in p.cited_by]}


def _part_basis(part: Part) -> dict[str, Any]:
    return {"label": part.label.zh, "label_en": part.label.en} | _basis(part.provision, part.days)
