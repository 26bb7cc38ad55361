"""The leave calculator: which figures apply to a birth, their sum, and the dates, with every caveat as a note.

Policy lives in the rules files; this module only adds up what is in force on the birth date. "Today" is
always passed in, never read here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from content.leave.holidays import HolidayCalendar, HolidayDataMissing, end_of_run
from content.leave.rules import Counting, Key, Provision, RuleBook, Text, Unit
from geodata.regions import Province, confusable_with

LATE_MISCARRIAGE_MONTHS = 4  # 怀孕满4个月
MAX_POLICY_BIRTH_ORDER = 3  # the three-child policy of 2021


@dataclass(frozen=True)
class LeaveRequest:
    province: Province
    birth_date: date  # the birth, the due date, or the date of a miscarriage
    babies: int = 1
    difficult_birth: bool = False
    birth_order: int = 1
    miscarriage_months: int | None = None  # months of pregnancy at a miscarriage; None for a birth


@dataclass(frozen=True)
class Part:
    """One part of the maternity leave, with the provision it comes from."""

    label: Text
    days: int
    provision: Provision


@dataclass(frozen=True)
class Maternity:
    parts: tuple[Part, ...]
    start: date
    end: date
    end_is_estimate: bool
    complete: bool  # False where the local extension in force is not in the data

    @property
    def days(self) -> int:
        return sum(p.days for p in self.parts)

    @property
    def verified(self) -> bool:
        return all(p.provision.verified for p in self.parts)


@dataclass(frozen=True)
class Paternity:
    days: int
    unit: Unit
    provision: Provision


@dataclass(frozen=True)
class Parental:
    days_per_year: int
    unit: Unit
    until_age_years: int
    until: date  # the child's birthday on which it ends
    provision: Provision


@dataclass(frozen=True)
class Nursing:
    """哺乳时间 (national: paid hours within each working day until the child is one) and, where the province has
    a rule we hold, its 哺乳假 (a leave after maternity leave). `leave` None means: not known for this province."""

    hours_per_day: int
    until_age_years: int
    until: date
    provision: Provision
    leave: Provision | None = None


class NoteKind(StrEnum):
    unverified = "unverified"
    unknown = "unknown"
    estimate = "estimate"
    optional = "optional"
    expired = "expired"
    confusable = "confusable"
    reminder = "reminder"
    caveat = "caveat"  # a document's caveat that every answer citing it must carry


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    text: Text


@dataclass(frozen=True)
class LeaveResult:
    request: LeaveRequest
    today: date
    maternity: Maternity | None
    paternity: Paternity | None
    parental: Parental | None
    optional: tuple[Provision, ...]  # extra leave that needs an application or consent: shown, never added
    notes: tuple[Note, ...]
    nursing: Nursing | None = None  # 哺乳时间 and 哺乳假; None after a miscarriage

    @property
    def is_due_date(self) -> bool:
        return self.request.birth_date > self.today

    def maternity_expired(self) -> bool:
        return self.maternity is not None and self.maternity.end < self.today

    def parental_expired(self) -> bool:
        return self.parental is not None and self.today >= self.parental.until

    def nursing_expired(self) -> bool:
        return self.nursing is not None and self.today >= self.nursing.until


def add_years(day: date, years: int) -> date:
    """The same day some years on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day some months on, or the month's last day where it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


class _Notes:
    def __init__(self) -> None:
        self.items: list[Note] = []

    def add(self, kind: NoteKind, zh: str, en: str) -> None:
        note = Note(kind, _t(zh, en))
        if note not in self.items:
            self.items.append(note)


