"""Leave: the province and the birth date, then the calculator; a follow-up gets the one figure it asks for."""

from __future__ import annotations

from bilingual import Text
from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.replies import Message, Reply, Turn
from bot.slots import (
    find_babies,
    find_birth_order,
    find_date,
    find_province,
    is_bad_date,
    mentions_caesarean,
    mentions_difficult_birth,
)
from content.leave.answer import LeaveInputError, leave_result

ASKS = (("paternity", ("陪产", "护理假", "老公", "丈夫", "男方", "配偶", "paternity", "husband", "partner")),
        ("parental", ("育儿假", "parental")),
        ("maternity", ("产假", "生育假", "maternity")))


def leave(ctx: Context, state: State, message: Message, text: str, *, brief: bool = False) -> Turn:
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
    born = find_date(text, today)
    if born:
        state.birth_date = born.isoformat()
    state.babies = find_babies(text) or state.babies
    state.birth_order = find_birth_order(text) or state.birth_order
    state.difficult_birth = state.difficult_birth or mentions_difficult_birth(text)
    if not brief:
        state.leave_ask = next((kind for kind, words in ASKS if any(w in text.lower() for w in words)), None)
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
    try:
        result = leave_result(str(state.region_code)[:2] + "0000", ctx.today(), today=ctx.today(),
                              babies=state.babies, birth_order=state.birth_order,
                              difficult_birth=state.difficult_birth)
    except LeaveInputError as exc:
        state.region_code, state.pending = None, Pending.leave_region
        return Turn("leave", (Reply(Text.of(exc)(lang)),))
    state.topic, state.pending = "leave", None
    return Turn("leave", (answers.leave_brief(lang, result, state.leave_ask, dated=False),))
