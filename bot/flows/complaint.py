"""Complaints: where to complain about a centre, harm to a child first (110), fees to 12315."""

from __future__ import annotations

import re

from bot import answers
from bot.conversations import State
from bot.flows import Context, cases
from bot.flows.centres import named_centre
from bot.replies import Message, Turn
from geodata.centre import Centre

FEE_WORDS = re.compile(r"退费|乱收费|学费|跑路|押金|收费|合同|refund|fee", re.I)
HARM_WORDS = re.compile(r"打|虐待|体罚|受伤|小黑屋|凶|骂|饿|性侵|猥亵|abuse|hit|hurt", re.I)
# "我孩子在那被老师掐了": the centre just talked about.
THERE = re.compile(r"在那|那里|那边|这家|那家|他们|她们|该园|该机构|"
                   r"\bthere\b|\bthey\b|\bthat (?:centre|center|place)\b", re.I)


def complaint(ctx: Context, state: State, message: Message, text: str, *, about: str | None = None,
              centre: Centre | None = None) -> Turn:
    """Where to complain; `centre` is one the parent pointed at ("这家…我想投诉"), else the one the text names."""
    continuing = state.topic in {"complaint", "safety:harm", "safety:fraud"}  # "怎么才能把钱要回来" after the report
    state.pending, state.topic = None, "complaint"
    centre = centre or named_centre(ctx, text) or _centre_meant(ctx, state, text, continuing)
    if centre is not None:
        state.centre_id = centre.id
    region = centre.district_code if centre else state.region_code
    region_name = ctx.gazetteer.region_name(region) if region and region != "-" else None
    if about is None:
        about = "fees" if FEE_WORDS.search(text) or (continuing and state.alarm_kind == "fraud") \
            else "harm" if HARM_WORDS.search(text) else None  # "那到底打12315还是12345" after fees taken
    return Turn("complaint", (answers.complaint(state.language, region_name, about, centre),
                              *cases.offer(ctx, state, centre, text)), centres=(centre.id,) if centre else ())


def _centre_meant(ctx: Context, state: State, text: str, continuing: bool) -> Centre | None:
    """The centre in focus, when the message points back at it ("在那", "这家", "they") or goes on with the same
    complaint."""
    return ctx.registry.get(state.centre_id) if state.centre_id and (continuing or THERE.search(text)) else None