def calculate(request: LeaveRequest, *, today: date, rules: RuleBook, holidays: HolidayCalendar) -> LeaveResult:
    """The leave for one birth (or miscarriage) under the rules in force on its date."""
    province, born = request.province, request.birth_date
    in_force = rules.in_force(province.code, born)
    notes = _Notes()
    covered = rules.covers(province.code)
    if not covered:
        notes.add(NoteKind.unknown,
                  f"暂未收录{province.name}的地方规定，以下只含国家规定；地方通常另有延长产假、陪产假和育儿假。",
                  f"{province.name_en}'s own rules are not recorded yet: only the national rules are shown, "
                  "and provinces usually add maternity, paternity and parental leave.")

    optional: tuple[Provision, ...] = ()
    paternity: Paternity | None = None
    parental: Parental | None = None
    nursing: Nursing | None = None
    if request.miscarriage_months is not None:
        parts = _miscarriage_parts(request, in_force, notes)
    else:
        parts, optional = _birth_parts(request, in_force, notes, covered=covered)
        paternity = _paternity(in_force, province, notes, covered=covered)
        parental = _parental(request, in_force, province, notes, covered=covered)
        nursing = _nursing(request, in_force)
        notes.add(NoteKind.estimate,
                  "起止日期从出生当天起算；如果产前已休假（最多15天），结束日期相应提前。",
                  "The dates count from the day of birth; leave taken before the birth (up to 15 days) brings "
                  "the end forward by as many days.")

    maternity = _with_dates(parts, born, holidays, notes, complete=_is_complete(request, in_force))
    cited = _cited(maternity, paternity, parental, optional, nursing)
    for provision in cited:
        if provision.caveat is not None:
            notes.add(NoteKind.caveat, provision.caveat.zh, provision.caveat.en)
    for provision in cited:
        if not provision.verified:
            notes.add(NoteKind.unverified,
                      f"{_figure_name_zh(provision)}未经官方原文核实：{provision.note.zh}",
                      f"The {_figure_name_en(provision)} figure is not checked against the official text: "
                      f"{provision.note.en}")
        if not provision.date_verified:
            notes.add(NoteKind.unverified,
                      f"{provision.title}的生效日期未经核实；本服务按{provision.starts.isoformat()}起适用。",
                      f"The date of effect of {provision.title} is unverified; this service applies it from "
                      f"{provision.starts.isoformat()}.")
    for provision in optional:
        if provision.condition is not None:
            notes.add(NoteKind.optional, f"另外：{provision.condition.zh}（未计入上面的天数）。",
                      f"Also: {provision.condition.en} (not counted in the days above).")
    _timing_notes(LeaveResult(request, today, maternity, paternity, parental, optional, (), nursing), notes)
    twin = confusable_with(province)
    if twin is not None:
        notes.add(NoteKind.confusable,
                  f"请确认是{province.name}（{province.code}），不是{twin.name}（{twin.code}）。",
                  f"Please check this is {province.name_en} ({province.code}), not {twin.name_en} ({twin.code}).")
    notes.add(NoteKind.reminder,
              "假期按您就业和参加社保所在地的规定享受，不一定是户籍地或居住地。具体以当地人社部门口径为准。",
              "Leave follows the rules of the place where you are employed and insured, which may not be where "
              "you live or are registered. The local human resources and social security bureau has the final word.")
    caveats_first = sorted(notes.items, key=lambda note: note.kind is not NoteKind.caveat)
    return LeaveResult(request, today, maternity, paternity, parental, optional, tuple(caveats_first), nursing)


def _miscarriage_parts(request: LeaveRequest, in_force: dict[Key, Provision], notes: _Notes) -> list[Part]:
    months = request.miscarriage_months or 0
    late = months >= LATE_MISCARRIAGE_MONTHS
    provision = in_force[Key.miscarriage_late if late else Key.miscarriage_early]
    label = _t("流产（怀孕满4个月）", "miscarriage at 4 months or later") if late else \
        _t("流产（怀孕未满4个月）", "miscarriage before 4 months")
    notes.add(NoteKind.unknown, "以上为国家规定的流产假；地方是否另有规定，本服务未收录。",
              "This is the national miscarriage leave; any local rule on it is not recorded here.")
    return [Part(label, provision.days or 0, provision)]


