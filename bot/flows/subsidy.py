"""Subsidies and fees, for the region the parent names or was found in."""

from __future__ import annotations

import re

from bot import answers
from bot.conversations import Pending, State
from bot.flows import Context
from bot.flows.centres import centre_question, named_centre
from bot.replies import Message, Turn
from bot.slots import asks_fee, find_province
from content.subsidies import Subsidy, subsidies_for
from geodata.centre import fee_range
from geodata.divisions import region_prefix

# Asked by someone who runs or works in a centre: the support for centres and carers is what they want to see.
FOR_PROVIDERS = re.compile(r"(?:机构|普惠|托育园|托儿所)(?:的|有)?(?:补贴|补助|政策|扶持)|"
                           r"办托|开办|开托育|运营补贴|建设补贴|托位补贴|从业|"
                           r"育婴员|保育员|provider|operator|run a centre", re.I)


def subsidy(ctx: Context, state: State, message: Message, text: str) -> Turn:
    state.fees_asked = asks_fee(text) or (state.pending is Pending.subsidy_region and state.fees_asked)
    centre = named_centre(ctx, text) if state.fees_asked else None
    if centre is not None:  # "小星星托育园一个月多少钱": that centre's fee
        state.pending = None
        return centre_question(ctx, state, centre, ["fee"], "subsidy")
    province = find_province(text)
    division = ctx.gazetteer.division_in(text)
    if division:
        state.region_code = division
    elif province:
        state.region_code = province.code
    elif not state.region_code or state.region_code == "-":
        state.region_code = region_in_conversation(ctx, state)
    if not state.region_code or state.region_code == "-":
        state.pending = Pending.subsidy_region
        return Turn("subsidy", (answers.ask_region(state.language),))
    state.pending, state.topic = None, "subsidy"
    region_name = ctx.gazetteer.region_name(state.region_code)
    items = subsidies_for(state.region_code)
    if state.fees_asked:
        return fees(ctx, state, region_name, items)
    everything = bool(FOR_PROVIDERS.search(text))
    return Turn("subsidy", (answers.subsidies(state.language, region_name, items, state.region_code,
                                              everything=everything),))


def region_in_conversation(ctx: Context, state: State) -> str | None:
    """The county of the centres just listed, or of the place searched: "太贵了 有补贴不" after a search."""
    centre = ctx.registry.get(state.centre_id or "") or (ctx.registry.get(state.listed[0]) if state.listed else None)
    if centre is not None:
        return centre.district_code
    return ctx.gazetteer.division_in(state.place) if state.place else None


def fees(ctx: Context, state: State, region_name: str, items: list[Subsidy]) -> Turn:
    """"托育多少钱": what the region's filed centres registered as fees, then what families receive."""
    prefix = region_prefix(state.region_code or "")
    offered = [c for c in ctx.registry.all() if c.offered and c.district_code.startswith(prefix)]
    return Turn("subsidy", (answers.fees(state.language, region_name, len(offered), fee_range(offered),
                                         fee_range(c for c in offered if c.inclusive),
                                         [s for s in items if s.for_families]),))


def all_policies(ctx: Context, state: State, region_code: str) -> Turn:
    """The button under a subsidy answer: every item, those for centres and carers too."""
    state.region_code, state.topic = region_code, "subsidy"
    region_name = ctx.gazetteer.region_name(region_code)
    return Turn("subsidy", (answers.subsidies(state.language, region_name, subsidies_for(region_code), region_code,
                                              everything=True),))


def how_to_apply(ctx: Context, state: State) -> Turn:
    """"找谁申请" after a subsidy answer: how to apply for what families receive, where the documents say; else
    who to ask."""
    items = [s for s in subsidies_for(state.region_code) if s.for_families]
    region_name = ctx.gazetteer.region_name(state.region_code) if state.region_code else ""
    return Turn("subsidy", (answers.how_to_apply(state.language, region_name, items),))
