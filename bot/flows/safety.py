"""Replies to the safety layer's alarms: the action and the number first, then the help goes on."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot import answers
from bot.conversations import State
from bot.flows import Context, complaint, guidance
from bot.replies import Message, Reply, Turn
from bot.understanding.corpus import SAFETY_INTENT
from bot.understanding.safety import Alarm

# Harm at a childcare centre (its teachers, its carers) is also reported to the commission that holds its filing.
ABOUT_A_CENTRE = re.compile(r"托育|托儿|托班|幼儿园|早教|园长|老师|保育员|机构|daycare|nursery|centre|center|teacher",
                            re.I)


STILL_FOR = timedelta(minutes=30)
# "我没事 就是想问…": a parent who says they are all right and asks something else is answered.
MOVED_ON = re.compile(r"我没事|我还好|我挺好|没那么严重|就是想问|只是想问|想问一下|说正事|"
                      r"i'?m (?:fine|ok|okay|alright)|just (?:want|wanted) to ask", re.I)


def alarm(ctx: Context, state: State, text: str, found: Alarm) -> Turn:
    lang = state.language
    state.pending, state.paused = None, state.pending or state.paused  # the question waits until safety is dealt with
    replies: list[Reply] = [answers.safety_first_line(lang, found.kinds)]
    if found.kind == "harm" and ABOUT_A_CENTRE.search(text):
        # Where to report the centre, with its filing if the message names one.
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="harm").replies)
    elif found.kind == "harm":  # at home, in the street, a child missing: the police, not a centre's complaint line
        replies.append(answers.harm_elsewhere(lang))
    elif found.kind == "fraud":
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="fees").replies)
    elif found.kind == "emergency":
        replies.extend(guidance.first_aid(ctx, state, text))
    elif found.kind == "medicine":
        replies.append(answers.medicine(lang))
    elif found.kind == "distress":
        replies.append(answers.crisis(lang))
    state.topic = f"safety:{found.kind}"  # the next short message stays with this, not a new topic
    state.alarm_at = ctx.clock().isoformat()
    return Turn(SAFETY_INTENT[found.kind], tuple(replies))


def still_fresh(ctx: Context, state: State) -> bool:
    """An alarm holds the next messages for STILL_FOR only: a parent back hours later starts afresh."""
    if not (state.topic or "").startswith("safety:") or not state.alarm_at:
        return False
    return ctx.clock() - datetime.fromisoformat(state.alarm_at) <= STILL_FOR


def moved_on(state: State, text: str, asks_guidance: bool) -> bool:
    """After a parent's despair, one who says they are all right, or asks a parenting question, is answered: the
    12356 line was given. After harm or an emergency, short messages stay with it."""
    if (state.topic or "") != "safety:distress":
        return False
    return bool(MOVED_ON.search(text)) or asks_guidance


def still(state: State) -> Turn:
    """A short message after an alarm ("我要报警吗", "现在停了", "没人帮我"): the action and the number again."""
    kind = (state.topic or "").partition(":")[2]
    return Turn(SAFETY_INTENT[kind], (answers.safety_still(state.language, kind),))