def _birth_parts(
    request: LeaveRequest, in_force: dict[Key, Provision], notes: _Notes, *, covered: bool
) -> tuple[list[Part], tuple[Provision, ...]]:
    base = in_force[Key.maternity_base]
    parts = [Part(_t("国家规定产假", "national maternity leave"), base.days or 0, base)]
    if request.difficult_birth:
        p = in_force[Key.difficult_birth]
        parts.append(Part(_t("难产", "difficult birth"), p.days or 0, p))
        notes.add(NoteKind.unknown, "剖宫产不一定按难产认定，各地做法不一；是否算难产以医院证明和当地规定为准。",
                  "A caesarean is not always treated as a difficult birth; the hospital's certificate and the "
                  "local rules decide.")
    if request.babies > 1:
        p, extra = in_force[Key.extra_baby], request.babies - 1
        babies_en = "baby" if extra == 1 else "babies"
        label = _t(f"多胞胎（多{extra}个婴儿，每个{p.days}天）",
                   f"multiple birth ({extra} extra {babies_en}, {p.days} days each)")
        parts.append(Part(label, (p.days or 0) * extra, p))
    extension = in_force.get(Key.maternity_extension)
    order = request.birth_order
    if extension is not None:
        days = extension.days_for(order)
        if days is None:
            notes.add(NoteKind.unknown, f"未收录生育第{order}孩时的地方延长产假规定，以下产假只含国家规定部分。",
                      f"The local extension for a child of birth order {order} is not recorded; the maternity "
                      "leave below is the national part only.")
        else:
            parts.append(Part(_t("地方延长产假", "local extension"), days, extension))
    elif covered:
        notes.add(NoteKind.unknown, "未收录该日期适用的地方延长产假规定，以下产假只含国家规定部分，实际可能更多。",
                  "The local extension in force on that date is not recorded: the maternity leave below is the "
                  "national part only, and may be longer.")
    if order > MAX_POLICY_BIRTH_ORDER:
        notes.add(NoteKind.unknown, f"第{order}孩是否享受地方延长的假期，本服务未收录，请向当地确认。",
                  f"Whether a child of birth order {order} gets the local extensions is not recorded; please ask "
                  "locally.")
    optional = in_force.get(Key.maternity_optional)
    applies = optional is not None and (optional.by_birth_order is None or order in optional.by_birth_order)
    return parts, (optional,) if optional is not None and applies else ()


def _is_complete(request: LeaveRequest, in_force: dict[Key, Provision]) -> bool:
    if request.miscarriage_months is not None:
        return True
    extension = in_force.get(Key.maternity_extension)
    return extension is not None and extension.days_for(request.birth_order) is not None


def _with_dates(parts: list[Part], start: date, holidays: HolidayCalendar, notes: _Notes, *, complete: bool
                ) -> Maternity:
    """Runs the parts one after the other from the start, each by its own counting rule."""
    first_day, estimate = start, False
    for part in parts:
        counting = part.provision.counting
        if counting is Counting.push_back:
            try:
                end = end_of_run(first_day, part.days, holidays)
            except HolidayDataMissing:
                end, estimate = end_of_run(first_day, part.days, None), True
                notes.add(NoteKind.estimate,
                          "官方放假安排尚未覆盖这段日期，顺延的天数无法计算：结束日期按自然日估算，实际会更晚。",
                          "The official holiday arrangements do not cover these dates yet, so the end date is "
                          "counted in calendar days: an estimate, and the real end will be later.")
        else:
            end = end_of_run(first_day, part.days, None)
            if counting is Counting.unknown:
                estimate = True
                notes.add(NoteKind.estimate,
                          "当地延长产假是否遇法定节假日顺延未核实：结束日期按自然日估算。",
                          "Whether public holidays push back the local extension is unverified: the end date is "
                          "counted in calendar days, an estimate.")
        first_day = end + timedelta(days=1)
    return Maternity(tuple(parts), start, first_day - timedelta(days=1), estimate or not complete, complete)


def _paternity(in_force: dict[Key, Provision], province: Province, notes: _Notes, *, covered: bool
               ) -> Paternity | None:
    p = in_force.get(Key.paternity)
    if p is None or p.days is None:
        if covered:
            notes.add(NoteKind.unknown, f"未收录{province.name}在该日期的陪产假（护理假）规定，天数未知。",
                      f"{province.name_en}'s paternity (spouse) leave on that date is not recorded: unknown.")
        return None
    return Paternity(p.days, p.unit, p)


