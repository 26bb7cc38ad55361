"""Replies to the safety layer's alarms: the action and the number first, then the help goes on."""

from __future__ import annotations

from bot import answers
from bot.conversations import State
from bot.flows import Context, complaint, guidance
from bot.replies import Message, Reply, Turn
from bot.understanding.corpus import SAFETY_INTENT
from bot.understanding.safety import Alarm


def alarm(ctx: Context, state: State, text: str, found: Alarm) -> Turn:
    lang = state.language
    state.pending, state.paused = None, state.pending or state.paused  # the question waits until safety is dealt with
    replies: list[Reply] = [answers.safety_first_line(lang, found.kinds)]
    if found.kind == "harm":
        # Where to report the centre, with its filing if the message names one.
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="harm").replies)
    elif found.kind == "fraud":
        replies.extend(complaint.complaint(ctx, state, message=Message(), text=text, about="fees").replies)
    elif found.kind == "emergency":
        replies.extend(guidance.first_aid(ctx, state, text))
    elif found.kind == "medicine":
        replies.append(answers.medicine(lang))
    elif found.kind == "distress":
        replies.append(answers.crisis(lang))
    state.topic = f"safety:{found.kind}"  # the next short message stays with this, not a new topic
    return Turn(SAFETY_INTENT[found.kind], tuple(replies))


def still(state: State) -> Turn:
    """A short message after an alarm ("我要报警吗", "现在停了", "没人帮我"): the action and the number again."""
    kind = (state.topic or "").partition(":")[2]
    return Turn(SAFETY_INTENT[kind], (answers.safety_still(state.language, kind),))

