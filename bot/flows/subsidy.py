"""Subsidies and fees, for the region the parent names or was found in."""

from __future__ import annotations

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.replies import Message, Turn
from bot.slots import find_province
from content.subsidies import subsidies_for


def subsidy(ctx: Context, state: State, message: Message, text: str) -> Turn:
    province = find_province(text)
    division = ctx.gazetteer.division_in(text)
    if division:
        state.region_code = division
    elif province:
        state.region_code = province.code
    if not state.region_code or state.region_code == "-":
        state.pending = Pending.subsidy_region
        return Turn("subsidy", (answers.ask_region(state.language),))
    state.pending, state.topic = None, "subsidy"
    region_name = ctx.gazetteer.region_name(state.region_code)
    return Turn("subsidy", (answers.subsidies(state.language, region_name, subsidies_for(state.region_code)),))