def _parental(request: LeaveRequest, in_force: dict[Key, Provision], province: Province, notes: _Notes,
              *, covered: bool) -> Parental | None:
    p = in_force.get(Key.parental)
    if p is None or p.days_per_year is None or p.until_age_years is None:
        if covered:
            notes.add(NoteKind.unknown, f"未收录{province.name}在该日期的育儿假规定，天数未知。",
                      f"{province.name_en}'s parental leave on that date is not recorded: unknown.")
        return None
    until = add_years(request.birth_date, p.until_age_years)
    return Parental(p.days_per_year, p.unit, p.until_age_years, until, p)


def _nursing(request: LeaveRequest, in_force: dict[Key, Provision]) -> Nursing | None:
    """The national nursing hour (one a day, one more for each extra baby) until the child's first birthday."""
    p = in_force.get(Key.nursing_time)
    if p is None or p.hours_per_day is None or p.until_age_years is None:
        return None
    hours = p.hours_per_day + (p.extra_hours_per_baby or 0) * (request.babies - 1)
    return Nursing(hours, p.until_age_years, add_years(request.birth_date, p.until_age_years), p,
                   in_force.get(Key.nursing_leave))


def _timing_notes(result: LeaveResult, notes: _Notes) -> None:
    born, today = result.request.birth_date, result.today
    if result.is_due_date:
        notes.add(NoteKind.estimate, "这是按预产期推算的，实际以孩子出生日期为准。",
                  "This is worked out from the due date; the actual birth date decides.")
        return
    expired_zh, expired_en = [], []
    if result.maternity is not None and result.maternity_expired():
        expired_zh.append(f"产假已于{result.maternity.end.isoformat()}结束")
        expired_en.append(f"the maternity leave ended on {result.maternity.end.isoformat()}")
    if result.parental is not None and result.parental_expired():
        expired_zh.append(f"育儿假已于孩子{result.parental.until_age_years}周岁时（{result.parental.until.isoformat()}）到期")
        expired_en.append(f"the parental leave ended at age {result.parental.until_age_years} "
                          f"({result.parental.until.isoformat()})")
    if add_years(born, 3) <= today and result.paternity is not None:
        expired_zh.append("陪产假通常在孩子出生前后休，现在很可能也已无法再休（请向单位确认）")
        expired_en.append("paternity leave is usually taken around the birth, so it is most likely past too "
                          "(ask your employer)")
    if expired_zh:
        notes.add(NoteKind.expired, "；".join(expired_zh) + "。", "; ".join(expired_en).capitalize() + ".")


def _cited(maternity: Maternity | None, paternity: Paternity | None, parental: Parental | None,
           optional: tuple[Provision, ...], nursing: Nursing | None = None) -> list[Provision]:
    cited = [part.provision for part in maternity.parts] if maternity else []
    cited += [e.provision for e in (paternity, parental) if e is not None]
    if nursing is not None:
        cited += [nursing.provision, *([nursing.leave] if nursing.leave else [])]
    return cited + list(optional)


FIGURE_NAMES = {
    Key.maternity_base: ("国家规定产假", "national maternity leave"),
    Key.difficult_birth: ("难产假", "difficult birth"),
    Key.extra_baby: ("多胞胎增加的产假", "multiple birth"),
    Key.miscarriage_early: ("流产假", "miscarriage leave"),
    Key.miscarriage_late: ("流产假", "miscarriage leave"),
    Key.maternity_extension: ("地方延长产假", "local maternity extension"),
    Key.maternity_optional: ("可申请增加的产假", "optional extra leave"),
    Key.paternity: ("陪产假（护理假）", "paternity leave"),
    Key.parental: ("育儿假", "parental leave"),
    Key.nursing_time: ("哺乳时间", "nursing time"),
    Key.nursing_leave: ("哺乳假", "nursing leave"),
}


def _figure_name_zh(p: Provision) -> str:
    return FIGURE_NAMES[p.key][0]


def _figure_name_en(p: Provision) -> str:
    return FIGURE_NAMES[p.key][1]
