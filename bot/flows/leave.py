"""Leave: the province and the birth date, then the calculator; a follow-up gets the one figure it asks for."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bilingual import Text
from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.replies import Message, Reply, Turn
from bot.slots import (
    difficult_birth_said,
    find_babies,
    find_birth_order,
    find_birth_year,
    find_date,
    find_month,
    find_province,
    is_bad_date,
    leave_asked,
    mentions_caesarean,
)
from content.leave.answer import LeaveInputError, leave_result
from content.leave.calculator import LeaveResult
from content.leave.explain import counting

# "是工作日还是自然日", "碰上国庆节放假怎么算": how the days run, not how many there are.
COUNTING = re.compile(r"工作日|自然日|日历日|节假日|法定假|国庆|春节|过年|五一|元旦|周末|双休|顺延|"
                      r"\bcalendar\b|working days?|weekends?|holidays?", re.I)


# The employer refusing the leave, or threatening the job for it: where to turn, before the figures.
REFUSED = re.compile(r"(?:单位|公司|老板|领导|厂里|人事)\S{0,8}(?:不给|不让|不批|不同意|拒绝|不准)\S{0,4}(?:休|请|放)?|"
                     r"休了?\S{0,6}(?:就别回来|就辞退|就开除|就走人)|(?:辞退|开除|逼我辞职)\S{0,8}(?:产假|怀孕|休假)|"
                     r"\b(?:employer|boss|company)\b.{0,30}\b(?:refus\w*|won'?t (?:give|let|allow)|fire[ds]?)\b", re.I)


def leave(ctx: Context, state: State, message: Message, text: str, *, brief: bool = False) -> Turn:
    turn = _leave(ctx, state, message, text, brief=brief)
    if REFUSED.search(text):  # "单位不给休陪产假怎么办": the labour inspectorate and 12333 first
        return Turn(turn.intent, (answers.leave_refused(state.language), *turn.replies), centres=turn.centres)
    return turn


def _leave(ctx: Context, state: State, message: Message, text: str, *, brief: bool = False) -> Turn:
    lang, today = state.language, ctx.today()
    province = find_province(text)
    division = ctx.gazetteer.division_in(text)
    if province:
        state.region_code = province.code
    elif division:
        state.region_code = division
    if is_bad_date(text):
        state.pending = Pending.leave_date
        return Turn("leave", (answers.bad_date(lang),))
    born = find_date(text, today, near=date.fromisoformat(state.birth_date) if state.birth_date else None)
    if born:
        state.birth_date, state.birth_month, state.birth_until = born.isoformat(), None, None
    elif month := find_month(text, today):
        state.birth_date, state.birth_month, state.birth_until = None, month.isoformat(), None
    elif year := find_birth_year(text):  # "那2023年生的呢": that year's rules, unless they changed within it
        state.birth_date, state.birth_month = None, date(year, 1, 1).isoformat()
        state.birth_until = date(year, 12, 31).isoformat()
    state.babies = find_babies(text) or state.babies
    state.birth_order = find_birth_order(text) or state.birth_order
    said = difficult_birth_said(text)  # "不算难产" takes it back; "算难产吗" only asks
    state.difficult_birth = state.difficult_birth if said is None else said
    if not brief:  # an answer to our question ("如果是头胎呢" when we asked the date) keeps the leave asked about
        named = leave_asked(text)
        waiting = state.pending in {Pending.leave_region, Pending.leave_date}
        state.leave_ask = named or (state.leave_ask if waiting else None)
        if waiting and not named and not born and (find_babies(text) or find_birth_order(text) or said is not None):
            state.leave_ask, brief = "maternity", True  # "如果是双胞胎呢", "我这是二胎": they change 产假
    if not state.region_code or state.region_code == "-":
        state.pending = Pending.leave_region
        return Turn("leave", (answers.ask_province(lang),))
    if not state.birth_date:  # the days in force today at once; the dates once we know the birth
        figures = _figures_without_date(ctx, state)
        if brief or state.pending is Pending.leave_region:
            return figures
        state.pending = Pending.leave_date
        return Turn("leave", (*figures.replies, answers.ask_birth_date(lang, for_leave=True)))
    state.pending = None
    try:
        result = leave_result(state.region_code[:2] + "0000", state.birth_date, today=today,
                              babies=state.babies, birth_order=state.birth_order,
                              difficult_birth=state.difficult_birth)
    except LeaveInputError as exc:
        if exc.field == "region":
            state.region_code, state.pending = None, Pending.leave_region
        else:
            state.birth_date, state.pending = None, Pending.leave_date
        return Turn("leave", (Reply(Text.of(exc)(lang)),))
    state.topic = "leave"
    if brief:
        return Turn("leave", (answers.leave_brief(lang, result, state.leave_ask),))
    return Turn("leave", answers.leave(lang, result, caesarean=mentions_caesarean(text)))


def _figures_without_date(ctx: Context, state: State) -> Turn:
    """The figures in force today, when the question needs no date ("那我老公呢" before any date was given)."""
    lang = state.language
    month = date.fromisoformat(state.birth_month) if state.birth_month else None
    on = month or ctx.today()  # "2024年6月出生": the rules of that month, unless they changed within it
    try:
        result = _result_on(ctx, state, on)
        until = date.fromisoformat(state.birth_until) if state.birth_until else _month_end(month) if month else None
        if until and _figures(result) != _figures(_result_on(ctx, state, until)):
            state.pending = Pending.leave_date
            return Turn("leave", (answers.ask_birth_date(lang, for_leave=True),))
    except LeaveInputError as exc:
        state.region_code, state.pending = None, Pending.leave_region
        return Turn("leave", (Reply(Text.of(exc)(lang)),))
    state.topic, state.pending = "leave", None
    return Turn("leave", (answers.leave_brief(lang, result, state.leave_ask, dated=False),))


def _result_on(ctx: Context, state: State, on: date) -> LeaveResult:
    return leave_result(str(state.region_code)[:2] + "0000", on, today=ctx.today(), babies=state.babies,
                        birth_order=state.birth_order, difficult_birth=state.difficult_birth)


def _figures(result: LeaveResult) -> tuple[int | None, ...]:
    return (result.maternity.days if result.maternity else None, result.paternity.days if result.paternity else None,
            result.parental.days_per_year if result.parental else None)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def how_counted(ctx: Context, state: State, asked: str | None) -> Turn | None:
    """How the days of the leave just discussed run, for its region and birth date (today's rules without one)."""
    if not state.region_code or state.region_code == "-":
        return None
    on = date.fromisoformat(state.birth_date or state.birth_month or ctx.today().isoformat())
    try:
        result = _result_on(ctx, state, on)
    except LeaveInputError:
        return None
    state.topic = "leave"
    state.leave_ask = asked
    one = asked if asked and "," not in asked else None  # several asked ("maternity,paternity"): all of them
    return Turn("leave", (Reply(counting(result, one)(state.language)),))
